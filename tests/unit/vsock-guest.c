// SPDX-License-Identifier: GPL-2.0
/* The virtio-vsock tests' fake guest driver, and the host end's sockets. */
#include "vsock-guest.h"

#include <endian.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../../lib/log.h"
#include "suites.h"

struct guest_mem mem;
struct virtio_dev *vdev;
struct gq gq[3];
bool split_rx; /* header and data in separate rx descriptors */
bool many_rx;  /* rx buffers as indirect tables: header, 5 data pieces */
unsigned int tx_slot;
char dir[48], path[64];

/* The fake guest's receive side of its one connection. */
uint32_t g_buf_alloc, g_fwd_cnt;

void *ptr(uint64_t gpa)
{
	return mem.host + (gpa - RAM_BASE);
}

void wr(uint64_t off, uint32_t v)
{
	uint32_t le = htole32(v);

	virtio_mmio__ops.write(vdev, off, (uint8_t *)&le, 4);
}

uint32_t rd(uint64_t off)
{
	uint32_t v = 0;

	virtio_mmio__ops.read(vdev, off, (uint8_t *)&v, 4);
	return le32toh(v);
}

void avail_push(unsigned int q, uint16_t head)
{
	struct gq *g = &gq[q];

	g->avail->ring[g->avail_idx % QSZ] = htole16(head);
	g->avail_idx++;
	__atomic_store_n(&g->avail->idx, htole16(g->avail_idx),
			 __ATOMIC_RELEASE);
}

void set_desc(unsigned int q, uint16_t i, uint64_t gpa, uint32_t len,
	      uint16_t flags, uint16_t next)
{
	struct vring_desc *d = &gq[q].desc[i];

	d->addr = htole64(gpa);
	d->len = htole32(len);
	d->flags = htole16(flags);
	d->next = htole16(next);
}

/* Buffer i as an indirect table of RX_PIECES + 1 descriptors. */
static void rx_post_many(unsigned int i)
{
	struct vring_desc *t = ptr(RXTBL_GPA(i));
	uint32_t piece = RX_DATA / RX_PIECES, k;

	t[0] = (struct vring_desc){ .addr = htole64(RXBUF_GPA(i)),
				    .len = htole32(HDR),
				    .flags = htole16(VRING_DESC_F_WRITE |
						     VRING_DESC_F_NEXT),
				    .next = htole16(1) };
	for (k = 0; k < RX_PIECES; k++)
		t[k + 1] = (struct vring_desc){
			.addr = htole64(RXBUF_GPA(i) + HDR + k * piece),
			.len = htole32(k + 1 < RX_PIECES ? piece
							 : RX_DATA - k * piece),
			.flags = htole16(
				VRING_DESC_F_WRITE |
				(k + 1 < RX_PIECES ? VRING_DESC_F_NEXT : 0)),
			.next = htole16((uint16_t)(k + 2))
		};
	set_desc(RXQ, (uint16_t)(2 * i), RXTBL_GPA(i),
		 (RX_PIECES + 1) * sizeof(*t), VRING_DESC_F_INDIRECT, 0);
}

static void rx_post(unsigned int i)
{
	if (many_rx) {
		rx_post_many(i);
	} else if (split_rx) {
		set_desc(RXQ, (uint16_t)(2 * i), RXBUF_GPA(i), HDR,
			 VRING_DESC_F_WRITE | VRING_DESC_F_NEXT,
			 (uint16_t)(2 * i + 1));
		set_desc(RXQ, (uint16_t)(2 * i + 1), RXBUF_GPA(i) + 64, RX_DATA,
			 VRING_DESC_F_WRITE, 0);
	} else {
		set_desc(RXQ, (uint16_t)(2 * i), RXBUF_GPA(i), HDR + RX_DATA,
			 VRING_DESC_F_WRITE, 0);
	}
	avail_push(RXQ, (uint16_t)(2 * i));
}

static void queue_setup(unsigned int q)
{
	gq[q].desc = ptr(DESC_GPA(q));
	gq[q].avail = ptr(AVAIL_GPA(q));
	gq[q].used = ptr(USED_GPA(q));
	gq[q].avail_idx = gq[q].last_used = 0;
	wr(VIRTIO_MMIO_QUEUE_SEL, q);
	ck_assert_uint_ge(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), QSZ);
	wr(VIRTIO_MMIO_QUEUE_NUM, QSZ);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)DESC_GPA(q));
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(DESC_GPA(q) >> 32));
	wr(VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)AVAIL_GPA(q));
	wr(VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)(AVAIL_GPA(q) >> 32));
	wr(VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)USED_GPA(q));
	wr(VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)(USED_GPA(q) >> 32));
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

void kick(unsigned int q)
{
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

/* The driver's side of initialisation, up to DRIVER_OK. */
void driver_up(void)
{
	uint32_t s = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER;
	unsigned int i;

	ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_ID), 19); /* VIRTIO_ID_VSOCK */
	ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG), GUEST_CID);
	wr(VIRTIO_MMIO_STATUS, s);
	if (many_rx) {
		wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
		wr(VIRTIO_MMIO_DRIVER_FEATURES,
		   1U << VIRTIO_RING_F_INDIRECT_DESC);
	}
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1); /* VIRTIO_F_VERSION_1 */
	s |= VIRTIO_CONFIG_S_FEATURES_OK;
	wr(VIRTIO_MMIO_STATUS, s);
	ck_assert(rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK);
	for (i = 0; i < 3; i++)
		queue_setup(i);
	for (i = 0; i < NRX; i++)
		rx_post(i);
	for (i = 0; i < NEV; i++) {
		set_desc(EVQ, (uint16_t)i, EVBUF_GPA(i), 4, VRING_DESC_F_WRITE,
			 0);
		avail_push(EVQ, (uint16_t)i);
	}
	wr(VIRTIO_MMIO_STATUS, s | VIRTIO_CONFIG_S_DRIVER_OK);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET,
			  0);
}

void vguest__setup(void)
{
	struct vsock_opts o = { .guest_cid = GUEST_CID };
	char err[ERRBUF_LEN] = "";

	signal(SIGPIPE, SIG_IGN);
	mem.host = aligned_alloc(4096, RAM_SIZE);
	ck_assert_ptr_nonnull(mem.host);
	memset(mem.host, 0, RAM_SIZE);
	mem.base = RAM_BASE;
	mem.size = RAM_SIZE;
	strcpy(dir, "/tmp/turtle-vsock-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/v.sock", dir);
	o.uds_path = path;
	vdev = vsock__create(&o, &mem, err);
	ck_assert_msg(vdev != NULL, "vsock__create: %s", err);
	tx_slot = 0;
	split_rx = many_rx = false;
	g_buf_alloc = 256 * 1024;
	g_fwd_cnt = 0;
}

void vguest__teardown(void)
{
	char cmd[128];

	if (vdev)
		wr(VIRTIO_MMIO_STATUS, 0); /* stops the device thread */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(mem.host);
}

/* Wait until the device used everything made available on q. */
void wait_consumed(unsigned int q)
{
	uint64_t end = (uint64_t)turtle__now_ms() + WAIT_MS;

	while (le16toh(__atomic_load_n(&gq[q].used->idx, __ATOMIC_ACQUIRE)) !=
	       gq[q].avail_idx) {
		ck_assert_msg((uint64_t)turtle__now_ms() < end,
			      "queue %u not consumed", q);
		usleep(100);
	}
}

/* A packet from the guest on its connection (gport -> hport). */
void guest_send(uint16_t op, uint32_t gport, uint32_t hport, uint32_t flags,
		const void *data, uint32_t len)
{
	unsigned int j = tx_slot++ % NTX;
	struct virtio_vsock_hdr *h = ptr(TXBUF_GPA(j));

	memset(h, 0, HDR);
	h->src_cid = htole64(GUEST_CID);
	h->dst_cid = htole64(VSOCK_HOST_CID);
	h->src_port = htole32(gport);
	h->dst_port = htole32(hport);
	h->len = htole32(len);
	h->type = htole16(VIRTIO_VSOCK_TYPE_STREAM);
	h->op = htole16(op);
	h->flags = htole32(flags);
	h->buf_alloc = htole32(g_buf_alloc);
	h->fwd_cnt = htole32(g_fwd_cnt);
	set_desc(TXQ, (uint16_t)(2 * j), TXBUF_GPA(j), HDR,
		 len ? VRING_DESC_F_NEXT : 0, (uint16_t)(2 * j + 1));
	if (len) {
		memcpy(ptr(TXBUF_GPA(j) + 64), data, len);
		set_desc(TXQ, (uint16_t)(2 * j + 1), TXBUF_GPA(j) + 64, len, 0,
			 0);
	}
	avail_push(TXQ, (uint16_t)(2 * j));
	kick(TXQ);
	wait_consumed(TXQ);
}

/*
 * The next packet the device put in the rx queue, within ms; its payload
 * into data (if not NULL). The buffer goes straight back to the device.
 */
bool guest_recv_ms(struct virtio_vsock_hdr *h, uint8_t *data, int ms)
{
	uint64_t end = (uint64_t)turtle__now_ms() + (uint64_t)ms;
	struct gq *g = &gq[RXQ];
	struct vring_used_elem e;
	unsigned int i;
	uint32_t len;

	while (le16toh(__atomic_load_n(&g->used->idx, __ATOMIC_ACQUIRE)) ==
	       g->last_used) {
		if ((uint64_t)turtle__now_ms() >= end)
			return false;
		usleep(100);
	}
	e = g->used->ring[g->last_used % QSZ];
	g->last_used++;
	i = le32toh(e.id) / 2;
	ck_assert_uint_lt(i, NRX);
	memcpy(h, ptr(RXBUF_GPA(i)), HDR);
	len = le32toh(h->len);
	ck_assert_uint_le(len, RX_DATA);
	ck_assert_uint_eq(le32toh(e.len), HDR + len);
	ck_assert_uint_eq(le64toh(h->src_cid), VSOCK_HOST_CID);
	ck_assert_uint_eq(le64toh(h->dst_cid), GUEST_CID);
	if (data)
		memcpy(data, ptr(RXBUF_GPA(i) + (split_rx ? 64 : HDR)), len);
	rx_post(i);
	kick(RXQ);
	return true;
}

struct virtio_vsock_hdr guest_expect(uint16_t op, uint8_t *data)
{
	struct virtio_vsock_hdr h;

	ck_assert_msg(guest_recv_ms(&h, data, WAIT_MS),
		      "no packet from the device, expected op %u", op);
	ck_assert_msg(le16toh(h.op) == op, "op %u, expected %u", le16toh(h.op),
		      op);
	return h;
}

void guest_expect_nothing(void)
{
	struct virtio_vsock_hdr h;

	ck_assert_msg(!guest_recv_ms(&h, NULL, 100), "unexpected packet, op %u",
		      le16toh(h.op));
}

/* A test listener at PATH_port, where the guest's connects land. */
int listen_port(uint32_t port)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s_%u", path, port);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(fd, 8), 0);
	return fd;
}

int accept_ms(int lfd, int ms)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };

	ck_assert_int_eq(poll(&p, 1, ms), 1);
	return accept(lfd, NULL, NULL);
}

/* Read exactly len bytes within WAIT_MS. */
void read_all(int fd, void *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		ck_assert_int_eq(poll(&p, 1, WAIT_MS), 1);
		n = read(fd, (uint8_t *)buf + got, len - got);
		ck_assert_int_gt(n, 0);
		got += (size_t)n;
	}
}

/* fd reaches end of stream (or reset) within WAIT_MS. */
void expect_eof(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	ck_assert_int_eq(poll(&p, 1, WAIT_MS), 1);
	ck_assert_int_le(read(fd, &c, 1), 0);
}

void fill(uint8_t *p, size_t len, size_t off)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)((off + i) * 7 + ((off + i) >> 12));
}

/* The guest connects to host port `port`, where a test listener waits. */
int guest_connects(int lfd, uint32_t port)
{
	struct virtio_vsock_hdr h;
	int fd;

	guest_send(OP_REQUEST, GPORT, port, 0, NULL, 0);
	fd = accept_ms(lfd, WAIT_MS);
	ck_assert_int_ge(fd, 0);
	h = guest_expect(OP_RESPONSE, NULL);
	ck_assert_uint_eq(le32toh(h.src_port), port);
	ck_assert_uint_eq(le32toh(h.dst_port), GPORT);
	return fd;
}
