// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-vsock's in-VMM services (vsock__bind_service): an echo service
 * on SVC_PORT that accepts, answers, refuses, fails and sends from other
 * threads, with and without a socket PATH. The guest is the fake driver
 * of vsock-guest.h.
 */
#include <endian.h>
#include <linux/virtio_mmio.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "../../virtio/vsock-svc.h"
#include "../../lib/log.h"
#include "suites.h"
#include "vsock-guest.h"

#define SVC_PORT 7001

static struct {
	int accepts, closes, recvs;
	bool refuse, fail_recv, keep, hold;
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
static ssize_t svc_recv(void *conn, const void *buf, size_t len)
{
	struct iovec v = { .iov_base = (void *)buf, .iov_len = len };

	(void)conn;
	__atomic_add_fetch(&svc.recvs, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&svc.hold, __ATOMIC_SEQ_CST))
		return 0; /* takes nothing, for now */
	if (svc.fail_recv || vsock_stream__send(svc.s, &v, 1))
		return -1;
	return (ssize_t)len;
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

/* The same service, for the guest's root only. */
static const struct vsock_service_ops svc_priv_ops = {
	.privileged = true,
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

/* Wait until *count reaches n. */
static void wait_count(int *count, int n)
{
	uint64_t end = (uint64_t)turtle__now_ms() + WAIT_MS;

	while (__atomic_load_n(count, __ATOMIC_SEQ_CST) < n) {
		ck_assert_msg((uint64_t)turtle__now_ms() < end,
			      "count %d, not %d", *count, n);
		usleep(100);
	}
}

static void wait_closes(int n)
{
	wait_count(&svc.closes, n);
	ck_assert_int_eq(__atomic_load_n(&svc.closes, __ATOMIC_SEQ_CST), n);
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

/*
 * A service that takes nothing leaves the bytes in the device, not lost:
 * after vsock_stream__resume they come again, in order.
 */
START_TEST(test_vsock_service_resume_after_taking_nothing)
{
	uint8_t buf[RX_DATA];
	struct virtio_vsock_hdr h;

	svc_up();
	guest_send(OP_REQUEST, GPORT, SVC_PORT, 0, NULL, 0);
	guest_expect(OP_RESPONSE, NULL);
	svc.hold = true;
	guest_send(OP_RW, GPORT, SVC_PORT, 0, "kept", 4);
	guest_send(OP_RW, GPORT, SVC_PORT, 0, "+more", 5);
	guest_expect_nothing();
	ck_assert_int_ge(svc.recvs, 1);
	__atomic_store_n(&svc.hold, false, __ATOMIC_SEQ_CST);
	vsock_stream__resume(svc.s);
	h = guest_expect(OP_RW, buf);
	ck_assert_uint_eq(le32toh(h.len), 9);
	ck_assert_mem_eq(buf, "kept+more", 9);
}
END_TEST

/* At most VSOCK_SVC_MAX_STREAMS connections to services: the next, RST. */
START_TEST(test_vsock_service_connection_limit)
{
	unsigned int i;

	svc_up();
	svc.keep = true;
	for (i = 0; i < VSOCK_SVC_MAX_STREAMS; i++) {
		guest_send(OP_REQUEST, GPORT + i, SVC_PORT, 0, NULL, 0);
		guest_expect(OP_RESPONSE, NULL);
	}
	guest_send(OP_REQUEST, GPORT + i, SVC_PORT, 0, NULL, 0);
	guest_expect(OP_RST, NULL);
	ck_assert_int_eq(svc.accepts, VSOCK_SVC_MAX_STREAMS);
	/* One goes: room for one more. */
	guest_send(OP_RST, GPORT, SVC_PORT, 0, NULL, 0);
	wait_closes(1);
	guest_send(OP_REQUEST, GPORT + i, SVC_PORT, 0, NULL, 0);
	guest_expect(OP_RESPONSE, NULL);
}
END_TEST

/* A privileged service answers a guest port below 1024 (root's). */
START_TEST(test_vsock_service_privileged_port_accepted)
{
	uint8_t buf[RX_DATA];

	memset(&svc, 0, sizeof(svc));
	ck_assert_int_eq(
		vsock__bind_service(vdev, SVC_PORT, &svc_priv_ops, NULL), 0);
	driver_up();
	guest_send(OP_REQUEST, VSOCK_PRIVILEGED_PORT_MAX, SVC_PORT, 0, NULL, 0);
	guest_expect(OP_RESPONSE, NULL);
	ck_assert_int_eq(svc.accepts, 1);
	guest_send(OP_RW, VSOCK_PRIVILEGED_PORT_MAX, SVC_PORT, 0, "ok", 2);
	guest_expect(OP_RW, buf);
	ck_assert_mem_eq(buf, "ok", 2);
}
END_TEST

/*
 * From port 1024 up (any guest process): RST, and the service hears of
 * nothing, neither the connection nor the bytes sent after it.
 */
START_TEST(test_vsock_service_unprivileged_port_refused)
{
	static const uint32_t ports[] = { VSOCK_PRIVILEGED_PORT_MAX + 1, GPORT,
					  0xfffffffeU };
	struct virtio_vsock_hdr h;
	unsigned int i;

	memset(&svc, 0, sizeof(svc));
	ck_assert_int_eq(
		vsock__bind_service(vdev, SVC_PORT, &svc_priv_ops, NULL), 0);
	driver_up();
	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		guest_send(OP_REQUEST, ports[i], SVC_PORT, 0, NULL, 0);
		h = guest_expect(OP_RST, NULL);
		ck_assert_uint_eq(le32toh(h.dst_port), ports[i]);
		ck_assert_uint_eq(le32toh(h.src_port), SVC_PORT);
		/* As if the guest had not seen the RST yet. */
		guest_send(OP_RW, ports[i], SVC_PORT, 0, "\x28\0\0\0", 4);
		guest_expect(OP_RST, NULL);
	}
	guest_expect_nothing();
	ck_assert_int_eq(svc.accepts, 0);
	ck_assert_int_eq(svc.recvs, 0);
	ck_assert_int_eq(svc.closes, 0);
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
	/*
	 * The first MiB goes; with the guest's whole credit taken and none
	 * given back, most of it still waits, so the second send must too.
	 */
	while (got < g_buf_alloc) {
		ck_assert_msg(guest_recv_ms(&h, buf, WAIT_MS),
			      "stalled after %u bytes", got);
		ck_assert_uint_eq(le16toh(h.op), OP_RW);
		len = le32toh(h.len);
		fill(want, len, got);
		ck_assert_mem_eq(buf, want, len);
		got += len;
	}
	ck_assert_uint_eq(got, g_buf_alloc);
	wait_count(&snd.done, 1);
	ck_assert_int_eq(__atomic_load_n(&snd.done, __ATOMIC_SEQ_CST), 1);
	g_fwd_cnt = got;
	guest_send(OP_CREDIT_UPDATE, GPORT, SVC_PORT, 0, NULL, 0);
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

Suite *vsock_svc_suite(void)
{
	Suite *s = suite_create("vsock_svc");
	TCase *tc;

	tc = tcase_create("services");
	tcase_add_checked_fixture(tc, vguest__setup, vguest__teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_vsock_service_echo);
	tcase_add_test(tc, test_vsock_service_refuses);
	tcase_add_test(tc, test_vsock_service_recv_error_resets);
	tcase_add_test(tc, test_vsock_service_send_after_close_fails);
	tcase_add_test(tc, test_vsock_service_send_backpressure);
	tcase_add_test(tc, test_vsock_no_path_services_only);
	tcase_add_test(tc, test_vsock_service_resume_after_taking_nothing);
	tcase_add_test(tc, test_vsock_service_connection_limit);
	tcase_add_test(tc, test_vsock_service_privileged_port_accepted);
	tcase_add_test(tc, test_vsock_service_unprivileged_port_refused);
	suite_add_tcase(s, tc);

	return s;
}
