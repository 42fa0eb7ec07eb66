// SPDX-License-Identifier: GPL-2.0
/* The console's escape key (vmm/escape.c): Ctrl-A commands, the rest through.
 */
#include <stdint.h>
#include <string.h>

#include "../../vmm/escape.h"
#include "suites.h"

static struct escape e;
static uint8_t out[64];

static size_t filter(const char *in)
{
	return escape__filter(&e, (const uint8_t *)in, strlen(in), out);
}

static void setup(void)
{
	memset(&e, 0, sizeof(e));
	memset(out, 0, sizeof(out));
}

START_TEST(test_escape_plain_keys_pass)
{
	ck_assert_uint_eq(filter("ls\x03\r"), 4); /* Ctrl-C too */
	ck_assert_mem_eq(out, "ls\x03\r", 4);
	ck_assert(!e.quit);
}
END_TEST

START_TEST(test_escape_ctrl_a_x_quits_and_drops_the_rest)
{
	ck_assert_uint_eq(filter("ab\x01xcd"), 2);
	ck_assert_mem_eq(out, "ab", 2);
	ck_assert(e.quit);
}
END_TEST

START_TEST(test_escape_ctrl_a_twice_sends_one)
{
	ck_assert_uint_eq(filter("\x01\x01z"), 2);
	ck_assert_mem_eq(out, "\x01z", 2);
	ck_assert(!e.quit);
}
END_TEST

START_TEST(test_escape_ctrl_a_other_key_sends_both)
{
	ck_assert_uint_eq(filter("\x01q"), 2);
	ck_assert_mem_eq(out, "\x01q", 2);
}
END_TEST

/* A Ctrl-A at the end of one read applies to the next read's first key. */
START_TEST(test_escape_split_across_reads)
{
	ck_assert_uint_eq(filter("a\x01"), 1);
	ck_assert(e.armed);
	ck_assert_uint_eq(filter("x"), 0);
	ck_assert(e.quit);
}
END_TEST

/* ... and a non-command key then comes out one byte longer than it went in. */
START_TEST(test_escape_split_other_key_grows_by_one)
{
	ck_assert_uint_eq(filter("\x01"), 0);
	ck_assert_uint_eq(filter("qr"), 3);
	ck_assert_mem_eq(out, "\x01qr", 3);
}
END_TEST

START_TEST(test_escape_ctrl_a_h_asks_for_help)
{
	ck_assert_uint_eq(filter("\x01h"), 0);
	ck_assert(e.help);
	ck_assert(!e.quit);
	ck_assert_ptr_nonnull(strstr(escape__help, "Ctrl-A x"));
}
END_TEST

Suite *escape_suite(void)
{
	Suite *s = suite_create("escape");
	TCase *tc = tcase_create("keys");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_escape_plain_keys_pass);
	tcase_add_test(tc, test_escape_ctrl_a_x_quits_and_drops_the_rest);
	tcase_add_test(tc, test_escape_ctrl_a_twice_sends_one);
	tcase_add_test(tc, test_escape_ctrl_a_other_key_sends_both);
	tcase_add_test(tc, test_escape_split_across_reads);
	tcase_add_test(tc, test_escape_split_other_key_grows_by_one);
	tcase_add_test(tc, test_escape_ctrl_a_h_asks_for_help);
	suite_add_tcase(s, tc);
	return s;
}
