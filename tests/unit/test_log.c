// SPDX-License-Identifier: GPL-2.0
/*
 * pr_guest: lines about what a guest sent are rate limited, and the next
 * line printed says how many were left out.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../lib/log.h"
#include "suites.h"

/* Run fn with stderr going to a file; return that file, rewound. */
static FILE *capture(void (*fn)(void))
{
	FILE *f = tmpfile();
	int saved = dup(STDERR_FILENO);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(saved, 0);
	fflush(stderr);
	ck_assert_int_ge(dup2(fileno(f), STDERR_FILENO), 0);
	fn();
	fflush(stderr);
	ck_assert_int_ge(dup2(saved, STDERR_FILENO), 0);
	close(saved);
	rewind(f);
	return f;
}

static unsigned int lines_with(FILE *f, const char *s)
{
	char line[256];
	unsigned int n = 0;

	rewind(f);
	while (fgets(line, sizeof(line), f))
		n += strstr(line, s) != NULL;
	return n;
}

static void flood(void)
{
	unsigned int i;

	for (i = 0; i < 3 * LOG_GUEST_BURST; i++)
		pr_guest("guest flood %u", i);
}

static void after_a_pause(void)
{
	struct timespec pause = { 0, 2 * 1000000000L / LOG_GUEST_PER_SEC };

	nanosleep(&pause, NULL);
	pr_guest("guest again");
}

START_TEST(test_log_guest_lines_rate_limited)
{
	uint64_t t0 = turtle__now_ns();
	FILE *f = capture(flood);
	uint64_t took = turtle__now_ns() - t0;
	unsigned int n = lines_with(f, "guest flood");

	/* the burst, and one more per 1/LOG_GUEST_PER_SEC the flood took */
	ck_assert_uint_ge(n, LOG_GUEST_BURST);
	ck_assert_uint_le(n, LOG_GUEST_BURST + 1 +
				     took * LOG_GUEST_PER_SEC / 1000000000ULL);
	ck_assert_uint_eq(lines_with(f, "left out"), 0);
	fclose(f);
	f = capture(after_a_pause);
	ck_assert_uint_eq(lines_with(f, "guest again"), 1);
	ck_assert_uint_eq(
		lines_with(f, "more messages about what a guest sent left out"),
		1);
	fclose(f);
}
END_TEST

Suite *log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("guest");

	tcase_add_test(tc, test_log_guest_lines_rate_limited);
	suite_add_tcase(s, tc);
	return s;
}
