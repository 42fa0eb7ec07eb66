// SPDX-License-Identifier: GPL-2.0
/*
 * vq__setup, vq__pop, vq__push and notifications: split virtqueues (the
 * overlap check between a chain's buffers: test_virtqueue_pages.c).
 */
#include <endian.h>
#include <stdint.h>
#include <string.h>

#include "suites.h"
#include "virtqueue-fixture.h"

static uint16_t used_idx(void)
{
	return le16toh(drv.used->idx);
}

static void set_used_event(uint16_t v)
{
	drv.avail->ring[drv.size] = htole16(v);
}

static uint16_t avail_event(void)
{
	__virtio16 v;

	memcpy(&v, &drv.used->ring[drv.size], sizeof(v));
	return le16toh(v);
}

/* Good chains. */

START_TEST(test_vq_pop_empty)
{
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_EMPTY);
	ck_assert(!vq.broken);
}
END_TEST

START_TEST(test_vq_pop_single_readable)
{
	desc(3, DATA_GPA, 100, 0, 0);
	publish(3);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_CHAIN);
	ck_assert_uint_eq(chain.head, 3);
	ck_assert_uint_eq(chain.n_out, 1);
	ck_assert_uint_eq(chain.n_in, 0);
	ck_assert_uint_eq(chain.out_len, 100);
	ck_assert_uint_eq(chain.in_len, 0);
	ck_assert_ptr_eq(chain.iov[0].iov_base, host(DATA_GPA));
	ck_assert_uint_eq(chain.iov[0].iov_len, 100);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_EMPTY);
}
END_TEST

START_TEST(test_vq_pop_readable_then_writable)
{
	desc(2, DATA_GPA, 16, F_NEXT, 5);
	desc(5, DATA_GPA + 0x1000, 512, F_WRITE | F_NEXT, 1);
	desc(1, DATA_GPA + 0x2000, 1, F_WRITE, 0);
	publish(2);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_CHAIN);
	ck_assert_uint_eq(chain.head, 2);
	ck_assert_uint_eq(chain.n_out, 1);
	ck_assert_uint_eq(chain.n_in, 2);
	ck_assert_uint_eq(chain.out_len, 16);
	ck_assert_uint_eq(chain.in_len, 513);
	ck_assert_ptr_eq(chain.iov[0].iov_base, host(DATA_GPA));
	ck_assert_uint_eq(chain.iov[0].iov_len, 16);
	ck_assert_ptr_eq(chain.iov[1].iov_base, host(DATA_GPA + 0x1000));
	ck_assert_uint_eq(chain.iov[1].iov_len, 512);
	ck_assert_ptr_eq(chain.iov[2].iov_base, host(DATA_GPA + 0x2000));
	ck_assert_uint_eq(chain.iov[2].iov_len, 1);
}
END_TEST

START_TEST(test_vq_pop_indirect)
{
	idesc(0, DATA_GPA, 16, F_NEXT, 2);
	idesc(2, DATA_GPA + 0x100, 4096, F_WRITE | F_NEXT, 1);
	idesc(1, DATA_GPA + 0x2000, 1, F_WRITE, 0);
	desc(4, TABLE_GPA, 3 * 16, F_INDIRECT, 0);
	publish(4);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_CHAIN);
	ck_assert_uint_eq(chain.head, 4);
	ck_assert_uint_eq(chain.n_out, 1);
	ck_assert_uint_eq(chain.n_in, 2);
	ck_assert_uint_eq(chain.out_len, 16);
	ck_assert_uint_eq(chain.in_len, 4097);
	ck_assert_ptr_eq(chain.iov[0].iov_base, host(DATA_GPA));
	ck_assert_ptr_eq(chain.iov[1].iov_base, host(DATA_GPA + 0x100));
	ck_assert_ptr_eq(chain.iov[2].iov_base, host(DATA_GPA + 0x2000));
}
END_TEST

START_TEST(test_vq_pop_buffer_ending_at_ram_end)
{
	desc(0, RAM_END - 10, 10, 0, 0);
	publish(0);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_CHAIN);
	ck_assert_ptr_eq(chain.iov[0].iov_base, host(RAM_END - 10));
}
END_TEST

START_TEST(test_vq_pop_full_ring)
{
	uint16_t i;

	for (i = 0; i < QSIZE; i++) {
		desc(i, DATA_GPA + i * 0x100, 0x100, 0, 0);
		publish(i);
	}
	for (i = 0; i < QSIZE; i++) {
		ck_assert_int_eq(vq__pop(&vq, &chain), VQ_CHAIN);
		ck_assert_uint_eq(chain.head, i);
	}
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_EMPTY);
}
END_TEST

START_TEST(test_vq_pop_max_segs)
{
	uint16_t i;

	for (i = 0; i < VQ_MAX_SEGS; i++)
		idesc(i, DATA_GPA + i, 1, F_NEXT, i + 1);
	idesc(VQ_MAX_SEGS - 1, DATA_GPA + VQ_MAX_SEGS - 1, 1, 0, 0);
	indirect_head(TABLE_GPA, VQ_MAX_SEGS * 16);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_CHAIN);
	ck_assert_uint_eq(chain.n_out, VQ_MAX_SEGS);
	ck_assert_uint_eq(chain.out_len, VQ_MAX_SEGS);
}
END_TEST

START_TEST(test_vq_push_writes_used_elem)
{
	vq__push(&vq, 5, 1234);
	ck_assert_uint_eq(le32toh(drv.used->ring[0].id), 5);
	ck_assert_uint_eq(le32toh(drv.used->ring[0].len), 1234);
	ck_assert_uint_eq(used_idx(), 1);
	vq__push(&vq, 2, 0);
	ck_assert_uint_eq(le32toh(drv.used->ring[1].id), 2);
	ck_assert_uint_eq(le32toh(drv.used->ring[1].len), 0);
	ck_assert_uint_eq(used_idx(), 2);
}
END_TEST

START_TEST(test_vq_indices_wrap_past_0xffff)
{
	uint16_t i;

	start_at(0xfffd);
	for (i = 0; i < 6; i++) {
		desc(i, DATA_GPA + i * 0x100, 0x100, 0, 0);
		publish(i);
		ck_assert_int_eq(vq__pop(&vq, &chain), VQ_CHAIN);
		ck_assert_uint_eq(chain.head, i);
		vq__push(&vq, chain.head, i);
		/* Slot (0xfffd + i) % 8: 5, 6, 7, 0, 1, 2. */
		ck_assert_uint_eq(le32toh(drv.used->ring[(5 + i) % 8].id), i);
	}
	ck_assert_uint_eq(vq.last_avail, 3);
	ck_assert_uint_eq(used_idx(), 3);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_EMPTY);
}
END_TEST

START_TEST(test_vq_many_chains_over_time)
{
	unsigned int i;

	queue(4, false, false);
	for (i = 0; i < 4; i++)
		desc(i, DATA_GPA + i * 0x100, 0x100, F_WRITE, 0);
	/*
	 * Two chains in flight at a time, 70000 in all. Checked with plain
	 * ifs: each passing ck_assert costs Check a message to its parent,
	 * and 210000 of them outran its timeout on a loaded machine.
	 */
	publish(0);
	for (i = 0; i < 70000; i++) {
		publish((i + 1) % 4);
		if (vq__pop(&vq, &chain) != VQ_CHAIN || chain.head != i % 4)
			ck_abort_msg("chain %u: not popped, or head %u", i,
				     chain.head);
		vq__push(&vq, chain.head, 0x100);
		if (used_idx() != (uint16_t)(i + 1))
			ck_abort_msg("chain %u: used idx %u", i, used_idx());
	}
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_CHAIN);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_EMPTY);
	ck_assert(!vq.broken);
}
END_TEST

/* Notifications. */

START_TEST(test_vq_notify_without_event_idx)
{
	vq__push(&vq, 0, 0);
	ck_assert(vq__should_notify(&vq));
	drv.avail->flags = htole16(VRING_AVAIL_F_NO_INTERRUPT);
	vq__push(&vq, 0, 0);
	ck_assert(!vq__should_notify(&vq));
}
END_TEST

START_TEST(test_vq_notify_first_time_with_event_idx)
{
	queue(QSIZE, true, true);
	set_used_event(100);
	vq__push(&vq, 0, 0);
	ck_assert(vq__should_notify(&vq));
}
END_TEST

START_TEST(test_vq_notify_when_used_event_crossed)
{
	queue(QSIZE, true, true);
	vq__push(&vq, 0, 0);
	ck_assert(vq__should_notify(&vq));
	/* The driver wants an interrupt once entry 1 is used. */
	set_used_event(1);
	vq__push(&vq, 0, 0);
	ck_assert(vq__should_notify(&vq));
}
END_TEST

START_TEST(test_vq_notify_suppressed_before_used_event)
{
	queue(QSIZE, true, true);
	vq__push(&vq, 0, 0);
	ck_assert(vq__should_notify(&vq));
	set_used_event(3);
	vq__push(&vq, 0, 0); /* entry 1 */
	ck_assert(!vq__should_notify(&vq));
	vq__push(&vq, 0, 0); /* entry 2 */
	ck_assert(!vq__should_notify(&vq));
	vq__push(&vq, 0, 0); /* entry 3 */
	ck_assert(vq__should_notify(&vq));
	ck_assert(!vq__should_notify(&vq)); /* nothing new */
}
END_TEST

START_TEST(test_vq_notify_event_idx_ignores_no_interrupt)
{
	queue(QSIZE, true, true);
	drv.avail->flags = htole16(VRING_AVAIL_F_NO_INTERRUPT);
	vq__push(&vq, 0, 0);
	ck_assert(vq__should_notify(&vq));
}
END_TEST

START_TEST(test_vq_enable_kicks_publishes_avail_event)
{
	queue(QSIZE, true, true);
	desc(0, DATA_GPA, 1, 0, 0);
	publish(0);
	publish(0);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_CHAIN);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_CHAIN);
	ck_assert(!vq__enable_kicks(&vq));
	ck_assert_uint_eq(avail_event(), 2);
}
END_TEST

START_TEST(test_vq_enable_kicks_sees_new_chains)
{
	queue(QSIZE, true, true);
	desc(0, DATA_GPA, 1, 0, 0);
	publish(0);
	ck_assert(vq__enable_kicks(&vq));
	ck_assert_uint_eq(avail_event(), 0);
}
END_TEST

START_TEST(test_vq_disable_kicks_sets_no_notify)
{
	vq__disable_kicks(&vq);
	ck_assert_uint_eq(le16toh(drv.used->flags), VRING_USED_F_NO_NOTIFY);
	ck_assert(!vq__enable_kicks(&vq));
	ck_assert_uint_eq(le16toh(drv.used->flags), 0);
}
END_TEST

START_TEST(test_vq_disable_kicks_with_event_idx_leaves_flags)
{
	queue(QSIZE, true, true);
	vq__disable_kicks(&vq);
	ck_assert_uint_eq(le16toh(drv.used->flags), 0);
}
END_TEST

/* Malformed chains: VQ_BAD, and the queue stays broken. */

START_TEST(test_vq_bad_addr_below_ram)
{
	assert_bad_buffer(RAM_BASE - 0x1000, 16);
}
END_TEST

START_TEST(test_vq_bad_addr_above_ram)
{
	assert_bad_buffer(RAM_END, 16);
}
END_TEST

START_TEST(test_vq_bad_addr_len_wraps)
{
	assert_bad_buffer(0xfffffffffffff000ULL, 0x2000);
}
END_TEST

START_TEST(test_vq_bad_len_crosses_ram_end)
{
	assert_bad_buffer(RAM_END - 10, 11);
}
END_TEST

START_TEST(test_vq_bad_zero_length)
{
	assert_bad_buffer(DATA_GPA, 0);
}
END_TEST

START_TEST(test_vq_bad_head_out_of_range)
{
	/* A plausible descriptor just past the table must not be read. */
	desc(QSIZE, DATA_GPA, 16, 0, 0);
	publish(QSIZE);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_next_out_of_range)
{
	desc(0, DATA_GPA, 16, F_NEXT, QSIZE);
	desc(QSIZE, DATA_GPA + 0x100, 16, 0, 0);
	publish(0);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_next_loop)
{
	desc(0, DATA_GPA, 16, F_NEXT, 1);
	desc(1, DATA_GPA + 0x100, 16, F_NEXT, 0);
	publish(0);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_self_loop)
{
	desc(0, DATA_GPA, 16, F_NEXT, 0);
	publish(0);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_chain_longer_than_queue)
{
	uint16_t i;

	/* Every entry once, then back to the head. */
	for (i = 0; i < QSIZE; i++)
		desc(i, DATA_GPA + i * 0x100, 16, F_NEXT, (i + 1) % QSIZE);
	publish(0);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_readable_after_writable)
{
	desc(0, DATA_GPA, 16, F_WRITE | F_NEXT, 1);
	desc(1, DATA_GPA + 0x100, 16, 0, 0);
	publish(0);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_avail_idx_too_far_ahead)
{
	desc(0, DATA_GPA, 16, 0, 0);
	drv.avail->idx = htole16(QSIZE + 1);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_indirect_not_negotiated)
{
	queue(QSIZE, false, false);
	idesc(0, DATA_GPA, 16, 0, 0);
	indirect_head(TABLE_GPA, 16);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_indirect_with_next)
{
	idesc(0, DATA_GPA, 16, 0, 0);
	desc(0, TABLE_GPA, 16, F_INDIRECT | F_NEXT, 1);
	desc(1, DATA_GPA + 0x100, 16, 0, 0);
	publish(0);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_indirect_after_head)
{
	idesc(0, DATA_GPA, 16, 0, 0);
	desc(0, DATA_GPA + 0x100, 16, F_NEXT, 1);
	desc(1, TABLE_GPA, 16, F_INDIRECT, 0);
	publish(0);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_indirect_len_not_multiple_of_16)
{
	idesc(0, DATA_GPA, 16, 0, 0);
	indirect_head(TABLE_GPA, 24);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_indirect_len_zero)
{
	indirect_head(TABLE_GPA, 0);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_indirect_table_outside_ram)
{
	indirect_head(RAM_END - 16, 32);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_nested_indirect)
{
	idesc(0, TABLE_GPA + 0x100, 16, F_INDIRECT, 0);
	idesc(16, DATA_GPA, 16, 0, 0); /* the inner table, at + 0x100 */
	indirect_head(TABLE_GPA, 16);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_indirect_next_out_of_range)
{
	idesc(0, DATA_GPA, 16, F_NEXT, 2);
	idesc(1, DATA_GPA + 0x100, 16, 0, 0);
	idesc(2, DATA_GPA + 0x200, 16, 0, 0); /* past the table's end */
	indirect_head(TABLE_GPA, 2 * 16);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_indirect_loop)
{
	idesc(0, DATA_GPA, 16, F_NEXT, 1);
	idesc(1, DATA_GPA + 0x100, 16, F_NEXT, 0);
	indirect_head(TABLE_GPA, 2 * 16);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_too_many_segs)
{
	uint16_t i;

	for (i = 0; i <= VQ_MAX_SEGS; i++)
		idesc(i, DATA_GPA + i, 1, F_NEXT, i + 1);
	idesc(VQ_MAX_SEGS, DATA_GPA + VQ_MAX_SEGS, 1, 0, 0);
	indirect_head(TABLE_GPA, (VQ_MAX_SEGS + 1) * 16);
	assert_bad();
}
END_TEST

/* vq__setup. */

/* Does vq__setup() accept these rings? */
static bool rings_ok(uint16_t size, uint64_t desc, uint64_t avail,
		     uint64_t used)
{
	struct virtqueue q;

	return vq__setup(&q, &gmem, size, desc, avail, used, true, true) == 0;
}

START_TEST(test_vq_setup_accepts_good_rings)
{
	ck_assert(rings_ok(1, DESC_GPA, AVAIL_GPA, USED_GPA));
	ck_assert(rings_ok(QSIZE, DESC_GPA, AVAIL_GPA, USED_GPA));
	ck_assert(rings_ok(VQ_MAX_SIZE, DESC_GPA, AVAIL_GPA, USED_GPA));
	/* The fixture's queue points at its rings. */
	ck_assert_uint_eq(vq.size, QSIZE);
	ck_assert_ptr_eq(vq.desc, host(DESC_GPA));
	ck_assert_ptr_eq(vq.avail, host(AVAIL_GPA));
	ck_assert_ptr_eq(vq.used, host(USED_GPA));
}
END_TEST

START_TEST(test_vq_setup_accepts_rings_at_ram_end)
{
	/*
	 * Areas at the very end of RAM; the used one (70 bytes, 4-aligned)
	 * ends 2 bytes short of it.
	 */
	ck_assert(rings_ok(QSIZE, RAM_END - 16 * QSIZE, AVAIL_GPA, USED_GPA));
	ck_assert(rings_ok(QSIZE, DESC_GPA, RAM_END - 6 - 2 * QSIZE, USED_GPA));
	ck_assert(
		rings_ok(QSIZE, DESC_GPA, AVAIL_GPA, RAM_END - 8 - 8 * QSIZE));
}
END_TEST

START_TEST(test_vq_setup_rejects_bad_size)
{
	ck_assert(!rings_ok(0, DESC_GPA, AVAIL_GPA, USED_GPA));
	ck_assert(!rings_ok(3, DESC_GPA, AVAIL_GPA, USED_GPA));
	ck_assert(!rings_ok(VQ_MAX_SIZE + 1, DESC_GPA, AVAIL_GPA, USED_GPA));
	ck_assert(!rings_ok(VQ_MAX_SIZE * 2, DESC_GPA, AVAIL_GPA, USED_GPA));
}
END_TEST

START_TEST(test_vq_setup_rejects_rings_outside_ram)
{
	ck_assert(!rings_ok(QSIZE, RAM_BASE - 0x1000, AVAIL_GPA, USED_GPA));
	ck_assert(!rings_ok(QSIZE, RAM_END - 16 * QSIZE + 16, AVAIL_GPA,
			    USED_GPA));
	/* Missing only the trailing used_event. */
	ck_assert(
		!rings_ok(QSIZE, DESC_GPA, RAM_END - 4 - 2 * QSIZE, USED_GPA));
	/* Missing only the trailing avail_event. */
	ck_assert(
		!rings_ok(QSIZE, DESC_GPA, AVAIL_GPA, RAM_END - 4 - 8 * QSIZE));
	ck_assert(!rings_ok(QSIZE, DESC_GPA, AVAIL_GPA, 0xfffffffffffffff0ULL));
}
END_TEST

START_TEST(test_vq_setup_rejects_misaligned_rings)
{
	ck_assert(!rings_ok(QSIZE, DESC_GPA + 8, AVAIL_GPA, USED_GPA));
	ck_assert(!rings_ok(QSIZE, DESC_GPA, AVAIL_GPA + 1, USED_GPA));
	ck_assert(!rings_ok(QSIZE, DESC_GPA, AVAIL_GPA, USED_GPA + 2));
}
END_TEST

Suite *virtqueue_suite(void)
{
	Suite *s = suite_create("virtqueue");
	TCase *tc;

	tc = tcase_create("pop");
	tcase_add_checked_fixture(tc, vqf__setup, vqf__teardown);
	tcase_add_test(tc, test_vq_pop_empty);
	tcase_add_test(tc, test_vq_pop_single_readable);
	tcase_add_test(tc, test_vq_pop_readable_then_writable);
	tcase_add_test(tc, test_vq_pop_indirect);
	tcase_add_test(tc, test_vq_pop_buffer_ending_at_ram_end);
	tcase_add_test(tc, test_vq_pop_full_ring);
	tcase_add_test(tc, test_vq_pop_max_segs);
	tcase_add_test(tc, test_vq_push_writes_used_elem);
	tcase_add_test(tc, test_vq_indices_wrap_past_0xffff);
	tcase_add_test(tc, test_vq_many_chains_over_time);
	suite_add_tcase(s, tc);

	tc = tcase_create("notify");
	tcase_add_checked_fixture(tc, vqf__setup, vqf__teardown);
	tcase_add_test(tc, test_vq_notify_without_event_idx);
	tcase_add_test(tc, test_vq_notify_first_time_with_event_idx);
	tcase_add_test(tc, test_vq_notify_when_used_event_crossed);
	tcase_add_test(tc, test_vq_notify_suppressed_before_used_event);
	tcase_add_test(tc, test_vq_notify_event_idx_ignores_no_interrupt);
	tcase_add_test(tc, test_vq_enable_kicks_publishes_avail_event);
	tcase_add_test(tc, test_vq_enable_kicks_sees_new_chains);
	tcase_add_test(tc, test_vq_disable_kicks_sets_no_notify);
	tcase_add_test(tc, test_vq_disable_kicks_with_event_idx_leaves_flags);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_checked_fixture(tc, vqf__setup, vqf__teardown);
	tcase_add_test(tc, test_vq_bad_addr_below_ram);
	tcase_add_test(tc, test_vq_bad_addr_above_ram);
	tcase_add_test(tc, test_vq_bad_addr_len_wraps);
	tcase_add_test(tc, test_vq_bad_len_crosses_ram_end);
	tcase_add_test(tc, test_vq_bad_zero_length);
	tcase_add_test(tc, test_vq_bad_head_out_of_range);
	tcase_add_test(tc, test_vq_bad_next_out_of_range);
	tcase_add_test(tc, test_vq_bad_next_loop);
	tcase_add_test(tc, test_vq_bad_self_loop);
	tcase_add_test(tc, test_vq_bad_chain_longer_than_queue);
	tcase_add_test(tc, test_vq_bad_readable_after_writable);
	tcase_add_test(tc, test_vq_bad_avail_idx_too_far_ahead);
	tcase_add_test(tc, test_vq_bad_indirect_not_negotiated);
	tcase_add_test(tc, test_vq_bad_indirect_with_next);
	tcase_add_test(tc, test_vq_bad_indirect_after_head);
	tcase_add_test(tc, test_vq_bad_indirect_len_not_multiple_of_16);
	tcase_add_test(tc, test_vq_bad_indirect_len_zero);
	tcase_add_test(tc, test_vq_bad_indirect_table_outside_ram);
	tcase_add_test(tc, test_vq_bad_nested_indirect);
	tcase_add_test(tc, test_vq_bad_indirect_next_out_of_range);
	tcase_add_test(tc, test_vq_bad_indirect_loop);
	tcase_add_test(tc, test_vq_bad_too_many_segs);
	suite_add_tcase(s, tc);

	tc = tcase_create("setup");
	tcase_add_checked_fixture(tc, vqf__setup, vqf__teardown);
	tcase_add_test(tc, test_vq_setup_accepts_good_rings);
	tcase_add_test(tc, test_vq_setup_accepts_rings_at_ram_end);
	tcase_add_test(tc, test_vq_setup_rejects_bad_size);
	tcase_add_test(tc, test_vq_setup_rejects_rings_outside_ram);
	tcase_add_test(tc, test_vq_setup_rejects_misaligned_rings);
	suite_add_tcase(s, tc);

	return s;
}
