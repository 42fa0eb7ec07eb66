// SPDX-License-Identifier: GPL-2.0
/*
 * turtle's malloc policy (lib/heap.c): memory freed in the middle of the
 * heap, below a block still in use, stays resident until heap__idle gives
 * it back; a little freed memory is left alone (each test in a process
 * of its own, as Check runs them by default).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/heap.h"
#include "suites.h"

/* This process's resident KiB. */
static long rss_kib(void)
{
	long pages = -1, res = -1;
	FILE *f = fopen("/proc/self/statm", "r");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%ld %ld", &pages, &res), 2);
	fclose(f);
	return res * 4;
}

#define BLOCKS 32
#define BLOCK (256u << 10) /* below HEAP_MMAP_THRESHOLD: in the heap */

/* n blocks in the heap, then a block above them that stays; free the n. */
static void *fragment(int n)
{
	void *b[BLOCKS], *pin;
	int i;

	for (i = 0; i < n; i++) {
		b[i] = malloc(BLOCK);
		ck_assert_ptr_nonnull(b[i]);
		memset(b[i], 1, BLOCK);
	}
	/* No free chunk is that large: it comes from the top, which then
	 * cannot shrink below it. */
	pin = malloc(BLOCK);
	ck_assert_ptr_nonnull(pin);
	for (i = 0; i < n; i++)
		free(b[i]);
	return pin;
}

START_TEST(test_heap_idle_gives_back_what_was_freed)
{
	long busy, idle;
	void *pin;

	heap__bound();
	pin = fragment(BLOCKS);
	busy = rss_kib();
	ck_assert_int_eq(heap__idle(), 1);
	idle = rss_kib();
	/* The 8 MiB freed, less what HEAP_IDLE_FREE may keep. */
	ck_assert_int_le(idle,
			 busy - (long)(BLOCKS * BLOCK - HEAP_IDLE_FREE) / 1024);
	free(pin);
}
END_TEST

START_TEST(test_heap_idle_leaves_a_little)
{
	void *pin;

	heap__bound();
	pin = fragment(4); /* 1 MiB, below HEAP_IDLE_FREE */
	ck_assert_int_eq(heap__idle(), 0);
	free(pin);
}
END_TEST

Suite *heap_suite(void)
{
	Suite *s = suite_create("heap");
	TCase *tc = tcase_create("idle");

	tcase_add_test(tc, test_heap_idle_gives_back_what_was_freed);
	tcase_add_test(tc, test_heap_idle_leaves_a_little);
	suite_add_tcase(s, tc);
	return s;
}
