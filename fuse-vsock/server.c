// SPDX-License-Identifier: GPL-2.0
/*
 * The FUSE passthrough server: the guest's shared directory is a host
 * directory (HOSTDIR), and every FUSE request is executed on it.
 *
 * How it works. The guest kernel names files by nodeid, a number this
 * server hands out in LOOKUP (and CREATE, MKDIR, ... READDIRPLUS) replies
 * and that stays valid until the kernel FORGETs it as many times as it was
 * looked up (nlookup). The inode table (inode.c) maps each nodeid to an
 * O_PATH file descriptor of the host inode, opened O_NOFOLLOW relative to
 * its parent's fd; a second table keyed by (st_dev, st_ino) makes the same
 * host inode (a hard link, a name looked up twice) the same nodeid. The
 * root, nodeid 1 (FUSE_ROOT_ID), is HOSTDIR itself and is never forgotten.
 * Open files and directories are a second table, fh -> host fd. Nodeids
 * and fhs are never reused, so a stale one is simply unknown (ENOENT,
 * EBADF). Both tables are reference counted: a request holds what it uses,
 * so a FORGET or RELEASE racing with it on another worker cannot pull an
 * fd from under it.
 *
 * Confinement: nothing the guest sends reaches a host path outside
 * HOSTDIR. The guarantee rests on three rules, none of which uses a path:
 *  1. Every host call is relative to an fd from the tables, with a single
 *     name component: names are checked to hold no '/' (and end at their
 *     NUL, within the message); "." and ".." are refused where an entry
 *     is created or removed, and LOOKUP maps them itself: "." is the
 *     directory, ".." of the root is the root, ".." elsewhere is the
 *     host's "..", a directory inside because its child is (only a host
 *     program could move a directory out of HOSTDIR).
 *  2. No symlink is ever followed on the host: LOOKUP opens O_PATH |
 *     O_NOFOLLOW, so a symlink inode is the link itself; the *at calls use
 *     AT_SYMLINK_NOFOLLOW or AT_EMPTY_PATH on the inode's own fd; creating
 *     opens use O_NOFOLLOW; OPEN of a symlink (or a device, FIFO or
 *     socket: the guest kernel opens those itself) is refused. Absolute
 *     symlinks and ones that point out are just data, returned by
 *     READLINK for the guest kernel to resolve within the guest.
 *  3. The table's inodes are all inside, since they come only from
 *     lookups inside inodes already in it, starting at the root. LINK
 *     takes its source from the table, so it cannot link in an outside
 *     file. Since an inode is an fd, not a path, a directory swapped on the
 *     host for a symlink (or renamed away) between two requests does not
 *     redirect anything: the nodeid still means the original directory,
 *     wherever it now is, and a create in it lands there (or fails if it
 *     was removed).
 * Opening a file for I/O needs a real fd from the O_PATH one. Directories
 * reopen as openat(fd, ".") ; files through /proc/self/fd/N, the magic
 * link to exactly that inode (as virtiofsd does): turtle needs /proc
 * mounted, which fuse_server__create checks. The xattr calls and chmod,
 * which have no fd-relative form for an O_PATH fd, use that path too.
 * openat2's RESOLVE_BENEATH would add nothing: no lookup here ever walks
 * more than one component. A read-only share refuses every request that
 * would write (EROFS) before touching the host, and opens read-only.
 *
 * Credentials (security=passthrough): each request runs with the fsuid
 * and fsgid of the guest process that made it (fuse_in_header.uid, gid),
 * set per thread with setfsuid/setfsgid around the request, so the host
 * kernel checks permissions as that user and new files are owned by it.
 * Leaving fsuid 0 also drops the filesystem capabilities
 * (CAP_DAC_OVERRIDE, CAP_CHOWN, CAP_FOWNER, CAP_FSETID, ...), which makes
 * the checks real; a guest root is root over HOSTDIR. FUSE sends no
 * supplementary groups but on a create, the parent's group when the caller
 * holds it that way (FUSE_CREATE_SUPP_GROUP): the thread takes it for
 * that request (raw setgroups, per thread); otherwise group access works
 * through the primary group only (chown to a supplementary group: see
 * server-entry.c). security=mapped (server-mapped.c) changes none of
 * this per request: everything runs as turtle's user and the guest's
 * owners and modes live in an xattr.
 * Setting trusted.* and security.* xattrs needs guest uid 0, since those
 * checks use capabilities that setfsuid keeps. When turtle is not root,
 * setfsuid to another user fails and every request runs as turtle's user:
 * new files are turtle's, and chown fails with EPERM. Changing fsuid
 * makes turtle non-dumpable (no core dumps), as for virtiofsd.
 *
 * Thread-wide umask: workers unshare their fs_struct
 * (fuse_server__thread_init) and keep umask 0, so the mode the kernel
 * sends is the mode created; with FUSE_DONT_MASK the guest's umask is
 * applied per request by the host (so default ACLs work).
 *
 * The tables live as long as the share is connected: when the last
 * connection to it goes (fuse_server__detach), every nodeid but the root
 * and every handle are dropped, because the kernel that knew them is gone.
 */
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../lib/log.h"
#include "server-int.h"

/* FUSE minor versions below this send other struct sizes: refused. */
#define MIN_MINOR 12

void *reply_body(struct fuse_req *r, size_t len)
{
	size_t need = sizeof(struct fuse_out_header) + len;

	if (need > FUSE_SERVER_MAX_REPLY)
		return NULL;
	if (need > r->out->cap && fuse_server__buf_grow(r->out, need))
		return NULL;
	return (char *)r->out->p + sizeof(struct fuse_out_header);
}

/*
 * The NUL-terminated string at arg + off: NULL if it does not end inside
 * the message. *next is the offset after its NUL.
 */
const char *req_name(struct fuse_req *r, size_t off, size_t *next)
{
	const char *p = (const char *)r->arg + off;
	const char *nul;

	if (off >= r->arg_len)
		return NULL;
	nul = memchr(p, '\0', r->arg_len - off);
	if (!nul)
		return NULL;
	*next = off + (size_t)(nul - p) + 1;
	return p;
}

/* A name to create or remove: one component, not "." or "..". */
int check_name(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 255 || strchr(name, '/'))
		return -EINVAL;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	return 0;
}

void fill_attr(struct fuse_attr *a, const struct stat *st)
{
	memset(a, 0, sizeof(*a));
	a->ino = st->st_ino;
	a->size = (uint64_t)st->st_size;
	a->blocks = (uint64_t)st->st_blocks;
	a->atime = (uint64_t)st->st_atim.tv_sec;
	a->mtime = (uint64_t)st->st_mtim.tv_sec;
	a->ctime = (uint64_t)st->st_ctim.tv_sec;
	a->atimensec = (uint32_t)st->st_atim.tv_nsec;
	a->mtimensec = (uint32_t)st->st_mtim.tv_nsec;
	a->ctimensec = (uint32_t)st->st_ctim.tv_nsec;
	a->mode = st->st_mode;
	a->nlink = (uint32_t)st->st_nlink;
	a->uid = st->st_uid;
	a->gid = st->st_gid;
	a->rdev = (uint32_t)st->st_rdev;
	a->blksize = (uint32_t)st->st_blksize;
}

void fill_entry(const struct fuse_server *s, struct fuse_entry_out *e,
		struct fuse_inode *ino, const struct stat *st)
{
	memset(e, 0, sizeof(*e));
	e->nodeid = ino->nodeid;
	e->entry_valid = s->timeout_sec;
	e->attr_valid = s->timeout_sec;
	fill_attr(&e->attr, st);
}

int proc_path(struct fuse_server *s, int fd, char *buf, size_t len)
{
	(void)s;
	if (snprintf(buf, len, "/proc/self/fd/%d", fd) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

static int op_init(struct fuse_req *r)
{
	const struct fuse_init_in *in = r->arg;
	struct fuse_server *s = r->s;
	struct fuse_init_out *out;
	uint64_t flags = in->flags;
	uint64_t want = FUSE_ASYNC_READ | FUSE_POSIX_LOCKS |
			FUSE_ATOMIC_O_TRUNC | FUSE_BIG_WRITES | FUSE_DONT_MASK |
			FUSE_FLOCK_LOCKS | FUSE_AUTO_INVAL_DATA |
			FUSE_DO_READDIRPLUS | FUSE_READDIRPLUS_AUTO |
			FUSE_ASYNC_DIO | FUSE_WRITEBACK_CACHE |
			FUSE_PARALLEL_DIROPS | FUSE_MAX_PAGES |
			FUSE_CACHE_SYMLINKS | FUSE_INIT_EXT;

	out = reply_small(r);
	memset(out, 0, sizeof(*out));
	out->major = FUSE_KERNEL_VERSION;
	out->minor = FUSE_KERNEL_MINOR_VERSION;
	if (in->major > FUSE_KERNEL_VERSION)
		return 8; /* our major only: the kernel asks again */
	if (in->major < FUSE_KERNEL_VERSION || in->minor < MIN_MINOR) {
		pr_guest("fuse %s: guest FUSE %u.%u is too old (need 7.%u)",
			 s->tag, in->major, in->minor, MIN_MINOR);
		return -EPROTO;
	}
	/* flags2, when the kernel sends the extended struct (7.36) */
	if ((in->flags & FUSE_INIT_EXT) &&
	    r->arg_len >= offsetof(struct fuse_init_in, flags2) + 4)
		flags |= (uint64_t)in->flags2 << 32;
	if (s->read_only || s->cache == FUSE_CACHE_NEVER)
		want &= ~(uint64_t)FUSE_WRITEBACK_CACHE;
	/*
	 * mapped: the guest kernel applies the umask (the mode it sends goes
	 * into the xattr as it is).
	 */
	if (s->mapped)
		want &= ~(uint64_t)FUSE_DONT_MASK;
	/*
	 * passthrough: the host kernel clears setuid/setgid when a guest user
	 * who is not root writes, truncates or chowns (the request runs as
	 * that user); without this flag the guest kernel would ask first
	 * with a SETATTR as the writer, which only the owner may do: EPERM.
	 * mapped: the guest kernel's SETATTR only changes the xattr.
	 */
	if (!s->mapped)
		want |= FUSE_HANDLE_KILLPRIV_V2;
	/*
	 * passthrough: on a create, the kernel names the parent's group when
	 * the caller holds it as a supplementary group only (creds_enter).
	 * mapped: the guest kernel checks that itself.
	 */
	if (!s->mapped)
		want |= FUSE_CREATE_SUPP_GROUP;
	if (in->minor < out->minor)
		out->minor = in->minor;
	out->max_readahead = in->max_readahead;
	flags &= want;
	out->flags = (uint32_t)flags;
	out->flags2 = (uint32_t)(flags >> 32);
	out->max_background = 64;
	out->congestion_threshold = 48;
	out->max_write = out->flags & FUSE_MAX_PAGES ? FUSE_SERVER_MAX_WRITE
						     : 128 * 1024;
	out->time_gran = 1;
	out->max_pages = FUSE_SERVER_MAX_WRITE / 4096;

	pthread_mutex_lock(&s->init_lock);
	s->minor = out->minor;
	s->flags = flags;
	atomic_store(&s->initialized, true);
	pthread_mutex_unlock(&s->init_lock);
	return out->minor < 23 ? FUSE_COMPAT_22_INIT_OUT_SIZE
			       : (int)sizeof(*out);
}

static int op_destroy(struct fuse_req *r)
{
	/* The tables go when the last connection does (see the primer). */
	(void)r;
	return 0;
}

static int op_interrupt(struct fuse_req *r)
{
	/* session.c finds and flags the target; alone, nothing to do. */
	(void)r;
	return FUSE_NO_REPLY;
}

static int op_notify_reply(struct fuse_req *r)
{
	(void)r; /* we never ask the kernel for anything */
	return FUSE_NO_REPLY;
}

/* How a request's arguments are laid out. */
enum arg_kind {
	ARG_EXACT, /* exactly the struct */
	ARG_MIN,   /* the struct, then names or data: the handler checks */
};

struct op {
	fuse_op_fn *fn;
	uint32_t size;
	uint8_t kind;
	uint8_t writes; /* refused on a read-only share */
};

#define OP(code, f, sz, k, w) \
	[code] = { .fn = (f), .size = (sz), .kind = (k), .writes = (w) }

static const struct op ops[] = {
	OP(FUSE_LOOKUP, op_lookup, 0, ARG_MIN, 0),
	OP(FUSE_FORGET, op_forget, sizeof(struct fuse_forget_in), ARG_EXACT, 0),
	OP(FUSE_GETATTR, op_getattr, sizeof(struct fuse_getattr_in), ARG_EXACT,
	   0),
	OP(FUSE_SETATTR, op_setattr, sizeof(struct fuse_setattr_in), ARG_EXACT,
	   1),
	OP(FUSE_READLINK, op_readlink, 0, ARG_EXACT, 0),
	OP(FUSE_SYMLINK, op_symlink, 0, ARG_MIN, 1),
	OP(FUSE_MKNOD, op_mknod, sizeof(struct fuse_mknod_in), ARG_MIN, 1),
	OP(FUSE_MKDIR, op_mkdir, sizeof(struct fuse_mkdir_in), ARG_MIN, 1),
	OP(FUSE_UNLINK, op_unlink, 0, ARG_MIN, 1),
	OP(FUSE_RMDIR, op_rmdir, 0, ARG_MIN, 1),
	OP(FUSE_RENAME, op_rename, sizeof(struct fuse_rename_in), ARG_MIN, 1),
	OP(FUSE_LINK, op_link, sizeof(struct fuse_link_in), ARG_MIN, 1),
	OP(FUSE_OPEN, op_open, sizeof(struct fuse_open_in), ARG_EXACT, 0),
	OP(FUSE_READ, op_read, sizeof(struct fuse_read_in), ARG_EXACT, 0),
	OP(FUSE_WRITE, op_write, sizeof(struct fuse_write_in), ARG_MIN, 1),
	OP(FUSE_STATFS, op_statfs, 0, ARG_EXACT, 0),
	OP(FUSE_RELEASE, op_release, sizeof(struct fuse_release_in), ARG_EXACT,
	   0),
	OP(FUSE_FSYNC, op_fsync, sizeof(struct fuse_fsync_in), ARG_EXACT, 0),
	OP(FUSE_SETXATTR, op_setxattr, FUSE_COMPAT_SETXATTR_IN_SIZE, ARG_MIN,
	   1),
	OP(FUSE_GETXATTR, op_getxattr, sizeof(struct fuse_getxattr_in), ARG_MIN,
	   0),
	OP(FUSE_LISTXATTR, op_listxattr, sizeof(struct fuse_getxattr_in),
	   ARG_EXACT, 0),
	OP(FUSE_REMOVEXATTR, op_removexattr, 0, ARG_MIN, 1),
	OP(FUSE_FLUSH, op_flush, sizeof(struct fuse_flush_in), ARG_EXACT, 0),
	OP(FUSE_INIT, op_init, 16, ARG_MIN, 0),
	OP(FUSE_OPENDIR, op_opendir, sizeof(struct fuse_open_in), ARG_EXACT, 0),
	OP(FUSE_READDIR, op_readdir, sizeof(struct fuse_read_in), ARG_EXACT, 0),
	OP(FUSE_RELEASEDIR, op_releasedir, sizeof(struct fuse_release_in),
	   ARG_EXACT, 0),
	OP(FUSE_FSYNCDIR, op_fsyncdir, sizeof(struct fuse_fsync_in), ARG_EXACT,
	   0),
	OP(FUSE_GETLK, op_getlk, sizeof(struct fuse_lk_in), ARG_EXACT, 0),
	OP(FUSE_SETLK, op_setlk, sizeof(struct fuse_lk_in), ARG_EXACT, 0),
	OP(FUSE_SETLKW, op_setlkw, sizeof(struct fuse_lk_in), ARG_EXACT, 0),
	OP(FUSE_ACCESS, op_access, sizeof(struct fuse_access_in), ARG_EXACT, 0),
	OP(FUSE_CREATE, op_create, sizeof(struct fuse_create_in), ARG_MIN, 1),
	OP(FUSE_INTERRUPT, op_interrupt, sizeof(struct fuse_interrupt_in),
	   ARG_EXACT, 0),
	OP(FUSE_DESTROY, op_destroy, 0, ARG_EXACT, 0),
	OP(FUSE_BATCH_FORGET, op_batch_forget,
	   sizeof(struct fuse_batch_forget_in), ARG_MIN, 0),
	OP(FUSE_FALLOCATE, op_fallocate, sizeof(struct fuse_fallocate_in),
	   ARG_EXACT, 1),
	OP(FUSE_READDIRPLUS, op_readdirplus, sizeof(struct fuse_read_in),
	   ARG_EXACT, 0),
	OP(FUSE_RENAME2, op_rename2, sizeof(struct fuse_rename2_in), ARG_MIN,
	   1),
	OP(FUSE_LSEEK, op_lseek, sizeof(struct fuse_lseek_in), ARG_EXACT, 0),
	OP(FUSE_COPY_FILE_RANGE, op_copy_file_range,
	   sizeof(struct fuse_copy_file_range_in), ARG_EXACT, 1),
	OP(FUSE_SYNCFS, op_syncfs, sizeof(struct fuse_syncfs_in), ARG_EXACT, 0),
	OP(FUSE_NOTIFY_REPLY, op_notify_reply, 0, ARG_MIN, 0),
};

/*
 * The supplementary groups the kernel sent with a create (a
 * FUSE_EXT_GROUPS extension): how many (at most max), into groups; 0 if
 * none. A malformed extension is ignored (the request runs without).
 */
static int ext_groups(const struct fuse_req *r, gid_t *groups, int max)
{
	const char *p = r->ext, *end = p + r->ext_len;
	struct fuse_supp_groups sg;
	struct fuse_ext_header h;
	uint32_t i, g;

	while ((size_t)(end - p) >= sizeof(h)) {
		memcpy(&h, p, sizeof(h));
		if (h.size < sizeof(h) || h.size % 8 ||
		    h.size > (size_t)(end - p))
			return 0;
		/* Copied out: the extensions need not be aligned. */
		if (h.type == FUSE_EXT_GROUPS &&
		    h.size >= sizeof(h) + sizeof(sg)) {
			memcpy(&sg, p + sizeof(h), sizeof(sg));
			if (sg.nr_groups > (uint32_t)max ||
			    sg.nr_groups >
				    (h.size - sizeof(h) - sizeof(sg)) / 4)
				return 0;
			for (i = 0; i < sg.nr_groups; i++) {
				memcpy(&g, p + sizeof(h) + sizeof(sg) + 4 * i,
				       4);
				groups[i] = g;
			}
			return (int)sg.nr_groups;
		}
		p += h.size;
	}
	return 0;
}

/* The thread's supplementary groups while a request changes them. */
struct saved_groups {
	gid_t g[64];
	long n; /* -1: unchanged */
};

/*
 * The request as this thread's fsuid/fsgid, with the supplementary
 * groups the kernel sent if any (raw setgroups: per thread, where glibc's
 * would change every thread's); back to the thread's own after.
 */
static void creds_enter(struct fuse_req *r, struct saved_groups *sv)
{
	gid_t groups[8];
	int n = r->ext_len ? ext_groups(r, groups, 8) : 0;

	sv->n = -1;
	if (n > 0) {
		sv->n = syscall(SYS_getgroups, 64, sv->g);
		if (sv->n >= 0 && syscall(SYS_setgroups, (size_t)n, groups) < 0)
			sv->n = -1;
	}
	setfsgid(r->in->gid);
	setfsuid(r->in->uid);
}

static void creds_leave(const struct saved_groups *sv)
{
	if (sv->n >= 0)
		syscall(SYS_setgroups, (size_t)sv->n, sv->g);
	setfsuid(geteuid());
	setfsgid(getegid());
}

static size_t reply_error(struct fuse_buf *out, uint64_t unique, int err)
{
	struct fuse_out_header *oh = out->p;

	oh->len = sizeof(*oh);
	oh->error = err;
	oh->unique = unique;
	return sizeof(*oh);
}

size_t fuse_server__handle(struct fuse_server *s, const void *msg, size_t len,
			   struct fuse_buf *out, struct fuse_req_ctl *ctl)
{
	const struct fuse_in_header *in = msg;
	struct fuse_out_header *oh;
	struct fuse_req r;
	const struct op *op;
	int ret;

	if (len < sizeof(*in)) {
		/* Too short for a header: its unique, if that much came. */
		size_t end = offsetof(struct fuse_in_header, nodeid);

		return reply_error(out, len >= end ? in->unique : 0, -EINVAL);
	}
	if (in->len != len)
		return reply_error(out, in->unique, -EINVAL);
	op = in->opcode < sizeof(ops) / sizeof(ops[0]) ? &ops[in->opcode]
						       : NULL;
	if (!op || !op->fn) {
		pr_debug("fuse %s: opcode %u: not implemented", s->tag,
			 in->opcode);
		return reply_error(out, in->unique, -ENOSYS);
	}
	r = (struct fuse_req){ .s = s,
			       .in = in,
			       .arg = in + 1,
			       .arg_len = len - sizeof(*in),
			       .out = out,
			       .ctl = ctl };
	/* Extensions (total_extlen, in 8-byte units) end the message. */
	r.ext_len = (size_t)fuse_in__total_extlen(in) * 8;
	if (r.ext_len > r.arg_len)
		return reply_error(out, in->unique, -EINVAL);
	r.arg_len -= r.ext_len;
	r.ext = (const char *)r.arg + r.arg_len;
	if (op->kind == ARG_EXACT ? r.arg_len != op->size
				  : r.arg_len < op->size)
		return reply_error(out, in->unique, -EINVAL);
	if (in->opcode != FUSE_INIT && !atomic_load(&s->initialized))
		return reply_error(out, in->unique, -EIO);
	if (op->writes && s->read_only)
		return reply_error(out, in->unique, -EROFS);

	if (s->mapped) {
		ret = op->fn(
			&r); /* as turtle's user: the guest kernel checks */
	} else {
		struct saved_groups sv;

		creds_enter(&r, &sv);
		ret = op->fn(&r);
		creds_leave(&sv);
	}

	if (ret == FUSE_NO_REPLY)
		return 0;
	if (ret < 0)
		return reply_error(out, in->unique, ret);
	oh = out->p; /* the handler may have grown the buffer */
	oh->len = (uint32_t)(sizeof(*oh) + (size_t)ret);
	oh->error = 0;
	oh->unique = in->unique;
	return oh->len;
}

int fuse_server__thread_init(void)
{
	if (unshare(CLONE_FS) < 0)
		return -errno;
	umask(0);
	return 0;
}

/* Can the directory (O_PATH fd) hold user xattrs? -1 and errno if not. */
static int getxattr_probe(int fd)
{
	char path[32];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (getxattr(path, MAPPED_XATTR, NULL, 0) < 0 && errno != ENODATA)
		return -1;
	return 0;
}

struct fuse_server *fuse_server__create(const struct fuse_share_opts *o,
					char *err)
{
	struct fuse_server *s;
	struct stat st;
	int fd;

	s = calloc(1, sizeof(*s));
	if (!s) {
		errbuf_set(err, "out of memory");
		return NULL;
	}
	s->proc_fd = -1;
	fds__set_limit();
	s->read_only = o->read_only;
	s->cache = o->cache;
	s->mapped = o->security == FUSE_SECURITY_MAPPED ||
		    (o->security == FUSE_SECURITY_DEFAULT && geteuid() != 0);
	s->timeout_sec =
		o->cache == FUSE_CACHE_ALWAYS  ? FUSE_SERVER_TIMEOUT_ALWAYS_SEC
		: o->cache == FUSE_CACHE_NEVER ? 0
					       : FUSE_SERVER_TIMEOUT_SEC;
	s->dir = strdup(o->dir);
	s->tag = strdup(o->tag);
	pthread_mutex_init(&s->init_lock, NULL);
	if (!s->dir || !s->tag || table__init(&s->t)) {
		errbuf_set(err, "out of memory");
		goto fail;
	}
	s->proc_fd = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->proc_fd < 0) {
		errbuf_set(
			err,
			"--share %s: /proc/self/fd: %s (the shared directory needs /proc mounted)",
			o->dir, strerror(errno));
		goto fail;
	}
	fd = open(o->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		errbuf_set(err, "--share %s: %s", o->dir,
			   errno == ENOTDIR ? "not a directory"
					    : strerror(errno));
		goto fail;
	}
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		errbuf_set(err, "--share %s: not a directory", o->dir);
		close(fd);
		goto fail;
	}
	if (s->mapped && getxattr_probe(fd) < 0) {
		errbuf_set(
			err,
			"--share %s: security=mapped needs user xattrs, which this file system does not support (%s): use security=passthrough",
			o->dir, strerror(errno));
		close(fd);
		goto fail;
	}
	s->root = inode__new_root(s, fd, &st);
	if (!s->root) {
		errbuf_set(err, "out of memory");
		close(fd);
		goto fail;
	}
	return s;
fail:
	fuse_server__destroy(s);
	return NULL;
}

void fuse_server__destroy(struct fuse_server *s)
{
	if (!s)
		return;
	if (s->root)
		table__reset(s);
	table__destroy(&s->t);
	if (s->proc_fd >= 0)
		close(s->proc_fd);
	pthread_mutex_destroy(&s->init_lock);
	free(s->dir);
	free(s->tag);
	free(s);
}

void fuse_server__attach(struct fuse_server *s)
{
	pthread_mutex_lock(&s->init_lock);
	s->connections++;
	pthread_mutex_unlock(&s->init_lock);
}

void fuse_server__detach(struct fuse_server *s)
{
	pthread_mutex_lock(&s->init_lock);
	if (s->connections && !--s->connections) {
		atomic_store(&s->initialized, false);
		table__reset(s);
	}
	pthread_mutex_unlock(&s->init_lock);
}

const char *fuse_server__tag(const struct fuse_server *s)
{
	return s->tag;
}

enum fuse_security fuse_server__security(const struct fuse_server *s)
{
	return s->mapped ? FUSE_SECURITY_MAPPED : FUSE_SECURITY_PASSTHROUGH;
}

const char *fuse_security__name(enum fuse_security sec)
{
	return sec == FUSE_SECURITY_MAPPED	  ? "mapped"
	       : sec == FUSE_SECURITY_PASSTHROUGH ? "passthrough"
						  : "default";
}

int fuse_server__read_only(const struct fuse_server *s)
{
	return s->read_only;
}

void fuse_server__account(struct fuse_server *s, uint64_t queued_ns,
			  uint64_t run_ns)
{
	unsigned long long t = queued_ns + run_ns,
			   max = atomic_load_explicit(&s->max_ns,
						      memory_order_relaxed);

	atomic_fetch_add_explicit(&s->served, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->queued_ns, queued_ns,
				  memory_order_relaxed);
	atomic_fetch_add_explicit(&s->run_ns, run_ns, memory_order_relaxed);
	while (t > max && !atomic_compare_exchange_weak_explicit(
				  &s->max_ns, &max, t, memory_order_relaxed,
				  memory_order_relaxed))
		;
}

void fuse_server__stats(struct fuse_server *s, struct fuse_server_stats *st)
{
	st->served = atomic_load(&s->served);
	st->queued_ns = atomic_load(&s->queued_ns);
	st->run_ns = atomic_load(&s->run_ns);
	st->max_ns = atomic_load(&s->max_ns);
}

void fuse_server__report(struct fuse_server *s)
{
	struct fuse_server_stats st;
	double d;

	fuse_server__stats(s, &st);
	d = st.served ? (double)st.served * 1000 : 1;
	pr_info("share '%s': requests=%llu queued_avg_us=%.1f run_avg_us=%.1f max_us=%.1f",
		s->tag, (unsigned long long)st.served, (double)st.queued_ns / d,
		(double)st.run_ns / d, (double)st.max_ns / 1000);
}
