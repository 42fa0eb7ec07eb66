// SPDX-License-Identifier: GPL-2.0
/*
 * lib/copy.h: copy__mem() against a byte loop, for every length up to a
 * few cache lines at every alignment of both ends, and large unaligned
 * copies; the FEAT_MOPS sequence too where the CPU has it (on arm64 hosts;
 * on x86 both are memcpy, and the system test runs the MOPS path).
 * lib/fault-guard.h: a guarded copy from a truncated mapping returns -1,
 * again and again; an unguarded one still kills with SIGBUS.
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "../../lib/copy.h"
#include "../../lib/fault-guard.h"
#include "cut-map.h"
#include "suites.h"

#define BIG ((4 << 20) + 3)

static void fill(uint8_t *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 131 + seed + (i >> 8));
}

/* copy n bytes from src + so to dst + d0 with fn; nothing else changes. */
static void check_copy(void (*fn)(void *, const void *, size_t), size_t n,
		       size_t so, size_t d0)
{
	static uint8_t src[BIG + 64], dst[BIG + 64], want[BIG + 64];
	size_t total = n + d0 + 32;

	fill(src, n + so, 7);
	fill(dst, total, 99);
	memcpy(want, dst, total);
	memmove(want + d0, src + so, n);
	fn(dst + d0, src + so, n);
	ck_assert_msg(!memcmp(dst, want, total),
		      "copy of %zu bytes (src +%zu, dst +%zu) differs", n, so,
		      d0);
}

static void sweep(void (*fn)(void *, const void *, size_t))
{
	size_t n, so, d0;

	for (n = 0; n <= 300; n++)
		for (so = 0; so < 16; so += 3)
			for (d0 = 0; d0 < 16; d0 += 5)
				check_copy(fn, n, so, d0);
	check_copy(fn, 4096, 0, 0);
	check_copy(fn, 1 << 20, 1, 7);
	check_copy(fn, BIG, 5, 3);
}

START_TEST(test_copy_mem_every_size_and_alignment)
{
	sweep(copy__mem);
}
END_TEST

START_TEST(test_copy_mops_every_size_and_alignment)
{
	if (!copy__has_mops())
		return; /* the instructions would fault here */
	sweep(copy__mops);
}
END_TEST

static void copy_page(void *arg)
{
	uint8_t **p = arg;

	copy__mem(p[0], p[1], 4096);
}

START_TEST(test_fault_guard_survives_sigbus)
{
	static uint8_t buf[4096];
	uint8_t *m = cut_map__make();
	uint8_t *args[2] = { buf, m };
	void *addr = NULL;
	int i;

	ck_assert_int_eq(fault_guard__install(), 0);
	ck_assert_int_eq(fault_guard__call(copy_page, args, &addr), 0);
	/* Twice: the first fault must leave SIGBUS unblocked. */
	for (i = 0; i < 2; i++) {
		args[1] = m + 4096;
		ck_assert_int_eq(fault_guard__call(copy_page, args, &addr), -1);
		ck_assert_ptr_eq(addr, m + 4096);
	}
	args[0] = m + 4096; /* and as the destination */
	args[1] = buf;
	ck_assert_int_eq(fault_guard__call(copy_page, args, &addr), -1);
}
END_TEST

/* A thread that blocks every signal, as turtle's device threads do. */
START_TEST(test_fault_guard_thread_that_blocked_sigbus)
{
	static uint8_t buf[4096];
	uint8_t *args[2] = { buf, cut_map__make() + 4096 };
	sigset_t all;

	sigfillset(&all);
	ck_assert_int_eq(pthread_sigmask(SIG_BLOCK, &all, NULL), 0);
	ck_assert_int_eq(fault_guard__install(), 0);
	ck_assert_int_eq(fault_guard__thread(), 0);
	ck_assert_int_eq(fault_guard__call(copy_page, args, NULL), -1);
}
END_TEST

START_TEST(test_fault_guard_unguarded_sigbus_kills)
{
	static uint8_t buf[4096];
	uint8_t *m = cut_map__make();
	uint8_t *args[2] = { buf, m + 4096 };

	ck_assert_int_eq(fault_guard__install(), 0);
	copy_page(args); /* outside fault_guard__call: SIGBUS */
}
END_TEST

Suite *copy_suite(void)
{
	Suite *s = suite_create("copy");
	TCase *tc = tcase_create("copy");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_copy_mem_every_size_and_alignment);
	tcase_add_test(tc, test_copy_mops_every_size_and_alignment);
	tcase_add_test(tc, test_fault_guard_survives_sigbus);
	tcase_add_test(tc, test_fault_guard_thread_that_blocked_sigbus);
	tcase_add_test_raise_signal(tc, test_fault_guard_unguarded_sigbus_kills,
				    SIGBUS);
	suite_add_tcase(s, tc);
	return s;
}
