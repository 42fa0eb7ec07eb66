// SPDX-License-Identifier: GPL-2.0
/*
 * The vsock connection layer driven with scripted packets from a fake
 * guest and fake backends: the state machine, credit flow control, every
 * kind of malformed packet, and the CONNECT line parser.
 */
#include <endian.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../virtio/vsock-conn.h"
#include "../../virtio/vsock-unix.h"
#include "suites.h"

#define GUEST_CID 42
#define GPORT 5000 /* the guest's port */
#define HPORT 80   /* a host port */
#define BIG (512 * 1024)

#define OP_REQUEST VIRTIO_VSOCK_OP_REQUEST
#define OP_RESPONSE VIRTIO_VSOCK_OP_RESPONSE
#define OP_RST VIRTIO_VSOCK_OP_RST
#define OP_SHUTDOWN VIRTIO_VSOCK_OP_SHUTDOWN
#define OP_RW VIRTIO_VSOCK_OP_RW
#define OP_CREDIT_UPDATE VIRTIO_VSOCK_OP_CREDIT_UPDATE
#define OP_CREDIT_REQUEST VIRTIO_VSOCK_OP_CREDIT_REQUEST
#define SHUT_RCV VIRTIO_VSOCK_SHUTDOWN_RCV
#define SHUT_SEND VIRTIO_VSOCK_SHUTDOWN_SEND

/* A backend that records what it is told and serves scripted bytes. */
struct fake_be {
	uint8_t wrote[BIG];
	size_t wrote_len;
	size_t write_room; /* bytes the next writes take; SIZE_MAX: all */
	bool write_fails;
	uint8_t src[BIG];
	size_t src_len, src_off;
	bool eof, read_fails;
	int shutdowns, connected, released, changed;
	int connected_ret;
};

static struct vsock_conns t;
static struct fake_be fakes[3];
static unsigned int nfakes;
static int accept_ret;
static struct vsock_conn *last_conn;

static ssize_t fake_write(struct vsock_conn *c, const struct iovec *iov,
			  int iovcnt)
{
	struct fake_be *f = c->be;
	size_t n = 0;
	int i;

	if (f->write_fails)
		return -1;
	for (i = 0; i < iovcnt && f->write_room; i++) {
		size_t k = iov[i].iov_len < f->write_room ? iov[i].iov_len
							  : f->write_room;

		memcpy(f->wrote + f->wrote_len, iov[i].iov_base, k);
		f->wrote_len += k;
		n += k;
		if (f->write_room != SIZE_MAX)
			f->write_room -= k;
	}
	return (ssize_t)n;
}

static ssize_t fake_read(struct vsock_conn *c, const struct iovec *iov,
			 int iovcnt)
{
	struct fake_be *f = c->be;
	size_t n = 0, k;
	int i;

	if (f->read_fails)
		return -1;
	for (i = 0; i < iovcnt && f->src_off < f->src_len; i++) {
		k = f->src_len - f->src_off;
		if (k > iov[i].iov_len)
			k = iov[i].iov_len;
		memcpy(iov[i].iov_base, f->src + f->src_off, k);
		f->src_off += k;
		n += k;
	}
	if (n)
		return (ssize_t)n;
	return f->eof ? 0 : VSOCK_AGAIN;
}

static void fake_shutdown(struct vsock_conn *c)
{
	((struct fake_be *)c->be)->shutdowns++;
}

static int fake_connected(struct vsock_conn *c)
{
	struct fake_be *f = c->be;

	f->connected++;
	return f->connected_ret;
}

static void fake_changed(struct vsock_conn *c)
{
	((struct fake_be *)c->be)->changed++;
}

static void fake_release(struct vsock_conn *c)
{
	((struct fake_be *)c->be)->released++;
	if (last_conn == c)
		last_conn = NULL;
}

static const struct vsock_conn_ops fake_ops = {
	.write = fake_write,
	.read = fake_read,
	.shutdown_write = fake_shutdown,
	.connected = fake_connected,
	.changed = fake_changed,
	.release = fake_release,
};

static struct fake_be *new_fake(void)
{
	struct fake_be *f = &fakes[nfakes++];

	ck_assert_uint_le(nfakes, 3);
	f->write_room = SIZE_MAX;
	return f;
}

static int fake_accept(void *ctx, struct vsock_conn *c)
{
	(void)ctx;
	if (accept_ret >= 0) {
		c->ops = &fake_ops;
		c->be = new_fake();
	}
	last_conn = c;
	return accept_ret;
}

static void setup(void)
{
	memset(fakes, 0, sizeof(fakes));
	nfakes = 0;
	accept_ret = 0;
	last_conn = NULL;
	vsock_conns__init(&t, GUEST_CID, fake_accept, NULL);
	t.now_ms = 1000;
}

static void teardown(void)
{
	vsock_conns__reset_all(&t);
}

static struct virtio_vsock_hdr hdr(uint16_t op, uint32_t gport, uint32_t hport,
				   uint32_t len)
{
	struct virtio_vsock_hdr h = {
		.src_cid = htole64(GUEST_CID),
		.dst_cid = htole64(VSOCK_HOST_CID),
		.src_port = htole32(gport),
		.dst_port = htole32(hport),
		.len = htole32(len),
		.type = htole16(VIRTIO_VSOCK_TYPE_STREAM),
		.op = htole16(op),
		.buf_alloc = htole32(256 * 1024),
	};

	return h;
}

static void recv_hdr(struct virtio_vsock_hdr h, const void *payload,
		     size_t avail)
{
	struct iovec v = { .iov_base = (void *)payload, .iov_len = avail };

	vsock_conns__recv(&t, &h, &v, payload ? 1 : 0, avail);
}

/* A packet from the guest with no payload. */
static void recv_op(uint16_t op, uint32_t flags)
{
	struct virtio_vsock_hdr h = hdr(op, GPORT, HPORT, 0);

	h.flags = htole32(flags);
	recv_hdr(h, NULL, 0);
}

static void recv_data(const void *p, size_t len)
{
	recv_hdr(hdr(OP_RW, GPORT, HPORT, (uint32_t)len), p, len);
}

static uint8_t rxbuf[VSOCK_MAX_PAYLOAD * 2];

/* The next packet for the guest, with up to room payload bytes. */
static bool next(struct virtio_vsock_hdr *h, size_t room)
{
	struct iovec v = { .iov_base = rxbuf, .iov_len = room };

	return vsock_conns__next(&t, h, &v, 1, room);
}

/* The next packet must be op; its header is returned. */
static struct virtio_vsock_hdr expect(uint16_t op)
{
	struct virtio_vsock_hdr h;

	ck_assert_msg(next(&h, 4096), "no packet, expected op %u", op);
	ck_assert_uint_eq(le16toh(h.op), op);
	ck_assert_uint_eq(le64toh(h.src_cid), VSOCK_HOST_CID);
	ck_assert_uint_eq(le64toh(h.dst_cid), GUEST_CID);
	ck_assert_uint_eq(le16toh(h.type), VIRTIO_VSOCK_TYPE_STREAM);
	return h;
}

static void expect_nothing(void)
{
	struct virtio_vsock_hdr h;

	ck_assert_msg(!next(&h, 4096), "unexpected packet, op %u",
		      le16toh(h.op));
}

/* The guest connects to HPORT and is accepted. */
static struct fake_be *established(void)
{
	struct virtio_vsock_hdr h;

	recv_op(OP_REQUEST, 0);
	h = expect(OP_RESPONSE);
	ck_assert_uint_eq(le32toh(h.src_port), HPORT);
	ck_assert_uint_eq(le32toh(h.dst_port), GPORT);
	ck_assert_ptr_nonnull(last_conn);
	return last_conn->be;
}

/* The guest's connection was reset: RST sent, backend released. */
static void expect_reset(struct fake_be *f)
{
	struct virtio_vsock_hdr h = expect(OP_RST);

	ck_assert_uint_eq(le32toh(h.src_port), HPORT);
	ck_assert_uint_eq(le32toh(h.dst_port), GPORT);
	ck_assert_int_eq(f->released, 1);
	ck_assert_ptr_null(vsock_conns__find(&t, HPORT, GPORT));
	expect_nothing();
}

static void fill(uint8_t *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 13 + seed);
}

/* Connection setup */

START_TEST(test_vconn_request_accepted_gets_response)
{
	struct virtio_vsock_hdr h;

	recv_op(OP_REQUEST, 0);
	h = expect(OP_RESPONSE);
	ck_assert_uint_eq(le32toh(h.buf_alloc), VSOCK_BUF_ALLOC);
	ck_assert_uint_eq(le32toh(h.fwd_cnt), 0);
	ck_assert_uint_eq(le32toh(h.len), 0);
	ck_assert_uint_eq(t.nr, 1);
	expect_nothing();
}
END_TEST

START_TEST(test_vconn_request_refused_gets_rst)
{
	struct virtio_vsock_hdr h;

	accept_ret = -1;
	recv_op(OP_REQUEST, 0);
	h = expect(OP_RST);
	ck_assert_uint_eq(le32toh(h.dst_port), GPORT);
	ck_assert_uint_eq(t.nr, 0);
	expect_nothing();
}
END_TEST

START_TEST(test_vconn_accept_later)
{
	accept_ret = 1;
	recv_op(OP_REQUEST, 0);
	expect_nothing();
	ck_assert_ptr_nonnull(last_conn);
	vsock_conn__accepted(last_conn);
	expect(OP_RESPONSE);
}
END_TEST

START_TEST(test_vconn_accept_later_times_out)
{
	accept_ret = 1;
	recv_op(OP_REQUEST, 0);
	ck_assert(vsock_conns__has_deadline(&t));
	t.now_ms += VSOCK_TIMEOUT_MS - 1;
	vsock_conns__expire(&t);
	expect_nothing();
	t.now_ms += 1;
	vsock_conns__expire(&t);
	expect_reset(&fakes[0]);
}
END_TEST

/* Nothing but RESPONSE may precede RESPONSE. */
START_TEST(test_vconn_credit_request_before_response_waits)
{
	struct virtio_vsock_hdr h;

	accept_ret = 1;
	recv_op(OP_REQUEST, 0);
	recv_op(OP_CREDIT_REQUEST, 0);
	expect_nothing();
	vsock_conn__accepted(last_conn);
	h = expect(OP_RESPONSE);
	ck_assert_uint_eq(le32toh(h.buf_alloc), VSOCK_BUF_ALLOC);
	expect_nothing();
}
END_TEST

START_TEST(test_vconn_duplicate_request_resets)
{
	struct fake_be *f = established();

	recv_op(OP_REQUEST, 0);
	expect_reset(f);
}
END_TEST

START_TEST(test_vconn_guest_rst_releases_silently)
{
	struct fake_be *f = established();

	recv_op(OP_RST, 0);
	ck_assert_int_eq(f->released, 1);
	ck_assert_uint_eq(t.nr, 0);
	expect_nothing();
}
END_TEST

/* Host-initiated connections */

START_TEST(test_vconn_host_connect_sends_request)
{
	struct fake_be *f = new_fake();
	struct vsock_conn *c = vsock_conns__connect(&t, 7000, &fake_ops, f);
	struct virtio_vsock_hdr h;

	ck_assert_ptr_nonnull(c);
	ck_assert_uint_ge(c->local_port, VSOCK_EPHEMERAL_BASE);
	h = expect(OP_REQUEST);
	ck_assert_uint_eq(le32toh(h.src_port), c->local_port);
	ck_assert_uint_eq(le32toh(h.dst_port), 7000);
	h = hdr(OP_RESPONSE, 7000, c->local_port, 0);
	recv_hdr(h, NULL, 0);
	ck_assert_int_eq(f->connected, 1);
	ck_assert_int_eq(c->state, VSOCK_ESTABLISHED);
	ck_assert(!vsock_conns__has_deadline(&t));
}
END_TEST

START_TEST(test_vconn_host_connect_ports_unique)
{
	struct vsock_conn *a =
		vsock_conns__connect(&t, 7000, &fake_ops, new_fake());
	struct vsock_conn *b =
		vsock_conns__connect(&t, 7000, &fake_ops, new_fake());

	ck_assert_uint_ne(a->local_port, b->local_port);
}
END_TEST

START_TEST(test_vconn_host_connect_refused_by_guest)
{
	struct fake_be *f = new_fake();
	struct vsock_conn *c = vsock_conns__connect(&t, 7000, &fake_ops, f);

	expect(OP_REQUEST);
	recv_hdr(hdr(OP_RST, 7000, c->local_port, 0), NULL, 0);
	ck_assert_int_eq(f->released, 1);
	ck_assert_int_eq(f->connected, 0);
	expect_nothing();
}
END_TEST

START_TEST(test_vconn_host_connect_times_out)
{
	struct fake_be *f = new_fake();
	struct virtio_vsock_hdr h;

	vsock_conns__connect(&t, 7000, &fake_ops, f);
	expect(OP_REQUEST);
	t.now_ms += VSOCK_TIMEOUT_MS;
	vsock_conns__expire(&t);
	ck_assert_int_eq(f->released, 1);
	h = expect(OP_RST); /* cancels the REQUEST */
	ck_assert_uint_eq(le32toh(h.dst_port), 7000);
}
END_TEST

START_TEST(test_vconn_host_connect_data_before_response_resets)
{
	struct fake_be *f = new_fake();
	struct vsock_conn *c = vsock_conns__connect(&t, 7000, &fake_ops, f);
	uint8_t b[4] = { 0 };

	expect(OP_REQUEST);
	recv_hdr(hdr(OP_RW, 7000, c->local_port, 4), b, 4);
	ck_assert_int_eq(f->released, 1);
	expect(OP_RST);
	ck_assert_uint_eq(f->wrote_len, 0);
}
END_TEST

START_TEST(test_vconn_host_connect_backend_fails_resets)
{
	struct fake_be *f = new_fake();
	struct vsock_conn *c = vsock_conns__connect(&t, 7000, &fake_ops, f);

	f->connected_ret = -1;
	expect(OP_REQUEST);
	recv_hdr(hdr(OP_RESPONSE, 7000, c->local_port, 0), NULL, 0);
	ck_assert_int_eq(f->released, 1);
	expect(OP_RST);
}
END_TEST

/* Guest -> host data and our credit */

START_TEST(test_vconn_data_reaches_backend)
{
	struct fake_be *f = established();
	uint8_t b[3000];

	fill(b, sizeof(b), 1);
	recv_data(b, sizeof(b));
	ck_assert_uint_eq(f->wrote_len, sizeof(b));
	ck_assert_mem_eq(f->wrote, b, sizeof(b));
	ck_assert_uint_eq(last_conn->fwd_cnt, sizeof(b));
	expect_nothing(); /* plenty of credit left: no update yet */
}
END_TEST

/* Only the first len bytes of the buffer are payload. */
START_TEST(test_vconn_data_trailing_bytes_ignored)
{
	struct fake_be *f = established();
	uint8_t b[100];

	fill(b, sizeof(b), 2);
	recv_hdr(hdr(OP_RW, GPORT, HPORT, 60), b, sizeof(b));
	ck_assert_uint_eq(f->wrote_len, 60);
}
END_TEST

START_TEST(test_vconn_blocked_backend_buffers_and_flushes)
{
	struct fake_be *f = established();
	static uint8_t b[10000];
	struct virtio_vsock_hdr h;

	fill(b, sizeof(b), 3);
	f->write_room = 1000;
	recv_data(b, sizeof(b));
	ck_assert_uint_eq(f->wrote_len, 1000);
	ck_assert(vsock_conn__wants_write(last_conn));
	/* Bytes in our buffer are not consumed yet. */
	recv_op(OP_CREDIT_REQUEST, 0);
	h = expect(OP_CREDIT_UPDATE);
	ck_assert_uint_eq(le32toh(h.fwd_cnt), 1000);

	f->write_room = SIZE_MAX;
	vsock_conn__writable(last_conn);
	ck_assert_uint_eq(f->wrote_len, sizeof(b));
	ck_assert_mem_eq(f->wrote, b, sizeof(b));
	ck_assert(!vsock_conn__wants_write(last_conn));
	ck_assert_uint_eq(last_conn->fwd_cnt, sizeof(b));
}
END_TEST

/* Data after buffered data queues behind it, in order. */
START_TEST(test_vconn_buffered_data_keeps_order)
{
	struct fake_be *f = established();
	uint8_t a[500], b[500];

	fill(a, sizeof(a), 4);
	fill(b, sizeof(b), 5);
	f->write_room = 100;
	recv_data(a, sizeof(a));
	f->write_room = SIZE_MAX;
	recv_data(b, sizeof(b));
	ck_assert_uint_eq(f->wrote_len, 100); /* b waits behind a */
	vsock_conn__writable(last_conn);
	ck_assert_uint_eq(f->wrote_len, 1000);
	ck_assert_mem_eq(f->wrote, a, 500);
	ck_assert_mem_eq(f->wrote + 500, b, 500);
}
END_TEST

START_TEST(test_vconn_credit_request_answered)
{
	struct virtio_vsock_hdr h;
	uint8_t b[777] = { 0 };

	established();
	recv_data(b, sizeof(b));
	recv_op(OP_CREDIT_REQUEST, 0);
	h = expect(OP_CREDIT_UPDATE);
	ck_assert_uint_eq(le32toh(h.buf_alloc), VSOCK_BUF_ALLOC);
	ck_assert_uint_eq(le32toh(h.fwd_cnt), 777);
	expect_nothing();
}
END_TEST

/*
 * The guest sends as its credit allows; we must send a credit update
 * before its view of our free space runs out.
 */
START_TEST(test_vconn_credit_update_before_peer_stalls)
{
	static uint8_t b[VSOCK_MAX_PAYLOAD];
	struct virtio_vsock_hdr h;
	uint32_t sent = 0, seen_fwd = 0;
	int updates = 0, i;

	established();
	for (i = 0; i < 64; i++) {
		uint32_t free_seen = VSOCK_BUF_ALLOC - (sent - seen_fwd);
		uint32_t n = free_seen < sizeof(b) ? free_seen : sizeof(b);

		ck_assert_msg(n > 0, "the guest stalled after %u bytes", sent);
		recv_data(b, n);
		sent += n;
		while (next(&h, 4096)) {
			ck_assert_uint_eq(le16toh(h.op), OP_CREDIT_UPDATE);
			seen_fwd = le32toh(h.fwd_cnt);
			updates++;
		}
	}
	ck_assert_int_gt(updates, 0);
	ck_assert_uint_eq(sent, 64 * sizeof(b));
}
END_TEST

START_TEST(test_vconn_credit_update_after_flush)
{
	static uint8_t b[VSOCK_MAX_PAYLOAD];
	struct fake_be *f = established();
	struct virtio_vsock_hdr h;
	int i;

	f->write_room = 0;
	for (i = 0; i < 4; i++)
		recv_data(b, sizeof(b)); /* our buffer is full */
	expect_nothing();
	f->write_room = SIZE_MAX;
	vsock_conn__writable(last_conn);
	h = expect(OP_CREDIT_UPDATE);
	ck_assert_uint_eq(le32toh(h.fwd_cnt), VSOCK_BUF_ALLOC);
}
END_TEST

START_TEST(test_vconn_credit_overrun_resets)
{
	static uint8_t b[VSOCK_MAX_PAYLOAD];
	struct fake_be *f = established();
	int i;

	f->write_room = 0;
	for (i = 0; i < 4; i++)
		recv_data(b, sizeof(b));
	ck_assert_int_eq(f->released, 0);
	recv_data(b, 1);
	expect_reset(f);
}
END_TEST

/* Another connection lives on when one is reset. */
START_TEST(test_vconn_overrun_spares_others)
{
	static uint8_t b[VSOCK_MAX_PAYLOAD];
	struct fake_be *f = established(), *g;
	int i;

	recv_hdr(hdr(OP_REQUEST, GPORT + 1, HPORT, 0), NULL, 0);
	expect(OP_RESPONSE);
	g = last_conn->be;
	f->write_room = 0;
	for (i = 0; i < 5; i++)
		recv_data(b, sizeof(b));
	expect_reset(f);
	recv_hdr(hdr(OP_RW, GPORT + 1, HPORT, 10), b, 10);
	ck_assert_uint_eq(g->wrote_len, 10);
	ck_assert_int_eq(g->released, 0);
}
END_TEST

START_TEST(test_vconn_backend_write_error_resets)
{
	struct fake_be *f = established();
	uint8_t b[10] = { 0 };

	f->write_fails = true;
	recv_data(b, sizeof(b));
	expect_reset(f);
}
END_TEST

/* Host -> guest data and the guest's credit */

START_TEST(test_vconn_host_data_to_guest)
{
	struct fake_be *f = established();
	struct virtio_vsock_hdr h;

	fill(f->src, 3000, 6);
	f->src_len = 3000;
	vsock_conn__readable(last_conn);
	ck_assert(next(&h, 4096));
	ck_assert_uint_eq(le16toh(h.op), OP_RW);
	ck_assert_uint_eq(le32toh(h.len), 3000);
	ck_assert_mem_eq(rxbuf, f->src, 3000);
	expect_nothing();
	/* Drained: the backend is told to poll again. */
	ck_assert(vsock_conn__wants_read(last_conn));
}
END_TEST

/* Packets fit the rx buffer, and never exceed 64 KiB. */
START_TEST(test_vconn_host_data_split_by_room)
{
	struct fake_be *f = established();
	struct virtio_vsock_hdr h;

	f->src_len = 10000;
	vsock_conn__readable(last_conn);
	ck_assert(next(&h, 4096));
	ck_assert_uint_eq(le32toh(h.len), 4096);
	ck_assert(next(&h, sizeof(rxbuf)));
	ck_assert_uint_eq(le32toh(h.len), 10000 - 4096);

	f->src_len += 3 * VSOCK_MAX_PAYLOAD;
	vsock_conn__readable(last_conn);
	ck_assert(next(&h, sizeof(rxbuf)));
	ck_assert_uint_eq(le32toh(h.len), VSOCK_MAX_PAYLOAD);
}
END_TEST

START_TEST(test_vconn_never_more_than_peer_credit)
{
	struct fake_be *f = established();
	struct virtio_vsock_hdr h;
	uint32_t total = 0;

	f->src_len = 20000;
	/* The guest has 5000 bytes of buffer. */
	h = hdr(OP_CREDIT_UPDATE, GPORT, HPORT, 0);
	h.buf_alloc = htole32(5000);
	recv_hdr(h, NULL, 0);
	vsock_conn__readable(last_conn);
	while (next(&h, 4096)) {
		ck_assert_uint_eq(le16toh(h.op), OP_RW);
		total += le32toh(h.len);
	}
	ck_assert_uint_eq(total, 5000);
	ck_assert(!vsock_conn__wants_read(last_conn));
	/* It consumed 3000: that much more may go. */
	h = hdr(OP_CREDIT_UPDATE, GPORT, HPORT, 0);
	h.buf_alloc = htole32(5000);
	h.fwd_cnt = htole32(3000);
	recv_hdr(h, NULL, 0);
	while (next(&h, 4096))
		total += le32toh(h.len);
	ck_assert_uint_eq(total, 8000);
	ck_assert_uint_eq(f->src_off, 8000);
}
END_TEST

START_TEST(test_vconn_guest_shrinking_buf_alloc_stops_data)
{
	struct fake_be *f = established();
	struct virtio_vsock_hdr h;

	f->src_len = 20000;
	vsock_conn__readable(last_conn);
	ck_assert(next(&h, 4096));
	h = hdr(OP_CREDIT_UPDATE, GPORT, HPORT, 0);
	h.buf_alloc = htole32(1000); /* less than in flight */
	recv_hdr(h, NULL, 0);
	expect_nothing();
	ck_assert_uint_eq(vsock_conn__peer_free(last_conn), 0);
}
END_TEST

START_TEST(test_vconn_backend_read_error_resets)
{
	struct fake_be *f = established();

	f->read_fails = true;
	vsock_conn__readable(last_conn);
	expect_reset(f);
}
END_TEST

START_TEST(test_vconn_round_robin)
{
	struct fake_be *a = established(), *b;
	struct virtio_vsock_hdr h;

	recv_hdr(hdr(OP_REQUEST, GPORT + 1, HPORT, 0), NULL, 0);
	expect(OP_RESPONSE);
	b = last_conn->be;
	a->src_len = b->src_len = 8192;
	vsock_conn__readable(vsock_conns__find(&t, HPORT, GPORT));
	vsock_conn__readable(last_conn);
	ck_assert(next(&h, 4096));
	ck_assert_uint_eq(le32toh(h.dst_port), GPORT);
	ck_assert(next(&h, 4096));
	ck_assert_uint_eq(le32toh(h.dst_port), GPORT + 1);
	ck_assert(next(&h, 4096));
	ck_assert_uint_eq(le32toh(h.dst_port), GPORT);
}
END_TEST

/* Shutdown */

START_TEST(test_vconn_shutdown_send_after_flush)
{
	struct fake_be *f = established();
	uint8_t b[100] = { 0 };

	f->write_room = 10;
	recv_data(b, sizeof(b));
	recv_op(OP_SHUTDOWN, SHUT_SEND);
	ck_assert_int_eq(f->shutdowns, 0); /* 90 bytes still wait */
	f->write_room = SIZE_MAX;
	vsock_conn__writable(last_conn);
	ck_assert_int_eq(f->shutdowns, 1);
	ck_assert_uint_eq(f->wrote_len, 100);
	ck_assert_int_eq(f->released, 0); /* we may still send */
	expect_nothing();
}
END_TEST

START_TEST(test_vconn_data_after_shutdown_send_resets)
{
	struct fake_be *f = established();
	uint8_t b[4] = { 0 };

	recv_op(OP_SHUTDOWN, SHUT_SEND);
	recv_data(b, sizeof(b));
	expect_reset(f);
}
END_TEST

/* Linux's close(): SHUTDOWN both ways, then it waits for our RST. */
START_TEST(test_vconn_shutdown_both_gets_rst)
{
	struct fake_be *f = established();

	recv_op(OP_SHUTDOWN, SHUT_RCV | SHUT_SEND);
	ck_assert_int_eq(f->shutdowns, 1);
	expect_reset(f);
}
END_TEST

START_TEST(test_vconn_shutdown_both_flushes_first)
{
	struct fake_be *f = established();
	uint8_t b[100] = { 0 };

	f->write_room = 0;
	recv_data(b, sizeof(b));
	recv_op(OP_SHUTDOWN, SHUT_RCV | SHUT_SEND);
	expect_nothing();
	f->write_room = SIZE_MAX;
	vsock_conn__writable(last_conn);
	ck_assert_uint_eq(f->wrote_len, 100);
	expect_reset(f);
}
END_TEST

START_TEST(test_vconn_shutdown_both_unflushed_times_out)
{
	struct fake_be *f = established();
	uint8_t b[100] = { 0 };

	f->write_room = 0;
	recv_data(b, sizeof(b));
	recv_op(OP_SHUTDOWN, SHUT_RCV | SHUT_SEND);
	t.now_ms += VSOCK_TIMEOUT_MS;
	vsock_conns__expire(&t);
	expect_reset(f);
}
END_TEST

START_TEST(test_vconn_shutdown_rcv_stops_data)
{
	struct fake_be *f = established();

	recv_op(OP_SHUTDOWN, SHUT_RCV);
	f->src_len = 100;
	vsock_conn__readable(last_conn);
	expect_nothing();
	ck_assert_uint_eq(f->src_off, 0);
	ck_assert(!vsock_conn__wants_read(last_conn));
}
END_TEST

/* The host end's EOF: data first, then SHUTDOWN(SEND). */
START_TEST(test_vconn_backend_eof_sends_shutdown)
{
	struct fake_be *f = established();
	struct virtio_vsock_hdr h;

	f->src_len = 10;
	f->eof = true;
	vsock_conn__readable(last_conn);
	h = expect(OP_RW);
	ck_assert_uint_eq(le32toh(h.len), 10);
	h = expect(OP_SHUTDOWN);
	ck_assert_uint_eq(le32toh(h.flags), SHUT_SEND);
	expect_nothing();
	ck_assert_int_eq(f->released, 0);
	ck_assert(!vsock_conn__wants_read(last_conn));
}
END_TEST

/* Both directions shut: RST ends it. */
START_TEST(test_vconn_eof_then_guest_shutdown_send_finishes)
{
	struct fake_be *f = established();

	f->eof = true;
	vsock_conn__readable(last_conn);
	expect(OP_SHUTDOWN);
	recv_op(OP_SHUTDOWN, SHUT_SEND);
	ck_assert_int_eq(f->shutdowns, 1);
	expect_reset(f);
}
END_TEST

START_TEST(test_vconn_guest_shutdown_send_then_eof_finishes)
{
	struct fake_be *f = established();

	recv_op(OP_SHUTDOWN, SHUT_SEND);
	f->eof = true;
	vsock_conn__readable(last_conn);
	expect_reset(f);
}
END_TEST

/* Malformed packets */

START_TEST(test_vconn_len_beyond_buffer_resets)
{
	struct fake_be *f = established();
	uint8_t b[100] = { 0 };

	recv_hdr(hdr(OP_RW, GPORT, HPORT, 101), b, sizeof(b));
	ck_assert_uint_eq(f->wrote_len, 0);
	expect_reset(f);
	ck_assert_uint_eq(t.bad_packets, 1);
}
END_TEST

START_TEST(test_vconn_len_over_64k_resets)
{
	static uint8_t b[VSOCK_MAX_PAYLOAD + 1];
	struct fake_be *f = established();

	recv_data(b, sizeof(b));
	ck_assert_uint_eq(f->wrote_len, 0);
	expect_reset(f);
}
END_TEST

START_TEST(test_vconn_payload_on_control_packet_resets)
{
	struct fake_be *f = established();
	uint8_t b[8] = { 0 };

	recv_hdr(hdr(OP_CREDIT_UPDATE, GPORT, HPORT, 8), b, sizeof(b));
	expect_reset(f);
}
END_TEST

START_TEST(test_vconn_unknown_op_resets)
{
	static const uint16_t ops[] = { VIRTIO_VSOCK_OP_INVALID, 8, 0xffff };
	unsigned int i;

	for (i = 0; i < 3; i++) {
		struct fake_be *f;

		nfakes = 0;
		memset(fakes, 0, sizeof(fakes));
		f = established();
		recv_op(ops[i], 0);
		expect_reset(f);
	}
}
END_TEST

START_TEST(test_vconn_wrong_src_cid_resets)
{
	struct fake_be *f = established();
	struct virtio_vsock_hdr h = hdr(OP_CREDIT_UPDATE, GPORT, HPORT, 0);

	h.src_cid = htole64(GUEST_CID + 1);
	recv_hdr(h, NULL, 0);
	expect_reset(f);
}
END_TEST

START_TEST(test_vconn_wrong_dst_cid_resets)
{
	struct fake_be *f = established();
	struct virtio_vsock_hdr h = hdr(OP_CREDIT_UPDATE, GPORT, HPORT, 0);

	h.dst_cid = htole64(1);
	recv_hdr(h, NULL, 0);
	expect_reset(f);
}
END_TEST

START_TEST(test_vconn_seqpacket_type_resets)
{
	struct fake_be *f = established();
	struct virtio_vsock_hdr h = hdr(OP_CREDIT_UPDATE, GPORT, HPORT, 0);

	h.type = htole16(VIRTIO_VSOCK_TYPE_SEQPACKET);
	recv_hdr(h, NULL, 0);
	expect_reset(f);
}
END_TEST

START_TEST(test_vconn_request_bad_cid_not_accepted)
{
	struct virtio_vsock_hdr h = hdr(OP_REQUEST, GPORT, HPORT, 0);

	h.src_cid = htole64(3);
	recv_hdr(h, NULL, 0);
	ck_assert_ptr_null(last_conn); /* accept never asked */
	expect(OP_RST);
	ck_assert_uint_eq(t.nr, 0);
}
END_TEST

START_TEST(test_vconn_data_for_unknown_connection_gets_rst)
{
	uint8_t b[10] = { 0 };
	struct virtio_vsock_hdr h;

	recv_data(b, sizeof(b));
	h = expect(OP_RST);
	ck_assert_uint_eq(le32toh(h.src_port), HPORT);
	ck_assert_uint_eq(le32toh(h.dst_port), GPORT);
	ck_assert_uint_eq(t.nr, 0);
	expect_nothing();
}
END_TEST

START_TEST(test_vconn_rst_for_unknown_connection_ignored)
{
	recv_op(OP_RST, 0);
	expect_nothing();
}
END_TEST

START_TEST(test_vconn_response_unasked_resets)
{
	struct fake_be *f = established();

	recv_op(OP_RESPONSE, 0);
	expect_reset(f);
}
END_TEST

/* A flood of junk cannot fill the RST queue for real connections. */
START_TEST(test_vconn_junk_rsts_bounded)
{
	uint32_t i;

	for (i = 0; i < 4 * VSOCK_RST_QUEUE; i++)
		recv_hdr(hdr(OP_CREDIT_UPDATE, i, HPORT, 0), NULL, 0);
	ck_assert_uint_eq(t.rst_count, VSOCK_RST_QUEUE / 2);
	ck_assert_uint_gt(t.rsts_dropped, 0);
}
END_TEST

START_TEST(test_vconn_reset_all_is_silent)
{
	struct fake_be *f = established();

	vsock_conns__connect(&t, 9, &fake_ops, new_fake());
	vsock_conns__reset_all(&t);
	ck_assert_int_eq(f->released, 1);
	ck_assert_int_eq(fakes[1].released, 1);
	ck_assert_uint_eq(t.nr, 0);
	expect_nothing();
}
END_TEST

/* iovecs and the CONNECT line */

START_TEST(test_vconn_iov_copy_across_segments)
{
	uint8_t a[3] = { 1, 2, 3 }, b[5] = { 4, 5, 6, 7, 8 }, out[6];
	struct iovec v[2] = { { a, 3 }, { b, 5 } };
	struct iovec h[4];

	ck_assert_uint_eq(iov__to_buf(out, v, 2, 1, 6), 6);
	ck_assert_mem_eq(out, ((uint8_t[]){ 2, 3, 4, 5, 6, 7 }), 6);
	ck_assert_uint_eq(iov__to_buf(out, v, 2, 6, 6), 2);
	ck_assert_int_eq(iov__slice(h, 4, v, 2, 2, 3), 2);
	ck_assert_ptr_eq(h[0].iov_base, a + 2);
	ck_assert_uint_eq(h[0].iov_len, 1);
	ck_assert_uint_eq(h[1].iov_len, 2);
}
END_TEST

static int parse(const char *s, uint32_t *port)
{
	return vsock_unix__parse_connect(s, strlen(s), port);
}

START_TEST(test_vconn_connect_line_good)
{
	uint32_t port = 0;

	ck_assert_int_eq(parse("CONNECT 52\n", &port), 11);
	ck_assert_uint_eq(port, 52);
	ck_assert_int_eq(parse("CONNECT 0\n", &port), 10);
	ck_assert_uint_eq(port, 0);
	ck_assert_int_eq(parse("CONNECT 4294967294\n", &port), 19);
	ck_assert_uint_eq(port, 4294967294U);
	/* Stream bytes may follow the line. */
	ck_assert_int_eq(parse("CONNECT 7\nhello", &port), 10);
	ck_assert_uint_eq(port, 7);
}
END_TEST

START_TEST(test_vconn_connect_line_incomplete)
{
	uint32_t port;

	ck_assert_int_eq(parse("", &port), 0);
	ck_assert_int_eq(parse("CONN", &port), 0);
	ck_assert_int_eq(parse("CONNECT ", &port), 0);
	ck_assert_int_eq(parse("CONNECT 52", &port), 0);
}
END_TEST

START_TEST(test_vconn_connect_line_garbage)
{
	static const char *const bad[] = {
		"connect 52\n",	  "CONNECT\n",	      "CONNECT \n",
		"CONNECT -1\n",	  "CONNECT 5 2\n",    "CONNECT 52\r\n",
		"CONNECT 0x10\n", "GET / HTTP/1.0\n", "XCONNECT 1\n",
		"CONNECT  52\n",  "CONNECT +5\n",
	};
	uint32_t port;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(parse(bad[i], &port) == -1, "accepted '%s'",
			      bad[i]);
}
END_TEST

START_TEST(test_vconn_connect_line_port_out_of_range)
{
	uint32_t port;

	ck_assert_int_eq(parse("CONNECT 4294967295\n", &port), -1);
	ck_assert_int_eq(parse("CONNECT 99999999999\n", &port), -1);
}
END_TEST

/* No newline within VSOCK_UNIX_LINE_MAX bytes: refused, not waited for. */
START_TEST(test_vconn_connect_line_overlong)
{
	char line[VSOCK_UNIX_LINE_MAX + 8];
	uint32_t port;

	memset(line, '0', sizeof(line));
	memcpy(line, "CONNECT ", 8);
	ck_assert_int_eq(
		vsock_unix__parse_connect(line, VSOCK_UNIX_LINE_MAX, &port),
		-1);
	ck_assert_int_eq(vsock_unix__parse_connect(line, 12, &port), 0);
}
END_TEST

Suite *vsock_conn_suite(void)
{
	Suite *s = suite_create("vsock_conn");
	TCase *tc;

	tc = tcase_create("setup");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_vconn_request_accepted_gets_response);
	tcase_add_test(tc, test_vconn_request_refused_gets_rst);
	tcase_add_test(tc, test_vconn_accept_later);
	tcase_add_test(tc, test_vconn_accept_later_times_out);
	tcase_add_test(tc, test_vconn_credit_request_before_response_waits);
	tcase_add_test(tc, test_vconn_duplicate_request_resets);
	tcase_add_test(tc, test_vconn_guest_rst_releases_silently);
	tcase_add_test(tc, test_vconn_host_connect_sends_request);
	tcase_add_test(tc, test_vconn_host_connect_ports_unique);
	tcase_add_test(tc, test_vconn_host_connect_refused_by_guest);
	tcase_add_test(tc, test_vconn_host_connect_times_out);
	tcase_add_test(tc, test_vconn_host_connect_data_before_response_resets);
	tcase_add_test(tc, test_vconn_host_connect_backend_fails_resets);
	tcase_add_test(tc, test_vconn_reset_all_is_silent);
	suite_add_tcase(s, tc);

	tc = tcase_create("credit");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_vconn_data_reaches_backend);
	tcase_add_test(tc, test_vconn_data_trailing_bytes_ignored);
	tcase_add_test(tc, test_vconn_blocked_backend_buffers_and_flushes);
	tcase_add_test(tc, test_vconn_buffered_data_keeps_order);
	tcase_add_test(tc, test_vconn_credit_request_answered);
	tcase_add_test(tc, test_vconn_credit_update_before_peer_stalls);
	tcase_add_test(tc, test_vconn_credit_update_after_flush);
	tcase_add_test(tc, test_vconn_credit_overrun_resets);
	tcase_add_test(tc, test_vconn_overrun_spares_others);
	tcase_add_test(tc, test_vconn_backend_write_error_resets);
	tcase_add_test(tc, test_vconn_host_data_to_guest);
	tcase_add_test(tc, test_vconn_host_data_split_by_room);
	tcase_add_test(tc, test_vconn_never_more_than_peer_credit);
	tcase_add_test(tc, test_vconn_guest_shrinking_buf_alloc_stops_data);
	tcase_add_test(tc, test_vconn_backend_read_error_resets);
	tcase_add_test(tc, test_vconn_round_robin);
	suite_add_tcase(s, tc);

	tc = tcase_create("shutdown");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_vconn_shutdown_send_after_flush);
	tcase_add_test(tc, test_vconn_data_after_shutdown_send_resets);
	tcase_add_test(tc, test_vconn_shutdown_both_gets_rst);
	tcase_add_test(tc, test_vconn_shutdown_both_flushes_first);
	tcase_add_test(tc, test_vconn_shutdown_both_unflushed_times_out);
	tcase_add_test(tc, test_vconn_shutdown_rcv_stops_data);
	tcase_add_test(tc, test_vconn_backend_eof_sends_shutdown);
	tcase_add_test(tc, test_vconn_eof_then_guest_shutdown_send_finishes);
	tcase_add_test(tc, test_vconn_guest_shutdown_send_then_eof_finishes);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_vconn_len_beyond_buffer_resets);
	tcase_add_test(tc, test_vconn_len_over_64k_resets);
	tcase_add_test(tc, test_vconn_payload_on_control_packet_resets);
	tcase_add_test(tc, test_vconn_unknown_op_resets);
	tcase_add_test(tc, test_vconn_wrong_src_cid_resets);
	tcase_add_test(tc, test_vconn_wrong_dst_cid_resets);
	tcase_add_test(tc, test_vconn_seqpacket_type_resets);
	tcase_add_test(tc, test_vconn_request_bad_cid_not_accepted);
	tcase_add_test(tc, test_vconn_data_for_unknown_connection_gets_rst);
	tcase_add_test(tc, test_vconn_rst_for_unknown_connection_ignored);
	tcase_add_test(tc, test_vconn_response_unasked_resets);
	tcase_add_test(tc, test_vconn_junk_rsts_bounded);
	suite_add_tcase(s, tc);

	tc = tcase_create("parsing");
	tcase_add_test(tc, test_vconn_iov_copy_across_segments);
	tcase_add_test(tc, test_vconn_connect_line_good);
	tcase_add_test(tc, test_vconn_connect_line_incomplete);
	tcase_add_test(tc, test_vconn_connect_line_garbage);
	tcase_add_test(tc, test_vconn_connect_line_port_out_of_range);
	tcase_add_test(tc, test_vconn_connect_line_overlong);
	suite_add_tcase(s, tc);

	return s;
}
