// SPDX-License-Identifier: GPL-2.0
/*
 * cli__parse_run: the `turtle run` command line, its option syntax (long
 * and short, values attached or not, order, help, errors) and the machine
 * options: --cpus, --nested, --console-prefix, --ipa-bits, --halt-poll,
 * --exit-probe. --mem is in test_cli_mem.c, the devices' options in
 * test_cli_devices.c.
 */
#include <string.h>

#include "../../lib/log.h"
#include "cli-args.h"
#include "suites.h"

START_TEST(test_cli_defaults)
{
	struct run_opts o = accepted("--kernel", "Image");

	ck_assert_str_eq(o.kernel, "Image");
	ck_assert_ptr_null(o.initrd);
	ck_assert_str_eq(o.cmdline, "console=ttyAMA0");
	ck_assert_uint_eq(o.mem_mib, 512);
	ck_assert_uint_eq(o.cpus, 1);
	ck_assert_int_eq(o.nested, NESTED_OFF);
	ck_assert_int_eq(o.seccomp, 1);
	ck_assert_int_eq(o.verbose, 0);
	ck_assert_int_eq(o.stats, 0);
	ck_assert_int_eq(o.reboot, 0);
}
END_TEST

START_TEST(test_cli_reboot)
{
	struct run_opts o = accepted("--kernel", "Image", "--reboot");

	ck_assert_int_eq(o.reboot, 1);
	refused("reboot", "--kernel", "Image", "--reboot=yes");
}
END_TEST

START_TEST(test_cli_all_long_options)
{
	struct run_opts o = accepted(
		"--kernel", "Image", "--initrd", "initrd.cpio", "--cmdline",
		"console=ttyAMA0 quiet", "--mem", "1024", "--cpus", "4",
		"--nested", "--stats", "--no-seccomp", "--verbose");

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
	struct run_opts o = accepted("--kernel=Image", "--initrd=rd",
				     "--cmdline=ro", "--mem=2G", "--cpus=3");

	ck_assert_str_eq(o.kernel, "Image");
	ck_assert_str_eq(o.initrd, "rd");
	ck_assert_str_eq(o.cmdline, "ro");
	ck_assert_uint_eq(o.mem_mib, 2048);
	ck_assert_uint_eq(o.cpus, 3);
}
END_TEST

START_TEST(test_cli_all_short_options)
{
	struct run_opts o =
		accepted("-k", "Image", "-i", "rd", "-c", "root=/dev/vda", "-m",
			 "768", "-n", "8", "-v");

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
	struct run_opts o = accepted("-kImage", "-m1G", "-n2");

	ck_assert_str_eq(o.kernel, "Image");
	ck_assert_uint_eq(o.mem_mib, 1024);
	ck_assert_uint_eq(o.cpus, 2);
}
END_TEST

START_TEST(test_cli_option_order_does_not_matter)
{
	/* Option order does not matter. */
	struct run_opts o = accepted("-v", "--mem", "64", "--kernel", "k");

	ck_assert_str_eq(o.kernel, "k");
	ck_assert_uint_eq(o.mem_mib, 64);
}
END_TEST

START_TEST(test_cli_last_option_wins)
{
	struct run_opts o =
		accepted("-k", "a", "-m", "1G", "-k", "b", "-m", "3G");

	ck_assert_str_eq(o.kernel, "b");
	ck_assert_uint_eq(o.mem_mib, 3072);
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
	refused("--cpus", "-k", "k", "--cpus", "0");
}
END_TEST

START_TEST(test_cli_cpus_above_max_rejected)
{
	refused("65", "-k", "k", "--cpus", "65");
}
END_TEST

START_TEST(test_cli_cpus_not_a_number_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	refused("'x'", "-k", "k", "--cpus", "x");
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
	struct run_opts o = accepted("-k", "k", "--nested");

	ck_assert_int_eq(o.nested, NESTED_VHE);
}
END_TEST

START_TEST(test_cli_nested_vhe)
{
	struct run_opts o = accepted("-k", "k", "--nested=vhe");

	ck_assert_int_eq(o.nested, NESTED_VHE);
}
END_TEST

START_TEST(test_cli_nested_e2h0)
{
	struct run_opts o = accepted("-k", "k", "--nested=e2h0");

	ck_assert_int_eq(o.nested, NESTED_E2H0);
}
END_TEST

START_TEST(test_cli_nested_unknown_mode_rejected)
{
	refused("bogus", "-k", "k", "--nested=bogus");
}
END_TEST

START_TEST(test_cli_nested_mode_must_be_attached)
{
	/* An optional value needs '=': a separate word is a stray argument. */
	refused("e2h0", "-k", "k", "--nested", "e2h0");
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
	refused("--frobnicate", "-k", "k", "--frobnicate");
}
END_TEST

START_TEST(test_cli_unknown_short_option_rejected)
{
	refused("-x", "-k", "k", "-x");
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

	refused("--kernel", "--mem", "64");
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
	refused("extra", "--kernel", "k", "extra");
}
END_TEST

START_TEST(test_cli_positional_after_double_dash_rejected)
{
	refused("--mem", "--kernel", "k", "--", "--mem");
}
END_TEST

START_TEST(test_cli_long_option_missing_value_rejected)
{
	refused("--mem", "--kernel", "k", "--mem");
}
END_TEST

START_TEST(test_cli_short_option_missing_value_rejected)
{
	refused("-n", "-k", "k", "-n");
}
END_TEST

START_TEST(test_cli_kernel_missing_value_rejected)
{
	refused("--kernel", "--kernel");
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
	char longp[CLI_MAX_PREFIX + 2];

	memset(longp, 'x', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	refused("--console-prefix", "--kernel", "k", "--console-prefix", longp);
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
	const char *bad[] = { "31", "53", "x", "", "40x" };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refused("--ipa-bits", "--kernel", "k", "--ipa-bits", bad[i]);
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

START_TEST(test_cli_direct_window_modes)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k"), CLI_OK);
	ck_assert_int_eq(o.direct, DIRECT_OFF);
	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--direct-window"),
			 CLI_OK);
	ck_assert_int_eq(o.direct, DIRECT_AUTO);
	ck_assert_int_eq(
		parse(&o, err, "--kernel", "k", "--direct-window=auto"),
		CLI_OK);
	ck_assert_int_eq(o.direct, DIRECT_AUTO);
	ck_assert_int_eq(
		parse(&o, err, "--kernel", "k", "--direct-window=serve"),
		CLI_OK);
	ck_assert_int_eq(o.direct, DIRECT_SERVE);
	ck_assert_int_eq(
		parse(&o, err, "--kernel", "k", "--direct-window=pass"),
		CLI_OK);
	ck_assert_int_eq(o.direct, DIRECT_PASS);
}
END_TEST

START_TEST(test_cli_direct_window_bad_mode_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(
		parse(&o, err, "--kernel", "k", "--direct-window=both"),
		CLI_ERROR);
	ck_assert_str_eq(
		err,
		"--direct-window: unknown mode 'both' (use auto, serve or pass)");
	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--direct-window="),
			 CLI_ERROR);
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
		ck_assert_int_eq(
			parse(&o, err, "--kernel", "k", "--halt-poll", bad[i]),
			CLI_ERROR);
		ck_assert_err_has(err, "--halt-poll");
	}
}
END_TEST

Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc;

	tc = tcase_create("options");
	tcase_add_test(tc, test_cli_defaults);
	tcase_add_test(tc, test_cli_reboot);
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

	tc = tcase_create("machine");
	tcase_add_test(tc, test_cli_console_prefix);
	tcase_add_test(tc, test_cli_console_prefix_too_long_rejected);
	tcase_add_test(tc, test_cli_ipa_bits_and_hugepages);
	tcase_add_test(tc, test_cli_halt_poll);
	tcase_add_test(tc, test_cli_halt_poll_bad_rejected);
	tcase_add_test(tc, test_cli_exit_probe);
	tcase_add_test(tc, test_cli_direct_window_modes);
	tcase_add_test(tc, test_cli_direct_window_bad_mode_rejected);
	tcase_add_test(tc, test_cli_ipa_bits_out_of_range_rejected);
	suite_add_tcase(s, tc);

	return s;
}
