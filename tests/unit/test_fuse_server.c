// SPDX-License-Identifier: GPL-2.0
/*
 * fuse_server__handle: real FUSE messages against a temporary directory
 * tree:  TMP/share (the shared directory) and TMP/outside/secret, which
 * nothing the guest sends may reach.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "../../fuse-vsock/server.h"
#include "../../vmm/log.h"
#include "fuse-msg.h"
#include "suites.h"

static char tmp[64], share[96], outside[96];
static struct fuse_server *srv;
static struct fuse_buf out;
static uint64_t unique_ctr;
static uint32_t cur_uid, cur_gid;
static enum fuse_cache cur_cache; /* the next setup's share's */
static uint32_t init_flags;	  /* what INIT granted */
static size_t rlen;		  /* the last reply's length */
static char msg[FUSE_SERVER_MAX_MSG];

static const struct fuse_out_header *oh(void)
{
	return out.p;
}

static void *body(void)
{
	return (char *)out.p + sizeof(struct fuse_out_header);
}

/* Send a message as built; the reply's error (0 or -errno). */
static int send_raw(size_t len)
{
	rlen = fuse_server__handle(srv, msg, len, &out, NULL);
	if (!rlen)
		return 1; /* no reply */
	ck_assert_uint_eq(oh()->len, rlen);
	return oh()->error;
}

static int req(uint32_t op, uint64_t nodeid, const void *arg, size_t alen,
	       const char *n1, const char *n2)
{
	uint64_t u = ++unique_ctr;
	int err;

	err = send_raw(fmsg__build(msg, op, u, nodeid, cur_uid, cur_gid, arg,
				   alen, n1, n2));
	if (rlen)
		ck_assert_uint_eq(oh()->unique, u);
	return err;
}

static void do_init(uint32_t minor, uint32_t flags)
{
	struct fuse_init_in in = { .major = 7,
				   .minor = minor,
				   .max_readahead = 65536,
				   .flags = flags };

	ck_assert_int_eq(req(FUSE_INIT, 0, &in, sizeof(in), NULL, NULL), 0);
	init_flags = ((struct fuse_init_out *)body())->flags;
}

static void host_write(const char *rel, const char *data)
{
	char p[256];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", share, rel);
	fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, strlen(data)), (ssize_t)strlen(data));
	close(fd);
}

static int host_stat(const char *rel, struct stat *st)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", share, rel);
	return lstat(p, st);
}

static void setup_ro(int ro)
{
	struct fuse_share_opts o = { .tag = "share",
				     .read_only = ro,
				     .cache = cur_cache };
	char err[ERRBUF_LEN] = "";
	char p[160];
	int fd;

	snprintf(tmp, sizeof(tmp), "/tmp/turtle-fuse-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	snprintf(share, sizeof(share), "%s/share", tmp);
	snprintf(outside, sizeof(outside), "%s/outside", tmp);
	ck_assert_int_eq(mkdir(share, 0777), 0);
	ck_assert_int_eq(chmod(share, 0777), 0);
	ck_assert_int_eq(mkdir(outside, 0755), 0);
	snprintf(p, sizeof(p), "%s/secret", outside);
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	ck_assert_int_eq(write(fd, "secret", 6), 6);
	close(fd);
	o.dir = share;
	ck_assert_int_eq(fuse_server__thread_init(), 0);
	srv = fuse_server__create(&o, err);
	ck_assert_msg(srv != NULL, "%s", err);
	out.cap = FUSE_SERVER_BUF_SIZE;
	out.p = malloc(out.cap);
	cur_uid = 0;
	cur_gid = 0;
	do_init(FUSE_KERNEL_MINOR_VERSION,
		FUSE_ASYNC_READ | FUSE_POSIX_LOCKS | FUSE_FLOCK_LOCKS |
			FUSE_DO_READDIRPLUS | FUSE_MAX_PAGES | FUSE_DONT_MASK |
			FUSE_WRITEBACK_CACHE | FUSE_BIG_WRITES);
}

static void setup(void)
{
	setup_ro(0);
}

static void setup_readonly(void)
{
	setup_ro(1);
}

static void setup_cache_always(void)
{
	cur_cache = FUSE_CACHE_ALWAYS;
	setup_ro(0);
	cur_cache = FUSE_CACHE_AUTO;
}

static void setup_cache_never(void)
{
	cur_cache = FUSE_CACHE_NEVER;
	setup_ro(0);
	cur_cache = FUSE_CACHE_AUTO;
}

static void teardown(void)
{
	fuse_server__destroy(srv);
	srv = NULL;
	free(out.p);
	out.p = NULL;
	fmsg__rm_tree(tmp);
}

/* Operations that return an entry: its nodeid, or the negative error. */
static int64_t lookup(uint64_t parent, const char *name)
{
	int err = req(FUSE_LOOKUP, parent, NULL, 0, name, NULL);

	return err ? err : (int64_t)((struct fuse_entry_out *)body())->nodeid;
}

static int64_t mkdir_(uint64_t parent, const char *name, uint32_t mode)
{
	struct fuse_mkdir_in in = { .mode = mode, .umask = 022 };
	int err = req(FUSE_MKDIR, parent, &in, sizeof(in), name, NULL);

	return err ? err : (int64_t)((struct fuse_entry_out *)body())->nodeid;
}

static int64_t create_(uint64_t parent, const char *name, uint32_t flags,
		       uint64_t *fh)
{
	struct fuse_create_in in = { .flags = flags | O_CREAT,
				     .mode = S_IFREG | 0644,
				     .umask = 022 };
	struct fuse_entry_out *e;
	int err = req(FUSE_CREATE, parent, &in, sizeof(in), name, NULL);

	if (err)
		return err;
	ck_assert_uint_eq(rlen, sizeof(struct fuse_out_header) + sizeof(*e) +
					sizeof(struct fuse_open_out));
	e = body();
	*fh = ((struct fuse_open_out *)(e + 1))->fh;
	return (int64_t)e->nodeid;
}

static int64_t open_(uint64_t nodeid, uint32_t flags, uint32_t op)
{
	struct fuse_open_in in = { .flags = flags };
	int err = req(op, nodeid, &in, sizeof(in), NULL, NULL);

	return err ? err : (int64_t)((struct fuse_open_out *)body())->fh;
}

static int write_(uint64_t fh, uint64_t off, const char *data, size_t len)
{
	struct fuse_write_in in = { .fh = fh, .offset = off, .size = len };
	size_t n = fmsg__build(msg, FUSE_WRITE, ++unique_ctr, 2, cur_uid,
			       cur_gid, &in, sizeof(in), NULL, NULL);
	int err;

	memcpy(msg + n, data, len);
	((struct fuse_in_header *)msg)->len = (uint32_t)(n + len);
	err = send_raw(n + len);
	return err ? err : (int)((struct fuse_write_out *)body())->size;
}

/* READ: the byte count or the error; the bytes at body(). */
static int read_(uint64_t fh, uint64_t off, uint32_t size)
{
	struct fuse_read_in in = { .fh = fh, .offset = off, .size = size };
	int err = req(FUSE_READ, 2, &in, sizeof(in), NULL, NULL);

	return err ? err : (int)(rlen - sizeof(struct fuse_out_header));
}

static int getattr(uint64_t nodeid, struct fuse_attr *a)
{
	struct fuse_getattr_in in = { 0 };
	int err = req(FUSE_GETATTR, nodeid, &in, sizeof(in), NULL, NULL);

	if (!err)
		*a = ((struct fuse_attr_out *)body())->attr;
	return err;
}

static int release(uint64_t fh, uint32_t op)
{
	struct fuse_release_in in = { .fh = fh };

	return req(op, 2, &in, sizeof(in), NULL, NULL);
}

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

/* Locks */

static int lk(uint32_t op, uint64_t fh, uint64_t owner, uint32_t type,
	      uint64_t start, uint64_t end, uint32_t flags)
{
	struct fuse_lk_in in = {
		.fh = fh,
		.owner = owner,
		.lk = { .start = start, .end = end, .type = type },
		.lk_flags = flags
	};

	return req(op, 2, &in, sizeof(in), NULL, NULL);
}

START_TEST(test_fuse_posix_locks_enforced)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	struct fuse_flush_in fi = { 0 };
	struct fuse_lk_out *o;
	char p[160];
	uint64_t fa, fb;
	int fd;

	create_(1, "f", O_RDWR, &fa);
	fb = (uint64_t)open_((uint64_t)lookup(1, "f"), O_RDWR, FUSE_OPEN);
	ck_assert_int_eq(lk(FUSE_SETLK, fa, 1, F_WRLCK, 0, 99, 0), 0);
	ck_assert_int_eq(lk(FUSE_SETLK, fb, 2, F_RDLCK, 50, 60, 0), -EAGAIN);
	/* the same owner through another handle: no conflict */
	ck_assert_int_eq(lk(FUSE_SETLK, fb, 1, F_WRLCK, 0, 10, 0), 0);
	ck_assert_int_eq(lk(FUSE_SETLK, fb, 2, F_WRLCK, 100, INT64_MAX, 0), 0);
	ck_assert_int_eq(lk(FUSE_GETLK, fb, 2, F_WRLCK, 0, 0, 0), 0);
	o = body();
	ck_assert_uint_eq(o->lk.type, F_WRLCK);
	ck_assert_uint_eq(o->lk.start, 0);
	ck_assert_uint_eq(o->lk.end, 99);
	/* a host process sees the lock too */
	snprintf(p, sizeof(p), "%s/f", share);
	fd = open(p, O_RDWR);
	ck_assert_int_eq(fcntl(fd, F_OFD_GETLK, &fl), 0);
	ck_assert_int_eq(fl.l_type, F_WRLCK);
	/* closing in owner 1's process (FLUSH) drops its locks */
	fi.fh = fa;
	fi.lock_owner = 1;
	ck_assert_int_eq(req(FUSE_FLUSH, 2, &fi, sizeof(fi), NULL, NULL), 0);
	ck_assert_int_eq(lk(FUSE_SETLK, fb, 2, F_WRLCK, 0, 99, 0), 0);
	ck_assert_int_eq(lk(FUSE_SETLK, fb, 2, 77, 0, 99, 0), -EINVAL);
	ck_assert_int_eq(lk(FUSE_SETLK, fb, 2, F_WRLCK, 9, 1, 0), -EINVAL);
	close(fd);
}
END_TEST

START_TEST(test_fuse_flock)
{
	uint64_t fa, fb;

	create_(1, "f", O_RDWR, &fa);
	fb = (uint64_t)open_((uint64_t)lookup(1, "f"), O_RDWR, FUSE_OPEN);
	ck_assert_int_eq(
		lk(FUSE_SETLK, fa, 1, F_WRLCK, 0, INT64_MAX, FUSE_LK_FLOCK), 0);
	ck_assert_int_eq(
		lk(FUSE_SETLK, fb, 1, F_RDLCK, 0, INT64_MAX, FUSE_LK_FLOCK),
		-EAGAIN);
	ck_assert_int_eq(release(fa, FUSE_RELEASE), 0);
	ck_assert_int_eq(
		lk(FUSE_SETLK, fb, 1, F_RDLCK, 0, INT64_MAX, FUSE_LK_FLOCK), 0);
}
END_TEST

struct waiter {
	uint64_t fh;
	struct fuse_req_ctl ctl;
	int err;
	int waited;
	struct fuse_buf out;
};

static void note_wait(void *priv, int begin)
{
	struct waiter *w = priv;

	if (begin)
		w->waited = 1;
}

static void *setlkw_thread(void *arg)
{
	struct waiter *w = arg;
	struct fuse_lk_in in = {
		.fh = w->fh,
		.owner = 2,
		.lk = { .start = 0, .end = INT64_MAX, .type = F_WRLCK }
	};
	char m[256];
	size_t n;

	fuse_server__thread_init();
	n = fmsg__build(m, FUSE_SETLKW, 77, 2, 0, 0, &in, sizeof(in), NULL,
			NULL);
	fuse_server__handle(srv, m, n, &w->out, &w->ctl);
	w->err = ((struct fuse_out_header *)w->out.p)->error;
	return NULL;
}

static void start_waiter(struct waiter *w, pthread_t *t, uint64_t fh)
{
	memset(w, 0, sizeof(*w));
	w->fh = fh;
	w->ctl.waiting = note_wait;
	w->ctl.priv = w;
	w->out.cap = FUSE_SERVER_BUF_MIN;
	w->out.p = malloc(w->out.cap);
	w->err = 1;
	ck_assert_int_eq(pthread_create(t, NULL, setlkw_thread, w), 0);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

START_TEST(test_fuse_setlkw_waits_then_gets_lock)
{
	struct waiter w;
	pthread_t t;
	uint64_t fa, fb;

	create_(1, "f", O_RDWR, &fa);
	fb = (uint64_t)open_((uint64_t)lookup(1, "f"), O_RDWR, FUSE_OPEN);
	ck_assert_int_eq(lk(FUSE_SETLK, fa, 1, F_RDLCK, 0, 0, 0), 0);
	start_waiter(&w, &t, fb);
	sleep_ms(50);
	ck_assert_int_eq(w.err, 1); /* still waiting */
	ck_assert_int_eq(w.waited, 1);
	/* other requests go on meanwhile */
	ck_assert_int_eq(lookup(1, "f") > 0, 1);
	ck_assert_int_eq(lk(FUSE_SETLK, fa, 1, F_UNLCK, 0, 0, 0), 0);
	pthread_join(t, NULL);
	ck_assert_int_eq(w.err, 0);
	ck_assert_int_eq(lk(FUSE_SETLK, fa, 1, F_RDLCK, 0, 0, 0), -EAGAIN);
	free(w.out.p);
}
END_TEST

START_TEST(test_fuse_setlkw_interrupted)
{
	struct waiter w;
	pthread_t t;
	uint64_t fa, fb;

	create_(1, "f", O_RDWR, &fa);
	fb = (uint64_t)open_((uint64_t)lookup(1, "f"), O_RDWR, FUSE_OPEN);
	ck_assert_int_eq(lk(FUSE_SETLK, fa, 1, F_WRLCK, 0, 0, 0), 0);
	start_waiter(&w, &t, fb);
	sleep_ms(20);
	atomic_store(&w.ctl.interrupted, 1);
	pthread_join(t, NULL);
	ck_assert_int_eq(w.err, -EINTR);
	free(w.out.p);
}
END_TEST

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

/* Malformed requests get an error, never a crash. */

START_TEST(test_fuse_short_header)
{
	memset(msg, 0, 64);
	ck_assert_int_eq(send_raw(20), -EINVAL);
	ck_assert_int_eq(send_raw(0), -EINVAL);
}
END_TEST

START_TEST(test_fuse_length_mismatch)
{
	struct fuse_getattr_in in = { 0 };
	size_t n;

	n = fmsg__build(msg, FUSE_GETATTR, 5, 1, 0, 0, &in, sizeof(in), NULL,
			NULL);
	((struct fuse_in_header *)msg)->len = (uint32_t)n + 4;
	ck_assert_int_eq(send_raw(n), -EINVAL);
	/* the opcode's struct cut short */
	ck_assert_int_eq(req(FUSE_GETATTR, 1, &in, 4, NULL, NULL), -EINVAL);
	ck_assert_int_eq(req(FUSE_READ, 1, &in, 4, NULL, NULL), -EINVAL);
	ck_assert_int_eq(req(FUSE_STATFS, 1, &in, 4, NULL, NULL), -EINVAL);
	ck_assert_int_eq(req(FUSE_MKDIR, 1, &in, 4, NULL, NULL), -EINVAL);
}
END_TEST

START_TEST(test_fuse_unknown_opcode)
{
	ck_assert_int_eq(req(9999, 1, NULL, 0, NULL, NULL), -ENOSYS);
	ck_assert_int_eq(req(FUSE_IOCTL, 1, NULL, 0, NULL, NULL), -ENOSYS);
	ck_assert_int_eq(req(0, 1, NULL, 0, NULL, NULL), -ENOSYS);
}
END_TEST

START_TEST(test_fuse_bad_nodeid_and_fh)
{
	struct fuse_attr a;

	ck_assert_int_eq(getattr(424242, &a), -ENOENT);
	ck_assert_int_eq(lookup(424242, "x"), -ENOENT);
	ck_assert_int_eq(mkdir_(0, "x", 0755), -ENOENT);
	ck_assert_int_eq(read_(31337, 0, 10), -EBADF);
	ck_assert_int_eq(write_(31337, 0, "x", 1), -EBADF);
	ck_assert_int_eq(release(31337, FUSE_RELEASE), -EBADF);
	ck_assert_int_eq(lk(FUSE_SETLK, 31337, 1, F_WRLCK, 0, 1, 0), -EBADF);
}
END_TEST

START_TEST(test_fuse_name_not_terminated)
{
	struct fuse_mkdir_in mk = { .mode = 0755 };
	size_t n;

	n = fmsg__build(msg, FUSE_LOOKUP, 5, 1, 0, 0, "abc", 3, NULL, NULL);
	ck_assert_int_eq(send_raw(n), -EINVAL);
	n = fmsg__build(msg, FUSE_MKDIR, 5, 1, 0, 0, &mk, sizeof(mk), NULL,
			NULL);
	memcpy(msg + n, "dd", 2);
	((struct fuse_in_header *)msg)->len = (uint32_t)n + 2;
	ck_assert_int_eq(send_raw(n + 2), -EINVAL);
	/* a NUL inside: "a\0b" is not one name */
	n = fmsg__build(msg, FUSE_LOOKUP, 5, 1, 0, 0, "a\0b", 4, NULL, NULL);
	ck_assert_int_eq(send_raw(n), -EINVAL);
	/* SYMLINK missing its second name */
	ck_assert_int_eq(req(FUSE_SYMLINK, 1, NULL, 0, "s", NULL), -EINVAL);
}
END_TEST

START_TEST(test_fuse_write_size_mismatch)
{
	struct fuse_write_in in = { .size = 100 };
	uint64_t fh;

	create_(1, "f", O_RDWR, &fh);
	in.fh = fh;
	ck_assert_int_eq(req(FUSE_WRITE, 2, &in, sizeof(in), "short", NULL),
			 -EINVAL);
}
END_TEST

START_TEST(test_fuse_batch_forget_count_beyond_message)
{
	struct fuse_batch_forget_in in = { .count = 1000000 };
	struct fuse_attr a;

	ck_assert_int_eq(req(FUSE_BATCH_FORGET, 0, &in, sizeof(in), NULL, NULL),
			 1);
	ck_assert_int_eq(getattr(1, &a), 0);
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

/*
 * What the share's cache mode tells the guest: the timeouts of LOOKUP,
 * GETATTR and CREATE, the open flags of OPEN, CREATE and OPENDIR.
 */
static void expect_cache(uint64_t valid, uint32_t fopen, uint32_t fdir)
{
	struct fuse_getattr_in ga = { 0 };
	struct fuse_entry_out *e;
	uint64_t fh;
	int64_t id;

	host_write("f", "x");
	ck_assert_int_eq(req(FUSE_LOOKUP, 1, NULL, 0, "f", NULL), 0);
	e = body();
	ck_assert_uint_eq(e->entry_valid, valid);
	ck_assert_uint_eq(e->attr_valid, valid);
	id = (int64_t)e->nodeid;
	ck_assert_int_eq(
		req(FUSE_GETATTR, (uint64_t)id, &ga, sizeof(ga), NULL, NULL),
		0);
	ck_assert_uint_eq(((struct fuse_attr_out *)body())->attr_valid, valid);
	ck_assert_int_gt(open_((uint64_t)id, O_RDONLY, FUSE_OPEN), 0);
	ck_assert_uint_eq(((struct fuse_open_out *)body())->open_flags, fopen);
	ck_assert_int_gt(create_(1, "g", O_WRONLY, &fh), 0);
	e = body();
	ck_assert_uint_eq(e->entry_valid, valid);
	ck_assert_uint_eq(((struct fuse_open_out *)(e + 1))->open_flags, fopen);
	ck_assert_int_gt(open_(1, O_RDONLY | O_DIRECTORY, FUSE_OPENDIR), 0);
	ck_assert_uint_eq(((struct fuse_open_out *)body())->open_flags, fdir);
}

START_TEST(test_fuse_server_cache_auto)
{
	expect_cache(1, 0, 0);
	ck_assert(init_flags & FUSE_WRITEBACK_CACHE);
}
END_TEST

START_TEST(test_fuse_server_cache_always)
{
	expect_cache(86400, FOPEN_KEEP_CACHE,
		     FOPEN_CACHE_DIR | FOPEN_KEEP_CACHE);
	ck_assert(init_flags & FUSE_WRITEBACK_CACHE);
}
END_TEST

START_TEST(test_fuse_server_cache_never)
{
	expect_cache(0, FOPEN_DIRECT_IO, 0);
	ck_assert(!(init_flags & FUSE_WRITEBACK_CACHE));
}
END_TEST

Suite *fuse_server_suite(void)
{
	Suite *s = suite_create("fuse_server");
	TCase *tc;

	tc = tcase_create("ops");
	tcase_add_checked_fixture(tc, setup, teardown);
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

	tc = tcase_create("locks");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fuse_posix_locks_enforced);
	tcase_add_test(tc, test_fuse_flock);
	tcase_add_test(tc, test_fuse_setlkw_waits_then_gets_lock);
	tcase_add_test(tc, test_fuse_setlkw_interrupted);
	suite_add_tcase(s, tc);

	tc = tcase_create("confinement");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fuse_dotdot_stays_at_root);
	tcase_add_test(tc, test_fuse_names_with_slash_refused);
	tcase_add_test(tc, test_fuse_symlinks_out_are_not_followed);
	tcase_add_test(tc, test_fuse_dir_swapped_for_symlink);
	tcase_add_test(tc, test_fuse_dir_removed_then_symlink);
	tcase_add_test(tc, test_fuse_link_to_outside_impossible);
	tcase_add_test(tc, test_fuse_create_over_fifo_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("cache");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fuse_server_cache_auto);
	suite_add_tcase(s, tc);
	tc = tcase_create("cache-always");
	tcase_add_checked_fixture(tc, setup_cache_always, teardown);
	tcase_add_test(tc, test_fuse_server_cache_always);
	suite_add_tcase(s, tc);
	tc = tcase_create("cache-never");
	tcase_add_checked_fixture(tc, setup_cache_never, teardown);
	tcase_add_test(tc, test_fuse_server_cache_never);
	suite_add_tcase(s, tc);

	tc = tcase_create("readonly");
	tcase_add_checked_fixture(tc, setup_readonly, teardown);
	tcase_add_test(tc, test_fuse_readonly_refuses_writes);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fuse_short_header);
	tcase_add_test(tc, test_fuse_length_mismatch);
	tcase_add_test(tc, test_fuse_unknown_opcode);
	tcase_add_test(tc, test_fuse_bad_nodeid_and_fh);
	tcase_add_test(tc, test_fuse_name_not_terminated);
	tcase_add_test(tc, test_fuse_write_size_mismatch);
	tcase_add_test(tc, test_fuse_batch_forget_count_beyond_message);
	suite_add_tcase(s, tc);

	/* Root only: skipped (pass without checking) when not root. */
	tc = tcase_create("credentials");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fuse_creds_owner_of_new_files);
	tcase_add_test(tc, test_fuse_creds_permissions_checked);
	suite_add_tcase(s, tc);
	return s;
}
