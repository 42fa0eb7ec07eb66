// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-vsock device itself, driven by a fake guest (vsock-guest.h):
 * creating it, its queues and interrupts, its resets, and the malformed
 * chains and packets it must survive.
 */
#include <endian.h>
#include <fcntl.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/log.h"
#include "fds.h"
#include "suites.h"
#include "vsock-guest.h"

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

START_TEST(test_vsock_bad_cid_refused)
{
	struct vsock_opts o = { .guest_cid = 2 };
	char err[ERRBUF_LEN] = "";

	ck_assert_ptr_null(vsock__create(&o, &mem, err));
	ck_assert_err_has(err, "CID");
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

/*
 * rx buffers of many descriptors (more than the device copies into its
 * batch): each is held alone, and a stream still arrives whole, in order.
 */
START_TEST(test_vsock_many_segment_rx_buffers)
{
	int lfd = listen_port(1234), fd;
	static uint8_t out[3 * RX_DATA + 100], in[sizeof(out) + RX_DATA];
	struct virtio_vsock_hdr h;
	size_t got = 0, i;

	for (i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 7 + i / 251);
	many_rx = true;
	driver_up();
	fd = guest_connects(lfd, 1234);
	ck_assert_int_eq(write(fd, out, sizeof(out)), (ssize_t)sizeof(out));
	while (got < sizeof(out)) {
		h = guest_expect(OP_RW, in + got);
		ck_assert_uint_gt(le32toh(h.len), 0);
		got += le32toh(h.len);
	}
	ck_assert_uint_eq(got, sizeof(out));
	ck_assert_mem_eq(in, out, sizeof(out));
	close(fd);
	close(lfd);
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
	end = (uint64_t)turtle__now_ms() + WAIT_MS;
	while (le16toh(__atomic_load_n(&gq[EVQ].used->idx, __ATOMIC_ACQUIRE)) ==
	       0) {
		ck_assert_msg((uint64_t)turtle__now_ms() < end,
			      "no transport reset event");
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

Suite *vsock_suite(void)
{
	Suite *s = suite_create("vsock");
	TCase *tc;

	tc = tcase_create("create");
	tcase_add_test(tc, test_vsock_create_failure_closes_fds);
	tcase_add_test(tc, test_vsock_create_bad_path_closes_nothing);
	suite_add_tcase(s, tc);

	tc = tcase_create("device");
	tcase_add_checked_fixture(tc, vguest__setup, vguest__teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_vsock_bad_cid_refused);
	tcase_add_test(tc, test_vsock_split_rx_buffers);
	tcase_add_test(tc, test_vsock_many_segment_rx_buffers);
	tcase_add_test(tc, test_vsock_tx_interrupt_rides_on_rx);
	tcase_add_test(tc, test_vsock_tx_interrupt_alone_comes);
	tcase_add_test(tc, test_vsock_device_reset_closes_sockets);
	tcase_add_test(tc, test_vsock_transport_reset_event);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_checked_fixture(tc, vguest__setup, vguest__teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_vsock_bad_tx_chain_needs_reset);
	tcase_add_test(tc, test_vsock_short_packet_dropped);
	tcase_add_test(tc, test_vsock_malformed_packet_resets_one_connection);
	suite_add_tcase(s, tc);

	return s;
}
