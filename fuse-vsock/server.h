/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The FUSE passthrough server: executes the guest kernel's FUSE requests
 * (linux/fuse.h messages) on a host directory. Synchronous and
 * thread-safe: any number of threads may call fuse_server__handle() at
 * once (session.c runs it on a pool). See server.c for how it works.
 */
#ifndef TURTLE_FUSE_VSOCK_SERVER_H
#define TURTLE_FUSE_VSOCK_SERVER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* WRITE payloads the server accepts (init_out.max_write). */
#define FUSE_SERVER_MAX_WRITE (1u << 20)
/* The largest request message: a WRITE with its headers, with room. */
#define FUSE_SERVER_MAX_MSG (FUSE_SERVER_MAX_WRITE + 4096)
/*
 * A READ's reply with the most data the server offers (max_pages of 4 KiB
 * pages; a guest with 64 KiB pages may ask for up to 16 MiB): a reply
 * buffer grows up to MAX_REPLY (reply-buf.c).
 */
#define FUSE_SERVER_BUF_SIZE (FUSE_SERVER_MAX_WRITE + 4096)
#define FUSE_SERVER_MAX_REPLY ((16u << 20) + 4096)

/*
 * How long the guest's kernel may trust what it was told (--share
 * ...,cache=), as virtiofsd's --cache:
 *   auto    names and attributes for 1 s; file data until an open, or a
 *           change of mtime or size seen in the attributes (the default)
 *   always  names and attributes for a day; file data and directory
 *           listings kept across opens (FOPEN_KEEP_CACHE, FOPEN_CACHE_DIR):
 *           for a directory that only this guest changes, or that does
 *           not change (a chain's kernels and images)
 *   never   nothing: every access asks the host (FOPEN_DIRECT_IO, no
 *           writeback cache)
 */
enum fuse_cache {
	FUSE_CACHE_AUTO = 0,
	FUSE_CACHE_ALWAYS,
	FUSE_CACHE_NEVER,
};

/*
 * Who the guest's users are on the host (--share ...,security=; see
 * server-mapped.c):
 *   passthrough  each request runs as the guest user's uid and gid
 *                (setfsuid): guest root is root over the directory, as
 *                virtiofsd. Needs turtle to run as root.
 *   mapped       every host file belongs to turtle's user; the guest's
 *                owners, modes (setuid, setgid, sticky) and special files
 *                live in an xattr (user.turtle.stat), and the guest kernel
 *                checks permissions. A guest never makes a host file that
 *                grants more than turtle's user has.
 *   default      passthrough when turtle runs as root, mapped otherwise
 */
enum fuse_security {
	FUSE_SECURITY_DEFAULT = 0,
	FUSE_SECURITY_PASSTHROUGH,
	FUSE_SECURITY_MAPPED,
};

struct fuse_share_opts {
	const char *dir; /* the host directory; must exist */
	const char *tag; /* what the guest names it by (proto.h) */
	int read_only;
	enum fuse_cache cache;
	enum fuse_security security;
};

struct fuse_server;

/*
 * A reply buffer, at least FUSE_SERVER_BUF_MIN bytes (malloc'ed): the
 * server may grow it (realloc) up to MAX_REPLY.
 */
#define FUSE_SERVER_BUF_MIN 4096
struct fuse_buf {
	void *p;
	size_t cap;
};

/*
 * What a worker keeps between requests (reply-buf.c): every reply fits
 * in FUSE_SERVER_BUF_KEEP bytes but those of READ, READDIR, READDIRPLUS,
 * GETXATTR and LISTXATTR, whose size the request names. Such a request
 * needs fuse_server__reply_need(msg, len) bytes more while it runs (0:
 * it fits), which a session charges to its budget; fuse_server__buf_grow
 * gives it a buffer that large (0, or -1 out of memory), one of the
 * FUSE_SERVER_SPARE_BUFS spare ones of FUSE_SERVER_BUF_SIZE bytes when it
 * fits; after the reply is sent, fuse_server__buf_shrink returns the
 * buffer to KEEP bytes (p may be NULL then: out of memory), the large
 * one to the spares while there is room, else to the heap.
 */
#define FUSE_SERVER_BUF_KEEP (8u << 10)
#define FUSE_SERVER_SPARE_BUFS 2
size_t fuse_server__reply_need(const void *msg, size_t len);
int fuse_server__buf_grow(struct fuse_buf *b, size_t need);
void fuse_server__buf_shrink(struct fuse_buf *b);

/* How the caller talks to a request while it runs. */
struct fuse_req_ctl {
	/* Set (by another thread) when the guest interrupted the request. */
	atomic_int interrupted;
	/*
	 * Called with 1 before the request waits for a lock for longer than
	 * a moment, with 0 after: the pool can add a worker meanwhile.
	 */
	void (*waiting)(void *priv, int begin);
	void *priv;
};

struct fuse_server *fuse_server__create(const struct fuse_share_opts *o,
					char *err);
void fuse_server__destroy(struct fuse_server *s);
const char *fuse_server__tag(const struct fuse_server *s);
/* passthrough or mapped, once the default is resolved. */
enum fuse_security fuse_server__security(const struct fuse_server *s);
const char *fuse_security__name(enum fuse_security sec);
int fuse_server__read_only(const struct fuse_server *s);

/*
 * A connection to the share starts (after its hello) or has ended (after
 * its last reply). When the last one ends, the guest kernel that knew the
 * nodeids and file handles is gone: they are all dropped.
 */
void fuse_server__attach(struct fuse_server *s);
void fuse_server__detach(struct fuse_server *s);

/*
 * A request was served: it waited queued_ns for a worker, which took
 * run_ns to execute it and send the reply. fuse_server__report prints
 * the totals on one line (--stats, SIGUSR1): how much of a guest's
 * request latency is spent in turtle, at each level of a chain.
 */
struct fuse_server_stats {
	uint64_t served, queued_ns, run_ns, max_ns;
};
void fuse_server__account(struct fuse_server *s, uint64_t queued_ns,
			  uint64_t run_ns);
void fuse_server__stats(struct fuse_server *s, struct fuse_server_stats *st);
void fuse_server__report(struct fuse_server *s);

/*
 * Every thread that calls fuse_server__handle() calls this once first:
 * it gives the thread its own umask (unshare(CLONE_FS)), set to 0.
 */
int fuse_server__thread_init(void);

/*
 * Execute one whole request message (msg, len: fuse_in_header.len bytes).
 * The reply, fuse_out_header first, goes in out; returns its length, or 0
 * when the request takes no reply (FORGET, BATCH_FORGET, INTERRUPT).
 * Never fails: a malformed request gets an error reply. ctl may be NULL.
 */
size_t fuse_server__handle(struct fuse_server *s, const void *msg, size_t len,
			   struct fuse_buf *out, struct fuse_req_ctl *ctl);

#endif
