// SPDX-License-Identifier: GPL-2.0
/*
 * turtle's privileges (sandbox/privs.c): the capabilities each option set
 * needs, the refusal of a passthrough share without them, and what
 * privs__start and privs__drop leave a process with (in a forked child,
 * so the runner keeps its own).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../lib/log.h"
#include "../../sandbox/privs.h"
#include "cli-args.h"
#include "fuse-server-fixture.h"
#include "suites.h"

#define SHARE_RW                                              \
	(PRIVS_CAP(CAP_SETUID) | PRIVS_CAP(CAP_SETGID) |      \
	 PRIVS_CAP(CAP_DAC_OVERRIDE) | PRIVS_CAP(CAP_CHOWN) | \
	 PRIVS_CAP(CAP_FOWNER) | PRIVS_CAP(CAP_FSETID) |      \
	 PRIVS_CAP(CAP_MKNOD) | PRIVS_CAP(CAP_SETFCAP))
#define SHARE_RO                                         \
	(PRIVS_CAP(CAP_SETUID) | PRIVS_CAP(CAP_SETGID) | \
	 PRIVS_CAP(CAP_DAC_OVERRIDE))

START_TEST(test_privs_none_without_shares)
{
	struct run_opts o = accepted("--kernel", "k", "--disk", "a.img",
				     "--vsock", "3,/tmp/v.sock");

	ck_assert_uint_eq(privs__needed(&o, true), 0);
}
END_TEST

START_TEST(test_privs_passthrough_share)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--share", "/tmp"),
			 CLI_OK);
	ck_assert_uint_eq(privs__needed(&o, true), SHARE_RW);
	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--share", "/tmp,ro"),
			 CLI_OK);
	ck_assert_uint_eq(privs__needed(&o, true), SHARE_RO);
	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--share",
			       "/tmp,ro,tag=a", "--share", "/,tag=b"),
			 CLI_OK);
	ck_assert_uint_eq(privs__needed(&o, true), SHARE_RW);
	/* Not root: the default model is mapped. */
	ck_assert_uint_eq(privs__needed(&o, false), 0);
	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--share",
			       "/tmp,security=passthrough"),
			 CLI_OK);
	ck_assert_uint_eq(privs__needed(&o, false), SHARE_RW);
}
END_TEST

START_TEST(test_privs_mapped_share_needs_nothing)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--share",
			       "/tmp,security=mapped"),
			 CLI_OK);
	ck_assert_uint_eq(privs__needed(&o, true), 0);
	ck_assert_uint_eq(privs__needed(&o, false), 0);
	ck_assert_int_eq(privs__check(&o, false, 0, err), 0);
	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--share",
			       "/tmp,security=mapped,tag=a", "--share",
			       "/,ro,tag=b,security=passthrough"),
			 CLI_OK);
	ck_assert_uint_eq(privs__needed(&o, true), SHARE_RO);
}
END_TEST

START_TEST(test_privs_check_refuses_share_without_caps)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--share", "/tmp"),
			 CLI_OK);
	ck_assert_int_eq(privs__check(&o, true, SHARE_RW, err), 0);
	ck_assert_int_eq(
		privs__check(&o, true, SHARE_RW & ~PRIVS_CAP(CAP_MKNOD), err),
		-1);
	ck_assert_err_has(err, "--share /tmp");
	ck_assert_err_has(err, "CAP_MKNOD");
	/* Not root, the default is mapped: nothing to refuse. */
	ck_assert_int_eq(privs__check(&o, false, 0, err), 0);
	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--share",
			       "/tmp,security=passthrough"),
			 CLI_OK);
	ck_assert_int_eq(privs__check(&o, false, 0, err), -1);
	ck_assert_err_has(err, "CAP_SETUID");
	ck_assert_err_has(err, "use security=mapped");
	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--vsock", "3"),
			 CLI_OK);
	ck_assert_int_eq(privs__check(&o, false, 0, err), 0);
}
END_TEST

START_TEST(test_privs_names)
{
	char buf[64], small[12];

	ck_assert_str_eq(privs__names(0, buf, sizeof(buf)), "none");
	ck_assert_str_eq(
		privs__names(PRIVS_CAP(CAP_CHOWN) | PRIVS_CAP(CAP_SETUID), buf,
			     sizeof(buf)),
		"CAP_CHOWN,CAP_SETUID");
	ck_assert_str_eq(privs__names(PRIVS_CAP(40), buf, sizeof(buf)),
			 "cap_40");
	/* Cut short, still a string. */
	privs__names(SHARE_RW, small, sizeof(small));
	ck_assert_uint_lt(strlen(small), sizeof(small));
}
END_TEST

/* What a child that ran privs__drop with these options holds. */
struct dropped {
	int rc, nnp;
	struct rlimit core;
	privs_caps eff, prm, inh, sys_admin_bounding, setuid_bounding;
};

static void drop_in_child(const struct run_opts *o, struct dropped *out)
{
	int p[2], status;
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct __user_cap_header_struct h = {
			.version = _LINUX_CAPABILITY_VERSION_3,
		};
		struct __user_cap_data_struct d[2];
		struct dropped r = { 0 };
		char err[ERRBUF_LEN];

		r.rc = privs__drop(o, err);
		r.nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
		getrlimit(RLIMIT_CORE, &r.core);
		syscall(SYS_capget, &h, d);
		r.eff = (privs_caps)d[1].effective << 32 | d[0].effective;
		r.prm = (privs_caps)d[1].permitted << 32 | d[0].permitted;
		r.inh = (privs_caps)d[1].inheritable << 32 | d[0].inheritable;
		r.sys_admin_bounding =
			(privs_caps)prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN);
		r.setuid_bounding =
			(privs_caps)prctl(PR_CAPBSET_READ, CAP_SETUID);
		_exit(write(p[1], &r, sizeof(r)) == sizeof(r) ? 0 : 1);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], out, sizeof(*out)), sizeof(*out));
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(status, 0);
}

START_TEST(test_privs_drop_keeps_only_what_shares_need)
{
	privs_caps before = privs__permitted();
	struct run_opts o;
	struct dropped r;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--share", "/tmp"),
			 CLI_OK);
	drop_in_child(&o, &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_int_eq(r.nnp, 1);
	ck_assert_uint_eq(r.core.rlim_cur, 0);
	ck_assert_uint_eq(r.core.rlim_max, 0);
	ck_assert_uint_eq(r.eff, SHARE_RW & before);
	ck_assert_uint_eq(r.prm, SHARE_RW & before);
	ck_assert_uint_eq(r.inh, 0);
	if (before & PRIVS_CAP(CAP_SETPCAP)) {
		/* As root: the bounding set lost the rest too. */
		ck_assert_uint_eq(r.sys_admin_bounding, 0);
		ck_assert_uint_eq(r.setuid_bounding, 1);
	}
}
END_TEST

START_TEST(test_privs_drop_all_without_shares)
{
	struct rlimit core_before;
	struct run_opts o;
	struct dropped r;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(
		parse(&o, err, "--kernel", "k", "--vsock", "3", "--core-dump"),
		CLI_OK);
	getrlimit(RLIMIT_CORE, &core_before);
	drop_in_child(&o, &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_int_eq(r.nnp, 1);
	/* --core-dump leaves the limit as it was. */
	ck_assert_uint_eq(r.core.rlim_cur, core_before.rlim_cur);
	ck_assert_uint_eq(r.eff, 0);
	ck_assert_uint_eq(r.prm, 0);
	ck_assert_uint_eq(r.inh, 0);
	if (privs__permitted() & PRIVS_CAP(CAP_SETPCAP))
		ck_assert_uint_eq(r.setuid_bounding, 0);
}
END_TEST

/* A root process started with groups [0, 10] has none after privs__start. */
START_TEST(test_privs_start_drops_groups_as_root)
{
	int status, n_before = getgroups(0, NULL);
	pid_t pid;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		const gid_t groups[] = { 0, 10 };
		struct run_opts o;
		char err[ERRBUF_LEN] = "";

		if (parse(&o, err, "--kernel", "k") != CLI_OK)
			_exit(10);
		if (geteuid() == 0 && setgroups(2, groups))
			_exit(11);
		if (privs__start(&o, err))
			_exit(12);
		/* Root: none left. Not root: untouched (it cannot, and its
		 * groups are its own rights, /dev/kvm's group perhaps). */
		_exit(getgroups(0, NULL) == (geteuid() == 0 ? 0 : n_before)
			      ? 0
			      : 13);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

/*
 * Row 3 of issue 12 against the server itself: root with groups [0]
 * serving a passthrough share; a request from uid 1000 (gid 1000) to open
 * a root:root 0660 file read-write. With turtle's groups in force the
 * host allows it (shown first, so this test can tell); after privs__start
 * it is refused.
 */
START_TEST(test_privs_groups_do_not_reach_share_requests)
{
	int status;
	pid_t pid;

	if (geteuid() != 0)
		return; /* not root: no groups to drop, no impersonation */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		const gid_t groups[] = { 0 };
		char path[160], err[ERRBUF_LEN];
		struct run_opts o;
		int64_t id, fh;

		if (setgroups(1, groups))
			_exit(10);
		fsrv__setup_passthrough();
		host_write("rootfile", "secret");
		snprintf(path, sizeof(path), "%s/rootfile", share);
		if (chown(path, 0, 0) || chmod(path, 0660))
			_exit(11);
		id = lookup(1, "rootfile");
		if (id <= 0)
			_exit(12);
		cur_uid = cur_gid = 1000;
		fh = open_((uint64_t)id, O_RDWR, FUSE_OPEN);
		if (fh < 0)
			_exit(13); /* the groups did not count even before */
		release((uint64_t)fh, FUSE_RELEASE);
		if (parse(&o, err, "--kernel", "k") != CLI_OK ||
		    privs__start(&o, err))
			_exit(14);
		fh = open_((uint64_t)id, O_RDWR, FUSE_OPEN);
		fsrv__teardown();
		_exit(fh == -EACCES ? 0 : 15);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

Suite *privs_suite(void)
{
	Suite *s = suite_create("privs");
	TCase *tc = tcase_create("privs");

	tcase_add_test(tc, test_privs_none_without_shares);
	tcase_add_test(tc, test_privs_passthrough_share);
	tcase_add_test(tc, test_privs_mapped_share_needs_nothing);
	tcase_add_test(tc, test_privs_check_refuses_share_without_caps);
	tcase_add_test(tc, test_privs_names);
	tcase_add_test(tc, test_privs_drop_keeps_only_what_shares_need);
	tcase_add_test(tc, test_privs_drop_all_without_shares);
	tcase_add_test(tc, test_privs_start_drops_groups_as_root);
	tcase_add_test(tc, test_privs_groups_do_not_reach_share_requests);
	suite_add_tcase(s, tc);
	return s;
}
