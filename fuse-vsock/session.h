/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One fuse-vsock connection (proto.h) on the server side: a byte stream
 * in, whole FUSE messages out to the worker pool, replies sent back
 * through a callback. Knows nothing of vsock: service.c plugs it in.
 */
#ifndef TURTLE_FUSE_VSOCK_SESSION_H
#define TURTLE_FUSE_VSOCK_SESSION_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "budget.h"
#include "pool.h"
#include "server.h"

/*
 * Without a budget: requests queued or running on one connection, at most
 * this many bytes (beyond, the stream is reset).
 */
#define FUSE_SESSION_MAX_INFLIGHT (64u << 20)

struct fuse_session_ops {
	/* The share a hello names, or NULL (the guest gets ENOENT). */
	struct fuse_server *(*pick)(void *ctx, const char *tag);
	/* Send bytes to the client, whole; from any thread. 0 or -1. */
	int (*send)(void *ctx, const struct iovec *iov, int iovcnt);
	/* After fuse_session__close, once no request is left: ctx may go. */
	void (*done)(void *ctx);
	/*
	 * Optional, with a budget: fuse_session__take took less than it was
	 * given, and now it may take more; call it again with the rest. From
	 * any thread, with the budget's lock held: be quick, take no lock.
	 */
	void (*resume)(void *ctx);
	/*
	 * Optional: the request with this unique ended without a reply
	 * (FORGET, BATCH_FORGET, INTERRUPT, NOTIFY_REPLY), so a client that
	 * waits for each request in turn knows to go on. From any thread.
	 */
	void (*no_reply)(void *ctx, uint64_t unique);
};

struct fuse_session;

/*
 * budget: the memory all sessions' requests may hold together (budget.h),
 * or NULL for FUSE_SESSION_MAX_INFLIGHT per session.
 */
struct fuse_session *fuse_session__create(struct fuse_pool *pool,
					  struct fuse_budget *budget,
					  const struct fuse_session_ops *ops,
					  void *ctx);
/*
 * Bytes from the client, in order, chunked anyhow. Returns 0, or -1 when
 * the stream is malformed (bad hello, impossible length): reset it.
 */
int fuse_session__recv(struct fuse_session *s, const void *buf, size_t len);
/*
 * The same, taking only what the budget lets it: the number of bytes
 * taken (all, or fewer when the next message does not fit: the rest must
 * come again after ops->resume), or -1.
 */
ssize_t fuse_session__take(struct fuse_session *s, const void *buf, size_t len);
/*
 * The connection is gone: no more recv. Running requests finish (a
 * waiting SETLKW gives up), their replies are dropped, then done().
 */
void fuse_session__close(struct fuse_session *s);

#endif
