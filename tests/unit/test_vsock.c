// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-vsock device end to end: a fake guest driver works the real
 * transport (virtio_mmio__ops) and split virtqueues in malloc'ed guest
 * RAM, and the host side is real Unix sockets in a temporary directory
 * and in-VMM services. The device runs its own thread, as in turtle.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_vsock.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../../virtio/vsock-conn.h"
#include "../../virtio/vsock.h"
#include "../../vmm/log.h"
#include "fds.h"
#include "suites.h"

#define GUEST_CID 7
#define RAM_BASE 0x40000000ULL
#define RAM_SIZE (8ULL << 20)
#define QSZ 64
#define RXQ 0
#define TXQ 1
#define EVQ 2
#define NRX 32	     /* rx buffers, 2 descriptors each */
#define NTX 32	     /* tx slots, 2 descriptors each */
#define NEV 4	     /* event buffers */
#define RX_DATA 4096 /* like Linux's rx buffers */
#define HDR sizeof(struct virtio_vsock_hdr)
#define GPORT 5000
#define SVC_PORT 7001
#define WAIT_MS 5000

#define OP_REQUEST VIRTIO_VSOCK_OP_REQUEST
#define OP_RESPONSE VIRTIO_VSOCK_OP_RESPONSE
#define OP_RST VIRTIO_VSOCK_OP_RST
#define OP_SHUTDOWN VIRTIO_VSOCK_OP_SHUTDOWN
#define OP_RW VIRTIO_VSOCK_OP_RW
#define OP_CREDIT_UPDATE VIRTIO_VSOCK_OP_CREDIT_UPDATE
#define SHUT_BOTH (VIRTIO_VSOCK_SHUTDOWN_RCV | VIRTIO_VSOCK_SHUTDOWN_SEND)

static uint64_t q_gpa(unsigned int q)
{
	return RAM_BASE + q * 0x10000ULL;
}

#define DESC_GPA(q) q_gpa(q)
#define AVAIL_GPA(q) (q_gpa(q) + 0x1000)
#define USED_GPA(q) (q_gpa(q) + 0x2000)
#define EVBUF_GPA(i) (RAM_BASE + 0x80000 + (i)*16ULL)
#define RXBUF_GPA(i) (RAM_BASE + 0x100000 + (i)*0x2000ULL)
#define TXBUF_GPA(j) (RAM_BASE + 0x200000 + (j)*0x11000ULL)

struct gq {
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t avail_idx, last_used;
};

static struct guest_mem mem;
static struct virtio_dev *vdev;
static struct gq gq[3];
static bool split_rx; /* header and data in separate rx descriptors */
static unsigned int tx_slot;
static char dir[48], path[64];

/* The fake guest's receive side of its one connection. */
static uint32_t g_buf_alloc, g_fwd_cnt;

static void *ptr(uint64_t gpa)
{
	return mem.host + (gpa - RAM_BASE);
}

static void wr(uint64_t off, uint32_t v)
{
	uint32_t le = htole32(v);

	virtio_mmio__ops.write(vdev, off, (uint8_t *)&le, 4);
}

static uint32_t rd(uint64_t off)
{
	uint32_t v = 0;

	virtio_mmio__ops.read(vdev, off, (uint8_t *)&v, 4);
	return le32toh(v);
}

static uint64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void avail_push(unsigned int q, uint16_t head)
{
	struct gq *g = &gq[q];

	g->avail->ring[g->avail_idx % QSZ] = htole16(head);
	g->avail_idx++;
	__atomic_store_n(&g->avail->idx, htole16(g->avail_idx),
			 __ATOMIC_RELEASE);
}

static void set_desc(unsigned int q, uint16_t i, uint64_t gpa, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	struct vring_desc *d = &gq[q].desc[i];

	d->addr = htole64(gpa);
	d->len = htole32(len);
	d->flags = htole16(flags);
	d->next = htole16(next);
}

static void rx_post(unsigned int i)
{
	if (split_rx) {
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

static void kick(unsigned int q)
{
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

/* The driver's side of initialisation, up to DRIVER_OK. */
static void driver_up(void)
{
	uint32_t s = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER;
	unsigned int i;

	ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_ID), 19); /* VIRTIO_ID_VSOCK */
	ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG), GUEST_CID);
	wr(VIRTIO_MMIO_STATUS, s);
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

static void setup(void)
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
	split_rx = false;
	g_buf_alloc = 256 * 1024;
	g_fwd_cnt = 0;
}

static void teardown(void)
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
static void wait_consumed(unsigned int q)
{
	uint64_t end = ms_now() + WAIT_MS;

	while (le16toh(__atomic_load_n(&gq[q].used->idx, __ATOMIC_ACQUIRE)) !=
	       gq[q].avail_idx) {
		ck_assert_msg(ms_now() < end, "queue %u not consumed", q);
		usleep(100);
	}
}

/* A packet from the guest on its connection (gport -> hport). */
static void guest_send(uint16_t op, uint32_t gport, uint32_t hport,
		       uint32_t flags, const void *data, uint32_t len)
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
static bool guest_recv_ms(struct virtio_vsock_hdr *h, uint8_t *data, int ms)
{
	uint64_t end = ms_now() + (uint64_t)ms;
	struct gq *g = &gq[RXQ];
	struct vring_used_elem e;
	unsigned int i;
	uint32_t len;

	while (le16toh(__atomic_load_n(&g->used->idx, __ATOMIC_ACQUIRE)) ==
	       g->last_used) {
		if (ms_now() >= end)
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

static struct virtio_vsock_hdr guest_expect(uint16_t op, uint8_t *data)
{
	struct virtio_vsock_hdr h;

	ck_assert_msg(guest_recv_ms(&h, data, WAIT_MS),
		      "no packet from the device, expected op %u", op);
	ck_assert_msg(le16toh(h.op) == op, "op %u, expected %u", le16toh(h.op),
		      op);
	return h;
}

static void guest_expect_nothing(void)
{
	struct virtio_vsock_hdr h;

	ck_assert_msg(!guest_recv_ms(&h, NULL, 100), "unexpected packet, op %u",
		      le16toh(h.op));
}

/* A test listener at PATH_port, where the guest's connects land. */
static int listen_port(uint32_t port)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s_%u", path, port);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(fd, 8), 0);
	return fd;
}

static int accept_ms(int lfd, int ms)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };

	ck_assert_int_eq(poll(&p, 1, ms), 1);
	return accept(lfd, NULL, NULL);
}

/* A host program's connection to PATH. */
static int host_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	strcpy(sa.sun_path, path);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* Read exactly len bytes within WAIT_MS. */
static void read_all(int fd, void *buf, size_t len)
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
static void expect_eof(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	ck_assert_int_eq(poll(&p, 1, WAIT_MS), 1);
	ck_assert_int_le(read(fd, &c, 1), 0);
}

static void fill(uint8_t *p, size_t len, size_t off)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)((off + i) * 7 + ((off + i) >> 12));
}

/* The guest connects to host port `port`, where a test listener waits. */
static int guest_connects(int lfd, uint32_t port)
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

START_TEST(test_vsock_guest_connects_to_host_socket)
{
	int lfd = listen_port(1234), fd;
	uint8_t buf[RX_DATA];
	struct virtio_vsock_hdr h;

	driver_up();
	fd = guest_connects(lfd, 1234);

	guest_send(OP_RW, GPORT, 1234, 0, "hello", 5);
	read_all(fd, buf, 5);
	ck_assert_mem_eq(buf, "hello", 5);

	ck_assert_int_eq(write(fd, "world!", 6), 6);
	h = guest_expect(OP_RW, buf);
	ck_assert_uint_eq(le32toh(h.len), 6);
	ck_assert_mem_eq(buf, "world!", 6);

	/* The guest closes: the host sees EOF, the guest gets its RST. */
	guest_send(OP_SHUTDOWN, GPORT, 1234, SHUT_BOTH, NULL, 0);
	expect_eof(fd);
	guest_expect(OP_RST, NULL);
	close(fd);
	close(lfd);
}
END_TEST

START_TEST(test_vsock_split_rx_buffers)
{
	int lfd = listen_port(1234), fd;
	uint8_t buf[RX_DATA];
	struct virtio_vsock_hdr h;

	split_rx = true;
	driver_up();
	fd = guest_connects(lfd, 1234);
	ck_assert_int_eq(write(fd, "split", 5), 5);
	h = guest_expect(OP_RW, buf);
	ck_assert_uint_eq(le32toh(h.len), 5);
	ck_assert_mem_eq(buf, "split", 5);
	close(fd);
	close(lfd);
}
END_TEST

START_TEST(test_vsock_guest_connect_nothing_listens_rst)
{
	struct virtio_vsock_hdr h;

	driver_up();
	guest_send(OP_REQUEST, GPORT, 4321, 0, NULL, 0);
	h = guest_expect(OP_RST, NULL);
	ck_assert_uint_eq(le32toh(h.src_port), 4321);
	ck_assert_uint_eq(le32toh(h.dst_port), GPORT);
}
END_TEST

/* Interrupts raised since the last call (the irqfd's count), within ms. */
static uint64_t interrupts_ms(int ms)
{
	struct pollfd p = { .fd = vdev->call_fd, .events = POLLIN };
	uint64_t n = 0;

	if (poll(&p, 1, ms) == 1)
		ck_assert_int_eq(read(vdev->call_fd, &n, sizeof(n)), sizeof(n));
	return n;
}

/* A packet that brings an answer: one interrupt covers both queues. */
START_TEST(test_vsock_tx_interrupt_rides_on_rx)
{
	driver_up();
	interrupts_ms(0);
	guest_send(OP_REQUEST, GPORT, 4321, 0, NULL, 0);
	guest_expect(OP_RST, NULL);
	/*
	 * The device fills the used ring before it writes the irqfd, so
	 * wait for the interrupt; then give an owed tx interrupt five times
	 * TX_IRQ_DELAY_MS to show up: there must be none.
	 */
	ck_assert_uint_eq(interrupts_ms(WAIT_MS) + interrupts_ms(100), 1);
}
END_TEST

/* A packet that brings nothing back still gets its interrupt, later. */
START_TEST(test_vsock_tx_interrupt_alone_comes)
{
	driver_up();
	interrupts_ms(0);
	guest_send(OP_RST, GPORT, 4321, 0, NULL, 0);
	guest_expect_nothing();
	ck_assert_uint_eq(interrupts_ms(WAIT_MS), 1);
}
END_TEST

/* The host program's side: CONNECT, OK <port>, then a stream. */
static int host_connects(uint32_t gport, uint32_t *hport)
{
	struct virtio_vsock_hdr h;
	char line[32], want[32];
	int fd = host_connect(), n;

	n = snprintf(line, sizeof(line), "CONNECT %u\n", gport);
	ck_assert_int_eq(write(fd, line, (size_t)n), n);
	h = guest_expect(OP_REQUEST, NULL);
	ck_assert_uint_eq(le32toh(h.dst_port), gport);
	*hport = le32toh(h.src_port);
	ck_assert_uint_ge(*hport, VSOCK_EPHEMERAL_BASE);
	guest_send(OP_RESPONSE, gport, *hport, 0, NULL, 0);
	n = snprintf(want, sizeof(want), "OK %u\n", *hport);
	read_all(fd, line, (size_t)n);
	ck_assert_mem_eq(line, want, (size_t)n);
	return fd;
}

START_TEST(test_vsock_host_connects_to_guest)
{
	uint8_t buf[RX_DATA];
	struct virtio_vsock_hdr h;
	uint32_t hport;
	int fd;

	driver_up();
	fd = host_connects(52, &hport);
	ck_assert_int_eq(write(fd, "ping", 4), 4);
	h = guest_expect(OP_RW, buf);
	ck_assert_uint_eq(le32toh(h.len), 4);
	ck_assert_mem_eq(buf, "ping", 4);
	guest_send(OP_RW, 52, hport, 0, "pong", 4);
	read_all(fd, buf, 4);
	ck_assert_mem_eq(buf, "pong", 4);

	/* The host program closes: the guest sees end of stream. */
	close(fd);
	h = guest_expect(OP_SHUTDOWN, NULL);
	ck_assert_uint_eq(le32toh(h.flags), VIRTIO_VSOCK_SHUTDOWN_SEND);
	/* ... and closes too: RST ends it. */
	guest_send(OP_SHUTDOWN, 52, hport, SHUT_BOTH, NULL, 0);
	guest_expect(OP_RST, NULL);
}
END_TEST

/* Bytes sent right behind the CONNECT line are not lost. */
START_TEST(test_vsock_host_data_pipelined_after_connect)
{
	struct virtio_vsock_hdr h;
	uint8_t buf[RX_DATA];
	uint32_t hport;
	int fd = -1;

	driver_up();
	fd = host_connect();
	ck_assert_int_eq(write(fd, "CONNECT 9\nearly", 15), 15);
	h = guest_expect(OP_REQUEST, NULL);
	hport = le32toh(h.src_port);
	guest_send(OP_RESPONSE, 9, hport, 0, NULL, 0);
	h = guest_expect(OP_RW, buf);
	ck_assert_uint_eq(le32toh(h.len), 5);
	ck_assert_mem_eq(buf, "early", 5);
	close(fd);
}
END_TEST

START_TEST(test_vsock_host_connect_guest_refuses)
{
	struct virtio_vsock_hdr h;
	int fd;

	driver_up();
	fd = host_connect();
	ck_assert_int_eq(write(fd, "CONNECT 52\n", 11), 11);
	h = guest_expect(OP_REQUEST, NULL);
	guest_send(OP_RST, 52, le32toh(h.src_port), 0, NULL, 0);
	expect_eof(fd);
	close(fd);
}
END_TEST

START_TEST(test_vsock_host_bad_connect_line_closed)
{
	int fd;

	driver_up();
	fd = host_connect();
	ck_assert_int_eq(write(fd, "HELLO 52\n", 9), 9);
	expect_eof(fd);
	guest_expect_nothing();
	close(fd);
}
END_TEST

/* Host -> guest, 1 MiB through a guest with 64 KiB of buffer. */
struct writer {
	int fd;
	size_t len;
};

static void *writer_thread(void *arg)
{
	struct writer *w = arg;
	static uint8_t chunk[65536];
	size_t off = 0, n;
	ssize_t r;

	while (off < w->len) {
		n = w->len - off < sizeof(chunk) ? w->len - off : sizeof(chunk);
		fill(chunk, n, off);
		r = write(w->fd, chunk, n);
		if (r <= 0)
			break;
		off += (size_t)r;
	}
	close(w->fd);
	return NULL;
}

START_TEST(test_vsock_host_to_guest_respects_credit)
{
	static uint8_t buf[RX_DATA], want[RX_DATA];
	struct writer w = { .len = 1 << 20 };
	struct virtio_vsock_hdr h;
	uint32_t hport, got = 0, len;
	pthread_t th;

	g_buf_alloc = 64 * 1024;
	driver_up();
	w.fd = host_connects(52, &hport);
	ck_assert_int_eq(pthread_create(&th, NULL, writer_thread, &w), 0);
	while (got < w.len) {
		ck_assert_msg(guest_recv_ms(&h, buf, WAIT_MS),
			      "stalled after %u bytes", got);
		ck_assert_uint_eq(le16toh(h.op), OP_RW);
		len = le32toh(h.len);
		fill(want, len, got);
		ck_assert_mem_eq(buf, want, len);
		got += len;
		/* Never more in flight than the guest can buffer. */
		ck_assert_uint_le(got - g_fwd_cnt, g_buf_alloc);
		/* The guest reads it all, and says so every 32 KiB. */
		if (got - g_fwd_cnt >= 32 * 1024) {
			g_fwd_cnt = got;
			guest_send(OP_CREDIT_UPDATE, 52, hport, 0, NULL, 0);
		}
	}
	guest_expect(OP_SHUTDOWN, NULL); /* the writer closed */
	pthread_join(th, NULL);
}
END_TEST

/* Guest -> host, 2 MiB into a host program that starts reading late. */
struct reader {
	int fd;
	size_t len, got;
	bool bad;
};

static void *reader_thread(void *arg)
{
	struct reader *r = arg;
	static uint8_t chunk[65536], want[65536];
	ssize_t n;

	usleep(300 * 1000); /* the device must buffer meanwhile */
	while (r->got < r->len) {
		n = read(r->fd, chunk, sizeof(chunk));
		if (n <= 0)
			break;
		fill(want, (size_t)n, r->got);
		if (memcmp(chunk, want, (size_t)n))
			r->bad = true;
		r->got += (size_t)n;
	}
	return NULL;
}

START_TEST(test_vsock_guest_to_host_respects_credit)
{
	static uint8_t chunk[16384];
	struct reader r = { .len = 2 << 20 };
	struct virtio_vsock_hdr h;
	uint32_t sent = 0, dev_fwd = 0, dev_buf, n;
	int lfd = listen_port(1234), updates = 0;
	pthread_t th;

	driver_up();
	guest_send(OP_REQUEST, GPORT, 1234, 0, NULL, 0);
	r.fd = accept_ms(lfd, WAIT_MS);
	h = guest_expect(OP_RESPONSE, NULL);
	dev_buf = le32toh(h.buf_alloc);
	ck_assert_uint_eq(dev_buf, VSOCK_BUF_ALLOC);
	ck_assert_int_eq(pthread_create(&th, NULL, reader_thread, &r), 0);
	while (sent < r.len) {
		uint32_t free_seen = dev_buf - (sent - dev_fwd);

		if (!free_seen) {
			h = guest_expect(OP_CREDIT_UPDATE, NULL);
			dev_fwd = le32toh(h.fwd_cnt);
			updates++;
			continue;
		}
		n = free_seen < sizeof(chunk) ? free_seen : sizeof(chunk);
		if (n > r.len - sent)
			n = (uint32_t)(r.len - sent);
		fill(chunk, n, sent);
		guest_send(OP_RW, GPORT, 1234, 0, chunk, n);
		sent += n;
		while (guest_recv_ms(&h, NULL, 0)) {
			ck_assert_uint_eq(le16toh(h.op), OP_CREDIT_UPDATE);
			dev_fwd = le32toh(h.fwd_cnt);
			updates++;
		}
	}
	pthread_join(th, NULL);
	ck_assert_uint_eq(r.got, r.len);
	ck_assert(!r.bad);
	ck_assert_int_gt(updates, 0);
	close(r.fd);
	close(lfd);
}
END_TEST

/* The guest resets the device: every host socket is closed. */
START_TEST(test_vsock_device_reset_closes_sockets)
{
	int lfd = listen_port(1234), fd;

	driver_up();
	fd = guest_connects(lfd, 1234);
	wr(VIRTIO_MMIO_STATUS, 0);
	expect_eof(fd);
	close(fd);
	close(lfd);
}
END_TEST

START_TEST(test_vsock_transport_reset_event)
{
	int lfd = listen_port(1234), fd;
	uint64_t end;
	uint32_t id;

	driver_up();
	fd = guest_connects(lfd, 1234);
	vsock__transport_reset(vdev);
	expect_eof(fd);
	end = ms_now() + WAIT_MS;
	while (le16toh(__atomic_load_n(&gq[EVQ].used->idx, __ATOMIC_ACQUIRE)) ==
	       0) {
		ck_assert_msg(ms_now() < end, "no transport reset event");
		usleep(100);
	}
	ck_assert_uint_eq(le32toh(gq[EVQ].used->ring[0].len), 4);
	memcpy(&id, ptr(EVBUF_GPA(le32toh(gq[EVQ].used->ring[0].id))), 4);
	ck_assert_uint_eq(le32toh(id), VIRTIO_VSOCK_EVENT_TRANSPORT_RESET);
	/* The old connection is gone for the device too. */
	guest_send(OP_RW, GPORT, 1234, 0, "x", 1);
	guest_expect(OP_RST, NULL);
	close(fd);
	close(lfd);
}
END_TEST

/* Malformed input */

START_TEST(test_vsock_bad_tx_chain_needs_reset)
{
	int lfd = listen_port(1234), fd;

	driver_up();
	fd = guest_connects(lfd, 1234);
	set_desc(TXQ, 0, RAM_BASE + RAM_SIZE - 8, 64, 0, 0); /* past RAM */
	avail_push(TXQ, 0);
	kick(TXQ);
	expect_eof(fd); /* connections dropped */
	ck_assert(rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
	close(fd);
	close(lfd);
}
END_TEST

START_TEST(test_vsock_short_packet_dropped)
{
	struct virtio_vsock_hdr h;

	driver_up();
	set_desc(TXQ, 0, TXBUF_GPA(0), 10, 0, 0);
	avail_push(TXQ, 0);
	kick(TXQ);
	wait_consumed(TXQ);
	tx_slot = 1;
	guest_expect_nothing();
	/* The device carries on. */
	guest_send(OP_REQUEST, GPORT, 4321, 0, NULL, 0);
	h = guest_expect(OP_RST, NULL);
	ck_assert_uint_eq(le32toh(h.src_port), 4321);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET,
			  0);
}
END_TEST

/* A bad packet resets its own connection and no other. */
START_TEST(test_vsock_malformed_packet_resets_one_connection)
{
	static uint8_t big[VSOCK_MAX_PAYLOAD + 1];
	int lfd = listen_port(1234), a, b;
	struct virtio_vsock_hdr h;
	uint8_t buf[16];

	driver_up();
	a = guest_connects(lfd, 1234);
	guest_send(OP_REQUEST, GPORT + 1, 1234, 0, NULL, 0);
	b = accept_ms(lfd, WAIT_MS);
	guest_expect(OP_RESPONSE, NULL);
	guest_send(OP_RW, GPORT, 1234, 0, big, sizeof(big)); /* > 64 KiB */
	h = guest_expect(OP_RST, NULL);
	ck_assert_uint_eq(le32toh(h.dst_port), GPORT);
	expect_eof(a);
	guest_send(OP_RW, GPORT + 1, 1234, 0, "still", 5);
	read_all(b, buf, 5);
	ck_assert_mem_eq(buf, "still", 5);
	close(a);
	close(b);
	close(lfd);
}
END_TEST

/* The socket path */

START_TEST(test_vsock_stale_socket_replaced)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct vsock_opts o = { .guest_cid = 3 };
	char p2[160], err[ERRBUF_LEN] = "";
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(p2, sizeof(p2), "%s/stale.sock", dir);
	strcpy(sa.sun_path, p2);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd); /* the socket file stays behind */
	o.uds_path = p2;
	ck_assert_ptr_nonnull(vsock__create(&o, &mem, err));
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
}
END_TEST

START_TEST(test_vsock_regular_file_not_replaced)
{
	struct vsock_opts o = { .guest_cid = 3 };
	char p2[160], err[ERRBUF_LEN] = "";
	struct stat st;
	FILE *f;

	snprintf(p2, sizeof(p2), "%s/file", dir);
	f = fopen(p2, "w");
	ck_assert_ptr_nonnull(f);
	fputs("data", f);
	fclose(f);
	o.uds_path = p2;
	ck_assert_ptr_null(vsock__create(&o, &mem, err));
	ck_assert_err_has(err, "not a socket");
	ck_assert_int_eq(stat(p2, &st), 0);
	ck_assert_int_eq(st.st_size, 4);
}
END_TEST

START_TEST(test_vsock_bad_cid_refused)
{
	struct vsock_opts o = { .guest_cid = 2 };
	char err[ERRBUF_LEN] = "";

	ck_assert_ptr_null(vsock__create(&o, &mem, err));
	ck_assert_err_has(err, "CID");
}
END_TEST

/* In-VMM services */

static struct {
	int accepts, closes, recvs;
	bool refuse, fail_recv, keep;
	struct vsock_stream *s;
} svc;

static void *svc_accept(void *arg, struct vsock_stream *s)
{
	(void)arg;
	if (svc.refuse)
		return NULL;
	svc.s = s;
	__atomic_add_fetch(&svc.accepts, 1, __ATOMIC_SEQ_CST);
	return &svc;
}

/* An echo service, answering from the device's own thread. */
static int svc_recv(void *conn, const void *buf, size_t len)
{
	struct iovec v = { .iov_base = (void *)buf, .iov_len = len };

	(void)conn;
	__atomic_add_fetch(&svc.recvs, 1, __ATOMIC_SEQ_CST);
	if (svc.fail_recv)
		return -1;
	return vsock_stream__send(svc.s, &v, 1);
}

static void svc_closed(void *conn)
{
	(void)conn;
	if (!svc.keep)
		vsock_stream__put(svc.s);
	__atomic_add_fetch(&svc.closes, 1, __ATOMIC_SEQ_CST);
}

static const struct vsock_service_ops svc_ops = {
	.accept = svc_accept,
	.recv = svc_recv,
	.closed = svc_closed,
};

static void svc_up(void)
{
	memset(&svc, 0, sizeof(svc));
	ck_assert_int_eq(vsock__bind_service(vdev, SVC_PORT, &svc_ops, NULL),
			 0);
	driver_up();
}

static void wait_closes(int n)
{
	uint64_t end = ms_now() + WAIT_MS;

	while (__atomic_load_n(&svc.closes, __ATOMIC_SEQ_CST) != n) {
		ck_assert_msg(ms_now() < end, "closed() not called");
		usleep(100);
	}
}

START_TEST(test_vsock_service_echo)
{
	struct iovec v[2] = { { "xy", 2 }, { "z", 1 } };
	uint8_t buf[RX_DATA];
	struct virtio_vsock_hdr h;

	svc_up();
	ck_assert_int_eq(vsock__bind_service(vdev, SVC_PORT, &svc_ops, NULL),
			 -1);
	guest_send(OP_REQUEST, GPORT, SVC_PORT, 0, NULL, 0);
	guest_expect(OP_RESPONSE, NULL);
	ck_assert_int_eq(svc.accepts, 1);
	guest_send(OP_RW, GPORT, SVC_PORT, 0, "abc", 3);
	h = guest_expect(OP_RW, buf);
	ck_assert_uint_eq(le32toh(h.len), 3);
	ck_assert_mem_eq(buf, "abc", 3);
	/* From another thread, in two pieces kept together. */
	ck_assert_int_eq(vsock_stream__send(svc.s, v, 2), 0);
	h = guest_expect(OP_RW, buf);
	ck_assert_uint_eq(le32toh(h.len), 3);
	ck_assert_mem_eq(buf, "xyz", 3);
	guest_send(OP_SHUTDOWN, GPORT, SVC_PORT, SHUT_BOTH, NULL, 0);
	guest_expect(OP_RST, NULL);
	wait_closes(1);
}
END_TEST

START_TEST(test_vsock_service_refuses)
{
	svc_up();
	svc.refuse = true;
	guest_send(OP_REQUEST, GPORT, SVC_PORT, 0, NULL, 0);
	guest_expect(OP_RST, NULL);
	ck_assert_int_eq(svc.closes, 0);
}
END_TEST

START_TEST(test_vsock_service_recv_error_resets)
{
	svc_up();
	svc.fail_recv = true;
	guest_send(OP_REQUEST, GPORT, SVC_PORT, 0, NULL, 0);
	guest_expect(OP_RESPONSE, NULL);
	guest_send(OP_RW, GPORT, SVC_PORT, 0, "bad", 3);
	guest_expect(OP_RST, NULL);
	wait_closes(1);
}
END_TEST

/* After closed(), sends fail but the stream stays valid until put. */
START_TEST(test_vsock_service_send_after_close_fails)
{
	struct iovec v = { "late", 4 };

	svc_up();
	svc.keep = true;
	guest_send(OP_REQUEST, GPORT, SVC_PORT, 0, NULL, 0);
	guest_expect(OP_RESPONSE, NULL);
	guest_send(OP_RST, GPORT, SVC_PORT, 0, NULL, 0);
	wait_closes(1);
	ck_assert_int_eq(vsock_stream__send(svc.s, &v, 1), -1);
	vsock_stream__put(svc.s);
}
END_TEST

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The host program writes and hangs up while the guest has no credit
 * left: the hang-up (reported whatever the interest) must not make the
 * device spin, and the rest arrives once the guest makes room.
 */
START_TEST(test_vsock_hangup_while_stalled)
{
	uint8_t buf[RX_DATA], data[8192], want[RX_DATA];
	struct virtio_vsock_hdr h;
	uint32_t hport;
	double cpu;
	int fd;

	g_buf_alloc = 4096;
	driver_up();
	fd = host_connects(52, &hport);
	fill(data, sizeof(data), 0);
	ck_assert_int_eq(write(fd, data, sizeof(data)), (ssize_t)sizeof(data));
	close(fd);
	h = guest_expect(OP_RW, buf);
	ck_assert_uint_eq(le32toh(h.len), 4096);
	cpu = cpu_seconds();
	guest_expect_nothing(); /* 100 ms with no credit */
	usleep(200 * 1000);
	ck_assert_msg(cpu_seconds() - cpu < 0.1, "the device spins: %.3f s",
		      cpu_seconds() - cpu);
	g_fwd_cnt = 4096;
	guest_send(OP_CREDIT_UPDATE, 52, hport, 0, NULL, 0);
	h = guest_expect(OP_RW, buf);
	ck_assert_uint_eq(le32toh(h.len), 4096);
	fill(want, 4096, 4096);
	ck_assert_mem_eq(buf, want, 4096);
	/* Like Linux, the guest returns credit once it read everything. */
	g_fwd_cnt = 8192;
	guest_send(OP_CREDIT_UPDATE, 52, hport, 0, NULL, 0);
	h = guest_expect(OP_SHUTDOWN, NULL);
	ck_assert_uint_eq(le32toh(h.flags), VIRTIO_VSOCK_SHUTDOWN_SEND);
}
END_TEST

/* Without PATH: services answer, every other port is refused. */
START_TEST(test_vsock_no_path_services_only)
{
	struct vsock_opts o = { .guest_cid = GUEST_CID };
	char err[ERRBUF_LEN] = "";

	wr(VIRTIO_MMIO_STATUS, 0);
	vdev = vsock__create(&o, &mem, err);
	ck_assert_ptr_nonnull(vdev);
	memset(&svc, 0, sizeof(svc));
	ck_assert_int_eq(vsock__bind_service(vdev, SVC_PORT, &svc_ops, NULL),
			 0);
	driver_up();
	guest_send(OP_REQUEST, GPORT, 1234, 0, NULL, 0);
	guest_expect(OP_RST, NULL);
	guest_send(OP_REQUEST, GPORT, SVC_PORT, 0, NULL, 0);
	guest_expect(OP_RESPONSE, NULL);
	ck_assert_int_eq(svc.accepts, 1);
}
END_TEST

/* A sender blocks while a MiB waits for the guest; all arrives in order. */
struct sender {
	int done;
};

static void *sender_thread(void *arg)
{
	struct sender *snd = arg;
	static uint8_t chunk[1 << 20];
	struct iovec v = { .iov_base = chunk, .iov_len = sizeof(chunk) };
	int i;

	for (i = 0; i < 3; i++) {
		fill(chunk, sizeof(chunk), (size_t)i << 20);
		if (vsock_stream__send(svc.s, &v, 1))
			break;
		__atomic_add_fetch(&snd->done, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

START_TEST(test_vsock_service_send_backpressure)
{
	static uint8_t buf[RX_DATA], want[RX_DATA];
	struct virtio_vsock_hdr h;
	struct sender snd = { 0 };
	uint32_t got = 0, len;
	pthread_t th;

	svc_up();
	guest_send(OP_REQUEST, GPORT, SVC_PORT, 0, NULL, 0);
	guest_expect(OP_RESPONSE, NULL);
	ck_assert_int_eq(pthread_create(&th, NULL, sender_thread, &snd), 0);
	usleep(200 * 1000);
	ck_assert_int_eq(__atomic_load_n(&snd.done, __ATOMIC_SEQ_CST), 1);
	while (got < 3 << 20) {
		ck_assert_msg(guest_recv_ms(&h, buf, WAIT_MS),
			      "stalled after %u bytes", got);
		ck_assert_uint_eq(le16toh(h.op), OP_RW);
		len = le32toh(h.len);
		fill(want, len, got);
		ck_assert_mem_eq(buf, want, len);
		got += len;
		if (got - g_fwd_cnt >= 64 * 1024) {
			g_fwd_cnt = got;
			guest_send(OP_CREDIT_UPDATE, GPORT, SVC_PORT, 0, NULL,
				   0);
		}
	}
	pthread_join(th, NULL);
	ck_assert_int_eq(snd.done, 3);
}
END_TEST

/* A failed create leaves no descriptor open: its eventfds fit, the
 * transport's do not. */
START_TEST(test_vsock_create_failure_closes_fds)
{
	struct vsock_opts o = { .guest_cid = GUEST_CID };
	char err[ERRBUF_LEN] = "";
	struct guest_mem m = { 0 };
	struct rlimit old;
	int before = fds__count();

	fds__leave_free(2, &old);
	ck_assert_ptr_null(vsock__create(&o, &m, err));
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
	ck_assert_msg(strstr(err, "cannot set up the device"), "%s", err);
	ck_assert_int_eq(fds__count(), before);
}
END_TEST

/* A socket path that cannot be bound fails before the eventfds exist,
 * and closes none of the caller's descriptors (0 included). */
START_TEST(test_vsock_create_bad_path_closes_nothing)
{
	struct vsock_opts o = { .guest_cid = GUEST_CID,
				.uds_path = "/nonexistent-dir/v.sock" };
	char err[ERRBUF_LEN] = "";
	struct guest_mem m = { 0 };
	int before = fds__count();

	ck_assert_ptr_null(vsock__create(&o, &m, err));
	ck_assert_int_eq(fds__count(), before);
	ck_assert_int_ne(fcntl(0, F_GETFD), -1);
}
END_TEST

Suite *vsock_suite(void)
{
	Suite *s = suite_create("vsock");
	TCase *tc;

	tc = tcase_create("create");
	tcase_add_test(tc, test_vsock_create_failure_closes_fds);
	tcase_add_test(tc, test_vsock_create_bad_path_closes_nothing);
	suite_add_tcase(s, tc);

	tc = tcase_create("unix");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_vsock_guest_connects_to_host_socket);
	tcase_add_test(tc, test_vsock_split_rx_buffers);
	tcase_add_test(tc, test_vsock_guest_connect_nothing_listens_rst);
	tcase_add_test(tc, test_vsock_host_connects_to_guest);
	tcase_add_test(tc, test_vsock_host_data_pipelined_after_connect);
	tcase_add_test(tc, test_vsock_host_connect_guest_refuses);
	tcase_add_test(tc, test_vsock_host_bad_connect_line_closed);
	tcase_add_test(tc, test_vsock_host_to_guest_respects_credit);
	tcase_add_test(tc, test_vsock_guest_to_host_respects_credit);
	tcase_add_test(tc, test_vsock_device_reset_closes_sockets);
	tcase_add_test(tc, test_vsock_transport_reset_event);
	tcase_add_test(tc, test_vsock_stale_socket_replaced);
	tcase_add_test(tc, test_vsock_regular_file_not_replaced);
	tcase_add_test(tc, test_vsock_bad_cid_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_vsock_bad_tx_chain_needs_reset);
	tcase_add_test(tc, test_vsock_short_packet_dropped);
	tcase_add_test(tc, test_vsock_malformed_packet_resets_one_connection);
	suite_add_tcase(s, tc);

	tc = tcase_create("services");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_vsock_service_echo);
	tcase_add_test(tc, test_vsock_service_refuses);
	tcase_add_test(tc, test_vsock_service_recv_error_resets);
	tcase_add_test(tc, test_vsock_service_send_after_close_fails);
	tcase_add_test(tc, test_vsock_service_send_backpressure);
	tcase_add_test(tc, test_vsock_no_path_services_only);
	tcase_add_test(tc, test_vsock_hangup_while_stalled);
	tcase_add_test(tc, test_vsock_tx_interrupt_rides_on_rx);
	tcase_add_test(tc, test_vsock_tx_interrupt_alone_comes);
	suite_add_tcase(s, tc);

	return s;
}
