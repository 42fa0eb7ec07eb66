// SPDX-License-Identifier: GPL-2.0
/*
 * Malformed packets from the guest to the vsock connection layer: bad
 * lengths, ops, CIDs and types reset the connection and no other;
 * packets for no connection get an RST, within bounds. Fake guest and
 * backends as in vconn-fake.h.
 */
#include <endian.h>
#include <stdint.h>
#include <string.h>

#include "suites.h"
#include "vconn-fake.h"

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

Suite *vsock_conn_malformed_suite(void)
{
	Suite *s = suite_create("vsock_conn_malformed");
	TCase *tc;

	tc = tcase_create("malformed");
	tcase_add_checked_fixture(tc, vfake__setup, vfake__teardown);
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

	return s;
}
