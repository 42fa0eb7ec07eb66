// SPDX-License-Identifier: GPL-2.0
/*
 * fuse_server__handle, opcode by opcode: INIT, names and attributes,
 * directories, extended attributes and the other file operations, on a
 * share in a temporary directory (fuse-server-fixture.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include "../../lib/log.h"
#include "fuse-server-fixture.h"
#include "suites.h"

/* INIT */

START_TEST(test_fuse_init_negotiates)
{
	struct fuse_init_out *o;

	do_init(31, FUSE_ASYNC_READ | FUSE_MAX_PAGES | FUSE_POSIX_LOCKS |
			    (1u << 29) /* not ours */);
	o = body();
	ck_assert_uint_eq(rlen, sizeof(struct fuse_out_header) + sizeof(*o));
	ck_assert_uint_eq(o->major, 7);
	ck_assert_uint_eq(o->minor, 31);
	ck_assert_uint_eq(o->flags,
			  FUSE_ASYNC_READ | FUSE_MAX_PAGES | FUSE_POSIX_LOCKS);
	ck_assert_uint_eq(o->max_write, FUSE_SERVER_MAX_WRITE);
	ck_assert_uint_eq(o->max_pages, 256);
	ck_assert_uint_eq(o->max_readahead, 65536);
}
END_TEST

START_TEST(test_fuse_init_without_max_pages)
{
	do_init(FUSE_KERNEL_MINOR_VERSION, FUSE_ASYNC_READ);
	ck_assert_uint_eq(((struct fuse_init_out *)body())->max_write,
			  128 * 1024);
	ck_assert_uint_eq(((struct fuse_init_out *)body())->minor,
			  FUSE_KERNEL_MINOR_VERSION);
}
END_TEST

START_TEST(test_fuse_init_too_old_refused)
{
	struct fuse_init_in in = { .major = 7, .minor = 8 };

	ck_assert_int_eq(req(FUSE_INIT, 0, &in, sizeof(in), NULL, NULL),
			 -EPROTO);
}
END_TEST

START_TEST(test_fuse_request_before_init_refused)
{
	struct fuse_getattr_in in = { 0 };

	/* A last connection going resets the share, INIT included. */
	fuse_server__attach(srv);
	fuse_server__detach(srv);
	ck_assert_int_eq(req(FUSE_GETATTR, 1, &in, sizeof(in), NULL, NULL),
			 -EIO);
}
END_TEST

/* Names and attributes */

START_TEST(test_fuse_lookup_and_getattr)
{
	struct fuse_attr a;
	int64_t id;

	host_write("f", "hello");
	id = lookup(1, "f");
	ck_assert_int_gt(id, 1);
	ck_assert_int_eq(getattr((uint64_t)id, &a), 0);
	ck_assert_uint_eq(a.size, 5);
	ck_assert(S_ISREG(a.mode));
	ck_assert_int_eq(lookup(1, "missing"), -ENOENT);
	ck_assert_int_eq(getattr(1, &a), 0);
	ck_assert(S_ISDIR(a.mode));
}
END_TEST

START_TEST(test_fuse_same_inode_same_nodeid)
{
	char a[160], b[160];
	int64_t id;

	host_write("f", "x");
	snprintf(a, sizeof(a), "%s/f", share);
	snprintf(b, sizeof(b), "%s/hardlink", share);
	ck_assert_int_eq(link(a, b), 0);
	id = lookup(1, "f");
	ck_assert_int_eq(lookup(1, "f"), id);
	ck_assert_int_eq(lookup(1, "hardlink"), id);
}
END_TEST

START_TEST(test_fuse_forget_drops_nodeid)
{
	struct fuse_forget_in f = { .nlookup = 1 };
	struct {
		struct fuse_batch_forget_in in;
		struct fuse_forget_one one;
	} bf = { { .count = 1 }, { 0, 1 } };
	struct fuse_attr a;
	int64_t id;

	host_write("f", "x");
	id = lookup(1, "f");
	ck_assert_int_eq(lookup(1, "f"), id); /* nlookup 2 */
	ck_assert_int_eq(
		req(FUSE_FORGET, (uint64_t)id, &f, sizeof(f), NULL, NULL),
		1); /* no reply */
	ck_assert_int_eq(getattr((uint64_t)id, &a), 0);
	bf.one.nodeid = (uint64_t)id;
	ck_assert_int_eq(req(FUSE_BATCH_FORGET, 0, &bf, sizeof(bf), NULL, NULL),
			 1);
	ck_assert_int_eq(getattr((uint64_t)id, &a), -ENOENT);
	/* A fresh lookup: a new nodeid, never the old one. */
	ck_assert_int_gt(lookup(1, "f"), id);
}
END_TEST

START_TEST(test_fuse_last_connection_drops_nodeids)
{
	struct fuse_attr a;
	int64_t id;

	host_write("f", "x");
	fuse_server__attach(srv);
	id = lookup(1, "f");
	fuse_server__detach(srv);
	do_init(FUSE_KERNEL_MINOR_VERSION, 0);
	ck_assert_int_eq(getattr((uint64_t)id, &a), -ENOENT);
	ck_assert_int_eq(getattr(1, &a), 0);
}
END_TEST

START_TEST(test_fuse_mkdir_create_write_read)
{
	uint64_t fh;
	int64_t d, f;
	struct stat st;

	d = mkdir_(1, "dir", 0750);
	ck_assert_int_gt(d, 1);
	ck_assert_int_eq(host_stat("dir", &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	/* DONT_MASK: the host applies the guest's umask 022 */
	ck_assert_uint_eq(st.st_mode & 0777, 0750);
	f = create_((uint64_t)d, "file", O_RDWR, &fh);
	ck_assert_int_gt(f, 1);
	ck_assert_int_eq(write_(fh, 0, "hello world", 11), 11);
	ck_assert_int_eq(read_(fh, 6, 100), 5);
	ck_assert_int_eq(memcmp(body(), "world", 5), 0);
	ck_assert_int_eq(host_stat("dir/file", &st), 0);
	ck_assert_int_eq(st.st_size, 11);
	ck_assert_uint_eq(st.st_mode & 0777, 0644);
	ck_assert_int_eq(release(fh, FUSE_RELEASE), 0);
	ck_assert_int_eq(read_(fh, 0, 10), -EBADF);
	ck_assert_int_eq(create_(1, "dir", O_RDWR | O_EXCL, &fh), -EEXIST);
}
END_TEST

START_TEST(test_fuse_open_existing_and_big_read)
{
	static char data[FUSE_SERVER_MAX_WRITE * 2];
	uint64_t fh;
	int64_t id;
	char p[160];
	int fd;

	memset(data, 'z', sizeof(data));
	snprintf(p, sizeof(p), "%s/big", share);
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	ck_assert_int_eq(write(fd, data, sizeof(data)), (ssize_t)sizeof(data));
	close(fd);
	id = lookup(1, "big");
	fh = (uint64_t)open_((uint64_t)id, O_RDONLY, FUSE_OPEN);
	ck_assert_int_gt((int64_t)fh, 0);
	/* 2 MiB: bigger than the buffer, which grows */
	ck_assert_int_eq(read_(fh, 0, sizeof(data)), (int)sizeof(data));
	ck_assert_int_eq(((char *)body())[sizeof(data) - 1], 'z');
	ck_assert_int_eq(read_(fh, 0, FUSE_SERVER_MAX_REPLY), -EINVAL);
	ck_assert_int_eq(open_(1, O_RDONLY, FUSE_OPEN), -EISDIR);
}
END_TEST

START_TEST(test_fuse_setattr)
{
	struct fuse_setattr_in in = { 0 };
	struct fuse_attr_out *ao;
	struct stat st;
	uint64_t fh;
	int64_t id;

	id = create_(1, "f", O_RDWR, &fh);
	in.valid = FATTR_MODE | FATTR_SIZE | FATTR_ATIME | FATTR_MTIME;
	in.mode = 0600;
	in.size = 1000;
	in.atime = 1000000;
	in.mtime = 2000000;
	ck_assert_int_eq(
		req(FUSE_SETATTR, (uint64_t)id, &in, sizeof(in), NULL, NULL),
		0);
	ao = body();
	ck_assert_uint_eq(ao->attr.size, 1000);
	ck_assert_uint_eq(ao->attr.mode & 0777, 0600);
	ck_assert_int_eq(host_stat("f", &st), 0);
	ck_assert_int_eq(st.st_size, 1000);
	ck_assert_int_eq(st.st_atime, 1000000);
	ck_assert_int_eq(st.st_mtime, 2000000);
	/* through the handle, mtime now */
	in.valid = FATTR_FH | FATTR_SIZE | FATTR_MTIME | FATTR_MTIME_NOW;
	in.fh = fh;
	in.size = 10;
	ck_assert_int_eq(
		req(FUSE_SETATTR, (uint64_t)id, &in, sizeof(in), NULL, NULL),
		0);
	ck_assert_int_eq(host_stat("f", &st), 0);
	ck_assert_int_eq(st.st_size, 10);
	ck_assert_int_gt(st.st_mtime, time(NULL) - 100);
	/* owner: root may */
	in.valid = FATTR_UID | FATTR_GID;
	in.uid = 1234;
	in.gid = 5678;
	ck_assert_int_eq(
		req(FUSE_SETATTR, (uint64_t)id, &in, sizeof(in), NULL, NULL),
		geteuid() == 0 ? 0 : -EPERM);
	in.valid = FATTR_FH | FATTR_SIZE;
	in.fh = 999999;
	ck_assert_int_eq(
		req(FUSE_SETATTR, (uint64_t)id, &in, sizeof(in), NULL, NULL),
		-EBADF);
}
END_TEST

START_TEST(test_fuse_symlink_readlink_mknod)
{
	struct fuse_mknod_in mk = { .mode = S_IFIFO | 0644 };
	struct stat st;
	int64_t id;

	id = req(FUSE_SYMLINK, 1, NULL, 0, "ln", "/etc/passwd")
		     ? -1
		     : (int64_t)((struct fuse_entry_out *)body())->nodeid;
	ck_assert_int_gt(id, 1);
	ck_assert_int_eq(req(FUSE_READLINK, (uint64_t)id, NULL, 0, NULL, NULL),
			 0);
	ck_assert_uint_eq(rlen - sizeof(struct fuse_out_header), 11);
	ck_assert_int_eq(memcmp(body(), "/etc/passwd", 11), 0);
	ck_assert_int_eq(req(FUSE_MKNOD, 1, &mk, sizeof(mk), "fifo", NULL), 0);
	ck_assert_int_eq(host_stat("fifo", &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	/* a real device node would open the host's device */
	mk.mode = S_IFBLK | 0666;
	mk.rdev = makedev(8, 0);
	ck_assert_int_eq(req(FUSE_MKNOD, 1, &mk, sizeof(mk), "sda", NULL),
			 -EPERM);
	ck_assert_int_ne(host_stat("sda", &st), 0);
}
END_TEST

START_TEST(test_fuse_unlink_rmdir)
{
	struct stat st;
	uint64_t fh;

	create_(1, "f", O_RDWR, &fh);
	mkdir_(1, "d", 0755);
	ck_assert_int_eq(req(FUSE_UNLINK, 1, NULL, 0, "f", NULL), 0);
	ck_assert_int_ne(host_stat("f", &st), 0);
	ck_assert_int_eq(req(FUSE_UNLINK, 1, NULL, 0, "d", NULL), -EISDIR);
	ck_assert_int_eq(req(FUSE_RMDIR, 1, NULL, 0, "d", NULL), 0);
	ck_assert_int_ne(host_stat("d", &st), 0);
	ck_assert_int_eq(req(FUSE_RMDIR, 1, NULL, 0, "d", NULL), -ENOENT);
}
END_TEST

START_TEST(test_fuse_rename_and_rename2)
{
	struct fuse_rename_in rn = { .newdir = 0 };
	struct fuse_rename2_in r2 = { 0 };
	char buf[8] = "";
	char p[160];
	int64_t d;
	int fd;

	host_write("a", "A");
	host_write("b", "B");
	d = mkdir_(1, "d", 0755);
	rn.newdir = (uint64_t)d;
	ck_assert_int_eq(req(FUSE_RENAME, 1, &rn, sizeof(rn), "a", "a2"), 0);
	snprintf(p, sizeof(p), "%s/d/a2", share);
	ck_assert_int_eq(access(p, F_OK), 0);
	r2.newdir = 1;
	r2.flags = RENAME_NOREPLACE;
	ck_assert_int_eq(
		req(FUSE_RENAME2, (uint64_t)d, &r2, sizeof(r2), "a2", "b"),
		-EEXIST);
	r2.flags = RENAME_EXCHANGE;
	ck_assert_int_eq(
		req(FUSE_RENAME2, (uint64_t)d, &r2, sizeof(r2), "a2", "b"), 0);
	snprintf(p, sizeof(p), "%s/b", share);
	fd = open(p, O_RDONLY);
	ck_assert_int_eq(read(fd, buf, sizeof(buf)), 1);
	close(fd);
	ck_assert_str_eq(buf, "A");
	r2.flags = 1u << 7;
	ck_assert_int_eq(
		req(FUSE_RENAME2, (uint64_t)d, &r2, sizeof(r2), "a2", "c"),
		-EINVAL);
}
END_TEST

START_TEST(test_fuse_link)
{
	struct fuse_link_in in;
	struct stat st;
	uint64_t fh;
	int64_t f, d;

	f = create_(1, "f", O_RDWR, &fh);
	d = mkdir_(1, "d", 0755);
	in.oldnodeid = (uint64_t)f;
	ck_assert_int_eq(
		req(FUSE_LINK, (uint64_t)d, &in, sizeof(in), "f2", NULL), 0);
	ck_assert_uint_eq(((struct fuse_entry_out *)body())->nodeid,
			  (uint64_t)f);
	ck_assert_int_eq(host_stat("f", &st), 0);
	ck_assert_uint_eq(st.st_nlink, 2);
	in.oldnodeid = (uint64_t)d;
	ck_assert_int_eq(req(FUSE_LINK, 1, &in, sizeof(in), "d2", NULL),
			 -EPERM);
	in.oldnodeid = 999999;
	ck_assert_int_eq(req(FUSE_LINK, 1, &in, sizeof(in), "x", NULL),
			 -ENOENT);
}
END_TEST

START_TEST(test_fuse_statfs_access)
{
	struct fuse_access_in ai = { .mask = R_OK | W_OK };

	ck_assert_int_eq(req(FUSE_STATFS, 1, NULL, 0, NULL, NULL), 0);
	ck_assert_uint_gt(((struct fuse_statfs_out *)body())->st.bsize, 0);
	ck_assert_uint_gt(((struct fuse_statfs_out *)body())->st.blocks, 0);
	ck_assert_int_eq(req(FUSE_ACCESS, 1, &ai, sizeof(ai), NULL, NULL), 0);
	ai.mask = 0x100;
	ck_assert_int_eq(req(FUSE_ACCESS, 1, &ai, sizeof(ai), NULL, NULL),
			 -EINVAL);
	ck_assert_int_eq(req(FUSE_SYNCFS, 1, &(struct fuse_syncfs_in){ 0 },
			     sizeof(struct fuse_syncfs_in), NULL, NULL),
			 0);
}
END_TEST

/* Directories */

/* Read a whole directory in size-byte READDIR(PLUS)s; names joined. */
static void read_dir(uint64_t fh, uint32_t op, uint32_t size, char *names,
		     size_t cap, int *rounds)
{
	struct fuse_read_in in = { .fh = fh, .size = size };
	size_t off;

	names[0] = '\0';
	*rounds = 0;
	for (;;) {
		ck_assert_int_eq(req(op, 1, &in, sizeof(in), NULL, NULL), 0);
		if (rlen == sizeof(struct fuse_out_header))
			return;
		(*rounds)++;
		for (off = 0; off < rlen - sizeof(struct fuse_out_header);) {
			char *p = (char *)body() + off;
			struct fuse_dirent *de;

			if (op == FUSE_READDIRPLUS) {
				struct fuse_direntplus *dp = (void *)p;

				de = &dp->dirent;
				off += FUSE_DIRENTPLUS_SIZE(dp);
				/* . and .. carry no entry; others do */
				ck_assert_int_eq(de->name[0] == '.',
						 dp->entry_out.nodeid == 0);
			} else {
				de = (void *)p;
				off += FUSE_DIRENT_SIZE(de);
			}
			strncat(names, de->name, de->namelen);
			strncat(names, " ", cap - strlen(names) - 1);
			in.offset = de->off;
		}
	}
}

START_TEST(test_fuse_readdir_all_entries_once)
{
	char names[1024];
	int rounds, i, count = 0;
	char *p;
	int64_t fh;

	for (i = 0; i < 20; i++) {
		char n[16];

		snprintf(n, sizeof(n), "file%02d", i);
		host_write(n, "x");
	}
	fh = open_(1, O_RDONLY, FUSE_OPENDIR);
	ck_assert_int_gt(fh, 0);
	/* 100 bytes: a few entries per request, resumed by offset */
	read_dir((uint64_t)fh, FUSE_READDIR, 100, names, sizeof(names),
		 &rounds);
	ck_assert_int_gt(rounds, 5);
	for (i = 0; i < 20; i++) {
		char n[16];

		snprintf(n, sizeof(n), "file%02d ", i);
		p = strstr(names, n);
		ck_assert_ptr_nonnull(p);
		ck_assert_ptr_null(strstr(p + 1, n));
	}
	for (p = names; (p = strchr(p, ' ')); p++)
		count++;
	ck_assert_int_eq(count, 22); /* and . and .. */
	ck_assert_int_eq(release((uint64_t)fh, FUSE_RELEASEDIR), 0);
	ck_assert_int_eq(release((uint64_t)fh, FUSE_RELEASEDIR), -EBADF);
}
END_TEST

START_TEST(test_fuse_readdirplus_looks_up)
{
	struct fuse_fsync_in fs = { 0 };
	char names[256];
	int rounds;
	int64_t fh, id;

	host_write("one", "1");
	fh = open_(1, O_RDONLY, FUSE_OPENDIR);
	read_dir((uint64_t)fh, FUSE_READDIRPLUS, 4096, names, sizeof(names),
		 &rounds);
	ck_assert_ptr_nonnull(strstr(names, "one "));
	/* the entry's nodeid is the one LOOKUP gives */
	id = lookup(1, "one");
	ck_assert_int_gt(id, 1);
	fs.fh = (uint64_t)fh;
	ck_assert_int_eq(req(FUSE_FSYNCDIR, 1, &fs, sizeof(fs), NULL, NULL), 0);
	/* a file handle is not a directory handle, nor the reverse */
	ck_assert_int_eq(release((uint64_t)fh, FUSE_RELEASE), -EBADF);
	ck_assert_int_eq(read_((uint64_t)fh, 0, 10), -EBADF);
}
END_TEST

START_TEST(test_fuse_opendir_of_file_refused)
{
	host_write("f", "x");
	ck_assert_int_eq(
		open_((uint64_t)lookup(1, "f"), O_RDONLY, FUSE_OPENDIR),
		-ENOTDIR);
}
END_TEST

/* Extended attributes */

START_TEST(test_fuse_xattrs)
{
	struct {
		struct fuse_setxattr_in in;
	} sx = { { .size = 3 } };
	struct fuse_getxattr_in gx = { .size = 0 };
	size_t n;
	uint64_t fh;
	int64_t id;

	id = create_(1, "f", O_RDWR, &fh);
	n = fmsg__build(msg, FUSE_SETXATTR, ++unique_ctr, (uint64_t)id, 0, 0,
			&sx, FUSE_COMPAT_SETXATTR_IN_SIZE, "user.k", NULL);
	memcpy(msg + n, "val", 3);
	((struct fuse_in_header *)msg)->len = (uint32_t)(n + 3);
	if (send_raw(n + 3) == -EOPNOTSUPP)
		return; /* no user xattrs on this filesystem */
	ck_assert_int_eq(oh()->error, 0);
	ck_assert_int_eq(req(FUSE_GETXATTR, (uint64_t)id, &gx, sizeof(gx),
			     "user.k", NULL),
			 0);
	ck_assert_uint_eq(((struct fuse_getxattr_out *)body())->size, 3);
	gx.size = 64;
	ck_assert_int_eq(req(FUSE_GETXATTR, (uint64_t)id, &gx, sizeof(gx),
			     "user.k", NULL),
			 0);
	ck_assert_uint_eq(rlen - sizeof(struct fuse_out_header), 3);
	ck_assert_int_eq(memcmp(body(), "val", 3), 0);
	gx.size = 1;
	ck_assert_int_eq(req(FUSE_GETXATTR, (uint64_t)id, &gx, sizeof(gx),
			     "user.k", NULL),
			 -ERANGE);
	gx.size = 256;
	ck_assert_int_eq(
		req(FUSE_LISTXATTR, (uint64_t)id, &gx, sizeof(gx), NULL, NULL),
		0);
	ck_assert_ptr_nonnull(memmem(body(), rlen - 16, "user.k", 7));
	ck_assert_int_eq(
		req(FUSE_REMOVEXATTR, (uint64_t)id, NULL, 0, "user.k", NULL),
		0);
	gx.size = 0;
	ck_assert_int_eq(req(FUSE_GETXATTR, (uint64_t)id, &gx, sizeof(gx),
			     "user.k", NULL),
			 -ENODATA);
}
END_TEST

START_TEST(test_fuse_trusted_xattr_needs_guest_root)
{
	struct fuse_setxattr_in in = { .size = 0 };
	uint64_t fh;
	int64_t id;

	id = create_(1, "f", O_RDWR, &fh);
	cur_uid = 1000;
	ck_assert_int_eq(req(FUSE_SETXATTR, (uint64_t)id, &in,
			     FUSE_COMPAT_SETXATTR_IN_SIZE,
			     "security.capability", NULL),
			 -EPERM);
	ck_assert_int_eq(
		req(FUSE_REMOVEXATTR, (uint64_t)id, NULL, 0, "trusted.x", NULL),
		-EPERM);
}
END_TEST

/* File I/O extras */

START_TEST(test_fuse_fallocate_lseek_copy)
{
	struct fuse_fallocate_in fa = { .offset = 0, .length = 8192 };
	struct fuse_lseek_in ls = { .offset = 0, .whence = SEEK_DATA };
	struct fuse_copy_file_range_in cp = { 0 };
	struct fuse_fsync_in fs = { 0 };
	struct fuse_flush_in fl = { 0 };
	uint64_t a, b;
	struct stat st;

	create_(1, "a", O_RDWR, &a);
	create_(1, "b", O_RDWR, &b);
	fa.fh = a;
	ck_assert_int_eq(req(FUSE_FALLOCATE, 2, &fa, sizeof(fa), NULL, NULL),
			 0);
	ck_assert_int_eq(host_stat("a", &st), 0);
	ck_assert_int_eq(st.st_size, 8192);
	ck_assert_int_eq(write_(a, 100, "data", 4), 4);
	ls.fh = a;
	ck_assert_int_eq(req(FUSE_LSEEK, 2, &ls, sizeof(ls), NULL, NULL), 0);
	ck_assert_uint_le(((struct fuse_lseek_out *)body())->offset, 100);
	ls.whence = SEEK_SET;
	ck_assert_int_eq(req(FUSE_LSEEK, 2, &ls, sizeof(ls), NULL, NULL),
			 -EINVAL);
	cp.fh_in = a;
	cp.off_in = 100;
	cp.fh_out = b;
	cp.off_out = 0;
	cp.len = 4;
	ck_assert_int_eq(
		req(FUSE_COPY_FILE_RANGE, 2, &cp, sizeof(cp), NULL, NULL), 0);
	ck_assert_uint_eq(((struct fuse_write_out *)body())->size, 4);
	ck_assert_int_eq(read_(b, 0, 10), 4);
	ck_assert_int_eq(memcmp(body(), "data", 4), 0);
	fs.fh = b;
	fs.fsync_flags = FUSE_FSYNC_FDATASYNC;
	ck_assert_int_eq(req(FUSE_FSYNC, 2, &fs, sizeof(fs), NULL, NULL), 0);
	fl.fh = b;
	ck_assert_int_eq(req(FUSE_FLUSH, 2, &fl, sizeof(fl), NULL, NULL), 0);
}
END_TEST

START_TEST(test_fuse_create_bad_dir_rejected)
{
	struct fuse_share_opts o = { .dir = "/nonexistent-turtle", .tag = "x" };
	char err[ERRBUF_LEN] = "";
	char p[160];

	ck_assert_ptr_null(fuse_server__create(&o, err));
	ck_assert_err_has(err, "/nonexistent-turtle");
	snprintf(p, sizeof(p), "%s/secret", outside);
	o.dir = p;
	ck_assert_ptr_null(fuse_server__create(&o, err));
	ck_assert_err_has(err, "not a directory");
}
END_TEST

Suite *fuse_server_suite(void)
{
	Suite *s = suite_create("fuse_server");
	TCase *tc;

	tc = tcase_create("ops");
	tcase_add_checked_fixture(tc, fsrv__setup, fsrv__teardown);
	tcase_add_test(tc, test_fuse_init_negotiates);
	tcase_add_test(tc, test_fuse_init_without_max_pages);
	tcase_add_test(tc, test_fuse_init_too_old_refused);
	tcase_add_test(tc, test_fuse_request_before_init_refused);
	tcase_add_test(tc, test_fuse_lookup_and_getattr);
	tcase_add_test(tc, test_fuse_same_inode_same_nodeid);
	tcase_add_test(tc, test_fuse_forget_drops_nodeid);
	tcase_add_test(tc, test_fuse_last_connection_drops_nodeids);
	tcase_add_test(tc, test_fuse_mkdir_create_write_read);
	tcase_add_test(tc, test_fuse_open_existing_and_big_read);
	tcase_add_test(tc, test_fuse_setattr);
	tcase_add_test(tc, test_fuse_symlink_readlink_mknod);
	tcase_add_test(tc, test_fuse_unlink_rmdir);
	tcase_add_test(tc, test_fuse_rename_and_rename2);
	tcase_add_test(tc, test_fuse_link);
	tcase_add_test(tc, test_fuse_statfs_access);
	tcase_add_test(tc, test_fuse_readdir_all_entries_once);
	tcase_add_test(tc, test_fuse_readdirplus_looks_up);
	tcase_add_test(tc, test_fuse_opendir_of_file_refused);
	tcase_add_test(tc, test_fuse_xattrs);
	tcase_add_test(tc, test_fuse_trusted_xattr_needs_guest_root);
	tcase_add_test(tc, test_fuse_fallocate_lseek_copy);
	tcase_add_test(tc, test_fuse_create_bad_dir_rejected);
	suite_add_tcase(s, tc);
	return s;
}
