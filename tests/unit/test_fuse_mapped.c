// SPDX-License-Identifier: GPL-2.0
/*
 * security=mapped through fuse_server__handle: the guest's owners, modes
 * and special files round-trip through the xattr user.turtle.stat while
 * the host keeps plain 0600/0700 files of turtle's user; the guest can
 * neither see nor forge that xattr; host files without it show their
 * own attributes. And, in both models, CREATE never opens an existing
 * FIFO (a blocked host writer stays blocked).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "fuse-server-fixture.h"
#include "suites.h"

static const char *hp(const char *rel)
{
	static char p[2][256];
	static int i;

	i = (i + 1) % 2;
	snprintf(p[i], sizeof(p[i]), "%s/%s", share, rel);
	return p[i];
}

static int64_t mknod_(uint64_t parent, const char *name, uint32_t mode,
		      uint32_t rdev)
{
	struct fuse_mknod_in in = { .mode = mode, .rdev = rdev };
	int err = req(FUSE_MKNOD, parent, &in, sizeof(in), name, NULL);

	return err ? err : (int64_t)((struct fuse_entry_out *)body())->nodeid;
}

static int setattr_(uint64_t nodeid, uint32_t valid, uint32_t mode,
		    uint32_t uid, uint32_t gid)
{
	struct fuse_setattr_in in = {
		.valid = valid, .mode = mode, .uid = uid, .gid = gid
	};

	return req(FUSE_SETATTR, nodeid, &in, sizeof(in), NULL, NULL);
}

static int setxattr_(uint64_t nodeid, const char *name, const char *value)
{
	char arg[sizeof(struct fuse_setxattr_in) + 256];
	struct fuse_setxattr_in in = { .size = (uint32_t)strlen(value) };
	size_t n = strlen(name) + 1;

	/* the short struct (no FUSE_SETXATTR_EXT), the name, the value */
	memcpy(arg, &in, FUSE_COMPAT_SETXATTR_IN_SIZE);
	memcpy(arg + FUSE_COMPAT_SETXATTR_IN_SIZE, name, n);
	memcpy(arg + FUSE_COMPAT_SETXATTR_IN_SIZE + n, value, in.size);
	return req(FUSE_SETXATTR, nodeid, arg,
		   FUSE_COMPAT_SETXATTR_IN_SIZE + n + in.size, NULL, NULL);
}

/* GETXATTR into buf (NUL-terminated): its length or the error. */
static int getxattr_(uint64_t nodeid, const char *name, char *buf, size_t len)
{
	struct fuse_getxattr_in in = { .size = (uint32_t)len - 1 };
	int err = req(FUSE_GETXATTR, nodeid, &in, sizeof(in), name, NULL);
	size_t n;

	if (err)
		return err;
	n = rlen - sizeof(struct fuse_out_header);
	memcpy(buf, body(), n);
	buf[n] = 0;
	return (int)n;
}

/* LISTXATTR: the names, NULs turned to ' '; and a size-only LISTXATTR
 * must agree. */
static const char *listxattr_(uint64_t nodeid)
{
	static char buf[1024];
	struct fuse_getxattr_in in = { .size = sizeof(buf) - 1 };
	size_t n, i;

	ck_assert_int_eq(
		req(FUSE_LISTXATTR, nodeid, &in, sizeof(in), NULL, NULL), 0);
	n = rlen - sizeof(struct fuse_out_header);
	memcpy(buf, body(), n);
	buf[n] = 0;
	for (i = 0; i < n; i++)
		if (!buf[i])
			buf[i] = ' ';
	in.size = 0;
	ck_assert_int_eq(
		req(FUSE_LISTXATTR, nodeid, &in, sizeof(in), NULL, NULL), 0);
	ck_assert_uint_eq(((struct fuse_getxattr_out *)body())->size, n);
	return buf;
}

START_TEST(test_fuse_mapped_default_model)
{
	/* turtle as root: passthrough unless asked (the tests run as root) */
	ck_assert_int_eq(fuse_server__security(srv),
			 geteuid() == 0 ? FUSE_SECURITY_PASSTHROUGH
					: FUSE_SECURITY_MAPPED);
}
END_TEST

START_TEST(test_fuse_mapped_is_mapped)
{
	ck_assert_int_eq(fuse_server__security(srv), FUSE_SECURITY_MAPPED);
	/* the guest kernel applies the umask: no FUSE_DONT_MASK */
	ck_assert_uint_eq(init_flags & FUSE_DONT_MASK, 0);
}
END_TEST

/* Devices, FIFOs and sockets: plain files on the host, themselves in the
 * guest, owned by who made them. */
START_TEST(test_fuse_mapped_special_files_round_trip)
{
	static const struct {
		const char *name;
		uint32_t mode, rdev;
	} f[] = {
		{ "chr", S_IFCHR | 0620, 0x103 },	       /* 1:3 */
		{ "blk", S_IFBLK | 0660, 0x811 },	       /* 8:17 */
		{ "big", S_IFCHR | 0600, 0xfffff000 | 0xfff }, /* large */
		{ "fifo", S_IFIFO | 0644, 0 },
		{ "sock", S_IFSOCK | 0755, 0 },
		{ "reg", S_IFREG | 06755, 0 },
	};
	struct fuse_attr a;
	struct stat st;
	unsigned int i;
	int64_t n;

	cur_uid = 1000;
	cur_gid = 1001;
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		n = mknod_(1, f[i].name, f[i].mode, f[i].rdev);
		ck_assert_int_gt(n, 1);
		ck_assert_int_eq(getattr((uint64_t)n, &a), 0);
		ck_assert_uint_eq(a.mode, f[i].mode);
		ck_assert_uint_eq(a.rdev, f[i].rdev);
		ck_assert_uint_eq(a.uid, 1000);
		ck_assert_uint_eq(a.gid, 1001);
		ck_assert_int_eq(host_stat(f[i].name, &st), 0);
		ck_assert_uint_eq(st.st_mode, S_IFREG | 0600);
		ck_assert_uint_eq(st.st_uid, geteuid());
		ck_assert_uint_eq(st.st_rdev, 0);
		/* and so after a fresh lookup */
		ck_assert_int_eq(lookup(1, f[i].name), n);
		ck_assert_uint_eq(((struct fuse_entry_out *)body())->attr.mode,
				  f[i].mode);
	}
	/* a device is not the server's to open */
	ck_assert_int_eq(open_((uint64_t)lookup(1, "chr"), O_RDONLY, FUSE_OPEN),
			 -EACCES);
}
END_TEST

/* chmod and chown change what the guest sees, never the host file. */
START_TEST(test_fuse_mapped_chmod_chown_stay_in_the_xattr)
{
	struct fuse_attr a;
	struct stat st;
	uint64_t fh;
	int64_t f, d;

	f = create_(1, "f", O_RDWR, &fh);
	ck_assert_int_gt(f, 1);
	ck_assert_int_eq(setattr_((uint64_t)f,
				  FATTR_MODE | FATTR_UID | FATTR_GID,
				  S_IFREG | 04755, 0, 0),
			 0);
	ck_assert_int_eq(getattr((uint64_t)f, &a), 0);
	ck_assert_uint_eq(a.mode, S_IFREG | 04755);
	ck_assert_int_eq(setattr_((uint64_t)f, FATTR_UID, 0, 1234, 0), 0);
	ck_assert_int_eq(getattr((uint64_t)f, &a), 0);
	ck_assert_uint_eq(a.uid, 1234);
	ck_assert_uint_eq(a.mode, S_IFREG | 04755);
	ck_assert_int_eq(host_stat("f", &st), 0);
	ck_assert_uint_eq(st.st_mode, S_IFREG | 0600);
	ck_assert_uint_eq(st.st_uid, geteuid());

	d = mkdir_(1, "d", 01777);
	ck_assert_int_gt(d, 1);
	ck_assert_int_eq(getattr((uint64_t)d, &a), 0);
	ck_assert_uint_eq(a.mode, S_IFDIR | 01777);
	ck_assert_int_eq(host_stat("d", &st), 0);
	ck_assert_uint_eq(st.st_mode, S_IFDIR | 0700);
	ck_assert_int_eq(release(fh, FUSE_RELEASE), 0);
}
END_TEST

/* A setgid directory gives new entries its group, and subdirectories
 * its bit, as the host file system would. */
START_TEST(test_fuse_mapped_setgid_dir_inherits)
{
	struct fuse_attr a;
	int64_t g, f, sub;

	g = mkdir_(1, "g", 0777);
	ck_assert_int_eq(setattr_((uint64_t)g, FATTR_MODE | FATTR_GID,
				  S_IFDIR | 02777, 0, 4321),
			 0);
	cur_uid = 1000;
	cur_gid = 1000;
	f = mknod_((uint64_t)g, "f", S_IFREG | 0644, 0);
	ck_assert_int_eq(getattr((uint64_t)f, &a), 0);
	ck_assert_uint_eq(a.gid, 4321);
	sub = mkdir_((uint64_t)g, "sub", 0755);
	ck_assert_int_eq(getattr((uint64_t)sub, &a), 0);
	ck_assert_uint_eq(a.gid, 4321);
	ck_assert_uint_eq(a.mode, S_IFDIR | 02755);
}
END_TEST

/* Host files without the xattr, or with one that is not ours, show what
 * the host has. */
START_TEST(test_fuse_mapped_plain_host_files_show_as_they_are)
{
	struct fuse_attr a;
	int64_t n;

	host_write("plain", "data");
	ck_assert_int_eq(chmod(hp("plain"), 0641), 0);
	n = lookup(1, "plain");
	ck_assert_int_eq(getattr((uint64_t)n, &a), 0);
	ck_assert_uint_eq(a.mode, S_IFREG | 0641);
	ck_assert_uint_eq(a.size, 4);

	host_write("junk", "data");
	ck_assert_int_eq(
		setxattr(hp("junk"), "user.turtle.stat", "short", 5, 0), 0);
	n = lookup(1, "junk");
	ck_assert_int_eq(getattr((uint64_t)n, &a), 0);
	ck_assert_uint_eq(a.mode & S_IFMT, S_IFREG);
	/* a directory type on a host file does not fit: ignored */
	ck_assert_int_eq(mkdir(hp("hd"), 0751), 0);
	n = lookup(1, "hd");
	ck_assert_int_eq(getattr((uint64_t)n, &a), 0);
	ck_assert_uint_eq(a.mode, S_IFDIR | 0751);
}
END_TEST

/* The guest never reads, lists or forges user.turtle.stat. */
START_TEST(test_fuse_mapped_reserved_xattr_hidden_and_unforgeable)
{
	char buf[256], host[64];
	struct fuse_attr a;
	int64_t n;
	ssize_t k;

	n = mknod_(1, "c", S_IFCHR | 0600, 0x103);
	ck_assert_str_eq(listxattr_((uint64_t)n), "");
	ck_assert_int_eq(
		getxattr_((uint64_t)n, "user.turtle.stat", buf, sizeof(buf)),
		-ENODATA);
	/* the guest's own user.turtle.stat: escaped, its own */
	ck_assert_int_eq(setxattr_((uint64_t)n, "user.turtle.stat", "forged"),
			 0);
	ck_assert_int_eq(getattr((uint64_t)n, &a), 0);
	ck_assert_uint_eq(a.mode, S_IFCHR | 0600);
	ck_assert_uint_eq(a.rdev, 0x103);
	ck_assert_int_eq(
		getxattr_((uint64_t)n, "user.turtle.stat", buf, sizeof(buf)),
		6);
	ck_assert_str_eq(buf, "forged");
	k = getxattr(hp("c"), "user.turtle.x.stat", host, sizeof(host));
	ck_assert_int_eq(k, 6);
	ck_assert_str_eq(listxattr_((uint64_t)n), "user.turtle.stat ");
	/* other reserved host names stay hidden */
	ck_assert_int_eq(setxattr(hp("c"), "user.turtle.other", "h", 1, 0), 0);
	ck_assert_str_eq(listxattr_((uint64_t)n), "user.turtle.stat ");
	ck_assert_int_eq(req(FUSE_REMOVEXATTR, (uint64_t)n, NULL, 0,
			     "user.turtle.stat", NULL),
			 0);
	ck_assert_int_eq(getattr((uint64_t)n, &a), 0);
	ck_assert_uint_eq(a.mode, S_IFCHR | 0600);
	ck_assert_int_eq(
		getxattr(hp("c"), "user.turtle.x.stat", host, sizeof(host)),
		-1);
}
END_TEST

/* passthrough escapes user.turtle.* too: a mapped turtle nests on it. */
START_TEST(test_fuse_passthrough_escapes_reserved_xattrs)
{
	char buf[64];
	int64_t n;

	n = mknod_(1, "f", S_IFREG | 0644, 0);
	ck_assert_int_gt(n, 1);
	ck_assert_int_eq(setxattr_((uint64_t)n, "user.turtle.stat", "l1"), 0);
	ck_assert_int_eq(setxattr_((uint64_t)n, "user.plain", "p"), 0);
	ck_assert_int_eq(
		getxattr(hp("f"), "user.turtle.x.stat", buf, sizeof(buf)), 2);
	ck_assert_int_eq(getxattr(hp("f"), "user.plain", buf, sizeof(buf)), 1);
	ck_assert_int_eq(setxattr(hp("f"), "user.turtle.stat", "host", 4, 0),
			 0);
	ck_assert_int_eq(
		getxattr_((uint64_t)n, "user.turtle.stat", buf, sizeof(buf)),
		2);
	ck_assert_str_eq(buf, "l1");
	ck_assert_uint_eq(strlen(listxattr_((uint64_t)n)),
			  strlen("user.turtle.stat user.plain "));
	ck_assert_ptr_nonnull(strstr(listxattr_((uint64_t)n), "user.plain "));
	ck_assert_ptr_nonnull(
		strstr(listxattr_((uint64_t)n), "user.turtle.stat "));
}
END_TEST

/* trusted.* and security.* are the guest's, kept as user.* on the host;
 * ACLs are not kept. */
START_TEST(test_fuse_mapped_privileged_xattrs_stored_as_user)
{
	const char *list;
	char buf[64];
	int64_t n;

	n = mknod_(1, "f", S_IFREG | 0755, 0);
	ck_assert_int_eq(setxattr_((uint64_t)n, "security.capability", "cap"),
			 0);
	ck_assert_int_eq(setxattr_((uint64_t)n, "trusted.t", "tt"), 0);
	ck_assert_int_eq(
		getxattr(hp("f"), "security.capability", buf, sizeof(buf)), -1);
	ck_assert_int_eq(getxattr(hp("f"), "user.turtle.n.security.capability",
				  buf, sizeof(buf)),
			 3);
	ck_assert_int_eq(getxattr_((uint64_t)n, "trusted.t", buf, sizeof(buf)),
			 2);
	list = listxattr_((uint64_t)n);
	ck_assert_uint_eq(strlen(list),
			  strlen("security.capability trusted.t "));
	ck_assert_ptr_nonnull(strstr(list, "security.capability "));
	ck_assert_ptr_nonnull(strstr(list, "trusted.t "));
	ck_assert_int_eq(setxattr_((uint64_t)n, "system.posix_acl_access", "x"),
			 -EOPNOTSUPP);
	cur_uid = 1000;
	ck_assert_int_eq(setxattr_((uint64_t)n, "trusted.u", "u"), -EPERM);
}
END_TEST

/* ACCESS: the server checks the guest's attributes (not the host's). */
START_TEST(test_fuse_mapped_access_uses_guest_attributes)
{
	struct fuse_access_in in = { .mask = R_OK };
	int64_t n = mknod_(1, "f", S_IFREG | 0640, 0);

	ck_assert_int_eq(
		setattr_((uint64_t)n, FATTR_UID | FATTR_GID, 0, 1000, 1000), 0);
	cur_uid = 1000;
	cur_gid = 5;
	ck_assert_int_eq(
		req(FUSE_ACCESS, (uint64_t)n, &in, sizeof(in), NULL, NULL), 0);
	cur_uid = 1001;
	cur_gid = 1000;
	ck_assert_int_eq(
		req(FUSE_ACCESS, (uint64_t)n, &in, sizeof(in), NULL, NULL), 0);
	in.mask = W_OK;
	ck_assert_int_eq(
		req(FUSE_ACCESS, (uint64_t)n, &in, sizeof(in), NULL, NULL),
		-EACCES);
	cur_gid = 1001;
	in.mask = R_OK;
	ck_assert_int_eq(
		req(FUSE_ACCESS, (uint64_t)n, &in, sizeof(in), NULL, NULL),
		-EACCES);
}
END_TEST

/* No whiteout: it would be a real 0:0 device node on the host. */
START_TEST(test_fuse_mapped_no_whiteout)
{
	struct {
		struct fuse_rename2_in in;
		char names[8];
	} a = { .in = { .newdir = 1, .flags = RENAME_WHITEOUT } };
	uint64_t fh;

	ck_assert_int_gt(create_(1, "a", O_RDWR, &fh), 1);
	memcpy(a.names, "a\0b\0", 4);
	ck_assert_int_eq(req(FUSE_RENAME2, 1, &a, sizeof(a.in) + 4, NULL, NULL),
			 -EINVAL);
}
END_TEST

/*
 * Row 6: a host FIFO with a writer blocked in open(O_WRONLY). CREATE of
 * its name without O_EXCL must fail without opening it: the writer stays
 * blocked (an open for reading, even O_NONBLOCK, would release it).
 */
static int in_open(pid_t pid)
{
	char path[64], buf[64];
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = (int)read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	return atoi(buf) == SYS_openat && strncmp(buf, "running", 7);
}

START_TEST(test_fuse_create_over_blocked_fifo)
{
	uint64_t fh;
	pid_t w;
	int i, st;

	ck_assert_int_eq(mkfifo(hp("fifo"), 0666), 0);
	w = fork();
	ck_assert_int_ge(w, 0);
	if (!w) {
		int fd = open(hp("fifo"), O_WRONLY);

		_exit(fd < 0 ? 1 : 0);
	}
	/* Wait until the writer sleeps in its open. */
	for (i = 0; i < unit__wait_ms(10000) && !in_open(w); i++)
		usleep(1000);
	ck_assert_msg(in_open(w), "the writer never blocked in open");
	ck_assert_int_eq(create_(1, "fifo", O_RDWR, &fh), -EACCES);
	ck_assert_int_eq(create_(1, "fifo", O_RDONLY | O_TRUNC, &fh), -EACCES);
	ck_assert_int_eq(waitpid(w, &st, WNOHANG), 0);
	ck_assert_msg(in_open(w), "the writer woke up");
	kill(w, SIGKILL);
	waitpid(w, &st, 0);
}
END_TEST

/* Row 6, the common case: CREATE of an existing regular file opens it. */
START_TEST(test_fuse_create_existing_file_opens_it)
{
	uint64_t fh;
	int64_t n;

	host_write("f", "abc");
	n = create_(1, "f", O_RDWR, &fh);
	ck_assert_int_eq(n, lookup(1, "f"));
	ck_assert_int_eq(read_(fh, 0, 16), 3);
	ck_assert_int_eq(release(fh, FUSE_RELEASE), 0);
	ck_assert_int_eq(create_(1, "f", O_RDWR | O_EXCL, &fh), -EEXIST);
}
END_TEST

Suite *fuse_mapped_suite(void)
{
	Suite *s = suite_create("fuse_mapped");
	TCase *tc = tcase_create("mapped");
	TCase *pt = tcase_create("passthrough");
	TCase *def = tcase_create("default");

	tcase_add_checked_fixture(tc, fsrv__setup_mapped, fsrv__teardown);
	tcase_add_test(tc, test_fuse_mapped_is_mapped);
	tcase_add_test(tc, test_fuse_mapped_special_files_round_trip);
	tcase_add_test(tc, test_fuse_mapped_chmod_chown_stay_in_the_xattr);
	tcase_add_test(tc, test_fuse_mapped_setgid_dir_inherits);
	tcase_add_test(tc, test_fuse_mapped_plain_host_files_show_as_they_are);
	tcase_add_test(tc,
		       test_fuse_mapped_reserved_xattr_hidden_and_unforgeable);
	tcase_add_test(tc, test_fuse_mapped_privileged_xattrs_stored_as_user);
	tcase_add_test(tc, test_fuse_mapped_access_uses_guest_attributes);
	tcase_add_test(tc, test_fuse_mapped_no_whiteout);
	tcase_add_test(tc, test_fuse_create_over_blocked_fifo);
	tcase_add_test(tc, test_fuse_create_existing_file_opens_it);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(pt, fsrv__setup_passthrough, fsrv__teardown);
	tcase_add_test(pt, test_fuse_create_over_blocked_fifo);
	tcase_add_test(pt, test_fuse_passthrough_escapes_reserved_xattrs);
	tcase_add_test(pt, test_fuse_create_existing_file_opens_it);
	suite_add_tcase(s, pt);

	tcase_add_checked_fixture(def, fsrv__setup, fsrv__teardown);
	tcase_add_test(def, test_fuse_mapped_default_model);
	suite_add_tcase(s, def);
	return s;
}
