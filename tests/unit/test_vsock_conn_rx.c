// SPDX-License-Identifier: GPL-2.0
/*
 * Host -> guest data on vsock connections (virtio/vsock-conn-rx.c): the
 * guest's credit for it, packets sized to its rx buffers, several
 * connections sharing the rx queue, and batches (one backend read over
 * several rx buffers). Fake guest and backends as in vconn-fake.h.
 */
#include <endian.h>
#include <stdint.h>
#include <string.h>

#include "suites.h"
#include "vconn-fake.h"

/* Data and the guest's credit */

START_TEST(test_vconn_host_data_to_guest)
{
	struct fake_be *f = established();
	struct virtio_vsock_hdr h;

	vfake__fill(f->src, 3000, 6);
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

/* Batches: one backend read over several rx buffers */

static uint8_t slot_buf[4][4096];

/* n slots of 4096 bytes, their headers marked as untouched. */
static void slots_init(struct vsock_rx_slot *s, struct iovec *v, unsigned int n)
{
	unsigned int j;

	for (j = 0; j < n; j++) {
		v[j] = (struct iovec){ .iov_base = slot_buf[j],
				       .iov_len = sizeof(slot_buf[j]) };
		s[j] = (struct vsock_rx_slot){ .iov = &v[j],
					       .iovcnt = 1,
					       .room = sizeof(slot_buf[j]) };
		s[j].h.op = htole16(0xffff);
	}
}

START_TEST(test_vconn_batch_one_read_fills_buffers)
{
	struct fake_be *f = established();
	struct vsock_rx_slot s[4];
	struct iovec v[4];
	uint32_t before = vsock_conn__peer_free(last_conn);

	vfake__fill(f->src, 10000, 9);
	f->src_len = 10000;
	vsock_conn__readable(last_conn);
	slots_init(s, v, 4);
	ck_assert_uint_eq(vsock_conns__next_many(&t, s, 4), 3);
	ck_assert_int_eq(f->reads, 1);
	ck_assert_uint_eq(le16toh(s[0].h.op), OP_RW);
	ck_assert_uint_eq(le32toh(s[0].h.len), 4096);
	ck_assert_uint_eq(le16toh(s[1].h.op), OP_RW);
	ck_assert_uint_eq(le32toh(s[1].h.len), 4096);
	ck_assert_uint_eq(le16toh(s[2].h.op), OP_RW);
	ck_assert_uint_eq(le32toh(s[2].h.len), 10000 - 8192);
	ck_assert_uint_eq(le16toh(s[3].h.op), 0xffff); /* untouched */
	ck_assert_mem_eq(slot_buf[0], f->src, 4096);
	ck_assert_mem_eq(slot_buf[1], f->src + 4096, 4096);
	ck_assert_mem_eq(slot_buf[2], f->src + 8192, 10000 - 8192);
	ck_assert_uint_eq(vsock_conn__peer_free(last_conn), before - 10000);
	expect_nothing();
}
END_TEST

/* A batch never takes more than the guest's credit. */
START_TEST(test_vconn_batch_within_credit)
{
	struct fake_be *f = established();
	struct vsock_rx_slot s[4];
	struct virtio_vsock_hdr h = hdr(OP_CREDIT_UPDATE, GPORT, HPORT, 0);
	struct iovec v[4];

	f->src_len = 20000;
	h.buf_alloc = htole32(5000);
	recv_hdr(h, NULL, 0);
	vsock_conn__readable(last_conn);
	slots_init(s, v, 4);
	ck_assert_uint_eq(vsock_conns__next_many(&t, s, 4), 2);
	ck_assert_uint_eq(le32toh(s[0].h.len), 4096);
	ck_assert_uint_eq(le32toh(s[1].h.len), 5000 - 4096);
	ck_assert_uint_eq(le16toh(s[2].h.op), 0xffff);
	ck_assert_uint_eq(f->src_off, 5000);
	ck_assert_uint_eq(vsock_conn__peer_free(last_conn), 0);
	slots_init(s, v, 4);
	ck_assert_uint_eq(vsock_conns__next_many(&t, s, 4), 0);
}
END_TEST

/* Control packets take one slot each; data after them is a new batch. */
START_TEST(test_vconn_batch_control_one_slot)
{
	struct fake_be *f = established();
	struct vsock_rx_slot s[4];
	struct iovec v[4];

	f->src_len = 3000;
	f->eof = true;
	vsock_conn__readable(last_conn);
	slots_init(s, v, 4);
	ck_assert_uint_eq(vsock_conns__next_many(&t, s, 4), 1);
	ck_assert_uint_eq(le16toh(s[0].h.op), OP_RW);
	ck_assert_uint_eq(le32toh(s[0].h.len), 3000);
	ck_assert_uint_eq(le16toh(s[1].h.op), 0xffff);
	slots_init(s, v, 4);
	ck_assert_uint_eq(vsock_conns__next_many(&t, s, 4), 1);
	ck_assert_uint_eq(le16toh(s[0].h.op), OP_SHUTDOWN);
	ck_assert_uint_eq(le16toh(s[1].h.op), 0xffff);
}
END_TEST

/* No packet exceeds 64 KiB, however large its buffer. */
START_TEST(test_vconn_batch_packet_max)
{
	struct fake_be *f = established();
	struct vsock_rx_slot s[2];
	struct iovec v[2] = {
		{ .iov_base = rxbuf, .iov_len = VSOCK_MAX_PAYLOAD + 100 },
		{ .iov_base = rxbuf + VSOCK_MAX_PAYLOAD + 100,
		  .iov_len = 1000 },
	};

	f->src_len = VSOCK_MAX_PAYLOAD + 500;
	vsock_conn__readable(last_conn);
	s[0] = (struct vsock_rx_slot){ .iov = &v[0],
				       .iovcnt = 1,
				       .room = v[0].iov_len };
	s[1] = (struct vsock_rx_slot){ .iov = &v[1],
				       .iovcnt = 1,
				       .room = v[1].iov_len };
	ck_assert_uint_eq(vsock_conns__next_many(&t, s, 2), 2);
	ck_assert_uint_eq(le32toh(s[0].h.len), VSOCK_MAX_PAYLOAD);
	ck_assert_uint_eq(le32toh(s[1].h.len), 500);
	ck_assert_int_eq(f->reads, 1);
	ck_assert_mem_eq(rxbuf + VSOCK_MAX_PAYLOAD + 100,
			 f->src + VSOCK_MAX_PAYLOAD, 500);
}
END_TEST
Suite *vsock_conn_rx_suite(void)
{
	Suite *s = suite_create("vsock_conn_rx");
	TCase *tc;

	tc = tcase_create("data");
	tcase_add_checked_fixture(tc, vfake__setup, vfake__teardown);
	tcase_add_test(tc, test_vconn_host_data_to_guest);
	tcase_add_test(tc, test_vconn_host_data_split_by_room);
	tcase_add_test(tc, test_vconn_never_more_than_peer_credit);
	tcase_add_test(tc, test_vconn_guest_shrinking_buf_alloc_stops_data);
	tcase_add_test(tc, test_vconn_backend_read_error_resets);
	tcase_add_test(tc, test_vconn_round_robin);
	suite_add_tcase(s, tc);

	tc = tcase_create("batch");
	tcase_add_checked_fixture(tc, vfake__setup, vfake__teardown);
	tcase_add_test(tc, test_vconn_batch_one_read_fills_buffers);
	tcase_add_test(tc, test_vconn_batch_within_credit);
	tcase_add_test(tc, test_vconn_batch_control_one_slot);
	tcase_add_test(tc, test_vconn_batch_packet_max);
	suite_add_tcase(s, tc);

	return s;
}
