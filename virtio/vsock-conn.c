// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-vsock stream connections: the state machine and credit flow
 * control, seen from the host (CID 2). Virtio 1.2, section 5.10.6.
 *
 * Packets. Every packet, either way, is a struct virtio_vsock_hdr: source
 * and destination (CID, port), an op, a payload length (RW only) and the
 * sender's credit fields. A connection is one pair of ports: ours (the
 * host's) and the guest's; the CIDs are fixed (the guest's, set by
 * --vsock, and 2), and a packet carrying any other CID is malformed.
 *
 * Life of a connection:
 *   REQUEST   the initiator asks; the other side answers RESPONSE
 *             (accepted) or RST (nothing listens there).
 *   RW        payload bytes, at most 64 KiB per packet.
 *   SHUTDOWN  flags RCV ("I will read no more") and SEND ("I will send no
 *             more": the other side's reads then end). Cumulative.
 *   RST       the connection is gone, at once. Never answered.
 * Linux closes a socket by sending SHUTDOWN(RCV|SEND) and then waits (8 s)
 * for our RST; when we send SHUTDOWN(SEND) it sees end of stream. So when
 * the guest has shut SEND (and we wrote out everything it sent) and we
 * have shut SEND too, or the guest shut both ways, we send RST to finish.
 *
 * Credit. Neither side may send more than the other can buffer. Every
 * header carries the sender's buf_alloc (its receive buffer size) and
 * fwd_cnt (bytes it has received and consumed so far, mod 2^32). The
 * sender counts tx_cnt, bytes sent, so the receiver's free space is
 *     peer_buf_alloc - (tx_cnt - peer_fwd_cnt)
 * and no RW may carry more. The receiver's fwd_cnt only reaches the
 * sender in some later header: if the receiver consumes data but sends
 * nothing, the sender stalls. So after consuming, when the free space the
 * sender last heard of (buf_alloc - (rx_cnt - fwd_cnt_sent)) falls below a
 * threshold, the receiver sends a CREDIT_UPDATE (a bare header). A
 * CREDIT_REQUEST asks for one.
 *
 * Our side. Guest -> host: bytes count as consumed (fwd_cnt) once the
 * backend took them (written to the host socket, or returned from a
 * service's recv); what a socket cannot take now waits in a per-connection
 * ring of VSOCK_BUF_ALLOC bytes, which is exactly what we advertise, so a
 * guest that sends more than buf_alloc - (rx_cnt - fwd_cnt) overran its
 * credit and is reset. Host -> guest (vsock-conn-rx.c): we read from the
 * backend straight into the guest's rx buffers, never more than the
 * guest's free space; with no credit left we stop reading (the backend
 * stops polling) until a header from the guest moves its fwd_cnt on.
 *
 * Output (vsock-conn-rx.c). What we owe the guest waits until it supplies rx
 * buffers: RSTs for connections already gone (a bounded queue), then the
 * connections on the output list, round robin, each with its control packets
 * before data. Every packet we send carries our current fwd_cnt, so it also
 * serves as a credit update.
 *
 * Anything malformed (bad CID, type, op or length, data in the wrong
 * state, credit overrun) resets that one connection and nothing else.
 *
 * This file: the connection table, the state machine, and what comes from
 * the guest (its packets, their payload to the backend, our credit).
 * vsock-conn-rx.c: what goes to the guest. vsock-conn-internal.h: what the
 * two share.
 */
#include "vsock-conn.h"

#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/log.h"
#include "vsock-conn-internal.h"

/* The table */

static unsigned int hash(uint32_t local, uint32_t peer)
{
	return (local * 2654435761U ^ peer * 40503U) % VSOCK_HASH_SIZE;
}

void vsock_conns__init(struct vsock_conns *t, uint64_t guest_cid,
		       int (*accept)(void *ctx, struct vsock_conn *c),
		       void *ctx)
{
	memset(t, 0, sizeof(*t));
	t->guest_cid = guest_cid;
	t->accept = accept;
	t->ctx = ctx;
	t->next_port = VSOCK_EPHEMERAL_BASE;
}

struct vsock_conn *vsock_conns__find(struct vsock_conns *t, uint32_t local_port,
				     uint32_t peer_port)
{
	struct vsock_conn *c = t->hash[hash(local_port, peer_port)];

	while (c && (c->local_port != local_port || c->peer_port != peer_port))
		c = c->hnext;
	return c;
}

static struct vsock_conn *conn_new(struct vsock_conns *t, uint32_t local,
				   uint32_t peer)
{
	struct vsock_conn *c;
	unsigned int h = hash(local, peer);

	if (t->nr >= VSOCK_MAX_CONNS)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->t = t;
	c->local_port = local;
	c->peer_port = peer;
	c->hnext = t->hash[h];
	t->hash[h] = c;
	c->next = t->all;
	if (t->all)
		t->all->prev = c;
	t->all = c;
	t->nr++;
	return c;
}

static void conn_release(struct vsock_conn *c)
{
	struct vsock_conns *t = c->t;
	struct vsock_conn **pp = &t->hash[hash(c->local_port, c->peer_port)];

	while (*pp != c)
		pp = &(*pp)->hnext;
	*pp = c->hnext;
	if (c->prev)
		c->prev->next = c->next;
	else
		t->all = c->next;
	if (c->next)
		c->next->prev = c->prev;
	if (c->queued)
		vsock_conn__unqueue(c);
	t->nr--;
	if (c->ops)
		c->ops->release(c);
	free(c->buf);
	free(c);
}

void vsock_conns__reset_all(struct vsock_conns *t)
{
	while (t->all)
		conn_release(t->all);
	t->rst_head = t->rst_count = 0;
}

/* The state machine */

void vsock_conn__reset(struct vsock_conn *c)
{
	/* A REQUEST still unsent needs no RST to cancel it. */
	if (!(c->pending & PEND_REQUEST))
		vsock_conns__queue_rst(c->t, c->local_port, c->peer_port, true);
	conn_release(c);
}

/*
 * After a shutdown or a flush: pass the guest's end of stream on, and end
 * the connection once both directions are done. True if c is gone.
 */
bool vsock_conn__check_finish(struct vsock_conn *c)
{
	bool guest_done = (c->peer_shut & SHUT_SEND) && !c->buf_len;

	if (guest_done && !c->write_shut) {
		c->write_shut = true;
		if (c->ops->shutdown_write)
			c->ops->shutdown_write(c);
	}
	if ((guest_done && c->peer_shut == SHUT_BOTH) ||
	    (guest_done && (c->our_shut & SHUT_SEND))) {
		vsock_conn__reset(c);
		return true;
	}
	/* Closed by the guest, but the host end does not drain: not forever. */
	if (c->peer_shut == SHUT_BOTH && !c->deadline_ms)
		c->deadline_ms = c->t->now_ms + VSOCK_TIMEOUT_MS;
	return false;
}

/* Input */

/* Our fwd_cnt moved: the guest must hear of it before it stalls. */
static void maybe_credit_update(struct vsock_conn *c)
{
	uint32_t unacked = c->rx_cnt - c->fwd_cnt_sent;
	uint32_t seen_free =
		unacked >= VSOCK_BUF_ALLOC ? 0 : VSOCK_BUF_ALLOC - unacked;

	if (c->fwd_cnt != c->fwd_cnt_sent &&
	    seen_free < VSOCK_CREDIT_THRESHOLD) {
		c->pending |= PEND_CREDIT;
		vsock_conn__kick(c);
	}
}

static int buf_put(struct vsock_conn *c, const struct iovec *iov, int iovcnt,
		   size_t off, uint32_t len)
{
	uint32_t tail, first;

	if (!c->buf) {
		c->buf = malloc(VSOCK_BUF_ALLOC);
		if (!c->buf)
			return -1;
		c->buf_head = 0;
	}
	tail = (c->buf_head + c->buf_len) % VSOCK_BUF_ALLOC;
	first = VSOCK_BUF_ALLOC - tail < len ? VSOCK_BUF_ALLOC - tail : len;
	iov__to_buf(c->buf + tail, iov, iovcnt, off, first);
	iov__to_buf(c->buf, iov, iovcnt, off + first, len - first);
	c->buf_len += len;
	return 0;
}

/* RW payload from the guest. True if c is gone. */
static bool conn_data(struct vsock_conn *c, const struct iovec *iov, int iovcnt,
		      uint32_t len)
{
	struct iovec v[VSOCK_IOV_MAX];
	ssize_t n = 0;
	int k;

	if (len > VSOCK_BUF_ALLOC - (c->rx_cnt - c->fwd_cnt)) {
		c->t->bad_packets++;
		pr_debug("virtio-vsock: guest port %u overran its credit",
			 c->peer_port);
		vsock_conn__reset(c);
		return true;
	}
	c->rx_cnt += len;
	if (!c->buf_len && len) {
		k = iov__slice(v, VSOCK_IOV_MAX, iov, iovcnt, 0, len);
		n = c->ops->write(c, v, k);
		if (n < 0) {
			vsock_conn__reset(c);
			return true;
		}
		if ((size_t)n > len)
			n = len;
		c->fwd_cnt += (uint32_t)n;
	}
	if ((uint32_t)n < len) {
		if (buf_put(c, iov, iovcnt, (size_t)n, len - (uint32_t)n)) {
			vsock_conn__reset(c);
			return true;
		}
		vsock_conn__changed(c);
	}
	maybe_credit_update(c);
	return false;
}

bool vsock_conn__wants_write(const struct vsock_conn *c)
{
	return c->buf_len > 0;
}

void vsock_conn__writable(struct vsock_conn *c)
{
	struct iovec v[2];
	uint32_t first;
	ssize_t n;
	int k = 1;

	if (c->buf_len) {
		first = VSOCK_BUF_ALLOC - c->buf_head;
		if (first > c->buf_len)
			first = c->buf_len;
		v[0].iov_base = c->buf + c->buf_head;
		v[0].iov_len = first;
		if (first < c->buf_len) {
			v[1].iov_base = c->buf;
			v[1].iov_len = c->buf_len - first;
			k = 2;
		}
		n = c->ops->write(c, v, k);
		if (n < 0) {
			vsock_conn__reset(c);
			return;
		}
		if ((uint32_t)n > c->buf_len)
			n = c->buf_len;
		c->fwd_cnt += (uint32_t)n;
		c->buf_head = (c->buf_head + (uint32_t)n) % VSOCK_BUF_ALLOC;
		c->buf_len -= (uint32_t)n;
		if (!c->buf_len) {
			free(c->buf);
			c->buf = NULL;
			c->buf_head = 0;
		}
		maybe_credit_update(c);
	}
	if (vsock_conn__check_finish(c))
		return;
	vsock_conn__changed(c);
}

void vsock_conn__accepted(struct vsock_conn *c)
{
	c->state = VSOCK_ESTABLISHED;
	c->deadline_ms = 0;
	c->pending |= PEND_RESPONSE;
	vsock_conn__kick(c);
	vsock_conn__changed(c);
}

/* What makes a packet from the guest malformed, or NULL. */
static const char *packet_error(const struct vsock_conns *t,
				const struct virtio_vsock_hdr *h, size_t avail)
{
	uint16_t op = le16toh(h->op);
	uint32_t len = le32toh(h->len);

	if (le64toh(h->src_cid) != t->guest_cid)
		return "wrong source CID";
	if (le64toh(h->dst_cid) != VSOCK_HOST_CID)
		return "wrong destination CID";
	if (le16toh(h->type) != VIRTIO_VSOCK_TYPE_STREAM)
		return "not a stream packet";
	if (op < VIRTIO_VSOCK_OP_REQUEST || op > VIRTIO_VSOCK_OP_CREDIT_REQUEST)
		return "unknown op";
	if (len > VSOCK_MAX_PAYLOAD || len > avail)
		return "payload length beyond the packet";
	if (len && op != VIRTIO_VSOCK_OP_RW)
		return "payload on a control packet";
	return NULL;
}

static void conn_incoming(struct vsock_conns *t,
			  const struct virtio_vsock_hdr *h, uint32_t local,
			  uint32_t peer)
{
	struct vsock_conn *c = conn_new(t, local, peer);
	int r;

	if (!c) {
		vsock_conns__queue_rst(t, local, peer, false);
		return;
	}
	c->state = VSOCK_ACCEPTING;
	c->peer_buf_alloc = le32toh(h->buf_alloc);
	c->peer_fwd_cnt = le32toh(h->fwd_cnt);
	r = t->accept ? t->accept(t->ctx, c) : -1;
	if (r < 0) {
		c->ops = NULL; /* refused: no backend to release */
		vsock_conn__reset(c);
	} else if (r == 0) {
		vsock_conn__accepted(c);
	} else {
		c->deadline_ms = t->now_ms + VSOCK_TIMEOUT_MS;
	}
}

void vsock_conns__recv(struct vsock_conns *t, const struct virtio_vsock_hdr *h,
		       const struct iovec *iov, int iovcnt, size_t avail)
{
	uint32_t local = le32toh(h->dst_port), peer = le32toh(h->src_port);
	struct vsock_conn *c = vsock_conns__find(t, local, peer);
	uint16_t op = le16toh(h->op);
	const char *bad = packet_error(t, h, avail);

	if (bad) {
		t->bad_packets++;
		pr_debug(
			"virtio-vsock: %s (op %u, guest port %u, host port %u): reset",
			bad, op, peer, local);
		if (c)
			vsock_conn__reset(c);
		else if (op != VIRTIO_VSOCK_OP_RST)
			vsock_conns__queue_rst(t, local, peer, false);
		return;
	}
	if (op == VIRTIO_VSOCK_OP_RST) {
		if (c)
			conn_release(c);
		return;
	}
	if (!c) {
		if (op == VIRTIO_VSOCK_OP_REQUEST)
			conn_incoming(t, h, local, peer);
		else
			vsock_conns__queue_rst(t, local, peer, false);
		return;
	}
	/* Every header carries the guest's credit. */
	c->peer_buf_alloc = le32toh(h->buf_alloc);
	c->peer_fwd_cnt = le32toh(h->fwd_cnt);

	switch (op) {
	case VIRTIO_VSOCK_OP_RESPONSE:
		if (c->state != VSOCK_CONNECTING || (c->pending & PEND_REQUEST))
			goto reset;
		c->state = VSOCK_ESTABLISHED;
		c->deadline_ms = 0;
		if (c->ops->connected && c->ops->connected(c)) {
			vsock_conn__reset(c);
			return;
		}
		break;
	case VIRTIO_VSOCK_OP_RW:
		if (c->state != VSOCK_ESTABLISHED || (c->peer_shut & SHUT_SEND))
			goto reset;
		if (conn_data(c, iov, iovcnt, le32toh(h->len)))
			return;
		break;
	case VIRTIO_VSOCK_OP_SHUTDOWN:
		if (c->state != VSOCK_ESTABLISHED)
			goto reset;
		c->peer_shut |= le32toh(h->flags) & SHUT_BOTH;
		if (vsock_conn__check_finish(c))
			return;
		break;
	case VIRTIO_VSOCK_OP_CREDIT_REQUEST:
		/* Before RESPONSE, Linux takes anything else as an error. */
		if (c->state == VSOCK_ESTABLISHED)
			c->pending |= PEND_CREDIT;
		break;
	case VIRTIO_VSOCK_OP_CREDIT_UPDATE:
		break;
	default: /* a second REQUEST on a live connection */
		goto reset;
	}
	vsock_conn__kick(c);
	vsock_conn__changed(c);
	return;
reset:
	t->bad_packets++;
	pr_debug(
		"virtio-vsock: op %u out of place (guest port %u, host port %u): reset",
		op, peer, local);
	vsock_conn__reset(c);
}

struct vsock_conn *vsock_conns__connect(struct vsock_conns *t,
					uint32_t peer_port,
					const struct vsock_conn_ops *ops,
					void *be)
{
	struct vsock_conn *c;
	uint32_t port;

	do {
		port = t->next_port++;
		if (t->next_port == UINT32_MAX)
			t->next_port = VSOCK_EPHEMERAL_BASE;
	} while (vsock_conns__find(t, port, peer_port));
	c = conn_new(t, port, peer_port);
	if (!c)
		return NULL;
	c->ops = ops;
	c->be = be;
	c->state = VSOCK_CONNECTING;
	c->pending = PEND_REQUEST;
	c->deadline_ms = t->now_ms + VSOCK_TIMEOUT_MS;
	vsock_conn__kick(c);
	return c;
}

void vsock_conns__expire(struct vsock_conns *t)
{
	struct vsock_conn *c, *next;

	for (c = t->all; c; c = next) {
		next = c->next;
		if (c->deadline_ms && t->now_ms >= c->deadline_ms) {
			pr_debug(
				"virtio-vsock: host port %u, guest port %u: timed out",
				c->local_port, c->peer_port);
			vsock_conn__reset(c);
		}
	}
}

bool vsock_conns__has_deadline(const struct vsock_conns *t)
{
	const struct vsock_conn *c;

	for (c = t->all; c; c = c->next)
		if (c->deadline_ms)
			return true;
	return false;
}
