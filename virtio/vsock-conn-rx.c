// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-vsock connections, host -> guest: the packets that go into the
 * guest's rx queue (the protocol and credit are in vsock-conn.c's primer).
 *
 * The guest supplies rx buffers; the device hands them over as slots
 * (vsock_conns__next_many) and we fill them in this order: RSTs for
 * connections already gone (a bounded queue; answers to junk may fill
 * only half of it), then the connections on the output list, round
 * robin. A connection is on that list while it owes a control packet
 * (REQUEST, RESPONSE, SHUTDOWN, CREDIT_UPDATE) or its backend may have
 * bytes and the guest has credit for them; each turn gives one packet, or
 * one batch.
 *
 * A batch: a connection's data is read from the backend once, straight
 * into up to VSOCK_RX_BATCH slots (Linux's rx buffers are 4 KiB each), at
 * most the guest's free space, peer_buf_alloc - (tx_cnt - peer_fwd_cnt);
 * each filled slot then gets its own RW header and length, at most 64 KiB.
 * A read with nothing there takes the connection off the list until the
 * backend reports it readable again; with no credit left, the backend
 * stops polling (vsock_conn__wants_read) until a header from the guest
 * moves its fwd_cnt on. The backend's end of stream becomes SHUTDOWN(SEND),
 * after everything read before it.
 *
 * Every header carries our current fwd_cnt, so each packet is also a
 * credit update.
 */
#include <endian.h>
#include <string.h>

#include "vsock-conn-internal.h"

enum out_result { OUT_NONE, OUT_PACKET, OUT_GONE };

/* Headers */

static void hdr_init(struct virtio_vsock_hdr *h, uint64_t guest_cid,
		     uint32_t local, uint32_t peer, uint16_t op)
{
	memset(h, 0, sizeof(*h));
	h->src_cid = htole64(VSOCK_HOST_CID);
	h->dst_cid = htole64(guest_cid);
	h->src_port = htole32(local);
	h->dst_port = htole32(peer);
	h->type = htole16(VIRTIO_VSOCK_TYPE_STREAM);
	h->op = htole16(op);
}

void vsock_conns__queue_rst(struct vsock_conns *t, uint32_t local,
			    uint32_t peer, bool forced)
{
	/* Unasked-for RSTs (answers to junk) may use only half the queue. */
	if (t->rst_count == VSOCK_RST_QUEUE ||
	    (!forced && t->rst_count >= VSOCK_RST_QUEUE / 2)) {
		t->rsts_dropped++;
		return;
	}
	hdr_init(&t->rst[(t->rst_head + t->rst_count++) % VSOCK_RST_QUEUE],
		 t->guest_cid, local, peer, VIRTIO_VSOCK_OP_RST);
}

static void fill_hdr(struct vsock_conn *c, struct virtio_vsock_hdr *h,
		     uint16_t op, uint32_t flags, uint32_t len)
{
	hdr_init(h, c->t->guest_cid, c->local_port, c->peer_port, op);
	h->len = htole32(len);
	h->flags = htole32(flags);
	h->buf_alloc = htole32(VSOCK_BUF_ALLOC);
	h->fwd_cnt = htole32(c->fwd_cnt);
	/* Every header tells the guest our fwd_cnt: a credit update. */
	c->fwd_cnt_sent = c->fwd_cnt;
	c->pending &= ~PEND_CREDIT;
}

/* The guest's credit */

uint32_t vsock_conn__peer_free(const struct vsock_conn *c)
{
	uint32_t in_flight = c->tx_cnt - c->peer_fwd_cnt;

	return in_flight >= c->peer_buf_alloc ? 0
					      : c->peer_buf_alloc - in_flight;
}

static bool can_send_data(const struct vsock_conn *c)
{
	return c->state == VSOCK_ESTABLISHED && !(c->our_shut & SHUT_SEND) &&
	       !(c->peer_shut & VIRTIO_VSOCK_SHUTDOWN_RCV) &&
	       vsock_conn__peer_free(c) > 0;
}

bool vsock_conn__wants_read(const struct vsock_conn *c)
{
	return !c->readable && can_send_data(c);
}

/* The output list */

void vsock_conn__kick(struct vsock_conn *c)
{
	struct vsock_conns *t = c->t;

	if (c->queued || (!c->pending && !(c->readable && can_send_data(c))))
		return;
	c->queued = true;
	c->out_next = NULL;
	if (t->out_tail)
		t->out_tail->out_next = c;
	else
		t->out_head = c;
	t->out_tail = c;
}

void vsock_conn__unqueue(struct vsock_conn *c)
{
	struct vsock_conns *t = c->t;
	struct vsock_conn **pp = &t->out_head, *prev = NULL;

	while (*pp != c) {
		prev = *pp;
		pp = &(*pp)->out_next;
	}
	*pp = c->out_next;
	if (t->out_tail == c)
		t->out_tail = prev;
	c->out_next = NULL;
	c->queued = false;
}

/* Packets */

/*
 * RW packets from the backend's bytes, if it has any: one read into as
 * many slots as the guest's credit covers. The number of slots filled.
 */
static enum out_result send_data(struct vsock_conn *c,
				 struct vsock_rx_slot *slots, unsigned int n,
				 unsigned int *used)
{
	struct iovec v[VSOCK_IOV_MAX];
	uint32_t credit = vsock_conn__peer_free(c), part[VSOCK_RX_BATCH];
	size_t total = 0, m;
	unsigned int j, nslots = 0;
	ssize_t r;
	int k = 0, kk, i;

	if (n > VSOCK_RX_BATCH)
		n = VSOCK_RX_BATCH;
	for (j = 0; j < n && credit && k < VSOCK_IOV_MAX; j++) {
		m = slots[j].room;
		if (m > VSOCK_MAX_PAYLOAD)
			m = VSOCK_MAX_PAYLOAD;
		if (m > credit)
			m = credit;
		kk = iov__slice(v + k, VSOCK_IOV_MAX - k, slots[j].iov,
				slots[j].iovcnt, slots[j].off, m);
		/* What the slice covers: less than m if v ran out. */
		for (m = 0, i = k; i < k + kk; i++)
			m += v[i].iov_len;
		if (!m)
			break;
		k += kk;
		part[j] = (uint32_t)m;
		credit -= (uint32_t)m;
		total += m;
		nslots++;
	}
	if (!nslots)
		return OUT_NONE;
	r = c->ops->read(c, v, k);
	if (r > 0) {
		if ((size_t)r > total)
			r = (ssize_t)total;
		c->tx_cnt += (uint32_t)r;
		for (j = 0; r > 0; j++) {
			m = (size_t)r < part[j] ? (size_t)r : part[j];
			fill_hdr(c, &slots[j].h, VIRTIO_VSOCK_OP_RW, 0,
				 (uint32_t)m);
			r -= (ssize_t)m;
		}
		*used = j;
		return OUT_PACKET;
	}
	if (r == VSOCK_AGAIN) {
		c->readable = false;
		vsock_conn__changed(c);
		return OUT_NONE;
	}
	if (r < 0) {
		vsock_conn__reset(c);
		return OUT_GONE;
	}
	/* End of stream: tell the guest, after everything already sent. */
	c->readable = false;
	c->our_shut |= SHUT_SEND;
	c->pending |= PEND_SHUTDOWN;
	if (vsock_conn__check_finish(c))
		return OUT_GONE;
	vsock_conn__changed(c);
	return OUT_NONE;
}

static enum out_result conn_output(struct vsock_conn *c,
				   struct vsock_rx_slot *slots, unsigned int n,
				   unsigned int *used)
{
	struct virtio_vsock_hdr *h = &slots[0].h;
	enum out_result r;

	*used = 1;
	if (c->pending & PEND_REQUEST) {
		c->pending &= ~PEND_REQUEST;
		fill_hdr(c, h, VIRTIO_VSOCK_OP_REQUEST, 0, 0);
		return OUT_PACKET;
	}
	if (c->pending & PEND_RESPONSE) {
		c->pending &= ~PEND_RESPONSE;
		fill_hdr(c, h, VIRTIO_VSOCK_OP_RESPONSE, 0, 0);
		return OUT_PACKET;
	}
	if (c->readable && can_send_data(c)) {
		r = send_data(c, slots, n, used);
		if (r != OUT_NONE)
			return r;
	}
	if (c->pending & PEND_SHUTDOWN) {
		c->pending &= ~PEND_SHUTDOWN;
		fill_hdr(c, h, VIRTIO_VSOCK_OP_SHUTDOWN, c->our_shut, 0);
		return OUT_PACKET;
	}
	if (c->pending & PEND_CREDIT) {
		fill_hdr(c, h, VIRTIO_VSOCK_OP_CREDIT_UPDATE, 0, 0);
		return OUT_PACKET;
	}
	return OUT_NONE;
}

bool vsock_conns__has_output(const struct vsock_conns *t)
{
	return t->rst_count || t->out_head;
}

unsigned int vsock_conns__next_many(struct vsock_conns *t,
				    struct vsock_rx_slot *slots, unsigned int n)
{
	struct vsock_conn *c;
	unsigned int used;

	if (!n)
		return 0;
	for (;;) {
		if (t->rst_count) {
			slots[0].h = t->rst[t->rst_head];
			t->rst_head = (t->rst_head + 1) % VSOCK_RST_QUEUE;
			t->rst_count--;
			return 1;
		}
		c = t->out_head;
		if (!c)
			return 0;
		switch (conn_output(c, slots, n, &used)) {
		case OUT_PACKET:
			/* To the back of the line: round robin. */
			vsock_conn__unqueue(c);
			vsock_conn__kick(c);
			return used;
		case OUT_NONE:
			vsock_conn__unqueue(c);
			break;
		case OUT_GONE:
			break;
		}
	}
}

bool vsock_conns__next(struct vsock_conns *t, struct virtio_vsock_hdr *h,
		       const struct iovec *iov, int iovcnt, size_t room)
{
	struct vsock_rx_slot s = { .iov = iov, .iovcnt = iovcnt, .room = room };

	if (!vsock_conns__next_many(t, &s, 1))
		return false;
	*h = s.h;
	return true;
}

void vsock_conn__readable(struct vsock_conn *c)
{
	c->readable = true;
	vsock_conn__kick(c);
	vsock_conn__changed(c);
}
