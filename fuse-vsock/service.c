// SPDX-License-Identifier: GPL-2.0
/*
 * The adapter between the vsock device's in-VMM service interface
 * (virtio/vsock.h) and fuse-vsock sessions: accept makes a session, recv
 * feeds it, closed closes it; when its last request is done the session
 * calls done, which drops the stream. Every session takes its requests'
 * memory from one budget (budget.h): when it is spent, the session takes
 * no more bytes and the device keeps them, within the guest's credit,
 * until conn_resume.
 */
#include "service.h"

#include <stdlib.h>
#include <string.h>

#include "../virtio/vsock.h"
#include "../lib/log.h"
#include "pool.h"
#include "ports.h"
#include "session.h"

struct fuse_vsock {
	struct fuse_pool *pool;
	struct fuse_budget budget; /* every share's requests, together */
	struct fuse_server **shares;
	unsigned int n;
};

struct fuse_vsock_conn {
	struct fuse_vsock *fv;
	struct vsock_stream *stream;
	struct fuse_session *session;
};

static struct fuse_server *conn_pick(void *ctx, const char *tag)
{
	struct fuse_vsock_conn *c = ctx;
	unsigned int i;

	for (i = 0; i < c->fv->n; i++)
		if (!strcmp(fuse_server__tag(c->fv->shares[i]), tag))
			return c->fv->shares[i];
	return NULL;
}

static int conn_send(void *ctx, const struct iovec *iov, int iovcnt)
{
	struct fuse_vsock_conn *c = ctx;

	return vsock_stream__send(c->stream, iov, iovcnt);
}

static void conn_done(void *ctx)
{
	struct fuse_vsock_conn *c = ctx;

	vsock_stream__put(c->stream);
	free(c);
}

/* The budget has room again: the device hands over what it kept. */
static void conn_resume(void *ctx)
{
	struct fuse_vsock_conn *c = ctx;

	vsock_stream__resume(c->stream);
}

static const struct fuse_session_ops session_ops = {
	.pick = conn_pick,
	.send = conn_send,
	.done = conn_done,
	.resume = conn_resume,
};

static void *svc_accept(void *svc, struct vsock_stream *s)
{
	struct fuse_vsock_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->fv = svc;
	c->stream = s;
	c->session = fuse_session__create(c->fv->pool, &c->fv->budget,
					  &session_ops, c);
	if (!c->session) {
		free(c);
		return NULL;
	}
	return c;
}

static ssize_t svc_recv(void *conn, const void *buf, size_t len)
{
	struct fuse_vsock_conn *c = conn;

	return fuse_session__take(c->session, buf, len);
}

static void svc_closed(void *conn)
{
	struct fuse_vsock_conn *c = conn;

	fuse_session__close(c->session); /* conn_done follows, maybe later */
}

_Static_assert(FUSE_VSOCK_CLIENT_PORT_MAX == VSOCK_PRIVILEGED_PORT_MAX,
	       "the agent binds the ports the service accepts");

/* Only the guest's root (its agent) may speak FUSE: requests carry uids. */
static const struct vsock_service_ops service_ops = {
	.privileged = true,
	.accept = svc_accept,
	.recv = svc_recv,
	.closed = svc_closed,
};

struct fuse_vsock *fuse_vsock__serve(struct virtio_dev *vsock,
				     struct fuse_server **shares,
				     unsigned int n, char *err)
{
	struct fuse_vsock *fv = calloc(1, sizeof(*fv));

	if (!fv) {
		errbuf_set(err, "out of memory");
		return NULL;
	}
	fv->shares = shares;
	fv->n = n;
	fuse_budget__init(&fv->budget, FUSE_BUDGET_TOTAL, FUSE_BUDGET_SESSION);
	fv->pool = fuse_pool__create(FUSE_POOL_THREADS, FUSE_POOL_MAX_THREADS,
				     err);
	if (!fv->pool) {
		fuse_budget__destroy(&fv->budget);
		free(fv);
		return NULL;
	}
	if (vsock__bind_service(vsock, FUSE_VSOCK_PORT, &service_ops, fv)) {
		errbuf_set(err,
			   "vsock port %u for the shared directories is taken",
			   FUSE_VSOCK_PORT);
		fuse_pool__destroy(fv->pool);
		fuse_budget__destroy(&fv->budget);
		free(fv);
		return NULL;
	}
	return fv;
}

void fuse_vsock__destroy(struct fuse_vsock *fv)
{
	if (!fv)
		return;
	fuse_pool__destroy(fv->pool);
	fuse_budget__destroy(&fv->budget);
	free(fv);
}

size_t fuse_vsock__queued(struct fuse_vsock *fv, size_t *peak)
{
	return fuse_budget__used(&fv->budget, peak);
}

struct fuse_pool *fuse_vsock__pool(struct fuse_vsock *fv)
{
	return fv->pool;
}

struct fuse_budget *fuse_vsock__budget(struct fuse_vsock *fv)
{
	return &fv->budget;
}
