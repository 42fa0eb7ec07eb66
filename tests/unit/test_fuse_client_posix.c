// SPDX-License-Identifier: GPL-2.0
/*
 * The shared-directory conformance script, tests/system/guest/posix.sh, on
 * the guest's FUSE client's mount (fuse-client-fixture.h): on a
 * passthrough share, on one served with only turtle's capabilities, and
 * on a mapped share.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>
#include <stdlib.h>

#include "../../fuse-vsock/server.h"
#include "fuse-client-fixture.h"
#include "suites.h"

/*
 * posix.sh on the mount, with the native turtle-agent and fsops first on
 * PATH, so its permission checks run as uid 1000 through `turtle-agent
 * run-as`, and its renames, xattrs and POSIX locks through fsops, as they
 * do in a guest; none of its checks may be skipped.
 */
START_TEST(test_fuse_client_posix_script)
{
	static const char script[] = "tests/system/guest/posix.sh";
	static const char agent_dir[] = "build/native";
	char cmd[512], out[16384], cwd[256];
	ssize_t n;
	int st, fd;

	if (skip)
		return;
	if (access(script, R_OK)) {
		fprintf(stderr, "fuse_client: no %s here, skipped\n", script);
		return;
	}
	ck_assert_msg(getcwd(cwd, sizeof(cwd)), "getcwd");
	snprintf(cmd, sizeof(cmd), "%s/turtle-agent", agent_dir);
	ck_assert_msg(!access(cmd, X_OK), "no %s (make builds it)", cmd);
	ck_assert_int_eq(chmod(host_dir, 0755), 0); /* for its uid 1000 */
	snprintf(cmd, sizeof(cmd),
		 "POSIX_DEVICES=%d PATH=%s/%s:$PATH sh %s %s >%s.out 2>&1",
		 mnt_security == FUSE_SECURITY_MAPPED, cwd, agent_dir, script,
		 mnt, host_dir);
	st = system(cmd);
	snprintf(cmd, sizeof(cmd), "%s.out", host_dir);
	fd = open(cmd, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	n = read(fd, out, sizeof(out) - 1);
	close(fd);
	unlink(cmd);
	ck_assert_int_ge(n, 0);
	out[n] = '\0';
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "posix.sh failed (status %d):\n%s", st, out);
	ck_assert_msg(strstr(out, "POSIX-AS run-as\n"),
		      "posix.sh did not use turtle-agent run-as:\n%s", out);
	ck_assert_msg(strstr(out, "POSIX-OK perm_owner\n") &&
			      strstr(out, "POSIX-OK sticky\n"),
		      "permission checks did not pass:\n%s", out);
	ck_assert_msg(mnt_security != FUSE_SECURITY_MAPPED ||
			      strstr(out, "POSIX-OK devices\n"),
		      "device nodes did not pass on the mapped share:\n%s",
		      out);
	ck_assert_msg(strstr(out, "POSIX-OK xattr\n") &&
			      strstr(out, "POSIX-OK posix_lock\n") &&
			      strstr(out, " skip=0\n"),
		      "xattr or lock checks did not run, or some skipped:\n%s",
		      out);
}
END_TEST

Suite *fuse_client_posix_suite(void)
{
	Suite *s = suite_create("fuse_client_posix");
	TCase *tc;

	tc = fcli__tcase(s, "passthrough", fcli__setup);
	tcase_add_test(tc, test_fuse_client_posix_script);

	tc = fcli__tcase(s, "privs", fcli__setup_privs);
	tcase_add_test(tc, test_fuse_client_posix_script);

	tc = fcli__tcase(s, "mapped", fcli__setup_mapped);
	tcase_add_test(tc, test_fuse_client_posix_script);
	return s;
}
