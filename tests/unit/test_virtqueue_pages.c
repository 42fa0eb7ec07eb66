// SPDX-License-Identifier: GPL-2.0
/*
 * vq__pop's overlap check: no two buffers of a chain may share a byte.
 * Each test runs twice, by sorting the buffers (the "overlap" case) and
 * through the chain's page bitmaps (vq_chain__init_pages: the O(n) path
 * the devices use, "overlap-pages"), whose bits must be clear again
 * after every chain; the last four use whole pages.
 */
#include <endian.h>
#include <stdint.h>

#include "suites.h"
#include "virtqueue-fixture.h"

START_TEST(test_vq_pop_adjacent_buffers)
{
	desc(0, DATA_GPA, 16, F_NEXT, 1);
	desc(1, DATA_GPA + 16, 16, 0, 0);
	publish(0);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_CHAIN);
	ck_assert_uint_eq(chain.n_out, 2);
}
END_TEST

START_TEST(test_vq_bad_overlapping_buffers)
{
	desc(0, DATA_GPA, 0x100, F_NEXT, 1);
	desc(1, DATA_GPA + 0xff, 0x100, F_WRITE, 0);
	publish(0);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_buffer_inside_another)
{
	desc(0, DATA_GPA + 0x10, 0x10, F_NEXT, 1);
	desc(1, DATA_GPA, 0x100, 0, 0);
	publish(0);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_writable_aliasing_header)
{
	desc(0, DATA_GPA, 16, F_NEXT, 1);
	desc(1, DATA_GPA + 0x100, 0x100, F_WRITE | F_NEXT, 2);
	desc(2, DATA_GPA, 1, F_WRITE, 0);
	publish(0);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_same_start_shorter)
{
	desc(0, DATA_GPA, 0x100, F_NEXT, 1);
	desc(1, DATA_GPA, 0x10, F_WRITE, 0);
	publish(0);
	assert_bad();
}
END_TEST

/* Overlapping buffers that are not neighbours in the chain's order. */
START_TEST(test_vq_bad_overlap_far_apart)
{
	desc(0, DATA_GPA, 0x100, F_NEXT, 1);
	desc(1, DATA_GPA + 0x1000, 0x100, F_NEXT, 2);
	desc(2, DATA_GPA + 0x800, 0x100, F_NEXT, 3);
	desc(3, DATA_GPA + 0x80, 0x10, 0, 0);
	publish(0);
	assert_bad();
}
END_TEST

/* Chains of VQ_MAX_SEGS 1-byte buffers at DATA_GPA + 2 * pos[i]. */
static void big_chain(const uint16_t *pos)
{
	uint16_t i;

	for (i = 0; i < VQ_MAX_SEGS; i++)
		idesc(i, DATA_GPA + 2 * pos[i], 1, F_NEXT, i + 1);
	idesc(VQ_MAX_SEGS - 1, DATA_GPA + 2 * pos[VQ_MAX_SEGS - 1], 1, 0, 0);
	indirect_head(TABLE_GPA, VQ_MAX_SEGS * 16);
}

START_TEST(test_vq_pop_max_segs_out_of_order)
{
	uint16_t pos[VQ_MAX_SEGS], i;

	for (i = 0; i < VQ_MAX_SEGS; i++)
		pos[i] = (uint16_t)((i * 97) % VQ_MAX_SEGS); /* a permutation */
	big_chain(pos);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_CHAIN);
	ck_assert_uint_eq(chain.n_out, VQ_MAX_SEGS);
}
END_TEST

START_TEST(test_vq_bad_max_segs_first_and_last_alias)
{
	uint16_t pos[VQ_MAX_SEGS], i;

	for (i = 0; i < VQ_MAX_SEGS; i++)
		pos[i] = (uint16_t)(VQ_MAX_SEGS - 1 - i); /* descending */
	pos[VQ_MAX_SEGS - 1] = pos[0];
	big_chain(pos);
	assert_bad();
}
END_TEST

/*
 * Random chains checked against the quadratic rule: every pair of buffers
 * is compared, and vq__pop() must refuse exactly the chains where some
 * pair overlaps.
 */
static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

START_TEST(test_vq_overlap_matches_pairwise_rule)
{
	uint64_t a[VQ_MAX_SEGS];
	uint32_t l[VQ_MAX_SEGS];
	unsigned int round, bad_seen = 0, good_seen = 0;

	for (round = 0; round < 2000; round++) {
		uint16_t n = (uint16_t)(1 + rnd(round % 4 ? 8 : VQ_MAX_SEGS));
		uint32_t span = 64 + rnd(4 * VQ_MAX_SEGS * 8);
		bool overlap = false;
		uint16_t i, j;

		ck_assert_int_eq(vq__setup(&vq, &gmem, QSIZE, DESC_GPA,
					   AVAIL_GPA, USED_GPA, false, true),
				 0);
		start_at(0);
		for (i = 0; i < n; i++) {
			a[i] = DATA_GPA + rnd(span);
			l[i] = 1 + rnd(round % 2 ? 4 : 16);
			idesc(i, a[i], l[i], i + 1 < n ? F_NEXT : 0, i + 1);
		}
		for (i = 0; i < n; i++)
			for (j = 0; j < i; j++)
				if (a[i] < a[j] + l[j] && a[j] < a[i] + l[i])
					overlap = true;
		indirect_head(TABLE_GPA, n * 16);
		ck_assert_int_eq(vq__pop(&vq, &chain),
				 overlap ? VQ_BAD : VQ_CHAIN);
		if (overlap)
			bad_seen++;
		else
			good_seen++;
	}
	/* Both outcomes were exercised, many times. */
	ck_assert_uint_gt(bad_seen, 200);
	ck_assert_uint_gt(good_seen, 200);
}
END_TEST

/*
 * Page-sized chains (whole pages, part pages, buffers across pages) in
 * random order against the quadratic rule, as above; with the bitmaps,
 * whose bits must all be clear again after every chain.
 */
START_TEST(test_vq_page_overlap_matches_pairwise_rule)
{
	uint64_t a[VQ_MAX_SEGS];
	uint32_t l[VQ_MAX_SEGS];
	unsigned int round, bad_seen = 0, good_seen = 0;

	for (round = 0; round < 2000; round++) {
		uint16_t n = (uint16_t)(1 + rnd(round % 4 ? 8 : VQ_MAX_SEGS));
		uint32_t pages = 2 + rnd(n < 96 ? 2 * n + 8 : 200); /* in RAM */
		bool overlap = false;
		uint16_t i, j;

		ck_assert_int_eq(vq__setup(&vq, &gmem, QSIZE, DESC_GPA,
					   AVAIL_GPA, USED_GPA, false, true),
				 0);
		start_at(0);
		for (i = 0; i < n; i++) {
			a[i] = DATA_GPA + 0x1000ULL * rnd(pages);
			switch (rnd(4)) {
			case 0: /* a part of a page */
				a[i] += rnd(0x1000);
				l[i] = 1 +
				       rnd(0x1000 - (uint32_t)(a[i] & 0xfff));
				break;
			case 1: /* across pages, unaligned */
				a[i] += rnd(0x1000);
				l[i] = 1 + rnd(0x3000);
				break;
			default: /* one or two whole pages */
				l[i] = 0x1000 * (1 + rnd(2));
			}
			idesc(i, a[i], l[i], i + 1 < n ? F_NEXT : 0, i + 1);
		}
		for (i = 0; i < n; i++)
			for (j = 0; j < i; j++)
				if (a[i] < a[j] + l[j] && a[j] < a[i] + l[i])
					overlap = true;
		indirect_head(TABLE_GPA, n * 16);
		ck_assert_int_eq(vq__pop(&vq, &chain),
				 overlap ? VQ_BAD : VQ_CHAIN);
		ck_assert(pages_clear());
		if (overlap)
			bad_seen++;
		else
			good_seen++;
	}
	ck_assert_uint_gt(bad_seen, 200);
	ck_assert_uint_gt(good_seen, 200);
}
END_TEST

/*
 * Like Linux's 1 MiB read (in the test's 1 MiB of RAM, 200 pages): the
 * header, pages out of order, the status byte next to the header.
 */
START_TEST(test_vq_pages_block_request_out_of_order)
{
	uint16_t i;

	idesc(0, DATA_GPA + 0x40, 16, F_NEXT, 1);
	for (i = 1; i <= 200; i++)
		idesc(i, DATA_GPA + 0x1000ULL * (1 + (i * 97) % 200), 0x1000,
		      F_WRITE | F_NEXT, i + 1);
	idesc(201, DATA_GPA + 0x50, 1, F_WRITE, 0);
	indirect_head(TABLE_GPA, 202 * 16);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_CHAIN);
	ck_assert_uint_eq(chain.n_in, 201);
	ck_assert(pages_clear());
}
END_TEST

/* The status byte inside one of the data pages (a whole page). */
START_TEST(test_vq_pages_bad_status_in_data_page)
{
	idesc(0, DATA_GPA + 0x40, 16, F_NEXT, 1);
	idesc(1, DATA_GPA + 0x3000, 0x1000, F_WRITE | F_NEXT, 2);
	idesc(2, DATA_GPA + 0x1000, 0x1000, F_WRITE | F_NEXT, 3);
	idesc(3, DATA_GPA + 0x1ff0, 1, F_WRITE, 0);
	indirect_head(TABLE_GPA, 4 * 16);
	assert_bad();
	ck_assert(pages_clear());
}
END_TEST

/* A whole page after a small buffer inside it: the page finds it. */
START_TEST(test_vq_pages_bad_page_over_earlier_part)
{
	idesc(0, DATA_GPA + 0x2800, 16, F_NEXT, 1);
	idesc(1, DATA_GPA + 0x5000, 0x1000, F_WRITE | F_NEXT, 2);
	idesc(2, DATA_GPA + 0x2000, 0x1000, F_WRITE, 0);
	indirect_head(TABLE_GPA, 3 * 16);
	assert_bad();
	ck_assert(pages_clear());
}
END_TEST

/* Two small buffers in one page that overlap (the partial-page sort). */
START_TEST(test_vq_pages_bad_parts_of_one_page)
{
	idesc(0, DATA_GPA + 0x2000, 0x100, F_NEXT, 1);
	idesc(1, DATA_GPA + 0x5000, 0x1000, F_WRITE | F_NEXT, 2);
	idesc(2, DATA_GPA + 0x20ff, 2, F_WRITE, 0);
	indirect_head(TABLE_GPA, 3 * 16);
	assert_bad();
	ck_assert(pages_clear());
}
END_TEST

Suite *virtqueue_pages_suite(void)
{
	Suite *s = suite_create("virtqueue_pages");
	TCase *tc;

	tc = tcase_create("overlap");
	tcase_add_checked_fixture(tc, vqf__setup, vqf__teardown);
	tcase_add_test(tc, test_vq_pop_adjacent_buffers);
	tcase_add_test(tc, test_vq_pop_max_segs_out_of_order);
	tcase_add_test(tc, test_vq_bad_overlapping_buffers);
	tcase_add_test(tc, test_vq_bad_buffer_inside_another);
	tcase_add_test(tc, test_vq_bad_writable_aliasing_header);
	tcase_add_test(tc, test_vq_bad_same_start_shorter);
	tcase_add_test(tc, test_vq_bad_overlap_far_apart);
	tcase_add_test(tc, test_vq_bad_max_segs_first_and_last_alias);
	tcase_add_test(tc, test_vq_overlap_matches_pairwise_rule);
	tcase_add_test(tc, test_vq_page_overlap_matches_pairwise_rule);
	suite_add_tcase(s, tc);

	tc = tcase_create("overlap-pages");
	tcase_add_checked_fixture(tc, vqf__setup_pages, vqf__teardown);
	tcase_add_test(tc, test_vq_pop_adjacent_buffers);
	tcase_add_test(tc, test_vq_pop_max_segs_out_of_order);
	tcase_add_test(tc, test_vq_bad_overlapping_buffers);
	tcase_add_test(tc, test_vq_bad_buffer_inside_another);
	tcase_add_test(tc, test_vq_bad_writable_aliasing_header);
	tcase_add_test(tc, test_vq_bad_same_start_shorter);
	tcase_add_test(tc, test_vq_bad_overlap_far_apart);
	tcase_add_test(tc, test_vq_bad_max_segs_first_and_last_alias);
	tcase_add_test(tc, test_vq_overlap_matches_pairwise_rule);
	tcase_add_test(tc, test_vq_page_overlap_matches_pairwise_rule);
	tcase_add_test(tc, test_vq_pages_block_request_out_of_order);
	tcase_add_test(tc, test_vq_pages_bad_status_in_data_page);
	tcase_add_test(tc, test_vq_pages_bad_page_over_earlier_part);
	tcase_add_test(tc, test_vq_pages_bad_parts_of_one_page);
	suite_add_tcase(s, tc);
	return s;
}
