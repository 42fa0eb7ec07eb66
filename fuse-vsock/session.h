/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One fuse-vsock connection (proto.h) on the server side: a byte stream
 * in, whole FUSE messages out to the worker pool, replies sent back
 * through a callback. Knows nothing of vsock: service.c plugs it in.
 */
#ifndef TURTLE_FUSE_VSOCK_SESSION_H
#define TURTLE_FUSE_VSOCK_SESSION_H

#include <stddef.h>
#include <sys/uio.h>

#include "pool.h"
#include "server.h"

/* Requests queued or running on one connection: at most this many bytes. */
#define FUSE_SESSION_MAX_INFLIGHT (64u << 20)

struct fuse_session_ops {
	/* The share a hello names, or NULL (the guest gets ENOENT). */
	struct fuse_server *(*pick)(void *ctx, const char *tag);
	/* Send bytes to the client, whole; from any thread. 0 or -1. */
	int (*send)(void *ctx, const struct iovec *iov, int iovcnt);
	/* After fuse_session__close, once no request is left: ctx may go. */
	void (*done)(void *ctx);
};

struct fuse_session;

struct fuse_session *fuse_session__create(struct fuse_pool *pool,
					  const struct fuse_session_ops *ops,
					  void *ctx);
/*
 * Bytes from the client, in order, chunked anyhow. Returns 0, or -1 when
 * the stream is malformed (bad hello, impossible length): reset it.
 */
int fuse_session__recv(struct fuse_session *s, const void *buf, size_t len);
/*
 * The connection is gone: no more recv. Running requests finish (a
 * waiting SETLKW gives up), their replies are dropped, then done().
 */
void fuse_session__close(struct fuse_session *s);

#endif
