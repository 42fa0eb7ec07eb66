// SPDX-License-Identifier: GPL-2.0
/*
 * `turtle exec` end to end, without a guest: exec__session on one end of
 * a socketpair, the guest agent's connection handler (agent_exec__serve,
 * in a child process) on the other, real commands in between. And
 * exec__connect against a stand-in for turtle's Unix socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../agent/exec.h"
#include "../../vmm/exec.h"
#include "../../lib/log.h"
#include "suites.h"

#define OUT_MAX (8 << 20)

struct result {
	int status; /* exec__session's */
	int agent;  /* the agent handler's exit code */
	char *out;  /* the command's stdout, NUL-terminated */
	size_t outlen;
	char err[4096];	      /* its stderr and the agent's ERROR lines */
	char msg[ERRBUF_LEN]; /* exec__session's error */
};

static struct result r;

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void setup(void)
{
	memset(&r, 0, sizeof(r));
	r.out = malloc(OUT_MAX + 1);
	ck_assert_ptr_nonnull(r.out);
}

static void teardown(void)
{
	free(r.out);
}

static size_t slurp(int fd, char *buf, size_t cap)
{
	ssize_t n;
	size_t len = 0;

	lseek(fd, 0, SEEK_SET);
	while (len < cap && (n = read(fd, buf + len, cap - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	close(fd);
	return len;
}

/* Run o's command through the agent's handler; in: stdin bytes or NULL. */
static void run(struct exec_opts *o, const void *in, size_t inlen,
		long timeout_ms)
{
	int sv[2], infd = -1, outfd, errfd, st;
	pid_t pid;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
			 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(sv[0]);
		signal(SIGPIPE, SIG_IGN);
		_exit(agent_exec__serve(sv[1]) ? 1 : 0);
	}
	close(sv[1]);
	if (in) {
		infd = memfd_create("in", MFD_CLOEXEC);
		ck_assert_int_eq(write(infd, in, inlen), (ssize_t)inlen);
		lseek(infd, 0, SEEK_SET);
	}
	outfd = memfd_create("out", MFD_CLOEXEC);
	errfd = memfd_create("err", MFD_CLOEXEC);
	r.status = exec__session(sv[0], o, infd, outfd, errfd,
				 timeout_ms ? now_ms() + timeout_ms : 0, r.msg);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	r.agent = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r.outlen = slurp(outfd, r.out, OUT_MAX);
	slurp(errfd, r.err, sizeof(r.err) - 1);
	if (infd >= 0)
		close(infd);
}

#define cmd(o, ...)                                                    \
	do {                                                           \
		static char *argv_[] = { __VA_ARGS__, NULL };          \
		memset((o), 0, sizeof(*(o)));                          \
		(o)->argv = argv_;                                     \
		(o)->argc = (int)(sizeof(argv_) / sizeof(*argv_)) - 1; \
	} while (0)

START_TEST(test_exec_output_and_status)
{
	struct exec_opts o;

	cmd(&o, "sh", "-c", "echo hi; echo err >&2; exit 7");
	run(&o, NULL, 0, unit__wait_ms(10000));
	ck_assert_int_eq(r.status, 7);
	ck_assert_str_eq(r.out, "hi\n");
	ck_assert_str_eq(r.err, "err\n");
	ck_assert_int_eq(r.agent, 0);
}
END_TEST

START_TEST(test_exec_stdin_reaches_command)
{
	struct exec_opts o;

	cmd(&o, "cat");
	run(&o, "hello\nworld\n", 12, unit__wait_ms(10000));
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "hello\nworld\n");
}
END_TEST

START_TEST(test_exec_no_stdin_is_eof)
{
	struct exec_opts o;

	cmd(&o, "sh", "-c", "cat; echo after-eof");
	run(&o, NULL, 0, unit__wait_ms(10000));
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "after-eof\n");
}
END_TEST

/* 3 MiB each way at once through cat: flow control without deadlock. */
START_TEST(test_exec_big_stdin_through_cat)
{
	size_t i, len = 3 << 20;
	struct exec_opts o;
	char *in = malloc(len);

	ck_assert_ptr_nonnull(in);
	for (i = 0; i < len; i++)
		in[i] = (char)(i * 131 + (i >> 11));
	cmd(&o, "cat");
	run(&o, in, len, unit__wait_ms(30000));
	ck_assert_int_eq(r.status, 0);
	ck_assert_uint_eq(r.outlen, len);
	ck_assert_int_eq(memcmp(r.out, in, len), 0);
	free(in);
}
END_TEST

START_TEST(test_exec_not_found_is_127)
{
	struct exec_opts o;

	cmd(&o, "/nonexistent/turtle-cmd", "x");
	run(&o, NULL, 0, unit__wait_ms(10000));
	ck_assert_int_eq(r.status, 127);
	ck_assert_err_has(
		r.err,
		"turtle: guest: cannot run '/nonexistent/turtle-cmd': No such file or directory");
	ck_assert_int_eq(r.agent, 0);
}
END_TEST

START_TEST(test_exec_not_executable_is_126)
{
	struct exec_opts o;

	cmd(&o, "/etc/passwd");
	run(&o, NULL, 0, unit__wait_ms(10000));
	ck_assert_int_eq(r.status, 126);
	ck_assert_err_has(r.err, "Permission denied");
}
END_TEST

START_TEST(test_exec_killed_by_signal_is_128_plus)
{
	struct exec_opts o;

	cmd(&o, "sh", "-c", "kill -TERM $$");
	run(&o, NULL, 0, unit__wait_ms(10000));
	ck_assert_int_eq(r.status, 128 + SIGTERM);
}
END_TEST

START_TEST(test_exec_env_and_cwd)
{
	struct exec_opts o;

	cmd(&o, "sh", "-c", "echo $TURTLE_T1 $TURTLE_T2; pwd -P");
	o.env[o.nenv++] = "TURTLE_T1=one";
	o.env[o.nenv++] = "TURTLE_T2=two words";
	o.cwd = "/";
	run(&o, NULL, 0, unit__wait_ms(10000));
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "one two words\n/\n");
}
END_TEST

START_TEST(test_exec_env_overrides_agent_env)
{
	struct exec_opts o;

	setenv("TURTLE_T3", "agent", 1);
	cmd(&o, "sh", "-c", "echo $TURTLE_T3; env | grep -c '^TURTLE_T3='");
	o.env[o.nenv++] = "TURTLE_T3=host";
	run(&o, NULL, 0, unit__wait_ms(10000));
	ck_assert_str_eq(r.out, "host\n1\n");
}
END_TEST

START_TEST(test_exec_bad_cwd_is_126)
{
	struct exec_opts o;

	cmd(&o, "true");
	o.cwd = "/nonexistent-dir";
	run(&o, NULL, 0, unit__wait_ms(10000));
	ck_assert_int_eq(r.status, 126);
	ck_assert_err_has(r.err,
			  "cannot change to directory '/nonexistent-dir'");
}
END_TEST

/*
 * --timeout: 124, and the agent kills the command and ends at once: the
 * sleep outlasts the test's own timeout, so an agent that waited for it
 * fails the test.
 */
START_TEST(test_exec_timeout_kills_command)
{
	struct exec_opts o;

	cmd(&o, "sleep", "100000");
	run(&o, NULL, 0, 300);
	ck_assert_int_eq(r.status, EXEC_STATUS_TIMEOUT);
	ck_assert_err_has(r.msg, "timed out");
	ck_assert_int_eq(r.agent, 1);
}
END_TEST

/*
 * A background process holding stdout open does not hold up EXIT: it
 * waits on a FIFO the test opens only once the command has ended.
 */
START_TEST(test_exec_background_holder_does_not_block_exit)
{
	static char fifo[64];
	struct exec_opts o;
	int fd;

	snprintf(fifo, sizeof(fifo), "/tmp/turtle-exec-%d.fifo", (int)getpid());
	unlink(fifo);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	cmd(&o, "sh", "-c", "cat \"$0\" >/dev/null & echo started; exit 3",
	    fifo);
	run(&o, NULL, 0, unit__wait_ms(10000));
	ck_assert_int_eq(r.status, 3);
	ck_assert_str_eq(r.out, "started\n");
	fd = open(fifo, O_WRONLY | O_CLOEXEC); /* the holder goes */
	ck_assert_int_ge(fd, 0);
	close(fd);
	unlink(fifo);
}
END_TEST

START_TEST(test_exec_large_output)
{
	struct exec_opts o;

	cmd(&o, "head", "-c", "5000000", "/dev/zero");
	run(&o, NULL, 0, unit__wait_ms(30000));
	ck_assert_int_eq(r.status, 0);
	ck_assert_uint_eq(r.outlen, 5000000);
}
END_TEST

/* ---- exec__connect against a stand-in for turtle's socket ---- */

static char sock_path[108];

/*
 * Listen on a fresh Unix socket; a child accepts one connection, checks
 * the CONNECT line, then: answer "OK 1234\n" and serve exec on it, or
 * (answer NULL) close at once, as turtle does when nothing listens.
 */
static pid_t fake_turtle(const char *answer)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char line[32] = "";
	int ls, fd;
	size_t n = 0;
	pid_t pid;

	snprintf(sock_path, sizeof(sock_path), "/tmp/turtle-exec-%d.sock",
		 (int)getpid());
	unlink(sock_path);
	strcpy(a.sun_path, sock_path);
	ls = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_eq(bind(ls, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(ls, 1), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid) {
		close(ls);
		return pid;
	}
	fd = accept(ls, NULL, NULL);
	while (n < sizeof(line) - 1 && read(fd, line + n, 1) == 1 &&
	       line[n] != '\n')
		n++;
	if (strcmp(line, "CONNECT 7000\n") && strcmp(line, "CONNECT 7000"))
		_exit(3);
	if (!answer)
		_exit(0);
	if (write(fd, answer, strlen(answer)) < 0)
		_exit(4);
	signal(SIGPIPE, SIG_IGN);
	_exit(agent_exec__serve(fd) ? 1 : 0);
}

static int reap_fake(pid_t pid)
{
	int st;

	unlink(sock_path);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(test_exec_connect_then_run)
{
	char err[ERRBUF_LEN] = "";
	struct exec_opts o;
	pid_t pid = fake_turtle("OK 1234\n");
	int fd, outfd = memfd_create("out", 0);

	fd = exec__connect(sock_path, 7000, 5000, err);
	ck_assert_msg(fd >= 0, "%s", err);
	cmd(&o, "echo", "through the socket");
	ck_assert_int_eq(exec__session(fd, &o, -1, outfd, 2, 0, err), 0);
	slurp(outfd, r.out, OUT_MAX);
	ck_assert_str_eq(r.out, "through the socket\n");
	ck_assert_int_eq(reap_fake(pid), 0);
}
END_TEST

START_TEST(test_exec_connect_nothing_listening)
{
	char err[ERRBUF_LEN] = "";
	pid_t pid = fake_turtle(NULL);

	ck_assert_int_eq(exec__connect(sock_path, 7000, 5000, err), -1);
	ck_assert_err_has(err, "nothing listens on vsock port 7000");
	ck_assert_int_eq(reap_fake(pid), 0);
}
END_TEST

START_TEST(test_exec_connect_bad_answer)
{
	char err[ERRBUF_LEN] = "";
	pid_t pid = fake_turtle("NO\n");

	ck_assert_int_eq(exec__connect(sock_path, 7000, 5000, err), -1);
	ck_assert_err_has(err, "unexpected answer from turtle: 'NO'");
	reap_fake(pid);
}
END_TEST

START_TEST(test_exec_connect_no_socket)
{
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(exec__connect("/nonexistent/v.sock", 7000, 1000, err),
			 -1);
	ck_assert_err_has(err, "no socket at /nonexistent/v.sock");
}
END_TEST

START_TEST(test_exec_connect_stale_socket)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char err[ERRBUF_LEN] = "";
	int ls = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sock_path, sizeof(sock_path), "/tmp/turtle-stale-%d.sock",
		 (int)getpid());
	unlink(sock_path);
	strcpy(a.sun_path, sock_path);
	ck_assert_int_eq(bind(ls, (struct sockaddr *)&a, sizeof(a)), 0);
	close(ls); /* bound, never listened: as if turtle died */
	ck_assert_int_eq(exec__connect(sock_path, 7000, 1000, err), -1);
	unlink(sock_path);
	ck_assert_err_has(err, "nothing accepts connections on");
}
END_TEST

Suite *exec_suite(void)
{
	Suite *s = suite_create("exec");
	TCase *tc = tcase_create("commands");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_exec_output_and_status);
	tcase_add_test(tc, test_exec_stdin_reaches_command);
	tcase_add_test(tc, test_exec_no_stdin_is_eof);
	tcase_add_test(tc, test_exec_big_stdin_through_cat);
	tcase_add_test(tc, test_exec_not_found_is_127);
	tcase_add_test(tc, test_exec_not_executable_is_126);
	tcase_add_test(tc, test_exec_killed_by_signal_is_128_plus);
	tcase_add_test(tc, test_exec_env_and_cwd);
	tcase_add_test(tc, test_exec_env_overrides_agent_env);
	tcase_add_test(tc, test_exec_bad_cwd_is_126);
	tcase_add_test(tc, test_exec_timeout_kills_command);
	tcase_add_test(tc, test_exec_background_holder_does_not_block_exit);
	tcase_add_test(tc, test_exec_large_output);
	suite_add_tcase(s, tc);

	tc = tcase_create("connect");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_exec_connect_then_run);
	tcase_add_test(tc, test_exec_connect_nothing_listening);
	tcase_add_test(tc, test_exec_connect_bad_answer);
	tcase_add_test(tc, test_exec_connect_no_socket);
	tcase_add_test(tc, test_exec_connect_stale_socket);
	suite_add_tcase(s, tc);
	return s;
}
