/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest side of the shared filesystem: a FUSE mount whose /dev/fuse
 * messages are forwarded, unchanged, over stream connections to the
 * server in turtle (protocol: ../proto.h). Knows nothing of vsock: any
 * stream sockets do (the unit tests use socketpairs).
 */
#ifndef TURTLE_AGENT_FUSE_CLIENT_H
#define TURTLE_AGENT_FUSE_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../fuse-vsock/server.h"

/* Connections (and /dev/fuse clones) per mount. */
#define FUSE_CLIENT_MAX_CONNS 64
/*
 * A /dev/fuse read buffer: the kernel wants room for a whole WRITE of
 * max_write (the server's) with its headers.
 */
#define FUSE_CLIENT_REQ_BUF (FUSE_SERVER_MAX_WRITE + 65536)
/* The largest reply accepted from the server (a READ of max_pages). */
#define FUSE_CLIENT_MAX_REPLY FUSE_SERVER_MAX_REPLY

/* The mount's readahead: one whole request, as the server reads at most. */
#define FUSE_CLIENT_READ_AHEAD_KB "1024"
_Static_assert(FUSE_SERVER_MAX_WRITE == 1024 * 1024, "read_ahead_kb");

/*
 * Say hello on a fresh connection fd for the share tag and read the
 * welcome. Returns 0 (the welcome's flags in *flags), or a negative errno:
 * the welcome's error (-ENOENT: no such share), -EPROTO for a reply that
 * is no welcome, or the connection's own error (-ECONNRESET on EOF).
 */
int fuse_client__hello(int fd, const char *tag, uint32_t *flags);

/*
 * Mount FUSE at mnt (source names it in /proc/mounts) and open n
 * /dev/fuse fds for it: fds[0] is the mount's, the rest clones of it.
 * max_read: the largest READ the kernel may send (0: its default).
 * Returns 0, or -1 with err set (nothing left mounted or open).
 */
int fuse_client__mount(const char *mnt, const char *source, int read_only,
		       unsigned int max_read, unsigned int n, int *fds,
		       char *err);

struct fuse_client_ops {
	/*
	 * A connection to the server broke while the mount was alive (EOF,
	 * an error, or a reply that cannot be framed): requests sent on it
	 * will never be answered, so the mount must be aborted (e.g.
	 * fuse_client__abort) or the process must exit. Called once.
	 */
	void (*broken)(void *ctx, const char *why);
	void *ctx;
};

struct fuse_client;

/*
 * Forward between fuse_fds[i] and conn_fds[i] for each i < n, two
 * threads per pair: requests as the kernel gives them, replies as the
 * server sends them, both pipelined. Takes ownership of every fd.
 * Returns NULL with err set if the threads cannot start (fds closed).
 */
struct fuse_client *fuse_client__start(const int *fuse_fds, const int *conn_fds,
				       unsigned int n,
				       const struct fuse_client_ops *ops,
				       char *err);
/*
 * A synchronous transport (the direct window: agent/fuse-window.h): call
 * sends one request and returns its reply's length in reply (0: the
 * request takes none), or a negative errno. -ENOTCONN, -ENOSYS and
 * -EPROTO mean the transport is broken; any other error is the request's
 * own: the kernel gets it as the request's reply.
 */
struct fuse_client_call {
	ssize_t (*call)(void *ctx, const void *req, size_t len, void *reply,
			size_t cap);
	void *ctx;
};

/*
 * Forward between fuse_fd (owned from here) and call, one request at a
 * time on one thread. fuse_client__wait as for fuse_client__start.
 */
struct fuse_client *
fuse_client__start_calls(int fuse_fd, const struct fuse_client_call *call,
			 const struct fuse_client_ops *ops, char *err);

/*
 * The reply for request req that a transport refused (error, a positive
 * errno): a bare fuse_out_header, into out. Its length, or 0 when the
 * request takes no reply.
 */
size_t fuse_client__error_reply(const void *req, int error, void *out);

/*
 * Wait until the mount is gone (unmounted or aborted) and every thread
 * has stopped; close the fds and free c. Returns 0, or -1 with err set
 * when a connection broke first.
 */
int fuse_client__wait(struct fuse_client *c, char *err);

/*
 * Let the mount (st_dev dev) keep dirty pages like a local filesystem:
 * FUSE's backing device defaults to a strict limit of 1% of the dirty
 * threshold, which in a small guest throttles writers to a crawl even
 * with nothing in flight. The host is trusted, so lift it (sysfs
 * strict_limit and max_ratio). And read ahead up to a whole FUSE request
 * (1 MiB, the server's max_pages) instead of the default 128 KiB: under
 * nesting each request costs exits at every level, so a sequential read
 * makes an eighth as many. Returns 0 or a negative errno.
 */
int fuse_client__tune_bdi(uint64_t dev);

/*
 * Abort the FUSE connection of the mount whose st_dev is dev, through
 * fusectl (/sys/fs/fuse/connections). Returns 0 or a negative errno.
 */
int fuse_client__abort(uint64_t dev);

#endif
