// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's FUSE client end to end, natively (fuse-client-fixture.h):
 * ordinary syscalls on the mountpoint, and the host directory must show
 * exactly their result; a share nested in that mount; the mount's end
 * when the host goes away.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../../fuse-vsock/server.h"
#include "../../lib/log.h"
#include "fuse-client-fixture.h"
#include "fuse-msg.h"
#include "suites.h"

START_TEST(test_fuse_client_files)
{
	char target[64];
	struct stat st;

	if (skip)
		return;
	put(m("a"), "hello");
	ck_assert_str_eq(get(h("a")), "hello");
	ck_assert_str_eq(get(m("a")), "hello");
	ck_assert_int_eq(rename(m("a"), m("b")), 0);
	ck_assert_int_eq(link(m("b"), m("c")), 0);
	ck_assert_int_eq(stat(m("b"), &st), 0);
	ck_assert_uint_eq(st.st_nlink, 2);
	ck_assert_int_eq(symlink("b", m("s")), 0);
	ck_assert_int_eq(readlink(m("s"), target, sizeof(target)), 1);
	ck_assert_int_eq(mkdir(m("d"), 0755), 0);
	put(m("d/x"), "in d");
	ck_assert_str_eq(list(mnt), "b c d s");
	ck_assert_str_eq(list(m("d")), "x");
	ck_assert_str_eq(get(m("s")), "hello");

	/* The host sees exactly that. */
	ck_assert_str_eq(list(host_dir), "b c d s");
	ck_assert_int_eq(stat(h("c"), &st), 0);
	ck_assert_uint_eq(st.st_nlink, 2);
	ck_assert_int_eq(readlink(h("s"), target, sizeof(target)), 1);
	ck_assert_int_eq(target[0], 'b');
	ck_assert_str_eq(get(h("d/x")), "in d");

	ck_assert_int_eq(rmdir(m("d")), -1);
	ck_assert_int_eq(errno, ENOTEMPTY);
	ck_assert_int_eq(unlink(m("d/x")), 0);
	ck_assert_int_eq(rmdir(m("d")), 0);
	ck_assert_int_eq(unlink(m("c")), 0);
	ck_assert_int_eq(unlink(m("s")), 0);
	ck_assert_str_eq(list(mnt), "b");
	ck_assert_str_eq(list(host_dir), "b");
}
END_TEST

START_TEST(test_fuse_client_renames)
{
	if (skip)
		return;
	ck_assert_int_eq(mkdir(m("a"), 0755), 0);
	put(m("a/f"), "in a");
	ck_assert_int_eq(mkdir(m("empty"), 0755), 0);
	ck_assert_int_eq(mkdir(m("full"), 0755), 0);
	put(m("full/g"), "");
	ck_assert_int_eq(rename(m("a"), m("full")), -1);
	ck_assert_int_eq(errno, ENOTEMPTY);
	ck_assert_int_eq(rename(m("a"), m("a/sub")), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(rename(m("full/g"), m("a")), -1);
	ck_assert_int_eq(errno, EISDIR);
	ck_assert_int_eq(renameat2(AT_FDCWD, m("full/g"), AT_FDCWD, m("a/f"),
				   RENAME_NOREPLACE),
			 -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_int_eq(rename(m("a"), m("empty")), 0);
	ck_assert_str_eq(list(host_dir), "empty full");
	ck_assert_str_eq(get(h("empty/f")), "in a");
}
END_TEST

START_TEST(test_fuse_client_attributes)
{
	const struct timespec t[2] = { { .tv_sec = 1000000000 },
				       { .tv_sec = 1200000000,
					 .tv_nsec = 5000 } };
	struct statfs sf;
	struct stat st;
	int fd;

	if (skip)
		return;
	put(m("f"), "0123456789");
	ck_assert_int_eq(chmod(m("f"), 0600), 0);
	ck_assert_int_eq(truncate(m("f"), 4), 0);
	ck_assert_int_eq(utimensat(AT_FDCWD, m("f"), t, 0), 0);
	ck_assert_int_eq(stat(h("f"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(st.st_size, 4);
	ck_assert_int_eq(st.st_mtim.tv_sec, 1200000000);
	ck_assert_int_eq(st.st_mtim.tv_nsec, 5000);
	ck_assert_int_eq(st.st_atim.tv_sec, 1000000000);
	ck_assert_str_eq(get(h("f")), "0123");

	fd = open(m("f"), O_WRONLY | O_APPEND);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "xy", 2), 2);
	ck_assert_int_eq(fsync(fd), 0);
	ck_assert_str_eq(get(h("f")), "0123xy"); /* before close */
	close(fd);
	ck_assert_int_eq(statfs(mnt, &sf), 0);
	ck_assert_uint_gt(sf.f_blocks, 0);
}
END_TEST

START_TEST(test_fuse_client_xattr)
{
	char v[16];

	if (skip)
		return;
	put(m("x"), "");
	if (setxattr(m("x"), "user.turtle", "shell", 5, 0) < 0 &&
	    errno == ENOTSUP) {
		fprintf(stderr, "fuse_client: no user xattrs in /tmp\n");
		return;
	}
	ck_assert_int_eq(getxattr(m("x"), "user.turtle", v, sizeof(v)), 5);
	ck_assert_int_eq(memcmp(v, "shell", 5), 0);
	ck_assert_int_eq(getxattr(h("x"), "user.turtle", v, sizeof(v)), 5);
	ck_assert_int_eq(removexattr(m("x"), "user.turtle"), 0);
	ck_assert_int_eq(getxattr(h("x"), "user.turtle", v, sizeof(v)), -1);
	ck_assert_int_eq(errno, ENODATA);
}
END_TEST

/* A child's F_SETLK, as its exit status: 0 locked, 1 conflict, 2 error. */
static int child_setlk(const char *path)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	pid_t pid = fork();
	int st, fd;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		fd = open(path, O_RDWR);
		if (fd < 0)
			_exit(2);
		if (fcntl(fd, F_SETLK, &fl) == 0)
			_exit(0);
		_exit(errno == EAGAIN || errno == EACCES ? 1 : 2);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

START_TEST(test_fuse_client_lock_conflict)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd;

	if (skip)
		return;
	put(m("lk"), "lock me");
	fd = open(m("lk"), O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fcntl(fd, F_SETLK, &fl), 0);
	ck_assert_int_eq(child_setlk(m("lk")), 1);
	fl.l_type = F_UNLCK;
	ck_assert_int_eq(fcntl(fd, F_SETLK, &fl), 0);
	ck_assert_int_eq(child_setlk(m("lk")), 0);
	close(fd);
}
END_TEST

/* fusectl mounted (or mountable) at /sys/fs/fuse/connections. */
static int have_fusectl(void)
{
	const char *dir = "/sys/fs/fuse/connections";
	struct statfs sf;

	if (statfs(dir, &sf) == 0 && sf.f_type == 0x65735543) /* fusectl */
		return 1;
	return mount("fusectl", dir, "fusectl", 0, NULL) == 0;
}

START_TEST(test_fuse_client_host_gone_aborts)
{
	int waited;

	if (skip)
		return;
	if (!have_fusectl()) {
		fprintf(stderr, "fuse_client: no fusectl, host-gone skipped\n");
		return;
	}
	put(m("f"), "x");
	/* Every server end goes away at once, as when turtle exits. */
	fcli__host_gone();
	for (waited = 0;
	     !atomic_load(&aborted) && waited < unit__wait_ms(5000) / 10;
	     waited++)
		usleep(10000);
	ck_assert_int_eq(atomic_load(&broken_calls), 1);
	/* The mount is aborted: nothing waits forever. */
	ck_assert_int_eq(open(m("f"), O_RDONLY), -1);
	ck_assert_int_eq(errno, ENOTCONN);
}
END_TEST

/*
 * Nesting: a mapped share (L1's turtle) of a directory that is itself the
 * FUSE mount of a mapped share (L0's). L1 keeps its user.turtle.stat on
 * the mount, which L0 stores escaped (user.turtle.x.stat) beside its own;
 * what L1's guest (L2) sets as user.turtle.stat is escaped twice.
 */
static struct fuse_buf l1_out;

static int l1_req(struct fuse_server *l1, uint32_t op, uint64_t nodeid,
		  const void *arg, size_t alen, const char *name)
{
	static char msg[4096];
	static uint64_t unique;
	size_t len = fmsg__build(msg, op, ++unique, nodeid, 1000, 1000, arg,
				 alen, name, NULL);

	ck_assert_uint_gt(fuse_server__handle(l1, msg, len, &l1_out, NULL), 0);
	return ((struct fuse_out_header *)l1_out.p)->error;
}

static void *l1_body(void)
{
	return (char *)l1_out.p + sizeof(struct fuse_out_header);
}

START_TEST(test_fuse_client_mapped_nests)
{
	struct fuse_share_opts o = { .dir = mnt,
				     .tag = "l1",
				     .security = FUSE_SECURITY_MAPPED };
	struct fuse_init_in init = { .major = 7, .minor = 38 };
	struct fuse_mknod_in mk = { .mode = S_IFCHR | 0640, .rdev = 0x405 };
	struct fuse_setxattr_in sxin = { .size = 2 };
	char sx[FUSE_COMPAT_SETXATTR_IN_SIZE + 19];
	struct fuse_getxattr_in gx = { .size = 64 };
	char err[ERRBUF_LEN] = "", l0v[64], l1v[64];
	struct fuse_server *l1;
	struct fuse_entry_out *e;
	struct stat st;
	uint64_t dev;

	if (skip)
		return;
	ck_assert_int_eq(fuse_server__thread_init(), 0);
	l1 = fuse_server__create(&o, err);
	ck_assert_msg(l1 != NULL, "%s", err);
	l1_out.cap = FUSE_SERVER_BUF_SIZE;
	l1_out.p = malloc(l1_out.cap);
	ck_assert_int_eq(l1_req(l1, FUSE_INIT, 0, &init, sizeof(init), NULL),
			 0);
	/* L2 makes a device node: L1's view of it, through L0 */
	ck_assert_int_eq(l1_req(l1, FUSE_MKNOD, 1, &mk, sizeof(mk), "dev"), 0);
	e = l1_body();
	dev = e->nodeid;
	ck_assert_uint_eq(e->attr.mode, S_IFCHR | 0640);
	ck_assert_uint_eq(e->attr.rdev, 0x405);
	ck_assert_uint_eq(e->attr.uid, 1000);
	/* L1's own view (the mount): a plain file of L1's turtle (root) */
	ck_assert_int_eq(lstat(m("dev"), &st), 0);
	ck_assert_uint_eq(st.st_mode, S_IFREG | 0600);
	ck_assert_uint_eq(st.st_uid, 0);
	/* the host: a plain file with L0's xattr and L1's, escaped */
	ck_assert_int_eq(lstat(h("dev"), &st), 0);
	ck_assert_uint_eq(st.st_mode, S_IFREG | 0600);
	ck_assert_int_eq(
		getxattr(h("dev"), "user.turtle.stat", l0v, sizeof(l0v)), 24);
	ck_assert_int_eq(
		getxattr(h("dev"), "user.turtle.x.stat", l1v, sizeof(l1v)), 24);
	ck_assert_int_ne(memcmp(l0v, l1v, 24), 0);
	ck_assert_int_eq(
		getxattr(m("dev"), "user.turtle.stat", l0v, sizeof(l0v)), 24);
	ck_assert_int_eq(memcmp(l0v, l1v, 24), 0);
	/* L2 sets its own user.turtle.stat: escaped at L1 and again at L0 */
	memcpy(sx, &sxin, FUSE_COMPAT_SETXATTR_IN_SIZE);
	memcpy(sx + FUSE_COMPAT_SETXATTR_IN_SIZE, "user.turtle.stat\0l2", 19);
	ck_assert_int_eq(l1_req(l1, FUSE_SETXATTR, dev, sx, sizeof(sx), NULL),
			 0);
	ck_assert_int_eq(
		getxattr(h("dev"), "user.turtle.x.x.stat", l0v, sizeof(l0v)),
		2);
	ck_assert_int_eq(l1_req(l1, FUSE_GETXATTR, dev, &gx, sizeof(gx),
				"user.turtle.stat"),
			 0);
	ck_assert_int_eq(memcmp(l1_body(), "l2", 2), 0);
	ck_assert_int_eq(l1_req(l1, FUSE_LISTXATTR, dev, &gx, sizeof(gx), NULL),
			 0);
	ck_assert_int_eq(memcmp(l1_body(), "user.turtle.stat", 17), 0);
	ck_assert_uint_eq(((struct fuse_out_header *)l1_out.p)->len,
			  sizeof(struct fuse_out_header) + 17);
	/* and L2 still sees its device */
	ck_assert_int_eq(l1_req(l1, FUSE_LOOKUP, 1, NULL, 0, "dev"), 0);
	e = l1_body();
	ck_assert_uint_eq(e->attr.mode, S_IFCHR | 0640);
	ck_assert_uint_eq(e->attr.rdev, 0x405);
	fuse_server__destroy(l1);
	free(l1_out.p);
}
END_TEST

START_TEST(test_fuse_client_read_only_share)
{
	if (skip)
		return;
	ck_assert_int_eq(open(m("new"), O_WRONLY | O_CREAT, 0644), -1);
	ck_assert_int_eq(errno, EROFS);
	ck_assert_int_eq(mkdir(m("d"), 0755), -1);
	ck_assert_int_eq(errno, EROFS);
	ck_assert_str_eq(list(host_dir), "");
}
END_TEST

Suite *fuse_client_suite(void)
{
	Suite *s = suite_create("fuse_client");
	TCase *tc;

	tc = fcli__tcase(s, "mount", fcli__setup);
	tcase_add_test(tc, test_fuse_client_files);
	tcase_add_test(tc, test_fuse_client_renames);
	tcase_add_test(tc, test_fuse_client_attributes);
	tcase_add_test(tc, test_fuse_client_xattr);
	tcase_add_test(tc, test_fuse_client_lock_conflict);
	tcase_add_test(tc, test_fuse_client_host_gone_aborts);

	tc = fcli__tcase(s, "mapped", fcli__setup_mapped);
	tcase_add_test(tc, test_fuse_client_mapped_nests);

	tc = fcli__tcase(s, "read-only", fcli__setup_ro);
	tcase_add_test(tc, test_fuse_client_read_only_share);
	return s;
}
