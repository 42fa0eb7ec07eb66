// SPDX-License-Identifier: GPL-2.0
/* The vsock connection tests' fake guest and fake backends. */
#include "vconn-fake.h"

#include <endian.h>
#include <string.h>

#include "suites.h"

struct vsock_conns t;
struct fake_be fakes[3];
unsigned int nfakes;
int accept_ret;
struct vsock_conn *last_conn;

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

	f->reads++;
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

const struct vsock_conn_ops fake_ops = {
	.write = fake_write,
	.read = fake_read,
	.shutdown_write = fake_shutdown,
	.connected = fake_connected,
	.changed = fake_changed,
	.release = fake_release,
};

struct fake_be *new_fake(void)
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

void vfake__setup(void)
{
	memset(fakes, 0, sizeof(fakes));
	nfakes = 0;
	accept_ret = 0;
	last_conn = NULL;
	vsock_conns__init(&t, GUEST_CID, fake_accept, NULL);
	t.now_ms = 1000;
}

void vfake__teardown(void)
{
	vsock_conns__reset_all(&t);
}

struct virtio_vsock_hdr hdr(uint16_t op, uint32_t gport, uint32_t hport,
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

void recv_hdr(struct virtio_vsock_hdr h, const void *payload, size_t avail)
{
	struct iovec v = { .iov_base = (void *)payload, .iov_len = avail };

	vsock_conns__recv(&t, &h, &v, payload ? 1 : 0, avail);
}

/* A packet from the guest with no payload. */
void recv_op(uint16_t op, uint32_t flags)
{
	struct virtio_vsock_hdr h = hdr(op, GPORT, HPORT, 0);

	h.flags = htole32(flags);
	recv_hdr(h, NULL, 0);
}

void recv_data(const void *p, size_t len)
{
	recv_hdr(hdr(OP_RW, GPORT, HPORT, (uint32_t)len), p, len);
}

uint8_t rxbuf[VSOCK_MAX_PAYLOAD * 2];

/* The next packet for the guest, with up to room payload bytes. */
bool next(struct virtio_vsock_hdr *h, size_t room)
{
	struct iovec v = { .iov_base = rxbuf, .iov_len = room };

	return vsock_conns__next(&t, h, &v, 1, room);
}

/* The next packet must be op; its header is returned. */
struct virtio_vsock_hdr expect(uint16_t op)
{
	struct virtio_vsock_hdr h;

	ck_assert_msg(next(&h, 4096), "no packet, expected op %u", op);
	ck_assert_uint_eq(le16toh(h.op), op);
	ck_assert_uint_eq(le64toh(h.src_cid), VSOCK_HOST_CID);
	ck_assert_uint_eq(le64toh(h.dst_cid), GUEST_CID);
	ck_assert_uint_eq(le16toh(h.type), VIRTIO_VSOCK_TYPE_STREAM);
	return h;
}

void expect_nothing(void)
{
	struct virtio_vsock_hdr h;

	ck_assert_msg(!next(&h, 4096), "unexpected packet, op %u",
		      le16toh(h.op));
}

void vfake__fill(uint8_t *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 13 + seed);
}

/* The guest connects to HPORT and is accepted. */
struct fake_be *established(void)
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
void expect_reset(struct fake_be *f)
{
	struct virtio_vsock_hdr h = expect(OP_RST);

	ck_assert_uint_eq(le32toh(h.src_port), HPORT);
	ck_assert_uint_eq(le32toh(h.dst_port), GPORT);
	ck_assert_int_eq(f->released, 1);
	ck_assert_ptr_null(vsock_conns__find(&t, HPORT, GPORT));
	expect_nothing();
}
