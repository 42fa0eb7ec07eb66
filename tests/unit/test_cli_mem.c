// SPDX-License-Identifier: GPL-2.0
/*
 * `turtle run --mem`: the sizes cli__parse_run takes, and cli__parse_mem
 * itself, every accepted form and what it refuses.
 */
#include <stdint.h>

#include "../../lib/log.h"
#include "cli-args.h"
#include "suites.h"

/* The value --mem gives, or -1 on an error. */
static long long mem(const char *arg)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	if (parse(&o, err, "--kernel", "k", "--mem", arg) != CLI_OK)
		return -1;
	return (long long)o.mem_mib;
}

START_TEST(test_cli_mem_plain_is_mib)
{
	ck_assert_int_eq(mem("512"), 512);
	ck_assert_int_eq(mem("1"), 1);
}
END_TEST

START_TEST(test_cli_mem_g_suffix)
{
	ck_assert_int_eq(mem("2G"), 2048);
	ck_assert_int_eq(mem("2g"), 2048);
}
END_TEST

START_TEST(test_cli_mem_m_suffix)
{
	ck_assert_int_eq(mem("256M"), 256);
	ck_assert_int_eq(mem("256m"), 256);
}
END_TEST

START_TEST(test_cli_mem_ib_suffix)
{
	ck_assert_int_eq(mem("2GiB"), 2048);
	ck_assert_int_eq(mem("256MiB"), 256);
}
END_TEST

START_TEST(test_cli_mem_limit_accepted)
{
	ck_assert_int_eq(mem("1024G"), CLI_MAX_MEM_MIB);
	ck_assert_int_eq(mem("1048576"), CLI_MAX_MEM_MIB);
}
END_TEST

START_TEST(test_cli_mem_zero_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--mem", "0"),
			 CLI_ERROR);
	ck_assert_err_has(err, "--mem");
	ck_assert_err_has(err, "0");
	ck_assert_int_eq(mem("0G"), -1);
}
END_TEST

START_TEST(test_cli_mem_not_a_number_rejected)
{
	refused("abc", "--kernel", "k", "--mem", "abc");
	ck_assert_int_eq(mem(""), -1);
	ck_assert_int_eq(mem("12x"), -1);
	ck_assert_int_eq(mem("1T"), -1);
	ck_assert_int_eq(mem("G"), -1);
	ck_assert_int_eq(mem(" 64"), -1);
}
END_TEST

START_TEST(test_cli_mem_negative_rejected)
{
	refused("-5", "--kernel", "k", "--mem", "-5");
}
END_TEST

START_TEST(test_cli_mem_huge_rejected)
{
	refused("999999999999", "--kernel", "k", "--mem", "999999999999");
	ck_assert_int_eq(mem("1048577"), -1);
	ck_assert_int_eq(mem("1025G"), -1);
	ck_assert_int_eq(mem("18014398509481984G"), -1); /* 2^54 G */
	ck_assert_int_eq(mem("99999999999999999999999"), -1);
}
END_TEST

/* cli__parse_mem itself: every accepted form, and what it refuses. */

/* The MiB that s gives, or -1 with err set (and the result untouched). */
static long long parse_mem(const char *s, char *err)
{
	uint64_t mib = 12345;

	err[0] = '\0';
	if (cli__parse_mem(s, &mib, err)) {
		ck_assert_uint_eq(mib, 12345);
		ck_assert_msg(err[0], "no message for '%s'", s);
		return -1;
	}
	return (long long)mib;
}

START_TEST(test_cli_parse_mem_forms)
{
	char err[ERRBUF_LEN];

	ck_assert_int_eq(parse_mem("384", err), 384);
	ck_assert_int_eq(parse_mem("384M", err), 384);
	ck_assert_int_eq(parse_mem("384m", err), 384);
	ck_assert_int_eq(parse_mem("384MiB", err), 384);
	ck_assert_int_eq(parse_mem("3G", err), 3072);
	ck_assert_int_eq(parse_mem("3g", err), 3072);
	ck_assert_int_eq(parse_mem("3GiB", err), 3072);
}
END_TEST

START_TEST(test_cli_parse_mem_odd_suffixes_rejected)
{
	static const char *const bad[] = {
		"512X",	 "1.5G",  "",	   "G",	    "MiB",   "512B",  "512i",
		"512iB", "2Gi",	  "2GB",   "512MB", "512Mi", "2gib",  "2GIB",
		"512 M", "512M ", "2GiBB", "2MG",   "+512",  "0x200", "512k",
	};
	char err[ERRBUF_LEN];
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(parse_mem(bad[i], err) == -1, "'%s' was accepted",
			      bad[i]);
		ck_assert_err_has(err, "--mem");
		ck_assert_err_has(err, "MiB");
	}
	parse_mem("512X", err);
	ck_assert_err_has(err, "'512X'");
}
END_TEST

START_TEST(test_cli_parse_mem_overflow_rejected)
{
	char err[ERRBUF_LEN];

	ck_assert_int_eq(parse_mem("99999999999999999999999", err), -1);
	ck_assert_err_has(err, "limit");
	ck_assert_int_eq(parse_mem("18446744073709551615G", err), -1);
	ck_assert_err_has(err, "limit");
	ck_assert_int_eq(parse_mem("1025GiB", err), -1);
	ck_assert_err_has(err, "limit");
}
END_TEST

START_TEST(test_cli_parse_mem_zero_rejected)
{
	char err[ERRBUF_LEN];

	ck_assert_int_eq(parse_mem("0", err), -1);
	ck_assert_err_has(err, "0 is not a size");
	ck_assert_int_eq(parse_mem("0GiB", err), -1);
	ck_assert_err_has(err, "0 is not a size");
}
END_TEST

Suite *cli_mem_suite(void)
{
	Suite *s = suite_create("cli_mem");
	TCase *tc;

	tc = tcase_create("mem");
	tcase_add_test(tc, test_cli_mem_plain_is_mib);
	tcase_add_test(tc, test_cli_mem_g_suffix);
	tcase_add_test(tc, test_cli_mem_m_suffix);
	tcase_add_test(tc, test_cli_mem_ib_suffix);
	tcase_add_test(tc, test_cli_mem_limit_accepted);
	tcase_add_test(tc, test_cli_mem_zero_rejected);
	tcase_add_test(tc, test_cli_mem_not_a_number_rejected);
	tcase_add_test(tc, test_cli_mem_negative_rejected);
	tcase_add_test(tc, test_cli_mem_huge_rejected);
	tcase_add_test(tc, test_cli_parse_mem_forms);
	tcase_add_test(tc, test_cli_parse_mem_odd_suffixes_rejected);
	tcase_add_test(tc, test_cli_parse_mem_overflow_rejected);
	tcase_add_test(tc, test_cli_parse_mem_zero_rejected);
	suite_add_tcase(s, tc);

	return s;
}
