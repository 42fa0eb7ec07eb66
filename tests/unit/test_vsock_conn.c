// SPDX-License-Identifier: GPL-2.0
/*
 * The vsock connection state machine, driven with scripted packets from a
 * fake guest and fake backends (vconn-fake.h): connections the guest
 * opens, those the host opens, shutdown and reset.
 */
#include <endian.h>
#include <stdint.h>
#include <string.h>

#include "suites.h"
#include "vconn-fake.h"

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

Suite *vsock_conn_suite(void)
{
	Suite *s = suite_create("vsock_conn");
	TCase *tc;

	tc = tcase_create("setup");
	tcase_add_checked_fixture(tc, vfake__setup, vfake__teardown);
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

	tc = tcase_create("shutdown");
	tcase_add_checked_fixture(tc, vfake__setup, vfake__teardown);
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

	return s;
}
