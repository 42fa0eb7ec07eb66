// SPDX-License-Identifier: GPL-2.0
/*
 * --reboot (vmm/reboot.c): a reset boots again in a fresh process, any
 * other end is turtle's end, and signals reach the running boot.
 */
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../vmm/reboot.h"
#include "suites.h"

/* Shared with the children: how many boots ran, and what they do. */
static struct {
	int boots;
	int resets; /* reset this many times, then end with `last` */
	int last;
	int kill_sig;	 /* end by this signal instead (0: none) */
	int term_parent; /* send SIGTERM to the supervisor, then wait */
} * sh;

static void setup(void)
{
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(sh, MAP_FAILED);
}

static void teardown(void)
{
	munmap(sh, sizeof(*sh));
}

static int fake_run(const struct run_opts *o)
{
	(void)o;
	sh->boots++;
	if (sh->term_parent) {
		kill(getppid(), SIGTERM);
		for (;;)
			pause(); /* until the forwarded SIGTERM ends this boot
				  */
	}
	if (sh->boots <= sh->resets)
		return REBOOT_STATUS;
	if (sh->kill_sig)
		raise(sh->kill_sig);
	return sh->last;
}

static struct run_opts opts;

START_TEST(test_reboot_resets_boot_again_until_poweroff)
{
	sh->resets = 2;
	sh->last = 0;
	ck_assert_int_eq(reboot__supervise(&opts, fake_run), 0);
	ck_assert_int_eq(sh->boots, 3);
}
END_TEST

START_TEST(test_reboot_error_ends_without_booting_again)
{
	sh->resets = 1;
	sh->last = 1;
	ck_assert_int_eq(reboot__supervise(&opts, fake_run), 1);
	ck_assert_int_eq(sh->boots, 2);
}
END_TEST

START_TEST(test_reboot_killed_boot_is_128_plus_signal)
{
	sh->kill_sig = SIGKILL;
	ck_assert_int_eq(reboot__supervise(&opts, fake_run), 128 + SIGKILL);
	ck_assert_int_eq(sh->boots, 1);
}
END_TEST

START_TEST(test_reboot_forwards_sigterm_to_the_boot)
{
	sh->term_parent = 1;
	ck_assert_int_eq(reboot__supervise(&opts, fake_run), 128 + SIGTERM);
	ck_assert_int_eq(sh->boots, 1);
}
END_TEST

Suite *reboot_suite(void)
{
	Suite *s = suite_create("reboot");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_reboot_resets_boot_again_until_poweroff);
	tcase_add_test(tc, test_reboot_error_ends_without_booting_again);
	tcase_add_test(tc, test_reboot_killed_boot_is_128_plus_signal);
	tcase_add_test(tc, test_reboot_forwards_sigterm_to_the_boot);
	suite_add_tcase(s, tc);
	return s;
}
