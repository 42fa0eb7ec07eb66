// SPDX-License-Identifier: GPL-2.0
/*
 * Guest -> host data on vsock connections and its credit flow control: the
 * guest's data into backends that block, our credit updates, overruns.
 * Host -> guest data is in test_vsock_conn_rx.c. Fake guest and backends
 * as in vconn-fake.h.
 */
#include <endian.h>
#include <stdint.h>
#include <string.h>

#include "suites.h"
#include "vconn-fake.h"

/* Guest -> host data and our credit */

START_TEST(test_vconn_data_reaches_backend)
{
	struct fake_be *f = established();
	uint8_t b[3000];

	vfake__fill(b, sizeof(b), 1);
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

	vfake__fill(b, sizeof(b), 2);
	recv_hdr(hdr(OP_RW, GPORT, HPORT, 60), b, sizeof(b));
	ck_assert_uint_eq(f->wrote_len, 60);
}
END_TEST

START_TEST(test_vconn_blocked_backend_buffers_and_flushes)
{
	struct fake_be *f = established();
	static uint8_t b[10000];
	struct virtio_vsock_hdr h;

	vfake__fill(b, sizeof(b), 3);
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

	vfake__fill(a, sizeof(a), 4);
	vfake__fill(b, sizeof(b), 5);
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

Suite *vsock_conn_credit_suite(void)
{
	Suite *s = suite_create("vsock_conn_credit");
	TCase *tc;

	tc = tcase_create("credit");
	tcase_add_checked_fixture(tc, vfake__setup, vfake__teardown);
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
	suite_add_tcase(s, tc);

	return s;
}
