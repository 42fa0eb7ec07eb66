// SPDX-License-Identifier: GPL-2.0
/*
 * FUSE through the direct window, the top turtle's side (window-proto.h).
 *
 * The doorbell runs on the vCPU thread whose guest wrote it. It copies the
 * message out of the shared memory first (the guest may change that memory
 * at any time: everything is checked and served from turtle's copy), then
 * feeds it to a fuse-vsock session exactly as the vsock device feeds a
 * connection's bytes: the session frames it, takes its bytes from the
 * shares' budget and queues it on the worker pool, whose thread runs it
 * with the guest user's credentials and sends the reply through our send
 * callback. That callback copies the reply into the shared memory and
 * wakes the vCPU thread, which then completes the guest's store.
 *
 * State: one session at a time (w->conn), replaced by each hello (a guest
 * that mounts again); one request at a time (w->call). A session that was
 * replaced may still have a FORGET running: its conn is marked stale and
 * whatever it sends is dropped; done() frees it.
 *
 * Locks: w->call (a doorbell, held while it waits) before w->lock (the
 * request's state, held briefly). The budget calls resume with its lock
 * held; resume takes w->lock, which is never held while taking budget.
 */
#include "window.h"

#include <errno.h>
#include <linux/fuse.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/log.h"
#include "proto.h"
#include "session.h"

struct win_conn {
	struct fuse_window *w;
	struct fuse_session *session;
	bool stale; /* under w->lock */
};

struct fuse_window {
	uint8_t *mem;
	struct fuse_pool *pool;
	struct fuse_budget *budget;
	struct fuse_server **shares;
	unsigned int n;

	pthread_mutex_t call; /* one doorbell at a time */
	struct win_conn *conn;

	pthread_mutex_t lock; /* the request in flight */
	pthread_cond_t cond;
	bool is_init, replied, resumed;
	bool hello;	 /* the reply awaited is a welcome, not a FUSE reply */
	uint64_t unique; /* the FUSE request's, whose reply is awaited */
	bool aborted;	 /* the VM is stopping: no doorbell waits any more */
	uint32_t status, reply_len;

	/* The request (turtle's copy), the reply being sent: FUSE-aligned. */
	_Alignas(8) uint8_t msg[FUSE_WINDOW_MSG_MAX];
	_Alignas(8) uint8_t reply[FUSE_WINDOW_MSG_MAX];
};

uint32_t fuse_window__check(const void *msg, uint32_t len, int hello)
{
	struct fuse_in_header h;

	if (hello)
		return len == sizeof(struct fuse_vsock_hello) ? 0 : EPROTO;
	if (len < sizeof(h) || len > FUSE_WINDOW_MSG_MAX)
		return EMSGSIZE;
	memcpy(&h, msg, sizeof(h));
	return h.len == len ? 0 : EPROTO;
}

void fuse_window__trim_init(void *reply, size_t len)
{
	struct fuse_out_header *h = reply;
	struct fuse_init_out *out = (void *)(h + 1);

	if (len < sizeof(*h) + offsetof(struct fuse_init_out, max_pages) +
			    sizeof(out->max_pages) ||
	    h->error)
		return;
	out->flags &= ~(uint32_t)(FUSE_POSIX_LOCKS | FUSE_FLOCK_LOCKS);
	if (out->max_write > FUSE_WINDOW_MAX_WRITE)
		out->max_write = FUSE_WINDOW_MAX_WRITE;
	if (out->flags & FUSE_MAX_PAGES)
		out->max_pages = FUSE_WINDOW_MAX_PAGES;
}

static struct fuse_server *win_pick(void *ctx, const char *tag)
{
	struct win_conn *c = ctx;
	unsigned int i;

	for (i = 0; i < c->w->n; i++)
		if (!strcmp(fuse_server__tag(c->w->shares[i]), tag))
			return c->w->shares[i];
	return NULL;
}

/*
 * Is this the reply the doorbell waits for (w->lock held)? Not when it
 * came already, nor when it answers another request: a reply the guest
 * did not wait for (an INTERRUPT's, say) may come late, during the next.
 */
static bool win_awaited(struct fuse_window *w, const struct iovec *iov,
			int iovcnt)
{
	struct fuse_out_header oh;
	size_t got = 0, n;
	int i;

	if (w->replied)
		return false;
	if (w->hello)
		return true;
	for (i = 0; i < iovcnt && got < sizeof(oh); i++) {
		n = iov[i].iov_len < sizeof(oh) - got ? iov[i].iov_len
						      : sizeof(oh) - got;
		memcpy((uint8_t *)&oh + got, iov[i].iov_base, n);
		got += n;
	}
	return got == sizeof(oh) && oh.unique == w->unique;
}

/* A reply (or the welcome), from a worker or, for the welcome, the vCPU. */
static int win_send(void *ctx, const struct iovec *iov, int iovcnt)
{
	struct win_conn *c = ctx;
	struct fuse_window *w = c->w;
	size_t len = 0;
	int i;

	pthread_mutex_lock(&w->lock);
	if (c->stale || w->aborted || !win_awaited(w, iov, iovcnt)) {
		pthread_mutex_unlock(&w->lock);
		return 0;
	}
	for (i = 0; i < iovcnt; i++)
		len += iov[i].iov_len;
	if (len > FUSE_WINDOW_MSG_MAX) {
		pr_guest(
			"fuse: a reply of %zu bytes does not fit the direct window (%u)",
			len, FUSE_WINDOW_MSG_MAX);
		w->status = E2BIG;
		w->reply_len = 0;
	} else {
		for (len = 0, i = 0; i < iovcnt; i++) {
			memcpy(w->reply + len, iov[i].iov_base, iov[i].iov_len);
			len += iov[i].iov_len;
		}
		if (w->is_init)
			fuse_window__trim_init(w->reply, len);
		memcpy(w->mem + FUSE_WINDOW_MSG, w->reply, len);
		w->status = 0;
		w->reply_len = (uint32_t)len;
	}
	w->replied = true;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

/* A request that ends without a reply: the doorbell waiting for it goes on. */
static void win_no_reply(void *ctx, uint64_t unique)
{
	struct win_conn *c = ctx;
	struct fuse_window *w = c->w;

	pthread_mutex_lock(&w->lock);
	if (!c->stale && !w->aborted && !w->hello && !w->replied &&
	    unique == w->unique) {
		w->status = 0;
		w->reply_len = 0;
		w->replied = true;
		pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
}

static void win_done(void *ctx)
{
	free(ctx);
}

static void win_resume(void *ctx)
{
	struct win_conn *c = ctx;

	pthread_mutex_lock(&c->w->lock);
	c->w->resumed = true;
	pthread_cond_broadcast(&c->w->cond);
	pthread_mutex_unlock(&c->w->lock);
}

static const struct fuse_session_ops win_ops = {
	.pick = win_pick,
	.send = win_send,
	.done = win_done,
	.resume = win_resume,
	.no_reply = win_no_reply,
};

struct fuse_window *fuse_window__create(volatile uint8_t *mem,
					struct fuse_pool *pool,
					struct fuse_budget *budget,
					struct fuse_server **shares,
					unsigned int n)
{
	struct fuse_window *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	/* turtle's own memory: the guest's accesses need no volatile here. */
	w->mem = (uint8_t *)mem;
	w->pool = pool;
	w->budget = budget;
	w->shares = shares;
	w->n = n;
	pthread_mutex_init(&w->call, NULL);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	return w;
}

struct win_close {
	struct fuse_job job; /* first: the pool hands this back */
	struct fuse_session *session;
};

static void win_close_run(struct fuse_job *job, struct fuse_buf *buf)
{
	struct win_close *wc = (struct win_close *)job;

	(void)buf;
	fuse_session__close(wc->session); /* win_done frees its conn */
	free(wc);
}

/*
 * End the current session (w->call held). On a worker: the last session
 * of a share drops its table, which closes files, and the vCPU thread's
 * seccomp filter has no close.
 */
static void win_drop(struct fuse_window *w)
{
	struct win_conn *c = w->conn;
	struct win_close *wc;

	if (!c)
		return;
	w->conn = NULL;
	pthread_mutex_lock(&w->lock);
	c->stale = true;
	pthread_mutex_unlock(&w->lock);
	wc = calloc(1, sizeof(*wc));
	if (!wc) {
		pr_err("fuse: no memory to end a direct window session: it stays open");
		return;
	}
	wc->job.run = win_close_run;
	wc->session = c->session;
	fuse_pool__submit(w->pool, &wc->job);
}

void fuse_window__close(struct fuse_window *w)
{
	pthread_mutex_lock(&w->call);
	win_drop(w);
	pthread_mutex_unlock(&w->call);
}

void fuse_window__destroy(struct fuse_window *w)
{
	pthread_mutex_destroy(&w->call);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	free(w);
}

/*
 * Feed len bytes of w->msg to the session, waiting for the budget when it
 * is spent, then for the reply (or the word that none comes). The status.
 */
static uint32_t win_feed(struct fuse_window *w, uint32_t len)
{
	size_t off = 0;
	uint32_t status;
	ssize_t n;

	while (off < len) {
		n = fuse_session__take(w->conn->session, w->msg + off,
				       len - off);
		if (n < 0) {
			win_drop(w);
			return EPROTO;
		}
		off += (size_t)n;
		pthread_mutex_lock(&w->lock);
		while (off < len && !w->resumed && !w->aborted)
			pthread_cond_wait(&w->cond, &w->lock);
		w->resumed = false;
		if (w->aborted) {
			pthread_mutex_unlock(&w->lock);
			return ESHUTDOWN;
		}
		pthread_mutex_unlock(&w->lock);
	}
	pthread_mutex_lock(&w->lock);
	while (!w->replied && !w->aborted)
		pthread_cond_wait(&w->cond, &w->lock);
	status = w->replied ? w->status : ESHUTDOWN;
	pthread_mutex_unlock(&w->lock);
	return status;
}

static void win_begin(struct fuse_window *w, bool hello, uint64_t unique,
		      bool is_init)
{
	pthread_mutex_lock(&w->lock);
	w->hello = hello;
	w->unique = unique;
	w->is_init = is_init;
	w->replied = w->resumed = false;
	w->status = 0;
	w->reply_len = 0;
	pthread_mutex_unlock(&w->lock);
}

static uint32_t win_hello(struct fuse_window *w, uint32_t len)
{
	struct fuse_vsock_welcome wel;
	struct win_conn *c;
	uint32_t status;

	win_drop(w);
	c = calloc(1, sizeof(*c));
	if (!c)
		return ENOMEM;
	c->w = w;
	c->session = fuse_session__create(w->pool, w->budget, &win_ops, c);
	if (!c->session) {
		free(c);
		return ENOMEM;
	}
	w->conn = c;
	win_begin(w, true, 0, false);
	status = win_feed(w, len);
	if (status)
		return status;
	memcpy(&wel, w->reply, sizeof(wel));
	if (wel.error) {
		win_drop(w);
		return wel.error == ENOENT ? ENOENT : EPROTO;
	}
	return 0;
}

static uint32_t win_call(struct fuse_window *w, uint32_t len)
{
	const struct fuse_in_header *h = (const void *)w->msg;

	if (!w->conn)
		return ENOTCONN;
	win_begin(w, false, h->unique, h->opcode == FUSE_INIT);
	return win_feed(w, len);
}

void fuse_window__abort(struct fuse_window *w)
{
	pthread_mutex_lock(&w->lock);
	w->aborted = true;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static bool win_aborted(struct fuse_window *w)
{
	bool aborted;

	pthread_mutex_lock(&w->lock);
	aborted = w->aborted;
	pthread_mutex_unlock(&w->lock);
	return aborted;
}

/* Check the message the doorbell announced and serve it: its status. */
static uint32_t win_serve(struct fuse_window *w, int hello, uint32_t val)
{
	uint32_t status;

	if (win_aborted(w))
		return ESHUTDOWN;
	if (val > FUSE_WINDOW_MSG_MAX) {
		status = EMSGSIZE;
	} else {
		memcpy(w->msg, w->mem + FUSE_WINDOW_MSG, val);
		status = fuse_window__check(w->msg, val, hello);
	}
	if (status) {
		pr_guest("fuse: a direct window %s of %u bytes: %s",
			 hello ? "hello" : "request", val,
			 strerror((int)status));
		return status;
	}
	return hello ? win_hello(w, val) : win_call(w, val);
}

void fuse_window__ring(struct fuse_window *w, uint64_t reg, uint32_t val)
{
	struct fuse_window_status st = { 0 };

	pthread_mutex_lock(&w->call);
	st.status = win_serve(w, reg == FUSE_WINDOW_REG_HELLO, val);
	pthread_mutex_lock(&w->lock);
	st.reply_len = st.status ? 0 : w->reply_len;
	pthread_mutex_unlock(&w->lock);
	memcpy(w->mem, &st, sizeof(st));
	pthread_mutex_unlock(&w->call);
}
