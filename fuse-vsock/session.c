// SPDX-License-Identifier: GPL-2.0
/*
 * A fuse-vsock connection, server side.
 *
 * The stream (proto.h) starts with the client's struct fuse_vsock_hello:
 * magic, version and the tag of the share it wants. The session answers
 * with a struct fuse_vsock_welcome: error 0 and the share's flags, or
 * EPROTO (bad magic or version, tag not NUL-terminated) or ENOENT (no
 * such share), after which any further byte resets the connection.
 *
 * Then come FUSE request messages back to back, each announcing its own
 * length in fuse_in_header.len. The session gathers bytes however they
 * are chunked (a header split across chunks, many messages in one) into
 * one buffer per message; a length below the header's size or above
 * FUSE_SERVER_MAX_MSG cannot be framed, so the stream is reset. Each
 * whole message becomes a job on the worker pool, so requests run in
 * parallel and complete in any order; each reply is sent whole, and the
 * client matches it by unique. FORGET and BATCH_FORGET produce no reply.
 *
 * INTERRUPT is handled at once, on the receiving thread: if the request
 * it names is still queued or running, it is flagged, which makes a
 * waiting SETLKW give up with EINTR; anything else just finishes (FUSE
 * allows ignoring an interrupt). INTERRUPT itself gets no reply.
 *
 * Lifetime: the session holds one reference for the open connection and
 * one per request in flight. fuse_session__close drops the first and
 * flags every request in flight; the last reference calls done().
 * Memory: with a budget (budget.h, shared by every session), a message's
 * bytes are taken from it when its header is complete, before the message
 * is gathered, and given back when its reply is sent. A message that does
 * not fit leaves its header's last bytes untaken: fuse_session__take
 * returns short, the caller keeps the rest (the vsock device in its
 * credit window, so the guest must wait), and ops->resume says when to
 * try again. A request whose reply may outgrow the worker's kept buffer
 * (a READ: fuse_server__reply_need, once the message is whole) takes
 * those bytes too before it goes to the pool; if they do not fit, its
 * last byte waits in the same way. Without a budget, queued requests total at
 * most FUSE_SESSION_MAX_INFLIGHT bytes: a client that floods without reading
 * replies is reset.
 */
#include "session.h"

#include <errno.h>
#include <linux/fuse.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/log.h"
#include "proto.h"

enum session_state {
	S_HELLO,
	S_RUNNING,
	S_FAILED, /* welcome with an error sent */
};

struct session_req {
	struct fuse_job job; /* first: the pool hands this back */
	struct fuse_session *s;
	struct fuse_req_ctl ctl;
	struct session_req *prev, *next; /* in flight */
	uint64_t queued_ns;		 /* when it went to the pool */
	size_t len;
	size_t charge; /* bytes taken from the budget: len, and its reply's */
	uint8_t msg[];
};

struct fuse_session {
	struct fuse_pool *pool;
	struct fuse_budget *budget;	  /* or NULL */
	struct fuse_budget_waiter waiter; /* its bytes in budget */
	const struct fuse_session_ops *ops;
	void *ctx;
	struct fuse_server *srv;
	enum session_state state;

	/* Receiving (the recv thread only). */
	union {
		struct fuse_vsock_hello hello;
		struct fuse_in_header hdr;
	} head;
	size_t head_len;	 /* bytes of head gathered */
	struct session_req *cur; /* the message being gathered */
	size_t cur_len;

	pthread_mutex_t lock;
	unsigned int refs;
	atomic_bool closed;
	size_t inflight_bytes;
	struct session_req *inflight;
};

static void budget_wake(struct fuse_budget_waiter *w)
{
	struct fuse_session *s =
		(void *)((char *)w - offsetof(struct fuse_session, waiter));

	if (s->ops->resume)
		s->ops->resume(s->ctx);
}

struct fuse_session *fuse_session__create(struct fuse_pool *pool,
					  struct fuse_budget *budget,
					  const struct fuse_session_ops *ops,
					  void *ctx)
{
	struct fuse_session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->pool = pool;
	s->budget = budget;
	s->waiter.wake = budget_wake;
	s->ops = ops;
	s->ctx = ctx;
	s->refs = 1;
	pthread_mutex_init(&s->lock, NULL);
	return s;
}

/* Drop a reference (with s->lock held, which this releases). */
static void session_unref(struct fuse_session *s)
{
	bool last = !--s->refs;

	pthread_mutex_unlock(&s->lock);
	if (!last)
		return;
	if (s->srv)
		fuse_server__detach(s->srv);
	if (s->cur && s->budget)
		fuse_budget__give(s->budget, &s->waiter, s->cur->charge);
	free(s->cur);
	pthread_mutex_destroy(&s->lock);
	s->ops->done(s->ctx);
	free(s);
}

static int send_welcome(struct fuse_session *s, int error)
{
	struct fuse_vsock_welcome w = { .magic = FUSE_VSOCK_MAGIC,
					.version = FUSE_VSOCK_VERSION,
					.error = error };
	struct iovec iov = { &w, sizeof(w) };

	if (!error && fuse_server__read_only(s->srv))
		w.flags |= FUSE_VSOCK_F_RO;
	s->state = error ? S_FAILED : S_RUNNING;
	return s->ops->send(s->ctx, &iov, 1);
}

static int hello(struct fuse_session *s)
{
	const struct fuse_vsock_hello *h = &s->head.hello;

	s->head_len = 0;
	if (h->magic != FUSE_VSOCK_MAGIC || h->version != FUSE_VSOCK_VERSION ||
	    !memchr(h->tag, '\0', sizeof(h->tag))) {
		pr_guest(
			"fuse: a guest connection's hello is not fuse-vsock %u",
			FUSE_VSOCK_VERSION);
		return send_welcome(s, EPROTO);
	}
	s->srv = s->ops->pick(s->ctx, h->tag);
	if (!s->srv) {
		pr_guest("fuse: the guest asked for share '%s': there is none",
			 h->tag);
		return send_welcome(s, ENOENT);
	}
	fuse_server__attach(s->srv);
	return send_welcome(s, 0);
}

static void run(struct fuse_job *job, struct fuse_buf *buf)
{
	struct session_req *r = (struct session_req *)job;
	struct fuse_session *s = r->s;
	uint64_t t0 = turtle__now_ns();
	struct iovec iov;
	size_t n;

	n = fuse_server__handle(s->srv, r->msg, r->len, buf, &r->ctl);
	if (n && !atomic_load(&s->closed)) {
		iov.iov_base = buf->p;
		iov.iov_len = n;
		s->ops->send(s->ctx, &iov, 1);
	} else if (!n && s->ops->no_reply && !atomic_load(&s->closed)) {
		s->ops->no_reply(s->ctx,
				 ((struct fuse_in_header *)r->msg)->unique);
	}
	fuse_server__account(s->srv, t0 - r->queued_ns, turtle__now_ns() - t0);
	/* The reply's bytes go back only once they are freed. */
	fuse_server__buf_shrink(buf);
	pthread_mutex_lock(&s->lock);
	if (r->prev)
		r->prev->next = r->next;
	else
		s->inflight = r->next;
	if (r->next)
		r->next->prev = r->prev;
	s->inflight_bytes -= r->len;
	if (s->budget)
		fuse_budget__give(s->budget, &s->waiter, r->charge);
	free(r);
	session_unref(s);
}

static void interrupt(struct fuse_session *s, const struct session_req *m)
{
	const struct fuse_interrupt_in *in =
		(const void *)(m->msg + sizeof(struct fuse_in_header));
	struct session_req *r;

	if (m->len != sizeof(struct fuse_in_header) + sizeof(*in))
		return;
	pthread_mutex_lock(&s->lock);
	for (r = s->inflight; r; r = r->next)
		if (((struct fuse_in_header *)r->msg)->unique == in->unique)
			atomic_store(&r->ctl.interrupted, 1);
	pthread_mutex_unlock(&s->lock);
}

/* A whole message in s->cur: to the pool. */
static int dispatch(struct fuse_session *s)
{
	struct session_req *r = s->cur;

	s->cur = NULL;
	s->cur_len = 0;
	if (((struct fuse_in_header *)r->msg)->opcode == FUSE_INTERRUPT) {
		interrupt(s, r);
		if (s->ops->no_reply)
			s->ops->no_reply(
				s->ctx,
				((struct fuse_in_header *)r->msg)->unique);
		if (s->budget)
			fuse_budget__give(s->budget, &s->waiter, r->charge);
		free(r);
		return 0;
	}
	pthread_mutex_lock(&s->lock);
	if (!s->budget &&
	    s->inflight_bytes + r->len > FUSE_SESSION_MAX_INFLIGHT) {
		pthread_mutex_unlock(&s->lock);
		pr_guest(
			"fuse %s: the guest queued more than %u MiB of requests",
			fuse_server__tag(s->srv),
			FUSE_SESSION_MAX_INFLIGHT >> 20);
		free(r);
		return -1;
	}
	s->inflight_bytes += r->len;
	s->refs++;
	r->next = s->inflight;
	if (r->next)
		r->next->prev = r;
	s->inflight = r;
	pthread_mutex_unlock(&s->lock);
	r->queued_ns = turtle__now_ns();
	fuse_pool__submit(s->pool, &r->job);
	return 0;
}

/*
 * s->cur is whole: take its reply's bytes, if it needs more than a
 * worker keeps. 1 if the budget has no room for them now.
 */
static int charge_reply(struct fuse_session *s)
{
	struct session_req *r = s->cur;
	size_t n;

	if (!s->budget)
		return 0;
	n = fuse_server__reply_need(r->msg, r->len);
	if (!n)
		return 0;
	if (!fuse_budget__take_more(s->budget, &s->waiter, n, r->charge))
		return 1;
	r->charge += n;
	return 0;
}

/*
 * The header is whole: start gathering its message. 1 if the budget has
 * no room for it now (nothing changed), 0, or -1 (reset).
 */
static int begin_message(struct fuse_session *s)
{
	uint32_t len = s->head.hdr.len;
	struct session_req *r;

	if (len < sizeof(struct fuse_in_header) || len > FUSE_SERVER_MAX_MSG) {
		pr_guest(
			"fuse %s: a guest message of %u bytes: the stream is broken",
			fuse_server__tag(s->srv), len);
		return -1;
	}
	if (s->budget && !fuse_budget__take(s->budget, &s->waiter, len))
		return 1;
	s->head_len = 0;
	r = calloc(1, sizeof(*r) + len);
	if (!r) {
		if (s->budget)
			fuse_budget__give(s->budget, &s->waiter, len);
		return -1;
	}
	r->job.run = run;
	r->s = s;
	r->ctl.waiting = fuse_pool__waiting;
	r->ctl.priv = s->pool;
	r->len = len;
	r->charge = len;
	memcpy(r->msg, &s->head.hdr, sizeof(s->head.hdr));
	s->cur = r;
	s->cur_len = sizeof(s->head.hdr);
	/* A header alone names no reply size: nothing more to charge. */
	return s->cur_len == len ? dispatch(s) : 0;
}

ssize_t fuse_session__take(struct fuse_session *s, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t left = len, want, n;
	int r;

	while (left) {
		if (s->state == S_FAILED)
			return -1;
		if (s->cur) { /* the rest of a message */
			n = s->cur->len - s->cur_len;
			n = n < left ? n : left;
			memcpy(s->cur->msg + s->cur_len, p, n);
			if (s->cur_len + n == s->cur->len && charge_reply(s)) {
				/* Its last byte waits for room (resume). */
				s->cur_len += n - 1;
				return (ssize_t)(len - left + n - 1);
			}
			s->cur_len += n;
			p += n;
			left -= n;
			if (s->cur_len == s->cur->len && dispatch(s))
				return -1;
			continue;
		}
		want = s->state == S_HELLO ? sizeof(s->head.hello)
					   : sizeof(s->head.hdr);
		n = want - s->head_len < left ? want - s->head_len : left;
		memcpy((uint8_t *)&s->head + s->head_len, p, n);
		if (s->head_len + n < want || s->state == S_HELLO) {
			s->head_len += n;
			p += n;
			left -= n;
			if (s->head_len == want && hello(s))
				return -1;
			continue;
		}
		/* A whole header: its last n bytes count only if it fits. */
		r = begin_message(s);
		if (r < 0)
			return -1;
		if (r > 0)
			return (ssize_t)(len - left);
		p += n;
		left -= n;
	}
	return (ssize_t)len;
}

int fuse_session__recv(struct fuse_session *s, const void *buf, size_t len)
{
	ssize_t n = fuse_session__take(s, buf, len);

	return n == (ssize_t)len ? 0 : -1;
}

void fuse_session__close(struct fuse_session *s)
{
	struct session_req *r;

	if (s->budget)
		fuse_budget__cancel(s->budget, &s->waiter);
	pthread_mutex_lock(&s->lock);
	atomic_store(&s->closed, true);
	for (r = s->inflight; r; r = r->next)
		atomic_store(&r->ctl.interrupted, 1);
	session_unref(s);
}
