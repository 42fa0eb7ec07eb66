// SPDX-License-Identifier: GPL-2.0
/*
 * lib/copy.h: copy__mem() against a byte loop, for every length up to a
 * few cache lines at every alignment of both ends, and large unaligned
 * copies; the FEAT_MOPS sequence too where the CPU has it (on arm64 hosts;
 * on x86 both are memcpy, and the system test runs the MOPS path).
 * lib/fault-guard.h: a guarded copy from a truncated mapping returns -1,
 * again and again, in several threads at once, and leaves the signal mask
 * as it found it; an unguarded one still kills with SIGBUS; a SIGBUS that
 * is no fault (sent, or a memory error report) ends the process (135),
 * inside a guarded copy or not.
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

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

/*
 * Threads fault in guarded copies at the same time, each from its own
 * mapping, between copies that work: each gets its own way back.
 */
#define GUARD_THREADS 4
#define GUARD_ROUNDS 300

static void *guarded_rounds(void *arg)
{
	uint8_t *m = arg, buf[4096];
	uint8_t *args[2] = { buf, NULL };
	uintptr_t bad = 0;
	void *addr;
	int i;

	for (i = 0; i < GUARD_ROUNDS; i++) {
		args[1] = m + 4096;
		addr = NULL;
		if (fault_guard__call(copy_page, args, &addr) != -1 ||
		    addr != m + 4096)
			bad++;
		args[1] = m;
		if (fault_guard__call(copy_page, args, NULL) != 0 ||
		    memcmp(buf, m, sizeof(buf)))
			bad++;
	}
	return (void *)bad;
}

START_TEST(test_fault_guard_threads_at_once)
{
	pthread_t th[GUARD_THREADS];
	uint8_t *m[GUARD_THREADS];
	void *bad;
	int i;

	ck_assert_int_eq(fault_guard__install(), 0);
	for (i = 0; i < GUARD_THREADS; i++) {
		m[i] = cut_map__make();
		memset(m[i], 0x30 + i, 4096);
	}
	for (i = 0; i < GUARD_THREADS; i++)
		ck_assert_int_eq(
			pthread_create(&th[i], NULL, guarded_rounds, m[i]), 0);
	for (i = 0; i < GUARD_THREADS; i++) {
		ck_assert_int_eq(pthread_join(th[i], &bad), 0);
		ck_assert_msg(!bad, "thread %d: %lu bad rounds", i,
			      (unsigned long)(uintptr_t)bad);
	}
}
END_TEST

/* After a recovered fault every signal is blocked as before, no more. */
START_TEST(test_fault_guard_keeps_signal_mask)
{
	static uint8_t buf[4096];
	uint8_t *args[2] = { buf, cut_map__make() + 4096 };
	sigset_t set, before, after;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	ck_assert_int_eq(pthread_sigmask(SIG_BLOCK, &set, &before), 0);
	ck_assert_int_eq(pthread_sigmask(SIG_BLOCK, NULL, &before), 0);
	ck_assert_int_eq(fault_guard__install(), 0);
	ck_assert_int_eq(fault_guard__call(copy_page, args, NULL), -1);
	ck_assert_int_eq(pthread_sigmask(SIG_BLOCK, NULL, &after), 0);
	for (sig = 1; sig < SIGRTMIN; sig++)
		ck_assert_msg(sigismember(&before, sig) ==
				      sigismember(&after, sig),
			      "signal %d's blocking changed", sig);
}
END_TEST

/* SIGBUS from another process (kill): ends the process, not the copy. */
static void kill_self(void *arg)
{
	(void)arg;
	kill(getpid(), SIGBUS);
}

START_TEST(test_fault_guard_sent_sigbus_in_copy_ends)
{
	ck_assert_int_eq(fault_guard__install(), 0);
	fault_guard__call(kill_self, NULL, NULL);
}
END_TEST

/*
 * The kernel's report of a memory error somewhere in the process
 * (BUS_MCEERR_AO: si_code > 0, yet no access faulted), as memory-failure
 * sends it; only a thread itself may forge such a code.
 */
static void memory_error_report(void *arg)
{
	siginfo_t si;

	(void)arg;
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGBUS;
	si.si_code = BUS_MCEERR_AO;
	syscall(SYS_rt_tgsigqueueinfo, getpid(), gettid(), SIGBUS, &si);
}

START_TEST(test_fault_guard_memory_error_report_ends)
{
	ck_assert_int_eq(fault_guard__install(), 0);
	memory_error_report(NULL);
	/* Not here: returning with SIGBUS blocked would carry on. */
}
END_TEST

START_TEST(test_fault_guard_memory_error_report_in_copy_ends)
{
	ck_assert_int_eq(fault_guard__install(), 0);
	/* Not a fault of the copy: no -1 back, the process ends. */
	fault_guard__call(memory_error_report, NULL, NULL);
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
	tcase_add_test(tc, test_fault_guard_threads_at_once);
	tcase_add_test(tc, test_fault_guard_keeps_signal_mask);
	tcase_add_exit_test(tc, test_fault_guard_sent_sigbus_in_copy_ends,
			    128 + SIGBUS);
	tcase_add_exit_test(tc, test_fault_guard_memory_error_report_ends,
			    128 + SIGBUS);
	tcase_add_exit_test(tc,
			    test_fault_guard_memory_error_report_in_copy_ends,
			    128 + SIGBUS);
	suite_add_tcase(s, tc);
	return s;
}
