// SPDX-License-Identifier: GPL-2.0
/*
 * --sandbox (sandbox/sandbox.c): what is refused up front, and, as root in a
 * forked child, the tree a sandboxed turtle sees.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../lib/log.h"
#include "../../sandbox/sandbox.h"
#include "cli-args.h"
#include "suites.h"

START_TEST(test_sandbox_check)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--vsock", "3,v.sock"),
			 CLI_OK);
	ck_assert_int_eq(o.sandbox, 0);
	ck_assert_int_eq(sandbox__check(&o, err), 0);
	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--sandbox", "--vsock",
			       "3,v.sock"),
			 CLI_OK);
	ck_assert_int_eq(sandbox__check(&o, err), -1);
	ck_assert_err_has(err, geteuid() ? "needs root" : "absolute");
	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--sandbox", "--vsock",
			       "3,/tmp/v.sock"),
			 CLI_OK);
	ck_assert_int_eq(sandbox__check(&o, err), geteuid() ? -1 : 0);
}
END_TEST

/* 1 if / holds exactly the names in want (and . and ..). */
static int root_holds(const char *const *want, int n)
{
	DIR *d = opendir("/");
	struct dirent *e;
	int seen = 0, i, ok = 1;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		for (i = 0; i < n && strcmp(e->d_name, want[i]); i++)
			;
		if (i == n)
			ok = 0;
		else
			seen++;
	}
	closedir(d);
	return ok && seen == n;
}

START_TEST(test_sandbox_root_holds_only_proc_and_the_socket_dir)
{
	char dir[] = "/tmp/turtle-sandbox-XXXXXX";
	int status, keep;
	pid_t pid;

	if (geteuid() != 0)
		return; /* sandbox__check refuses it: test_sandbox_check */
	ck_assert_ptr_nonnull(mkdtemp(dir));
	/* An fd opened before, as turtle's are, still works after. */
	keep = open("/etc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(keep, 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		static const char *const want[] = { "proc", "tmp" };
		char path[sizeof(dir) + 16], err[ERRBUF_LEN];
		struct run_opts o;
		struct stat st;

		snprintf(path, sizeof(path), "3,%s/v.sock", dir);
		if (parse(&o, err, "--kernel", "k", "--sandbox", "--vsock",
			  path) != CLI_OK ||
		    sandbox__enter(&o, err))
			_exit(10);
		if (!root_holds(want, 2))
			_exit(11);
		if (stat("/etc/passwd", &st) == 0 || errno != ENOENT)
			_exit(12);
		if (stat("/proc/self/status", &st) || stat(dir, &st) ||
		    !S_ISDIR(st.st_mode))
			_exit(13);
		if (mkdir("/x", 0700) == 0 || errno != EROFS)
			_exit(14);
		if (fstatat(keep, "passwd", &st, 0))
			_exit(15);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	close(keep);
	rmdir(dir);
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

Suite *sandbox_suite(void)
{
	Suite *s = suite_create("sandbox");
	TCase *tc = tcase_create("sandbox");

	tcase_add_test(tc, test_sandbox_check);
	tcase_add_test(tc,
		       test_sandbox_root_holds_only_proc_and_the_socket_dir);
	suite_add_tcase(s, tc);
	return s;
}
