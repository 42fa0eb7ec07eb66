// SPDX-License-Identifier: GPL-2.0
/* The fuse_server tests' fixture: a share in a temporary tree, requests. */
#include "fuse-server-fixture.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/log.h"
#include "suites.h"

char tmp[64], share[96], outside[96];
struct fuse_server *srv;
struct fuse_buf out;
uint64_t unique_ctr;
uint32_t cur_uid, cur_gid;
enum fuse_cache cur_cache; /* the next setup's share's */
enum fuse_security cur_security;
uint32_t init_flags; /* what INIT granted */
size_t rlen;	     /* the last reply's length */
char msg[FUSE_SERVER_MAX_MSG];

const struct fuse_out_header *oh(void)
{
	return out.p;
}

void *body(void)
{
	return (char *)out.p + sizeof(struct fuse_out_header);
}

/* Send a message as built; the reply's error (0 or -errno). */
int send_raw(size_t len)
{
	rlen = fuse_server__handle(srv, msg, len, &out, NULL);
	if (!rlen)
		return 1; /* no reply */
	ck_assert_uint_eq(oh()->len, rlen);
	return oh()->error;
}

int req(uint32_t op, uint64_t nodeid, const void *arg, size_t alen,
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

void do_init(uint32_t minor, uint32_t flags)
{
	struct fuse_init_in in = { .major = 7,
				   .minor = minor,
				   .max_readahead = 65536,
				   .flags = flags };

	ck_assert_int_eq(req(FUSE_INIT, 0, &in, sizeof(in), NULL, NULL), 0);
	init_flags = ((struct fuse_init_out *)body())->flags;
}

void host_write(const char *rel, const char *data)
{
	char p[256];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", share, rel);
	fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, strlen(data)), (ssize_t)strlen(data));
	close(fd);
}

int host_stat(const char *rel, struct stat *st)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", share, rel);
	return lstat(p, st);
}

void fsrv__setup_ro(int ro)
{
	struct fuse_share_opts o = { .tag = "share",
				     .read_only = ro,
				     .cache = cur_cache,
				     .security = cur_security };
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

void fsrv__setup(void)
{
	fsrv__setup_ro(0);
}

/* The share of that security, the next ones of the default again. */
static void setup_security(enum fuse_security security)
{
	cur_security = security;
	fsrv__setup();
	cur_security = FUSE_SECURITY_DEFAULT;
}

void fsrv__setup_passthrough(void)
{
	setup_security(FUSE_SECURITY_PASSTHROUGH);
}

void fsrv__setup_mapped(void)
{
	setup_security(FUSE_SECURITY_MAPPED);
}

void fsrv__teardown(void)
{
	fuse_server__destroy(srv);
	srv = NULL;
	free(out.p);
	out.p = NULL;
	fmsg__rm_tree(tmp);
}

/* Operations that return an entry: its nodeid, or the negative error. */
int64_t lookup(uint64_t parent, const char *name)
{
	int err = req(FUSE_LOOKUP, parent, NULL, 0, name, NULL);

	return err ? err : (int64_t)((struct fuse_entry_out *)body())->nodeid;
}

int64_t mkdir_(uint64_t parent, const char *name, uint32_t mode)
{
	struct fuse_mkdir_in in = { .mode = mode, .umask = 022 };
	int err = req(FUSE_MKDIR, parent, &in, sizeof(in), name, NULL);

	return err ? err : (int64_t)((struct fuse_entry_out *)body())->nodeid;
}

int64_t create_(uint64_t parent, const char *name, uint32_t flags, uint64_t *fh)
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

int64_t open_(uint64_t nodeid, uint32_t flags, uint32_t op)
{
	struct fuse_open_in in = { .flags = flags };
	int err = req(op, nodeid, &in, sizeof(in), NULL, NULL);

	return err ? err : (int64_t)((struct fuse_open_out *)body())->fh;
}

int write_(uint64_t fh, uint64_t off, const char *data, size_t len)
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
int read_(uint64_t fh, uint64_t off, uint32_t size)
{
	struct fuse_read_in in = { .fh = fh, .offset = off, .size = size };
	int err = req(FUSE_READ, 2, &in, sizeof(in), NULL, NULL);

	return err ? err : (int)(rlen - sizeof(struct fuse_out_header));
}

int getattr(uint64_t nodeid, struct fuse_attr *a)
{
	struct fuse_getattr_in in = { 0 };
	int err = req(FUSE_GETATTR, nodeid, &in, sizeof(in), NULL, NULL);

	if (!err)
		*a = ((struct fuse_attr_out *)body())->attr;
	return err;
}

int release(uint64_t fh, uint32_t op)
{
	struct fuse_release_in in = { .fh = fh };

	return req(op, 2, &in, sizeof(in), NULL, NULL);
}

int lk(uint32_t op, uint64_t fh, uint64_t owner, uint32_t type, uint64_t start,
       uint64_t end, uint32_t flags)
{
	struct fuse_lk_in in = {
		.fh = fh,
		.owner = owner,
		.lk = { .start = start, .end = end, .type = type },
		.lk_flags = flags
	};

	return req(op, 2, &in, sizeof(in), NULL, NULL);
}
