// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-vsock's host side, Unix sockets: the guest connecting to a
 * listener at PATH_port, a host program connecting to the guest through
 * PATH ("CONNECT <port>"), data both ways within the credit each end
 * gives, hang-ups, and the socket file at PATH. The guest is the fake
 * driver of vsock-guest.h.
 */
#include <endian.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../../lib/log.h"
#include "../../virtio/vsock-unix.h"
#include "suites.h"
#include "vsock-guest.h"

/* A host program's connection to PATH. */
static int host_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	strcpy(sa.sun_path, path);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
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
	bool go; /* set once the guest has used all the device's credit */
};

static void *reader_thread(void *arg)
{
	struct reader *r = arg;
	static uint8_t chunk[65536], want[65536];
	ssize_t n;

	/* The device must buffer meanwhile. */
	while (!__atomic_load_n(&r->go, __ATOMIC_ACQUIRE))
		usleep(100);
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
			__atomic_store_n(&r.go, true, __ATOMIC_RELEASE);
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
	__atomic_store_n(&r.go, true, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	ck_assert_uint_eq(r.got, r.len);
	ck_assert(!r.bad);
	ck_assert_int_gt(updates, 0);
	close(r.fd);
	close(lfd);
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

/*
 * A guest cannot make turtle hold more than VSOCK_UNIX_MAX_CONNS host
 * connections (each may buffer VSOCK_BUF_ALLOC unread bytes): the next
 * connect is reset and reaches no host program.
 */
START_TEST(test_vsock_guest_connections_capped)
{
	int fds[VSOCK_UNIX_MAX_CONNS];
	int lfd = listen_port(1234), i;
	struct virtio_vsock_hdr h;

	driver_up();
	for (i = 0; i < VSOCK_UNIX_MAX_CONNS; i++) {
		guest_send(OP_REQUEST, GPORT + (uint32_t)i, 1234, 0, NULL, 0);
		fds[i] = accept_ms(lfd, WAIT_MS);
		ck_assert_int_ge(fds[i], 0);
		h = guest_expect(OP_RESPONSE, NULL);
		ck_assert_uint_eq(le32toh(h.dst_port), GPORT + (uint32_t)i);
	}
	guest_send(OP_REQUEST, GPORT + (uint32_t)i, 1234, 0, NULL, 0);
	h = guest_expect(OP_RST, NULL);
	ck_assert_uint_eq(le32toh(h.dst_port), GPORT + (uint32_t)i);
	ck_assert_int_eq(
		poll(&(struct pollfd){ .fd = lfd, .events = POLLIN }, 1, 0),
		0); /* no host program saw it */
	for (i = 0; i < VSOCK_UNIX_MAX_CONNS; i++)
		close(fds[i]);
	close(lfd);
}
END_TEST

Suite *vsock_unix_suite(void)
{
	Suite *s = suite_create("vsock_unix");
	TCase *tc;

	tc = tcase_create("unix");
	tcase_add_checked_fixture(tc, vguest__setup, vguest__teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_vsock_guest_connects_to_host_socket);
	tcase_add_test(tc, test_vsock_guest_connect_nothing_listens_rst);
	tcase_add_test(tc, test_vsock_host_connects_to_guest);
	tcase_add_test(tc, test_vsock_host_data_pipelined_after_connect);
	tcase_add_test(tc, test_vsock_host_connect_guest_refuses);
	tcase_add_test(tc, test_vsock_host_bad_connect_line_closed);
	tcase_add_test(tc, test_vsock_host_to_guest_respects_credit);
	tcase_add_test(tc, test_vsock_guest_to_host_respects_credit);
	tcase_add_test(tc, test_vsock_hangup_while_stalled);
	tcase_add_test(tc, test_vsock_stale_socket_replaced);
	tcase_add_test(tc, test_vsock_regular_file_not_replaced);
	tcase_add_test(tc, test_vsock_guest_connections_capped);
	suite_add_tcase(s, tc);

	return s;
}
