// SPDX-License-Identifier: GPL-2.0
/*
 * agent_exec__serve against a host that speaks raw frames, bad ones
 * included: the agent answers with ERROR and closes, never crashes, and a
 * command whose host went away is killed.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../agent/exec.h"
#include "../../agent/exec-proto.h"
#include "../../lib/log.h"
#include "suites.h"

static int host = -1;
static pid_t agent;

/* What the agent sent, up to EOF. */
struct reply {
	char out[4096];
	char error[4096];
	int exit; /* -1: no EXIT frame */
};

static void setup(void)
{
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
			 0);
	agent = fork();
	ck_assert_int_ge(agent, 0);
	if (agent == 0) {
		close(sv[0]);
		signal(SIGPIPE, SIG_IGN);
		_exit(agent_exec__serve(sv[1]) ? 1 : 0);
	}
	close(sv[1]);
	host = sv[0];
}

static void teardown(void)
{
	if (host >= 0)
		close(host);
	host = -1;
	if (agent > 0) { /* never kill(-1, ...): that is every process */
		kill(agent, SIGKILL);
		waitpid(agent, NULL, 0);
	}
	agent = -1;
}

/* The agent handler's exit code, once it ended. */
static int agent_status(void)
{
	int st;

	ck_assert_int_eq(waitpid(agent, &st, 0), agent);
	agent = -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void send_strings(uint32_t type, const char *s, size_t len)
{
	ck_assert_int_eq(exec_proto__send(host, type, s, len), 0);
}

#define send_argv(lit) send_strings(EXEC_ARGV, lit, sizeof(lit))

/* Frames until EOF (10 s at most); with stop_at_out, until out has it. */
static void collect(struct reply *r, const char *stop_at_out)
{
	struct pollfd p = { .fd = host, .events = POLLIN };
	char err[ERRBUF_LEN] = "";
	struct exec_reader rd;
	struct exec_frame f;
	int n;

	memset(r, 0, sizeof(*r));
	r->exit = -1;
	ck_assert_int_eq(exec_reader__init(&rd, EXEC_TO_HOST), 0);
	for (;;) {
		while ((n = exec_reader__next(&rd, &f, err)) == 1) {
			char *dst = f.type == EXEC_STDOUT  ? r->out
				    : f.type == EXEC_ERROR ? r->error
							   : NULL;

			if (f.type == EXEC_EXIT)
				r->exit = (int)exec_proto__u32(&f);
			if (dst && strlen(dst) + f.len < sizeof(r->out))
				strncat(dst, (const char *)f.data, f.len);
			if (stop_at_out && strstr(r->out, stop_at_out))
				goto out;
		}
		ck_assert_msg(n == 0, "bad frame from the agent: %s", err);
		ck_assert_msg(poll(&p, 1, unit__wait_ms(10000)) == 1,
			      "the agent hangs");
		if (exec_reader__fill(&rd, host) <= 0)
			break;
	}
out:
	exec_reader__free(&rd);
}

/*
 * The agent refuses what it was sent: an ERROR mentioning why, no EXIT
 * frame, and it ends with status 1.
 */
static void expect_refused(const char *why)
{
	struct reply r;

	collect(&r, NULL);
	ck_assert_err_has(r.error, why);
	ck_assert_int_eq(r.exit, -1);
	ck_assert_int_eq(agent_status(), 1);
}

START_TEST(test_agent_exec_runs_argv)
{
	struct reply r;

	send_argv("sh\0-c\0echo $0 $1\0a\0b");
	send_strings(EXEC_STDIN_EOF, NULL, 0);
	collect(&r, NULL);
	ck_assert_str_eq(r.out, "a b\n");
	ck_assert_int_eq(r.exit, 0);
	ck_assert_int_eq(agent_status(), 0);
}
END_TEST

START_TEST(test_agent_exec_stdin_before_argv)
{
	send_strings(EXEC_STDIN, "x", 1);
	expect_refused("STDIN before ARGV");
}
END_TEST

START_TEST(test_agent_exec_garbage_rejected)
{
	ck_assert_int_eq(write(host, "GET / HTTP/1.0\r\n\r\n", 18), 18);
	expect_refused("unknown frame type");
}
END_TEST

START_TEST(test_agent_exec_oversized_rejected)
{
	uint32_t h[2] = { htole32(EXEC_STDIN), htole32(EXEC_FRAME_MAX + 1) };

	ck_assert_int_eq(write(host, h, sizeof(h)), sizeof(h));
	expect_refused("STDIN of bad length");
}
END_TEST

START_TEST(test_agent_exec_argv_not_terminated)
{
	send_strings(EXEC_ARGV, "true", 4);
	expect_refused("ARGV: strings must each end in NUL");
}
END_TEST

START_TEST(test_agent_exec_empty_command_name)
{
	send_strings(EXEC_ARGV, "\0x", 3);
	expect_refused("empty command name");
}
END_TEST

START_TEST(test_agent_exec_env_not_name_value)
{
	send_strings(EXEC_ENV, "FOO", 4);
	expect_refused("ENV: 'FOO' is not NAME=value");
}
END_TEST

START_TEST(test_agent_exec_cwd_twice)
{
	send_strings(EXEC_CWD, "/", 1);
	send_strings(EXEC_CWD, "/", 1);
	expect_refused("CWD: twice");
}
END_TEST

START_TEST(test_agent_exec_signal_frame)
{
	struct reply r;

	send_argv("sh\0-c\0echo ready; sleep 20");
	collect(&r, "ready");
	ck_assert_int_eq(exec_proto__send_u32(host, EXEC_SIGNAL, SIGTERM), 0);
	collect(&r, NULL);
	ck_assert_int_eq(r.exit, 128 + SIGTERM);
	ck_assert_int_eq(agent_status(), 0);
}
END_TEST

START_TEST(test_agent_exec_bad_signal_kills_command)
{
	send_argv("sleep\0"
		  "20");
	ck_assert_int_eq(exec_proto__send_u32(host, EXEC_SIGNAL, 0), 0);
	expect_refused("SIGNAL: no signal 0");
}
END_TEST

START_TEST(test_agent_exec_argv_twice)
{
	send_argv("sleep\0"
		  "20");
	send_argv("true");
	expect_refused("ARGV after ARGV");
}
END_TEST

/* Whether pid runs (a zombie does not). */
static int running(pid_t pid)
{
	char path[64], st[256] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(st, sizeof(st), f))
		st[0] = '\0';
	fclose(f);
	return strstr(st, ") Z ") == NULL;
}

/* The host goes away mid-command: the whole process group dies. */
START_TEST(test_agent_exec_host_gone_kills_group)
{
	struct reply r;
	int sh, bg, i;

	send_argv("sh\0-c\0sleep 30 & echo $$ $!; wait");
	collect(&r, "\n");
	ck_assert_int_eq(sscanf(r.out, "%d %d", &sh, &bg), 2);
	ck_assert(running(bg));
	close(host);
	host = -1;
	ck_assert_int_eq(agent_status(), 1);
	ck_assert(!running(sh));
	for (i = 0; i < unit__wait_ms(2000) / 10 && running(bg); i++)
		usleep(10000);
	ck_assert_msg(!running(bg), "the background sleep survived");
}
END_TEST

/* A command that will not read stdin does not stop its output. */
START_TEST(test_agent_exec_unread_stdin_no_deadlock)
{
	static char chunk[65536];
	struct reply r;
	int i;

	send_argv("sh\0-c\0sleep 0.3; echo out; exit 5");
	for (i = 0; i < 4; i++)
		send_strings(EXEC_STDIN, chunk, sizeof(chunk));
	collect(&r, NULL);
	ck_assert_str_eq(r.out, "out\n");
	ck_assert_int_eq(r.exit, 5);
}
END_TEST

Suite *agent_exec_suite(void)
{
	Suite *s = suite_create("agent_exec");
	TCase *tc = tcase_create("frames");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_agent_exec_runs_argv);
	tcase_add_test(tc, test_agent_exec_signal_frame);
	tcase_add_test(tc, test_agent_exec_unread_stdin_no_deadlock);
	tcase_add_test(tc, test_agent_exec_host_gone_kills_group);
	suite_add_tcase(s, tc);

	tc = tcase_create("bad input");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_agent_exec_stdin_before_argv);
	tcase_add_test(tc, test_agent_exec_garbage_rejected);
	tcase_add_test(tc, test_agent_exec_oversized_rejected);
	tcase_add_test(tc, test_agent_exec_argv_not_terminated);
	tcase_add_test(tc, test_agent_exec_empty_command_name);
	tcase_add_test(tc, test_agent_exec_env_not_name_value);
	tcase_add_test(tc, test_agent_exec_cwd_twice);
	tcase_add_test(tc, test_agent_exec_bad_signal_kills_command);
	tcase_add_test(tc, test_agent_exec_argv_twice);
	suite_add_tcase(s, tc);
	return s;
}
