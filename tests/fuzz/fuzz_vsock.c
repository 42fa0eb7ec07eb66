// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzes the virtio-vsock tx path: the virtqueue chain walker
 * (virtio/virtqueue.c) over a fake guest memory built from the input, and
 * every chain it yields as a packet to the connection layer
 * (virtio/vsock-conn.c), as vsock.c's tx path does, with a fake backend
 * and fake device events scripted by the input. What the connections owe
 * the guest is drained (vsock_conns__next) into scratch rx buffers. The
 * connection table's invariants (credit, buffer, counts) are checked after
 * every step; a violation aborts.
 *
 * Input: a struct cfg (queue size, features, RAM size), then the guest
 * memory: RAM at GPA 0x10000, with the descriptor table at its start, the
 * available ring right after it and the used ring after that (4-aligned);
 * then, to the end, the script: bytes the fake backend and the event loop
 * consume (how much a write takes, what a read returns, accept's answer,
 * the events between packets); when it runs out, writes take everything
 * and reads have nothing (VSOCK_AGAIN).
 *
 * Host port SVC_PORT is a privileged in-VMM service (vsock-svc.c, as the
 * shared directories' port): an echo, which aborts if it is ever handed a
 * connection from a guest port above VSOCK_PRIVILEGED_PORT_MAX.
 *
 * Run:
 *   make fuzz
 *   mkdir /tmp/c && TURTLE_FUZZ_SEEDS=/tmp/c build/fuzz/fuzz_vsock
 *   build/fuzz/fuzz_vsock /tmp/c
 * or tests/fuzz/run.sh [SECONDS], which runs every harness.
 */
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/eventfd.h>

#include "../../virtio/virtqueue.h"
#include "../../virtio/vsock-conn.h"
#include "../../virtio/vsock-svc.h"

#define GUEST_CID 3
#define RAM_BASE 0x10000ULL
#define MAX_RAM (1u << 16)
#define HDR_SIZE sizeof(struct virtio_vsock_hdr)

struct cfg {
	uint8_t size_log2; /* queue size 1 << (size_log2 % 9) */
	uint8_t features;  /* bit 0: INDIRECT_DESC, bit 1: EVENT_IDX */
	uint16_t ram_len;
};

/* The fake backend's state, one per connection. */
struct be {
	bool accept_later; /* accept returned 1: accepted() may follow */
};

static const uint8_t *script, *script_end;
static volatile uint8_t touched;
static FILE *err; /* stderr, kept by -close_fd_mask=2 */

static int next_byte(int dflt)
{
	return script < script_end ? *script++ : dflt;
}

static size_t iov_total(const struct iovec *iov, int n)
{
	size_t t = 0;
	int i;

	for (i = 0; i < n; i++)
		t += iov[i].iov_len;
	return t;
}

static ssize_t be_write(struct vsock_conn *c, const struct iovec *iov,
			int iovcnt)
{
	size_t total = iov_total(iov, iovcnt), n;
	int v = next_byte(0x80), i;

	(void)c;
	if (v == 0xff)
		return -1;
	n = v >= 0x80 ? total : (size_t)v * 97;
	if (n > total)
		n = total;
	/* Touch what is taken: ASan checks the iovecs are real. */
	for (i = 0; i < iovcnt; i++)
		if (iov[i].iov_len)
			touched += ((uint8_t *)iov[i]
					    .iov_base)[iov[i].iov_len - 1];
	return (ssize_t)n;
}

static ssize_t be_read(struct vsock_conn *c, const struct iovec *iov,
		       int iovcnt)
{
	size_t total = iov_total(iov, iovcnt), n, done = 0;
	int v = next_byte(0xfe), i;

	(void)c;
	if (v == 0xff)
		return -1;
	if (v == 0xfe)
		return VSOCK_AGAIN;
	n = (size_t)v * 61;
	if (n > total)
		n = total;
	for (i = 0; i < iovcnt && done < n; i++) {
		size_t k =
			iov[i].iov_len < n - done ? iov[i].iov_len : n - done;

		memset(iov[i].iov_base, 'r', k);
		done += k;
	}
	return (ssize_t)n;
}

static void be_shutdown_write(struct vsock_conn *c)
{
	(void)c;
}

static int be_connected(struct vsock_conn *c)
{
	(void)c;
	return next_byte(0) == 0xff ? -1 : 0;
}

static void be_changed(struct vsock_conn *c)
{
	(void)c;
}

static void be_release(struct vsock_conn *c)
{
	free(c->be);
	c->be = NULL;
}

static const struct vsock_conn_ops be_ops = {
	.write = be_write,
	.read = be_read,
	.shutdown_write = be_shutdown_write,
	.connected = be_connected,
	.changed = be_changed,
	.release = be_release,
};

/* The privileged echo service on SVC_PORT. */
#define SVC_PORT 7001
static struct vsock_svcs svcs;
static struct vsock_conn *accepting;

static void *svc_accept(void *svc, struct vsock_stream *s)
{
	(void)svc;
	if (!accepting || accepting->peer_port > VSOCK_PRIVILEGED_PORT_MAX) {
		fprintf(err,
			"fuzz: privileged service reached from guest port %u\n",
			accepting ? accepting->peer_port : 0);
		abort();
	}
	return s;
}

/* Echo; takes a byte of 0xfe and what follows only after a resume. */
static ssize_t svc_recv(void *conn, const void *buf, size_t len)
{
	const uint8_t *p = buf, *hold;
	struct iovec v = { .iov_base = (void *)buf, .iov_len = len };

	if (len && p[0] == 0xff)
		return -1; /* a malformed stream */
	hold = memchr(p, 0xfe, len);
	if (hold == p) {
		vsock_stream__resume(conn); /* at the next poll */
		return 0;
	}
	if (hold)
		v.iov_len = (size_t)(hold - p);
	return vsock_stream__send(conn, &v, 1) ? -1 : (ssize_t)v.iov_len;
}

static void svc_closed(void *conn)
{
	vsock_stream__put(conn);
}

static const struct vsock_service_ops svc_ops = {
	.privileged = true,
	.accept = svc_accept,
	.recv = svc_recv,
	.closed = svc_closed,
};

static int accept_conn(void *ctx, struct vsock_conn *c)
{
	int v, r;
	struct be *b;

	(void)ctx;
	if (c->local_port == SVC_PORT) {
		accepting = c;
		r = vsock_svcs__accept(&svcs, c);
		accepting = NULL;
		return r;
	}
	v = next_byte(2);
	if (v == 0)
		return -1;
	b = calloc(1, sizeof(*b));
	if (!b)
		abort();
	c->ops = &be_ops;
	c->be = b;
	b->accept_later = v == 1;
	return v == 1 ? 1 : 0;
}

static void fail(const char *what, const struct vsock_conn *c)
{
	fprintf(err, "fuzz: vsock invariant broken: %s (port %u:%u)\n", what,
		c ? c->local_port : 0, c ? c->peer_port : 0);
	abort();
}

/* The connection table's invariants. */
static void check(const struct vsock_conns *t)
{
	const struct vsock_conn *c, *o;
	unsigned int n = 0;

	if (t->rst_count > VSOCK_RST_QUEUE)
		fail("rst_count", NULL);
	for (c = t->all; c; c = c->next) {
		if (++n > VSOCK_MAX_CONNS)
			fail("too many connections", c);
		if (c->buf_len > VSOCK_BUF_ALLOC)
			fail("buf_len beyond the buffer", c);
		if (c->rx_cnt - c->fwd_cnt != c->buf_len)
			fail("rx_cnt - fwd_cnt != buf_len", c);
		if (c->buf_len && !c->buf)
			fail("bytes waiting with no buffer", c);
		if (c->buf_head >= VSOCK_BUF_ALLOC)
			fail("buf_head", c);
		if (!c->ops)
			fail("no backend", c);
		if (vsock_conns__find((struct vsock_conns *)t, c->local_port,
				      c->peer_port) != c)
			fail("not found by its ports", c);
		if (c->queued) {
			for (o = t->out_head; o && o != c; o = o->out_next)
				;
			if (!o)
				fail("queued but not on the output list", c);
		}
	}
	if (n != t->nr)
		fail("nr", NULL);
	for (o = t->out_head; o; o = o->out_next)
		if (!o->queued)
			fail("on the output list, not queued", o);
}

/* Give the guest what it is owed, into scratch rx buffers. */
static void drain(struct vsock_conns *t, int budget)
{
	static uint8_t rx[VSOCK_MAX_PAYLOAD];
	struct virtio_vsock_hdr h;
	struct iovec iov[2];
	size_t room;
	int v;

	while (budget-- > 0 && vsock_conns__has_output(t)) {
		v = next_byte(0x80);
		room = v >= 0x80 ? sizeof(rx) : (size_t)v * 67 + 1;
		if (room > sizeof(rx))
			room = sizeof(rx);
		/* Two pieces, the second starting mid-way: a split buffer. */
		iov[0].iov_base = rx;
		iov[0].iov_len = room / 2;
		iov[1].iov_base = rx + room / 2;
		iov[1].iov_len = room - room / 2;
		if (!vsock_conns__next(t, &h, iov[0].iov_len ? iov : iov + 1,
				       iov[0].iov_len ? 2 : 1, room))
			break;
		if (le32toh(h.len) > room || le64toh(h.src_cid) != 2 ||
		    le64toh(h.dst_cid) != GUEST_CID)
			fail("a bad packet for the guest", NULL);
		check(t);
	}
}

/* The n-th connection, or NULL. */
static struct vsock_conn *nth(struct vsock_conns *t, int n)
{
	struct vsock_conn *c = t->all;

	while (c && n--)
		c = c->next;
	return c;
}

/* A device event between packets, as the script says. */
static void event(struct vsock_conns *t)
{
	int v = next_byte(0);
	struct vsock_conn *c = nth(t, (v >> 3) & 7);
	struct be *b;

	switch (v & 7) {
	case 1:
		if (c)
			vsock_conn__writable(c);
		break;
	case 2:
		if (c)
			vsock_conn__readable(c);
		break;
	case 3:
		b = c ? c->be : NULL;
		if (b && b->accept_later && c->state == VSOCK_ACCEPTING) {
			b->accept_later = false;
			vsock_conn__accepted(c);
		}
		break;
	case 4:
		if (c)
			vsock_conn__reset(c);
		break;
	case 5:
		t->now_ms += (uint64_t)next_byte(0) * 100;
		vsock_conns__expire(t);
		break;
	case 6:
		b = calloc(1, sizeof(*b));
		if (!b)
			abort();
		if (!vsock_conns__connect(t, 1000 + (v >> 3), &be_ops, b))
			free(b);
		break;
	case 7:
		drain(t, 4);
		break;
	}
	check(t);
}

/* As vsock.c's vsock__tx_packet (static there): one chain, one packet. */
static void tx_packet(struct vsock_conns *t, const struct vq_chain *ch)
{
	struct iovec pay[VSOCK_IOV_MAX];
	struct virtio_vsock_hdr h;
	size_t avail;
	int k;

	if (ch->out_len < HDR_SIZE)
		return;
	iov__to_buf(&h, ch->iov, (int)ch->n_out, 0, HDR_SIZE);
	avail = ch->out_len - HDR_SIZE;
	k = iov__slice(pay, VSOCK_IOV_MAX, ch->iov, (int)ch->n_out, HDR_SIZE,
		       avail);
	vsock_conns__recv(t, &h, pay, k, avail);
}

static void check_chain(const struct vq_chain *ch, const uint8_t *ram,
			size_t len)
{
	uint64_t out = 0, in = 0;
	unsigned int i;

	if (ch->n_out + ch->n_in > VQ_MAX_SEGS)
		fail("chain too long", NULL);
	for (i = 0; i < ch->n_out + ch->n_in; i++) {
		const uint8_t *p = ch->iov[i].iov_base;

		if (p < ram || ch->iov[i].iov_len > len ||
		    (size_t)(p - ram) > len - ch->iov[i].iov_len)
			fail("a buffer outside RAM", NULL);
		if (i < ch->n_out)
			out += ch->iov[i].iov_len;
		else
			in += ch->iov[i].iov_len;
	}
	if (out != ch->out_len || in != ch->in_len)
		fail("chain lengths", NULL);
}

/* Queue areas for a queue of size at the start of RAM. */
static void layout(uint16_t size, uint64_t *desc, uint64_t *avail,
		   uint64_t *used, uint64_t *end)
{
	*desc = RAM_BASE;
	*avail = *desc + 16ULL * size;
	*used = (*avail + 6 + 2ULL * size + 3) & ~3ULL;
	*end = *used + 6 + 8ULL * size;
}

/* The service's wake-ups, as the device thread's loop reads them. */
static void drain_fd_svc(void)
{
	uint64_t v;

	if (read(svcs.wake_fd, &v, sizeof(v)) < 0) {
		/* EAGAIN: no wake-up */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vq_chain ch;
	struct vsock_conns t;
	struct virtqueue vq;
	struct guest_mem mem;
	struct cfg cfg;
	uint64_t desc, avail, used, end;
	enum vq_pop_result r;
	uint16_t qsize;
	size_t ram_len;
	uint8_t *ram;
	bool any;

	if (size < sizeof(cfg))
		return 0;
	memcpy(&cfg, data, sizeof(cfg));
	data += sizeof(cfg);
	size -= sizeof(cfg);
	ram_len = cfg.ram_len < size ? cfg.ram_len : size;
	script = data + ram_len;
	script_end = data + size;
	/* Exactly the input's bytes: ASan sees any access beyond RAM. */
	ram = malloc(ram_len ? ram_len : 1);
	if (!ram)
		abort();
	memcpy(ram, data, ram_len);
	mem = (struct guest_mem){ .host = ram,
				  .base = RAM_BASE,
				  .size = ram_len };
	qsize = (uint16_t)(1u << (cfg.size_log2 % 9));
	layout(qsize, &desc, &avail, &used, &end);

	vsock_conns__init(&t, GUEST_CID, accept_conn, NULL);
	if (vq__setup(&vq, &mem, qsize, desc, avail, used, cfg.features & 2,
		      cfg.features & 1))
		goto out;
	/* As vsock__process_tx. */
	do {
		any = false;
		vq__disable_kicks(&vq);
		while ((r = vq__pop(&vq, &ch)) == VQ_CHAIN) {
			check_chain(&ch, ram, ram_len);
			tx_packet(&t, &ch);
			vq__push(&vq, ch.head, 0);
			any = true;
			check(&t);
			event(&t);
		}
		if (any)
			vq__should_notify(&vq);
		if (r == VQ_BAD)
			break;
	} while (vq__enable_kicks(&vq));
	while (script < script_end)
		event(&t);
	drain_fd_svc();
	vsock_svcs__poll(&svcs);
	drain(&t, 64);
out:
	vsock_conns__reset_all(&t);
	free(ram);
	return 0;
}

/* Seeds: a memory image with chains, built in place. */
struct img {
	uint8_t ram[MAX_RAM];
	uint16_t qsize, n; /* descriptors used */
	uint16_t heads;	   /* chains published */
	uint32_t data;	   /* next free byte for buffers */
	uint64_t desc, avail, used, end;
};

static uint64_t put_buf(struct img *m, const void *p, uint32_t len)
{
	uint64_t gpa = RAM_BASE + m->data;

	memcpy(m->ram + m->data, p, len);
	m->data += (len + 15) & ~15u;
	return gpa;
}

static void put_desc(struct img *m, uint16_t i, uint64_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	struct vring_desc d = { .addr = htole64(addr),
				.len = htole32(len),
				.flags = htole16(flags),
				.next = htole16(next) };

	memcpy(m->ram + (m->desc - RAM_BASE) + 16 * i, &d, sizeof(d));
}

static void publish(struct img *m, uint16_t head)
{
	uint8_t *a = m->ram + (m->avail - RAM_BASE);
	uint16_t v = htole16(head);

	memcpy(a + 4 + 2 * (m->heads % m->qsize), &v, 2);
	m->heads++;
	v = htole16(m->heads);
	memcpy(a + 2, &v, 2);
}

/* Guest port 5000 to host port 1234, or as set here. */
static uint32_t gport = 5000, hport = 1234;

static struct virtio_vsock_hdr pkt(uint16_t op, uint32_t len, uint32_t flags)
{
	struct virtio_vsock_hdr h = { 0 };

	h.src_cid = htole64(GUEST_CID);
	h.dst_cid = htole64(2);
	h.src_port = htole32(gport);
	h.dst_port = htole32(hport);
	h.len = htole32(len);
	h.type = htole16(VIRTIO_VSOCK_TYPE_STREAM);
	h.op = htole16(op);
	h.flags = htole32(flags);
	h.buf_alloc = htole32(65536);
	return h;
}

/* A packet in one descriptor, or header and payload in two. */
static void chain(struct img *m, uint16_t op, const char *payload,
		  uint32_t flags, bool split)
{
	uint32_t len = payload ? (uint32_t)strlen(payload) : 0;
	struct virtio_vsock_hdr h = pkt(op, len, flags);
	uint8_t b[HDR_SIZE + 64];
	uint16_t head = m->n;

	if (split && len) {
		put_desc(m, m->n, put_buf(m, &h, HDR_SIZE), HDR_SIZE,
			 VRING_DESC_F_NEXT, (uint16_t)(m->n + 1));
		m->n++;
		put_desc(m, m->n, put_buf(m, payload, len), len, 0, 0);
		m->n++;
	} else {
		memcpy(b, &h, HDR_SIZE);
		if (len)
			memcpy(b + HDR_SIZE, payload, len);
		put_desc(m, m->n, put_buf(m, b, HDR_SIZE + len), HDR_SIZE + len,
			 0, 0);
		m->n++;
	}
	publish(m, head);
}

static void img_init(struct img *m, uint16_t qsize)
{
	memset(m, 0, sizeof(*m));
	m->qsize = qsize;
	layout(qsize, &m->desc, &m->avail, &m->used, &m->end);
	m->data = (uint32_t)((m->end - RAM_BASE + 15) & ~15ULL);
}

static void write_seed(const char *dir, const char *name, const struct img *m,
		       uint8_t features, const uint8_t *scr, uint16_t slen)
{
	struct cfg cfg = { .features = features, .ram_len = (uint16_t)m->data };
	char path[512];
	FILE *f;

	while ((1u << cfg.size_log2) != m->qsize)
		cfg.size_log2++;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(&cfg, sizeof(cfg), 1, f) != 1 ||
	    fwrite(m->ram, 1, m->data, f) != m->data ||
	    (slen && fwrite(scr, 1, slen, f) != slen) || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void seeds(const char *dir)
{
	static struct img m;
	/* accept now; write takes all; events: readable, drain, ... */
	static const uint8_t scr[] = { 2, 0x80, 0x80, 0x0a, 0x07, 0x05, 10 };
	struct virtio_vsock_hdr h;
	struct vring_desc ind[2];
	uint64_t t;

	/* Connect, data, credit request, shutdown both ways. */
	img_init(&m, 8);
	chain(&m, VIRTIO_VSOCK_OP_REQUEST, NULL, 0, false);
	chain(&m, VIRTIO_VSOCK_OP_RW, "hello", 0, false);
	chain(&m, VIRTIO_VSOCK_OP_RW, "split payload", 0, true);
	chain(&m, VIRTIO_VSOCK_OP_CREDIT_REQUEST, NULL, 0, false);
	chain(&m, VIRTIO_VSOCK_OP_SHUTDOWN, NULL, 3, false);
	write_seed(dir, "stream", &m, 0, scr, sizeof(scr));

	/* The same with event_idx; a script that makes writes partial. */
	{
		static const uint8_t partial[] = { 2, 3, 1, 0x81, 0x12, 2, 4 };

		write_seed(dir, "partial", &m, 2, partial, sizeof(partial));
	}

	/* Accept later, then RST; an indirect chain. */
	img_init(&m, 4);
	chain(&m, VIRTIO_VSOCK_OP_REQUEST, NULL, 0, false);
	h = pkt(VIRTIO_VSOCK_OP_RW, 4, 0);
	memset(ind, 0, sizeof(ind));
	ind[0].addr = htole64(put_buf(&m, &h, HDR_SIZE));
	ind[0].len = htole32(HDR_SIZE);
	ind[0].flags = htole16(VRING_DESC_F_NEXT);
	ind[0].next = htole16(1);
	ind[1].addr = htole64(put_buf(&m, "data", 4));
	ind[1].len = htole32(4);
	t = put_buf(&m, ind, sizeof(ind));
	put_desc(&m, m.n, t, sizeof(ind), VRING_DESC_F_INDIRECT, 0);
	publish(&m, m.n++);
	chain(&m, VIRTIO_VSOCK_OP_RST, NULL, 0, false);
	{
		static const uint8_t later[] = { 1, 0x03, 0x80, 0x06, 0x07 };

		write_seed(dir, "indirect", &m, 1, later, sizeof(later));
	}

	/*
	 * Host-initiated: connect (an event), the REQUEST drained, the
	 * guest's RESPONSE, then data both ways and a backend EOF.
	 */
	img_init(&m, 8);
	chain(&m, VIRTIO_VSOCK_OP_RST, NULL, 0, false);
	chain(&m, VIRTIO_VSOCK_OP_RST, NULL, 0, false);
	gport = 1000;
	hport = VSOCK_EPHEMERAL_BASE;
	chain(&m, VIRTIO_VSOCK_OP_RESPONSE, NULL, 0, false);
	chain(&m, VIRTIO_VSOCK_OP_RW, "to the host", 0, true);
	chain(&m, VIRTIO_VSOCK_OP_CREDIT_UPDATE, NULL, 0, false);
	gport = 5000;
	hport = 1234;
	{
		/* events: connect; drain (room); connected; readable; write
		 * half; drain: room, read 61, room, read EOF; writable */
		static const uint8_t conn[] = { 0x06, 0x07, 0x80, 0x00, 0x02,
						0x01, 0x07, 0x80, 0x01, 0x80,
						0x00, 0x01, 0x80 };

		write_seed(dir, "connect", &m, 0, conn, sizeof(conn));
	}

	/*
	 * The privileged service: from guest port 1000 (root's) it echoes;
	 * from 5000 it must refuse (RST), with the data that follows.
	 */
	hport = SVC_PORT;
	gport = 1000;
	img_init(&m, 8);
	chain(&m, VIRTIO_VSOCK_OP_REQUEST, NULL, 0, false);
	chain(&m, VIRTIO_VSOCK_OP_RW, "echo me", 0, false);
	gport = 5000;
	chain(&m, VIRTIO_VSOCK_OP_REQUEST, NULL, 0, false);
	chain(&m, VIRTIO_VSOCK_OP_RW, "refused", 0, true);
	gport = 1000;
	chain(&m, VIRTIO_VSOCK_OP_SHUTDOWN, NULL, 3, false);
	write_seed(dir, "service", &m, 0, scr, sizeof(scr));
	gport = 5000;
	hport = 1234;

	/*
	 * A flood: RW packets all pointing at one big payload. Writes that
	 * take nothing overrun the credit; writes that take all need a
	 * credit update.
	 */
	img_init(&m, 16);
	chain(&m, VIRTIO_VSOCK_OP_REQUEST, NULL, 0, false);
	{
		static uint8_t big[56000];
		static const uint8_t none[] = { 2, 0, 0, 0, 0, 0, 0, 0,
						0, 0, 0, 0, 0, 0, 0 };
		static const uint8_t all[] = { 2,    0,	   0x80, 0,    0x80,
					       0,    0x80, 0,	 0x80, 0,
					       0x80, 0,	   0x80, 0x07 };
		uint64_t payload, hdr;
		int i;

		memset(big, 'b', sizeof(big));
		h = pkt(VIRTIO_VSOCK_OP_RW, sizeof(big), 0);
		hdr = put_buf(&m, &h, HDR_SIZE);
		payload = put_buf(&m, big, sizeof(big));
		for (i = 0; i < 6; i++) {
			put_desc(&m, m.n, hdr, HDR_SIZE, VRING_DESC_F_NEXT,
				 (uint16_t)(m.n + 1));
			put_desc(&m, (uint16_t)(m.n + 1), payload, sizeof(big),
				 0, 0);
			publish(&m, m.n);
			m.n += 2;
		}
		write_seed(dir, "flood-overrun", &m, 0, none, sizeof(none));
		write_seed(dir, "flood-credit", &m, 0, all, sizeof(all));
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *e = getenv("TURTLE_FUZZ_SEEDS");

	(void)argc;
	(void)argv;
	if (e) {
		seeds(e);
		exit(0);
	}
	vsock_svcs__init(&svcs, eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
	svcs.thread = pthread_self();
	if (svcs.wake_fd < 0 ||
	    vsock_svcs__bind(&svcs, SVC_PORT, &svc_ops, NULL))
		abort();
	err = fdopen(dup(2), "w");
	if (!err)
		err = stderr;
	setvbuf(err, NULL, _IONBF, 0);
	return 0;
}
