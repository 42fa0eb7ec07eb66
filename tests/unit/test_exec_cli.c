// SPDX-License-Identifier: GPL-2.0
/* exec__parse: the `turtle exec` command line. */
#include <string.h>

#include "../../fuse-vsock/ports.h"
#include "../../vmm/exec.h"
#include "../../lib/log.h"
#include "suites.h"

static enum cli_result parse_argv(const char **argv, struct exec_opts *o,
				  char *err)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	return exec__parse(argc, (char **)argv, o, err);
}

#define parse(o, err, ...) \
	parse_argv((const char *[]){ "exec", ##__VA_ARGS__, NULL }, (o), (err))

START_TEST(test_exec_cli_defaults)
{
	struct exec_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "/tmp/v.sock", "--", "ls", "-l"),
			 CLI_OK);
	ck_assert_str_eq(o.socket, "/tmp/v.sock");
	ck_assert_uint_eq(o.port, TURTLE_EXEC_PORT);
	ck_assert_uint_eq(o.timeout_s, 0);
	ck_assert_ptr_null(o.cwd);
	ck_assert_uint_eq(o.nenv, 0);
	ck_assert_int_eq(o.argc, 2);
	ck_assert_str_eq(o.argv[0], "ls");
	ck_assert_str_eq(o.argv[1], "-l");
	ck_assert_ptr_null(o.argv[2]);
}
END_TEST

START_TEST(test_exec_cli_all_options)
{
	struct exec_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--port", "5000", "s", "--timeout=30",
			       "--cwd", "/tmp", "--env", "A=1",
			       "--env=B=", "--", "true"),
			 CLI_OK);
	ck_assert_str_eq(o.socket, "s");
	ck_assert_uint_eq(o.port, 5000);
	ck_assert_uint_eq(o.timeout_s, 30);
	ck_assert_str_eq(o.cwd, "/tmp");
	ck_assert_uint_eq(o.nenv, 2);
	ck_assert_str_eq(o.env[0], "A=1");
	ck_assert_str_eq(o.env[1], "B=");
	ck_assert_str_eq(o.argv[0], "true");
}
END_TEST

/* Without "--", the command starts at the first word after the socket,
 * and its own options stay its own. */
START_TEST(test_exec_cli_command_without_double_dash)
{
	struct exec_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "s", "ls", "--port", "-l"), CLI_OK);
	ck_assert_uint_eq(o.port, TURTLE_EXEC_PORT);
	ck_assert_int_eq(o.argc, 3);
	ck_assert_str_eq(o.argv[1], "--port");
}
END_TEST

START_TEST(test_exec_cli_double_dash_in_command_kept)
{
	struct exec_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "s", "--", "echo", "--", "x"), CLI_OK);
	ck_assert_int_eq(o.argc, 3);
	ck_assert_str_eq(o.argv[1], "--");
}
END_TEST

START_TEST(test_exec_cli_help)
{
	struct exec_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "s", "--help"), CLI_HELP);
	ck_assert_int_eq(parse(&o, err, "-h"), CLI_HELP);
}
END_TEST

/* The error for argv, which must fail to parse. */
static const char *error_of(const char **argv)
{
	static char err[ERRBUF_LEN];
	struct exec_opts o;

	err[0] = '\0';
	ck_assert_int_eq(parse_argv(argv, &o, err), CLI_ERROR);
	return err;
}

#define ck_error(want, ...)                                                \
	ck_assert_err_has(                                                 \
		error_of((const char *[]){ "exec", ##__VA_ARGS__, NULL }), \
		want)

START_TEST(test_exec_cli_missing_socket_or_command)
{
	ck_error("no socket");
	ck_error("no socket", "--", "ls");
	ck_error("no command", "s");
	ck_error("no command", "s", "--");
	ck_error("empty command name", "s", "--", "");
}
END_TEST

START_TEST(test_exec_cli_bad_port)
{
	ck_error("bad --port 'x'", "--port", "x", "s", "ls");
	ck_error("bad --port '-1'", "--port=-1", "s", "ls");
	ck_error("bad --port '4294967295'", "--port", "4294967295", "s", "ls");
	ck_error("bad --port '7000x'", "--port", "7000x", "s", "ls");
}
END_TEST

START_TEST(test_exec_cli_bad_timeout)
{
	ck_error("bad --timeout '0'", "s", "--timeout", "0", "ls");
	ck_error("bad --timeout '86401'", "s", "--timeout", "86401", "ls");
	ck_error("bad --timeout '1.5'", "s", "--timeout", "1.5", "ls");
}
END_TEST

START_TEST(test_exec_cli_bad_env_and_cwd)
{
	ck_error("bad --env 'FOO' (NAME=VALUE)", "s", "--env", "FOO", "ls");
	ck_error("bad --env '=x'", "s", "--env", "=x", "ls");
	ck_error("empty --cwd", "s", "--cwd=", "ls");
}
END_TEST

START_TEST(test_exec_cli_too_many_env)
{
	const char *argv[2 * EXEC_MAX_ENV + 6];
	int i, n = 0;

	argv[n++] = "exec";
	argv[n++] = "s";
	for (i = 0; i <= EXEC_MAX_ENV; i++) {
		argv[n++] = "--env";
		argv[n++] = "A=1";
	}
	argv[n++] = "ls";
	argv[n] = NULL;
	ck_assert_err_has(error_of(argv), "more than 64 --env");
}
END_TEST

START_TEST(test_exec_cli_unknown_option_and_missing_value)
{
	ck_error("unknown option '--bogus'", "s", "--bogus", "ls");
	ck_error("unknown option '--portx'", "s", "--portx", "ls");
	ck_error("option '--port' needs a value", "s", "--port");
}
END_TEST

Suite *exec_cli_suite(void)
{
	Suite *s = suite_create("exec_cli");
	TCase *tc = tcase_create("options");

	tcase_add_test(tc, test_exec_cli_defaults);
	tcase_add_test(tc, test_exec_cli_all_options);
	tcase_add_test(tc, test_exec_cli_command_without_double_dash);
	tcase_add_test(tc, test_exec_cli_double_dash_in_command_kept);
	tcase_add_test(tc, test_exec_cli_help);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, test_exec_cli_missing_socket_or_command);
	tcase_add_test(tc, test_exec_cli_bad_port);
	tcase_add_test(tc, test_exec_cli_bad_timeout);
	tcase_add_test(tc, test_exec_cli_bad_env_and_cwd);
	tcase_add_test(tc, test_exec_cli_too_many_env);
	tcase_add_test(tc, test_exec_cli_unknown_option_and_missing_value);
	suite_add_tcase(s, tc);
	return s;
}
