// SPDX-License-Identifier: GPL-2.0
/* cli__parse_run: the `turtle run` command line. */
#include <stdint.h>
#include <string.h>

#include "../../vmm/cli.h"
#include "../../vmm/log.h"
#include "suites.h"

/*
 * getopt wants char **, and may reorder the array (never the strings), so
 * the arguments go in a writable array of pointers to literals.
 */
static enum cli_result parse_argv(const char **argv, struct run_opts *o,
				  char *err)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	return cli__parse_run(argc, (char **)argv, o, err);
}

#define parse(o, err, ...) \
	parse_argv((const char *[]){ "run", ##__VA_ARGS__, NULL }, (o), (err))

/* The value --mem gives, or -1 on an error. */
static long long mem(const char *arg)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	if (parse(&o, err, "--kernel", "k", "--mem", arg) != CLI_OK)
		return -1;
	return (long long)o.mem_mib;
}

START_TEST(test_cli_defaults)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "Image"), CLI_OK);
	ck_assert_str_eq(o.kernel, "Image");
	ck_assert_ptr_null(o.initrd);
	ck_assert_str_eq(o.cmdline, "console=ttyAMA0");
	ck_assert_uint_eq(o.mem_mib, 512);
	ck_assert_uint_eq(o.cpus, 1);
	ck_assert_int_eq(o.nested, NESTED_OFF);
	ck_assert_int_eq(o.seccomp, 1);
	ck_assert_int_eq(o.verbose, 0);
	ck_assert_int_eq(o.stats, 0);
}
END_TEST

START_TEST(test_cli_all_long_options)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "Image", "--initrd",
			       "initrd.cpio", "--cmdline",
			       "console=ttyAMA0 quiet", "--mem", "1024",
			       "--cpus", "4", "--nested", "--stats",
			       "--no-seccomp", "--verbose"),
			 CLI_OK);
	ck_assert_str_eq(o.kernel, "Image");
	ck_assert_str_eq(o.initrd, "initrd.cpio");
	ck_assert_str_eq(o.cmdline, "console=ttyAMA0 quiet");
	ck_assert_uint_eq(o.mem_mib, 1024);
	ck_assert_uint_eq(o.cpus, 4);
	ck_assert_int_eq(o.nested, NESTED_VHE);
	ck_assert_int_eq(o.stats, 1);
	ck_assert_int_eq(o.seccomp, 0);
	ck_assert_int_eq(o.verbose, 1);
}
END_TEST

START_TEST(test_cli_long_options_with_equals)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel=Image", "--initrd=rd",
			       "--cmdline=ro", "--mem=2G", "--cpus=3"),
			 CLI_OK);
	ck_assert_str_eq(o.kernel, "Image");
	ck_assert_str_eq(o.initrd, "rd");
	ck_assert_str_eq(o.cmdline, "ro");
	ck_assert_uint_eq(o.mem_mib, 2048);
	ck_assert_uint_eq(o.cpus, 3);
}
END_TEST

START_TEST(test_cli_all_short_options)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "-k", "Image", "-i", "rd", "-c",
			       "root=/dev/vda", "-m", "768", "-n", "8", "-v"),
			 CLI_OK);
	ck_assert_str_eq(o.kernel, "Image");
	ck_assert_str_eq(o.initrd, "rd");
	ck_assert_str_eq(o.cmdline, "root=/dev/vda");
	ck_assert_uint_eq(o.mem_mib, 768);
	ck_assert_uint_eq(o.cpus, 8);
	ck_assert_int_eq(o.verbose, 1);
}
END_TEST

START_TEST(test_cli_short_options_attached_values)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "-kImage", "-m1G", "-n2"), CLI_OK);
	ck_assert_str_eq(o.kernel, "Image");
	ck_assert_uint_eq(o.mem_mib, 1024);
	ck_assert_uint_eq(o.cpus, 2);
}
END_TEST

START_TEST(test_cli_option_order_does_not_matter)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	/* Option order does not matter. */
	ck_assert_int_eq(parse(&o, err, "-v", "--mem", "64", "--kernel", "k"),
			 CLI_OK);
	ck_assert_str_eq(o.kernel, "k");
	ck_assert_uint_eq(o.mem_mib, 64);
}
END_TEST

START_TEST(test_cli_last_option_wins)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(
		parse(&o, err, "-k", "a", "-m", "1G", "-k", "b", "-m", "3G"),
		CLI_OK);
	ck_assert_str_eq(o.kernel, "b");
	ck_assert_uint_eq(o.mem_mib, 3072);
}
END_TEST

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
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--mem", "abc"),
			 CLI_ERROR);
	ck_assert_err_has(err, "abc");
	ck_assert_int_eq(mem(""), -1);
	ck_assert_int_eq(mem("12x"), -1);
	ck_assert_int_eq(mem("1T"), -1);
	ck_assert_int_eq(mem("G"), -1);
	ck_assert_int_eq(mem(" 64"), -1);
}
END_TEST

START_TEST(test_cli_mem_negative_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--mem", "-5"),
			 CLI_ERROR);
	ck_assert_err_has(err, "-5");
}
END_TEST

START_TEST(test_cli_mem_huge_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(
		parse(&o, err, "--kernel", "k", "--mem", "999999999999"),
		CLI_ERROR);
	ck_assert_err_has(err, "999999999999");
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

START_TEST(test_cli_cpus_range_accepted)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "-k", "k", "--cpus", "1"), CLI_OK);
	ck_assert_uint_eq(o.cpus, 1);
	ck_assert_int_eq(parse(&o, err, "-k", "k", "--cpus", "64"), CLI_OK);
	ck_assert_uint_eq(o.cpus, CLI_MAX_CPUS);
}
END_TEST

START_TEST(test_cli_cpus_zero_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "-k", "k", "--cpus", "0"), CLI_ERROR);
	ck_assert_err_has(err, "--cpus");
}
END_TEST

START_TEST(test_cli_cpus_above_max_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "-k", "k", "--cpus", "65"), CLI_ERROR);
	ck_assert_err_has(err, "65");
}
END_TEST

START_TEST(test_cli_cpus_not_a_number_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "-k", "k", "--cpus", "x"), CLI_ERROR);
	ck_assert_err_has(err, "'x'");
	ck_assert_int_eq(parse(&o, err, "-k", "k", "--cpus", ""), CLI_ERROR);
	ck_assert_int_eq(parse(&o, err, "-k", "k", "--cpus", "4x"), CLI_ERROR);
	ck_assert_int_eq(parse(&o, err, "-k", "k", "--cpus", "-1"), CLI_ERROR);
	ck_assert_int_eq(
		parse(&o, err, "-k", "k", "--cpus", "18446744073709551617"),
		CLI_ERROR);
}
END_TEST

START_TEST(test_cli_nested_without_mode_is_vhe)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "-k", "k", "--nested"), CLI_OK);
	ck_assert_int_eq(o.nested, NESTED_VHE);
}
END_TEST

START_TEST(test_cli_nested_vhe)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "-k", "k", "--nested=vhe"), CLI_OK);
	ck_assert_int_eq(o.nested, NESTED_VHE);
}
END_TEST

START_TEST(test_cli_nested_e2h0)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "-k", "k", "--nested=e2h0"), CLI_OK);
	ck_assert_int_eq(o.nested, NESTED_E2H0);
}
END_TEST

START_TEST(test_cli_nested_unknown_mode_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "-k", "k", "--nested=bogus"),
			 CLI_ERROR);
	ck_assert_err_has(err, "bogus");
}
END_TEST

START_TEST(test_cli_nested_mode_must_be_attached)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	/* An optional value needs '=': a separate word is a stray argument. */
	ck_assert_int_eq(parse(&o, err, "-k", "k", "--nested", "e2h0"),
			 CLI_ERROR);
	ck_assert_err_has(err, "e2h0");
}
END_TEST

START_TEST(test_cli_nested_names)
{
	ck_assert_str_eq(cli__nested_name(NESTED_OFF), "off");
	ck_assert_str_eq(cli__nested_name(NESTED_VHE), "vhe");
	ck_assert_str_eq(cli__nested_name(NESTED_E2H0), "e2h0");
}
END_TEST

START_TEST(test_cli_unknown_long_option_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "-k", "k", "--frobnicate"), CLI_ERROR);
	ck_assert_err_has(err, "--frobnicate");
}
END_TEST

START_TEST(test_cli_unknown_short_option_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "-k", "k", "-x"), CLI_ERROR);
	ck_assert_err_has(err, "-x");
}
END_TEST

START_TEST(test_cli_unknown_short_option_in_cluster_named)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	/*
	 * 'x' is not the last letter of its word: the message must still
	 * name it, not the argument before.
	 */
	ck_assert_int_eq(parse(&o, err, "-k", "kernel", "-xv"), CLI_ERROR);
	ck_assert_err_has(err, "x");
	ck_assert_msg(strstr(err, "kernel") == NULL,
		      "error message \"%s\" names the wrong argument", err);
}
END_TEST

START_TEST(test_cli_missing_kernel_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--mem", "64"), CLI_ERROR);
	ck_assert_err_has(err, "--kernel");
	ck_assert_int_eq(parse(&o, err), CLI_ERROR);
	ck_assert_err_has(err, "--kernel");
}
END_TEST

START_TEST(test_cli_help_long)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--help"), CLI_HELP);
}
END_TEST

START_TEST(test_cli_help_short_wins_over_errors_after_it)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "-h", "--mem", "0"), CLI_HELP);
}
END_TEST

START_TEST(test_cli_stray_positional_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "extra"), CLI_ERROR);
	ck_assert_err_has(err, "extra");
}
END_TEST

START_TEST(test_cli_positional_after_double_dash_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--", "--mem"),
			 CLI_ERROR);
	ck_assert_err_has(err, "--mem");
}
END_TEST

START_TEST(test_cli_long_option_missing_value_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--mem"), CLI_ERROR);
	ck_assert_err_has(err, "--mem");
}
END_TEST

START_TEST(test_cli_short_option_missing_value_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "-k", "k", "-n"), CLI_ERROR);
	ck_assert_err_has(err, "-n");
}
END_TEST

START_TEST(test_cli_kernel_missing_value_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel"), CLI_ERROR);
	ck_assert_err_has(err, "--kernel");
}
END_TEST

START_TEST(test_cli_parse_twice_resets_state)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "a", "--mem", "64", "-v",
			       "--nested"),
			 CLI_OK);
	ck_assert_int_eq(parse(&o, err, "--kernel", "b", "-n", "2"), CLI_OK);
	ck_assert_str_eq(o.kernel, "b");
	ck_assert_uint_eq(o.mem_mib, 512);
	ck_assert_uint_eq(o.cpus, 2);
	ck_assert_int_eq(o.verbose, 0);
	ck_assert_int_eq(o.nested, NESTED_OFF);
}
END_TEST

START_TEST(test_cli_parse_after_error_mid_word_resets_state)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	/* Stop inside "-vxn", then start over on a new argv. */
	ck_assert_int_eq(parse(&o, err, "-k", "a", "-vxn"), CLI_ERROR);
	ck_assert_int_eq(parse(&o, err, "-k", "b"), CLI_OK);
	ck_assert_str_eq(o.kernel, "b");
	ck_assert_int_eq(o.verbose, 0);
	ck_assert_uint_eq(o.cpus, 1);
}
END_TEST

START_TEST(test_cli_disk_plain)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--disk", "a.img"),
			 CLI_OK);
	ck_assert_uint_eq(o.ndisks, 1);
	ck_assert_str_eq(o.disks[0].path, "a.img");
	ck_assert_int_eq(o.disks[0].read_only, 0);
	ck_assert_uint_eq(o.disks[0].queues, 0);
}
END_TEST

START_TEST(test_cli_disk_options_and_repeat)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--disk", "a.img,ro",
			       "-d", "b.img,queues=4,ro"),
			 CLI_OK);
	ck_assert_uint_eq(o.ndisks, 2);
	ck_assert_str_eq(o.disks[0].path, "a.img");
	ck_assert_int_eq(o.disks[0].read_only, 1);
	ck_assert_str_eq(o.disks[1].path, "b.img");
	ck_assert_int_eq(o.disks[1].read_only, 1);
	ck_assert_uint_eq(o.disks[1].queues, 4);
}
END_TEST

START_TEST(test_cli_disk_bad_option_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--disk", "a.img,rw"),
			 CLI_ERROR);
	ck_assert_err_has(err, "unknown option 'rw'");
}
END_TEST

START_TEST(test_cli_disk_bad_queues_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";
	const char *bad[] = { "a,queues=0", "a,queues=9", "a,queues=x",
			      "a,queues=", "a,queues=-1" };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ck_assert_int_eq(
			parse(&o, err, "--kernel", "k", "--disk", bad[i]),
			CLI_ERROR);
		ck_assert_err_has(err, "queues must be 1 to 8");
	}
}
END_TEST

START_TEST(test_cli_disk_no_path_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--disk", ",ro"),
			 CLI_ERROR);
	ck_assert_err_has(err, "no image path");
}
END_TEST

START_TEST(test_cli_disk_too_many_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "-d", "1", "-d", "2",
			       "-d", "3", "-d", "4", "-d", "5", "-d", "6", "-d",
			       "7", "-d", "8", "-d", "9"),
			 CLI_ERROR);
	ck_assert_err_has(err, "at most 8 disks");
}
END_TEST

START_TEST(test_cli_console_prefix)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k"), CLI_OK);
	ck_assert_ptr_null(o.console_prefix);
	ck_assert_int_eq(
		parse(&o, err, "--kernel", "k", "--console-prefix", "[L2] "),
		CLI_OK);
	ck_assert_str_eq(o.console_prefix, "[L2] ");
}
END_TEST

START_TEST(test_cli_console_prefix_too_long_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";
	char longp[CLI_MAX_PREFIX + 2];

	memset(longp, 'x', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	ck_assert_int_eq(
		parse(&o, err, "--kernel", "k", "--console-prefix", longp),
		CLI_ERROR);
	ck_assert_err_has(err, "--console-prefix");
}
END_TEST

START_TEST(test_cli_ipa_bits_and_hugepages)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k"), CLI_OK);
	ck_assert_uint_eq(o.ipa_bits, 0);
	ck_assert_int_eq(o.hugepages, 1);
	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--ipa-bits", "40",
			       "--no-hugepages"),
			 CLI_OK);
	ck_assert_uint_eq(o.ipa_bits, 40);
	ck_assert_int_eq(o.hugepages, 0);
}
END_TEST

START_TEST(test_cli_ipa_bits_out_of_range_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";
	const char *bad[] = { "31", "53", "x", "", "40x" };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ck_assert_int_eq(
			parse(&o, err, "--kernel", "k", "--ipa-bits", bad[i]),
			CLI_ERROR);
		ck_assert_err_has(err, "--ipa-bits");
	}
}
END_TEST

START_TEST(test_cli_halt_poll)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k"), CLI_OK);
	ck_assert_int_eq(o.halt_poll_ns, -1);
	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--halt-poll", "0"),
			 CLI_OK);
	ck_assert_int_eq(o.halt_poll_ns, 0);
	ck_assert_int_eq(
		parse(&o, err, "--kernel", "k", "--halt-poll", "50000"),
		CLI_OK);
	ck_assert_int_eq(o.halt_poll_ns, 50000);
}
END_TEST

START_TEST(test_cli_exit_probe)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k"), CLI_OK);
	ck_assert_int_eq(o.exit_probe, 0);
	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--exit-probe"),
			 CLI_OK);
	ck_assert_int_eq(o.exit_probe, 1);
}
END_TEST

START_TEST(test_cli_halt_poll_bad_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";
	const char *bad[] = { "-1", "", "x", "10us", "100000001", " 5" };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--halt-poll",
				       bad[i]),
				 CLI_ERROR);
		ck_assert_err_has(err, "--halt-poll");
	}
}
END_TEST

START_TEST(test_cli_vsock_cid_and_path)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k"), CLI_OK);
	ck_assert_int_eq(o.has_vsock, 0);
	ck_assert_int_eq(
		parse(&o, err, "--kernel", "k", "--vsock", "3,/tmp/v.sock"),
		CLI_OK);
	ck_assert_int_eq(o.has_vsock, 1);
	ck_assert_uint_eq(o.vsock.guest_cid, 3);
	ck_assert_str_eq(o.vsock.uds_path, "/tmp/v.sock");
}
END_TEST

/* Without PATH the guest reaches only in-VMM services. */
START_TEST(test_cli_vsock_without_path)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(
		parse(&o, err, "--kernel", "k", "--vsock", "4294967294"),
		CLI_OK);
	ck_assert_uint_eq(o.vsock.guest_cid, 4294967294ULL);
	ck_assert_ptr_null(o.vsock.uds_path);
}
END_TEST

/* Everything after the first comma is the path, commas included. */
START_TEST(test_cli_vsock_path_with_comma)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--vsock", "7,a,b"),
			 CLI_OK);
	ck_assert_str_eq(o.vsock.uds_path, "a,b");
}
END_TEST

START_TEST(test_cli_vsock_bad_cid_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";
	const char *bad[] = {
		"0",	     "1",  "2",	  "4294967295", "99999999999999999999",
		"-3",	     "+3", "x",	  "",		",/tmp/v",
		"3x,/tmp/v", " 3", "0x10"
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ck_assert_msg(parse(&o, err, "--kernel", "k", "--vsock",
				    bad[i]) == CLI_ERROR,
			      "accepted --vsock '%s'", bad[i]);
		ck_assert_err_has(err, "guest CID");
	}
}
END_TEST

START_TEST(test_cli_vsock_empty_path_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--vsock", "3,"),
			 CLI_ERROR);
	ck_assert_err_has(err, "empty socket path");
}
END_TEST

START_TEST(test_cli_vsock_twice_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(
		parse(&o, err, "--kernel", "k", "--vsock", "3", "--vsock", "4"),
		CLI_ERROR);
	ck_assert_err_has(err, "only one vsock device");
}
END_TEST

START_TEST(test_cli_vsock_missing_value_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--vsock"), CLI_ERROR);
	ck_assert_err_has(err, "--vsock");
}
END_TEST

/* --share: /tmp and / are directories everywhere; /dev/null is not. */
START_TEST(test_cli_share_default_tag)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k"), CLI_OK);
	ck_assert_uint_eq(o.nshares, 0);
	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--share", "/tmp"),
			 CLI_OK);
	ck_assert_uint_eq(o.nshares, 1);
	ck_assert_str_eq(o.shares[0].dir, "/tmp");
	ck_assert_str_eq(o.shares[0].tag, "share");
	ck_assert_int_eq(o.shares[0].read_only, 0);
}
END_TEST

START_TEST(test_cli_share_tag_ro_and_repeat)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--share",
			       "/tmp,tag=scratch", "--share", "/,ro,tag=host"),
			 CLI_OK);
	ck_assert_uint_eq(o.nshares, 2);
	ck_assert_str_eq(o.shares[0].tag, "scratch");
	ck_assert_int_eq(o.shares[0].read_only, 0);
	ck_assert_str_eq(o.shares[1].dir, "/");
	ck_assert_str_eq(o.shares[1].tag, "host");
	ck_assert_int_eq(o.shares[1].read_only, 1);
}
END_TEST

START_TEST(test_cli_share_cache_modes)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--share", "/tmp",
			       "--share", "/,tag=a,cache=always", "--share",
			       "/tmp,cache=never,tag=b", "--share",
			       "/,cache=auto,tag=c"),
			 CLI_OK);
	ck_assert_int_eq(o.shares[0].cache, FUSE_CACHE_AUTO);
	ck_assert_int_eq(o.shares[1].cache, FUSE_CACHE_ALWAYS);
	ck_assert_int_eq(o.shares[2].cache, FUSE_CACHE_NEVER);
	ck_assert_int_eq(o.shares[3].cache, FUSE_CACHE_AUTO);
	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--share",
			       "/tmp,cache=sometimes"),
			 CLI_ERROR);
	ck_assert_err_has(err,
			  "cache=sometimes: use cache=auto, always or never");
	ck_assert_int_eq(
		parse(&o, err, "--kernel", "k", "--share", "/tmp,cache="),
		CLI_ERROR);
	ck_assert_err_has(err, "use cache=auto, always or never");
}
END_TEST

START_TEST(test_cli_share_duplicate_tag_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--share", "/tmp",
			       "--share", "/"),
			 CLI_ERROR);
	ck_assert_err_has(err, "two shares are tagged 'share'");
}
END_TEST

START_TEST(test_cli_share_missing_dir_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--share",
			       "/nonexistent-turtle-dir"),
			 CLI_ERROR);
	ck_assert_err_has(err, "/nonexistent-turtle-dir");
	ck_assert_err_has(err, "No such file");
	ck_assert_int_eq(
		parse(&o, err, "--kernel", "k", "--share", "/dev/null"),
		CLI_ERROR);
	ck_assert_err_has(err, "/dev/null is not a directory");
}
END_TEST

START_TEST(test_cli_share_bad_options_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--share", "/tmp,rw"),
			 CLI_ERROR);
	ck_assert_err_has(err, "unknown option 'rw'");
	ck_assert_int_eq(
		parse(&o, err, "--kernel", "k", "--share", "/tmp,tag="),
		CLI_ERROR);
	ck_assert_err_has(err, "tag");
	ck_assert_int_eq(
		parse(&o, err, "--kernel", "k", "--share",
		      "/tmp,tag=0123456789012345678901234567890123456789012345678901234567890123"),
		CLI_ERROR);
	ck_assert_err_has(err, "1 to 63 characters");
	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--share", ",ro"),
			 CLI_ERROR);
	ck_assert_err_has(err, "no directory");
}
END_TEST

START_TEST(test_cli_share_too_many_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--share", "/,tag=a",
			       "--share", "/,tag=b", "--share", "/,tag=c",
			       "--share", "/,tag=d", "--share", "/,tag=e",
			       "--share", "/,tag=f", "--share", "/,tag=g",
			       "--share", "/,tag=h", "--share", "/,tag=i"),
			 CLI_ERROR);
	ck_assert_err_has(err, "at most 8 shared directories");
}
END_TEST

Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc;

	tc = tcase_create("options");
	tcase_add_test(tc, test_cli_defaults);
	tcase_add_test(tc, test_cli_all_long_options);
	tcase_add_test(tc, test_cli_long_options_with_equals);
	tcase_add_test(tc, test_cli_all_short_options);
	tcase_add_test(tc, test_cli_short_options_attached_values);
	tcase_add_test(tc, test_cli_option_order_does_not_matter);
	tcase_add_test(tc, test_cli_last_option_wins);
	tcase_add_test(tc, test_cli_help_long);
	tcase_add_test(tc, test_cli_help_short_wins_over_errors_after_it);
	tcase_add_test(tc, test_cli_parse_twice_resets_state);
	tcase_add_test(tc, test_cli_parse_after_error_mid_word_resets_state);
	suite_add_tcase(s, tc);

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

	tc = tcase_create("cpus");
	tcase_add_test(tc, test_cli_cpus_range_accepted);
	tcase_add_test(tc, test_cli_cpus_zero_rejected);
	tcase_add_test(tc, test_cli_cpus_above_max_rejected);
	tcase_add_test(tc, test_cli_cpus_not_a_number_rejected);
	suite_add_tcase(s, tc);

	tc = tcase_create("nested");
	tcase_add_test(tc, test_cli_nested_without_mode_is_vhe);
	tcase_add_test(tc, test_cli_nested_vhe);
	tcase_add_test(tc, test_cli_nested_e2h0);
	tcase_add_test(tc, test_cli_nested_unknown_mode_rejected);
	tcase_add_test(tc, test_cli_nested_mode_must_be_attached);
	tcase_add_test(tc, test_cli_nested_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, test_cli_unknown_long_option_rejected);
	tcase_add_test(tc, test_cli_unknown_short_option_rejected);
	tcase_add_test(tc, test_cli_unknown_short_option_in_cluster_named);
	tcase_add_test(tc, test_cli_missing_kernel_rejected);
	tcase_add_test(tc, test_cli_stray_positional_rejected);
	tcase_add_test(tc, test_cli_positional_after_double_dash_rejected);
	tcase_add_test(tc, test_cli_long_option_missing_value_rejected);
	tcase_add_test(tc, test_cli_short_option_missing_value_rejected);
	tcase_add_test(tc, test_cli_kernel_missing_value_rejected);
	suite_add_tcase(s, tc);

	tc = tcase_create("disks and console");
	tcase_add_test(tc, test_cli_disk_plain);
	tcase_add_test(tc, test_cli_disk_options_and_repeat);
	tcase_add_test(tc, test_cli_disk_bad_option_rejected);
	tcase_add_test(tc, test_cli_disk_bad_queues_rejected);
	tcase_add_test(tc, test_cli_disk_no_path_rejected);
	tcase_add_test(tc, test_cli_disk_too_many_rejected);
	tcase_add_test(tc, test_cli_console_prefix);
	tcase_add_test(tc, test_cli_console_prefix_too_long_rejected);
	tcase_add_test(tc, test_cli_ipa_bits_and_hugepages);
	tcase_add_test(tc, test_cli_halt_poll);
	tcase_add_test(tc, test_cli_halt_poll_bad_rejected);
	tcase_add_test(tc, test_cli_exit_probe);
	tcase_add_test(tc, test_cli_ipa_bits_out_of_range_rejected);
	suite_add_tcase(s, tc);

	tc = tcase_create("vsock");
	tcase_add_test(tc, test_cli_vsock_cid_and_path);
	tcase_add_test(tc, test_cli_vsock_without_path);
	tcase_add_test(tc, test_cli_vsock_path_with_comma);
	tcase_add_test(tc, test_cli_vsock_bad_cid_rejected);
	tcase_add_test(tc, test_cli_vsock_empty_path_rejected);
	tcase_add_test(tc, test_cli_vsock_twice_rejected);
	tcase_add_test(tc, test_cli_vsock_missing_value_rejected);
	suite_add_tcase(s, tc);

	tc = tcase_create("share");
	tcase_add_test(tc, test_cli_share_default_tag);
	tcase_add_test(tc, test_cli_share_tag_ro_and_repeat);
	tcase_add_test(tc, test_cli_share_cache_modes);
	tcase_add_test(tc, test_cli_share_duplicate_tag_rejected);
	tcase_add_test(tc, test_cli_share_missing_dir_rejected);
	tcase_add_test(tc, test_cli_share_bad_options_rejected);
	tcase_add_test(tc, test_cli_share_too_many_rejected);
	suite_add_tcase(s, tc);

	return s;
}
