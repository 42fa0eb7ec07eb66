// SPDX-License-Identifier: GPL-2.0
/*
 * turtle-agent run-as: the id parser, and the command itself in a child
 * process (it changes ids and execs), its output and exit status read
 * back through a pipe.
 */
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../agent/run-as.h"
#include "../../lib/log.h"
#include "suites.h"

/* The parsed ids as "UID:GID", or "error" (with a message). */
static const char *ids(const char *spec)
{
	static char buf[64];
	char err[ERRBUF_LEN] = "";
	uid_t u = 7;
	gid_t g = 7;

	if (agent_run_as__parse_ids(spec, &u, &g, err)) {
		ck_assert_err_has(err, spec);
		ck_assert_uint_eq(u, 7);
		ck_assert_uint_eq(g, 7);
		return "error";
	}
	snprintf(buf, sizeof(buf), "%u:%u", (unsigned int)u, (unsigned int)g);
	return buf;
}

START_TEST(test_run_as_ids)
{
	ck_assert_str_eq(ids("1000"), "1000:1000");
	ck_assert_str_eq(ids("1000:1001"), "1000:1001");
	ck_assert_str_eq(ids("0"), "0:0");
	ck_assert_str_eq(ids("4294967294:0"), "4294967294:0");
}
END_TEST

START_TEST(test_run_as_bad_ids)
{
	static const char *const bad[] = {
		"",
		":",
		"1000:",
		":5",
		"abc",
		"-1",
		"+1",
		" 1",
		"1 ",
		"1:2:3",
		"4294967295",
		"0:4294967295",
		"99999999999",
		"1000:x",
		"root",
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!strcmp(ids(bad[i]), "error"),
			      "'%s' was accepted", bad[i]);
}
END_TEST

/*
 * `turtle-agent run-as ARGS...` in a child that first runs prep (if set):
 * its exit status; out gets what it (and the command) wrote on stdout
 * and stderr.
 */
#define run_as(out, ...) \
	run_as_argv((char *[]){ "run-as", ##__VA_ARGS__, NULL }, (out))

static void (*prep)(void);

static int run_as_argv(char **argv, char *out)
{
	int p[2], argc = 0, st;
	size_t n = 0;
	ssize_t r;
	pid_t pid;

	while (argv[argc])
		argc++;
	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		if (prep)
			prep();
		_exit(agent_run_as__main(argc, argv));
	}
	close(p[1]);
	while (n < 1023 && (r = read(p[0], out + n, 1023 - n)) > 0)
		n += (size_t)r;
	out[n] = '\0';
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

#define ID_CMD "echo $(id -u) $(id -g) $(id -G)"

/* A supplementary group that run-as must drop. */
static void join_group(void)
{
	const gid_t g = 4242;

	if (setgroups(1, &g))
		_exit(99);
}

START_TEST(test_run_as_sets_ids_and_drops_groups)
{
	char out[1024];

	if (geteuid()) {
		fprintf(stderr, "agent_run_as: not root, ids unchecked\n");
		return;
	}
	prep = join_group;
	ck_assert_int_eq(run_as(out, "1000:1001", "--", "sh", "-c", ID_CMD), 0);
	ck_assert_str_eq(out, "1000 1001 1001\n");
	ck_assert_int_eq(run_as(out, "4321", "sh", "-c", ID_CMD), 0);
	ck_assert_str_eq(out, "4321 4321 4321\n");
	prep = NULL;
}
END_TEST

START_TEST(test_run_as_passes_arguments_and_status)
{
	char out[1024];
	char id[16];

	snprintf(id, sizeof(id), "%u", (unsigned int)geteuid());
	ck_assert_int_eq(
		run_as(out, id, "--", "printf", "%s|", "a b", "--", "-c"), 0);
	ck_assert_str_eq(out, "a b|--|-c|");
	ck_assert_int_eq(run_as(out, id, "sh", "-c", "exit 7"), 7);
}
END_TEST

START_TEST(test_run_as_command_not_found)
{
	char out[1024];
	char id[16];

	snprintf(id, sizeof(id), "%u", (unsigned int)geteuid());
	ck_assert_int_eq(run_as(out, id, "--", "turtle-no-such-command"),
			 AGENT_RUN_AS_NOT_FOUND);
	ck_assert_err_has(out, "turtle-no-such-command");
	ck_assert_int_eq(run_as(out, id, "--", "/"), AGENT_RUN_AS_CANNOT);
}
END_TEST

static void drop_root(void)
{
	if (geteuid() == 0 && setuid(1000))
		_exit(99);
}

/* Not root: becoming root is refused, and said so. */
START_TEST(test_run_as_cannot_change_ids)
{
	char out[1024];

	prep = drop_root;
	ck_assert_int_eq(run_as(out, "0", "--", "true"), AGENT_RUN_AS_CANNOT);
	ck_assert_err_has(out, "turtle-agent: run-as: cannot");
	prep = NULL;
}
END_TEST

START_TEST(test_run_as_usage_errors)
{
	char out[1024];

	ck_assert_int_eq(run_as(out), 2);
	ck_assert_err_has(out, "usage");
	ck_assert_int_eq(run_as(out, "1000"), 2);
	ck_assert_int_eq(run_as(out, "1000", "--"), 2);
	ck_assert_int_eq(run_as(out, "nobody", "--", "true"), 2);
	ck_assert_err_has(out, "'nobody' is not UID");
}
END_TEST

Suite *agent_run_as_suite(void)
{
	Suite *s = suite_create("agent_run_as");
	TCase *tc;

	tc = tcase_create("ids");
	tcase_add_test(tc, test_run_as_ids);
	tcase_add_test(tc, test_run_as_bad_ids);
	suite_add_tcase(s, tc);

	tc = tcase_create("run");
	tcase_add_test(tc, test_run_as_sets_ids_and_drops_groups);
	tcase_add_test(tc, test_run_as_passes_arguments_and_status);
	tcase_add_test(tc, test_run_as_command_not_found);
	tcase_add_test(tc, test_run_as_cannot_change_ids);
	tcase_add_test(tc, test_run_as_usage_errors);
	suite_add_tcase(s, tc);
	return s;
}
