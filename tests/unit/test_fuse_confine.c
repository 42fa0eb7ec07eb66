// SPDX-License-Identifier: GPL-2.0
/*
 * What the guest must not do through fuse_server__handle: reach outside
 * the share (.., names with '/', symlinks pointing out, directories
 * swapped for symlinks, hard links, FIFOs), write to a read-only share,
 * or act beyond the rights of the uid and gid it sends.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuse-server-fixture.h"
#include "suites.h"

/* Confinement: nothing reaches TMP/outside. */

START_TEST(test_fuse_dotdot_stays_at_root)
{
	int64_t d;

	ck_assert_int_eq(lookup(1, ".."), 1);
	ck_assert_int_eq(lookup(1, "."), 1);
	d = mkdir_(1, "d", 0755);
	ck_assert_int_eq(lookup((uint64_t)d, ".."), 1);
	ck_assert_int_eq(lookup((uint64_t)d, "."), d);
}
END_TEST

START_TEST(test_fuse_names_with_slash_refused)
{
	uint64_t fh;

	ck_assert_int_eq(lookup(1, "../outside"), -EINVAL);
	ck_assert_int_eq(lookup(1, "a/b"), -EINVAL);
	ck_assert_int_eq(lookup(1, ""), -EINVAL);
	ck_assert_int_eq(create_(1, "../outside/x", O_RDWR, &fh), -EINVAL);
	ck_assert_int_eq(create_(1, "..", O_RDWR, &fh), -EINVAL);
	ck_assert_int_eq(mkdir_(1, "..", 0755), -EINVAL);
	ck_assert_int_eq(mkdir_(1, ".", 0755), -EINVAL);
	ck_assert_int_eq(
		req(FUSE_UNLINK, 1, NULL, 0, "../outside/secret", NULL),
		-EINVAL);
	ck_assert_int_eq(req(FUSE_RMDIR, 1, NULL, 0, "..", NULL), -EINVAL);
	ck_assert_int_eq(req(FUSE_SYMLINK, 1, NULL, 0, "a/b", "x"), -EINVAL);
}
END_TEST

/* host: share/NAME -> target */
static void host_symlink(const char *target, const char *name)
{
	char p[160];

	snprintf(p, sizeof(p), "%s/%s", share, name);
	ck_assert_int_eq(symlink(target, p), 0);
}

static void assert_secret_untouched(void)
{
	struct stat st;
	char p[160];

	snprintf(p, sizeof(p), "%s/secret", outside);
	ck_assert_int_eq(lstat(p, &st), 0);
	ck_assert_int_eq(st.st_size, 6);
	ck_assert_uint_eq(st.st_mode & 0777, 0644);
	ck_assert_uint_eq(st.st_nlink, 1);
}

START_TEST(test_fuse_symlinks_out_are_not_followed)
{
	struct fuse_setattr_in sa = { .valid = FATTR_SIZE, .size = 0 };
	struct fuse_attr a;
	uint64_t fh;
	int64_t abs, rel, dir;
	char p[160];

	snprintf(p, sizeof(p), "%s/secret", outside);
	host_symlink(p, "abs");
	host_symlink("../outside/secret", "rel");
	host_symlink("/", "root");
	host_symlink("../outside", "dir");
	abs = lookup(1, "abs");
	rel = lookup(1, "rel");
	dir = lookup(1, "dir");
	ck_assert_int_eq(getattr((uint64_t)abs, &a), 0);
	ck_assert(S_ISLNK(a.mode)); /* the link itself */
	ck_assert_int_eq(open_((uint64_t)abs, O_RDONLY, FUSE_OPEN), -ELOOP);
	ck_assert_int_eq(open_((uint64_t)rel, O_RDWR | O_TRUNC, FUSE_OPEN),
			 -ELOOP);
	ck_assert_int_eq(open_((uint64_t)dir, O_RDONLY, FUSE_OPENDIR),
			 -ENOTDIR);
	/* through a link to a directory: it is no directory */
	ck_assert_int_eq(lookup((uint64_t)dir, "secret"), -ENOTDIR);
	ck_assert_int_eq(lookup((uint64_t)lookup(1, "root"), "etc"), -ENOTDIR);
	ck_assert_int_eq(create_((uint64_t)dir, "new", O_RDWR, &fh), -ENOTDIR);
	ck_assert_int_eq(mkdir_((uint64_t)dir, "new", 0755), -ENOTDIR);
	/* creating over a link does not write through it */
	ck_assert_int_eq(create_(1, "rel", O_RDWR | O_TRUNC, &fh), -ELOOP);
	ck_assert_int_eq(
		req(FUSE_SETATTR, (uint64_t)rel, &sa, sizeof(sa), NULL, NULL),
		-EINVAL);
	sa.valid = FATTR_MODE;
	sa.mode = 0777;
	ck_assert_int_eq(
		req(FUSE_SETATTR, (uint64_t)rel, &sa, sizeof(sa), NULL, NULL),
		-EOPNOTSUPP);
	assert_secret_untouched();
}
END_TEST

START_TEST(test_fuse_dir_swapped_for_symlink)
{
	char d[160], old[160], p[160];
	struct stat st;
	uint64_t fh;
	int64_t id;

	id = mkdir_(1, "d", 0755);
	snprintf(d, sizeof(d), "%s/d", share);
	snprintf(old, sizeof(old), "%s/d.old", share);
	/* on the host: d moves away, a symlink out takes its name */
	ck_assert_int_eq(rename(d, old), 0);
	host_symlink(outside, "d");
	ck_assert_int_gt(create_((uint64_t)id, "planted", O_RDWR, &fh), 1);
	ck_assert_int_eq(mkdir_((uint64_t)id, "planted-dir", 0755) > 1, 1);
	snprintf(p, sizeof(p), "%s/planted", outside);
	ck_assert_int_ne(lstat(p, &st), 0);
	snprintf(p, sizeof(p), "%s/planted-dir", outside);
	ck_assert_int_ne(lstat(p, &st), 0);
	ck_assert_int_eq(host_stat("d.old/planted", &st), 0);
	ck_assert_int_eq(host_stat("d.old/planted-dir", &st), 0);
}
END_TEST

START_TEST(test_fuse_dir_removed_then_symlink)
{
	char d[160], p[160];
	struct stat st;
	uint64_t fh;
	int64_t id;

	id = mkdir_(1, "d", 0755);
	snprintf(d, sizeof(d), "%s/d", share);
	ck_assert_int_eq(rmdir(d), 0);
	host_symlink(outside, "d");
	ck_assert_int_lt(create_((uint64_t)id, "planted", O_RDWR, &fh), 0);
	ck_assert_int_eq(
		req(FUSE_UNLINK, (uint64_t)id, NULL, 0, "secret", NULL),
		-ENOENT);
	snprintf(p, sizeof(p), "%s/planted", outside);
	ck_assert_int_ne(lstat(p, &st), 0);
	assert_secret_untouched();
}
END_TEST

START_TEST(test_fuse_link_to_outside_impossible)
{
	struct fuse_link_in in;
	struct stat st;
	int64_t rel;

	host_symlink("../outside/secret", "rel");
	rel = lookup(1, "rel");
	/* linking the symlink links the link, not its target */
	in.oldnodeid = (uint64_t)rel;
	ck_assert_int_eq(req(FUSE_LINK, 1, &in, sizeof(in), "hl", NULL), 0);
	ck_assert_int_eq(host_stat("hl", &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	assert_secret_untouched();
	/* no nodeid names an outside inode: unknown ones are refused */
	in.oldnodeid = 123456;
	ck_assert_int_eq(req(FUSE_LINK, 1, &in, sizeof(in), "hl2", NULL),
			 -ENOENT);
}
END_TEST

START_TEST(test_fuse_create_over_fifo_refused)
{
	struct fuse_mknod_in mk = { .mode = S_IFIFO | 0666 };
	uint64_t fh;

	ck_assert_int_eq(req(FUSE_MKNOD, 1, &mk, sizeof(mk), "fifo", NULL), 0);
	/* would block forever if opened; refused at once */
	ck_assert_int_eq(create_(1, "fifo", O_RDWR, &fh), -EACCES);
	ck_assert_int_eq(
		open_((uint64_t)lookup(1, "fifo"), O_RDONLY, FUSE_OPEN),
		-EACCES);
}
END_TEST

/* Read-only share */

static void setup_readonly(void)
{
	fsrv__setup_ro(1);
}

START_TEST(test_fuse_readonly_refuses_writes)
{
	struct fuse_setattr_in sa = { .valid = FATTR_MODE, .mode = 0777 };
	struct fuse_mknod_in mk = { .mode = S_IFREG | 0644 };
	struct fuse_rename_in rn = { .newdir = 1 };
	struct fuse_access_in ai = { .mask = W_OK };
	struct fuse_setxattr_in sx = { 0 };
	struct fuse_link_in ln;
	struct stat st;
	uint64_t fh;
	int64_t f;

	host_write("f", "data");
	f = lookup(1, "f");
	ln.oldnodeid = (uint64_t)f;
	ck_assert_int_eq(create_(1, "new", O_RDWR, &fh), -EROFS);
	ck_assert_int_eq(mkdir_(1, "new", 0755), -EROFS);
	ck_assert_int_eq(req(FUSE_MKNOD, 1, &mk, sizeof(mk), "n", NULL),
			 -EROFS);
	ck_assert_int_eq(req(FUSE_SYMLINK, 1, NULL, 0, "n", "t"), -EROFS);
	ck_assert_int_eq(req(FUSE_UNLINK, 1, NULL, 0, "f", NULL), -EROFS);
	ck_assert_int_eq(req(FUSE_RENAME, 1, &rn, sizeof(rn), "f", "g"),
			 -EROFS);
	ck_assert_int_eq(req(FUSE_LINK, 1, &ln, sizeof(ln), "g", NULL), -EROFS);
	ck_assert_int_eq(
		req(FUSE_SETATTR, (uint64_t)f, &sa, sizeof(sa), NULL, NULL),
		-EROFS);
	ck_assert_int_eq(req(FUSE_SETXATTR, (uint64_t)f, &sx,
			     FUSE_COMPAT_SETXATTR_IN_SIZE, "user.a", NULL),
			 -EROFS);
	ck_assert_int_eq(
		req(FUSE_REMOVEXATTR, (uint64_t)f, NULL, 0, "user.a", NULL),
		-EROFS);
	ck_assert_int_eq(open_((uint64_t)f, O_WRONLY, FUSE_OPEN), -EROFS);
	ck_assert_int_eq(open_((uint64_t)f, O_RDONLY | O_TRUNC, FUSE_OPEN),
			 -EROFS);
	ck_assert_int_eq(
		req(FUSE_ACCESS, (uint64_t)f, &ai, sizeof(ai), NULL, NULL),
		-EROFS);
	/* reading works */
	fh = (uint64_t)open_((uint64_t)f, O_RDONLY, FUSE_OPEN);
	ck_assert_int_eq(read_(fh, 0, 100), 4);
	ck_assert_int_eq(write_(fh, 0, "x", 1), -EROFS);
	ck_assert_int_eq(host_stat("f", &st), 0);
	ck_assert_int_eq(st.st_size, 4);
	ck_assert_uint_eq(st.st_mode & 0777, 0644);
}
END_TEST

/* Credentials: the guest caller's uid and gid (needs root) */

START_TEST(test_fuse_creds_owner_of_new_files)
{
	struct stat st;
	uint64_t fh;

	if (geteuid() != 0)
		return; /* setfsuid needs root: the request runs as us */
	cur_uid = 1000;
	cur_gid = 1001;
	ck_assert_int_gt(create_(1, "mine", O_RDWR, &fh), 1);
	ck_assert_int_gt(mkdir_(1, "mydir", 0755), 1);
	ck_assert_int_eq(host_stat("mine", &st), 0);
	ck_assert_uint_eq(st.st_uid, 1000);
	ck_assert_uint_eq(st.st_gid, 1001);
	ck_assert_int_eq(host_stat("mydir", &st), 0);
	ck_assert_uint_eq(st.st_uid, 1000);
	/* and the worker is root again after the request */
	ck_assert_int_eq(setfsuid((uid_t)-1), 0);
}
END_TEST

START_TEST(test_fuse_creds_permissions_checked)
{
	struct fuse_setattr_in sa = { .valid = FATTR_UID, .uid = 1000 };
	struct fuse_access_in ai = { .mask = R_OK };
	char p[160];
	int64_t f;

	if (geteuid() != 0)
		return;
	host_write("private", "root only");
	snprintf(p, sizeof(p), "%s/private", share);
	ck_assert_int_eq(chmod(p, 0600), 0);
	f = lookup(1, "private");
	cur_uid = 1000;
	cur_gid = 1000;
	ck_assert_int_eq(open_((uint64_t)f, O_RDONLY, FUSE_OPEN), -EACCES);
	ck_assert_int_eq(
		req(FUSE_ACCESS, (uint64_t)f, &ai, sizeof(ai), NULL, NULL),
		-EACCES);
	ck_assert_int_eq(
		req(FUSE_SETATTR, (uint64_t)f, &sa, sizeof(sa), NULL, NULL),
		-EPERM);
	ck_assert_int_eq(req(FUSE_UNLINK, 1, NULL, 0, "private", NULL) == 0,
			 1); /* the share is 0777 */
}
END_TEST

Suite *fuse_confine_suite(void)
{
	Suite *s = suite_create("fuse_confine");
	TCase *tc;

	tc = tcase_create("confinement");
	tcase_add_checked_fixture(tc, fsrv__setup, fsrv__teardown);
	tcase_add_test(tc, test_fuse_dotdot_stays_at_root);
	tcase_add_test(tc, test_fuse_names_with_slash_refused);
	tcase_add_test(tc, test_fuse_symlinks_out_are_not_followed);
	tcase_add_test(tc, test_fuse_dir_swapped_for_symlink);
	tcase_add_test(tc, test_fuse_dir_removed_then_symlink);
	tcase_add_test(tc, test_fuse_link_to_outside_impossible);
	tcase_add_test(tc, test_fuse_create_over_fifo_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("readonly");
	tcase_add_checked_fixture(tc, setup_readonly, fsrv__teardown);
	tcase_add_test(tc, test_fuse_readonly_refuses_writes);
	suite_add_tcase(s, tc);

	/* Root only: skipped (pass without checking) when not root. */
	tc = tcase_create("credentials");
	tcase_add_checked_fixture(tc, fsrv__setup, fsrv__teardown);
	tcase_add_test(tc, test_fuse_creds_owner_of_new_files);
	tcase_add_test(tc, test_fuse_creds_permissions_checked);
	suite_add_tcase(s, tc);
	return s;
}
