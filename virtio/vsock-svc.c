// SPDX-License-Identifier: GPL-2.0
/*
 * In-VMM vsock services: each guest connection to a bound port is a
 * struct vsock_stream shared by the device's thread and the service's.
 *
 * Host -> guest: vsock_stream__send copies the bytes into a chunk on the
 * stream's queue (under the stream's lock, so one send stays contiguous)
 * and writes the wake eventfd; the device thread then reads the queue as
 * the guest's credit and rx buffers allow, and wakes blocked senders.
 * Guest -> host: the device thread calls the service's recv; what it takes
 * counts as consumed. What it does not take stays in the connection's
 * buffer (vsock-conn.c), inside the credit the guest was given, so the
 * guest stops sending; vsock_stream__resume (a flag and the wake eventfd)
 * makes the device thread offer it again (vsock_conn__writable).
 *
 * Memory: a sender waits while its stream has VSOCK_STREAM_QUEUE_MAX
 * bytes queued, or all streams together VSOCK_SVCS_QUEUE_MAX (svcs->qlock
 * guards those counts); at most VSOCK_SVC_MAX_STREAMS connections.
 *
 * Who may connect: a service that declares itself privileged (the shared
 * directories) is answered only from a guest port up to
 * VSOCK_PRIVILEGED_PORT_MAX, which in a Linux guest only root can bind;
 * any other connection gets RST before the service hears of it.
 *
 * Lifetime: two references, the device's and the service's. When the
 * connection ends the device marks the stream closed (senders get -1 from
 * then on, blocked ones wake), calls closed(), and drops its reference;
 * the service drops its own with vsock_stream__put.
 */
#include "vsock-svc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/log.h"

struct vsock_chunk {
	struct vsock_chunk *next;
	size_t len, off;
	uint8_t data[];
};

struct vsock_stream {
	pthread_mutex_t lock;
	int refs;
	bool closed;
	struct vsock_chunk *head, *tail;
	size_t queued;
	int wake_fd;
	pthread_t dev_thread;
	size_t charged; /* of svcs->queued, under svcs->qlock */
	int resume;	/* atomic: vsock_stream__resume was called */

	/* The device thread's. */
	const struct vsock_service_ops *ops;
	void *conn_state;
	struct vsock_conn *conn;
	struct vsock_svcs *svcs;
	struct vsock_stream *prev, *next;
};

void vsock_svcs__init(struct vsock_svcs *s, int wake_fd)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->qlock, NULL);
	pthread_cond_init(&s->qcond, NULL);
	s->wake_fd = wake_fd;
}

int vsock_svcs__bind(struct vsock_svcs *s, uint32_t port,
		     const struct vsock_service_ops *ops, void *svc)
{
	unsigned int i;
	int ret = -1;

	if (!ops || !ops->accept || !ops->recv || !ops->closed)
		return -1;
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->nbound; i++)
		if (s->bound[i].port == port)
			goto out;
	if (s->nbound < VSOCK_MAX_SERVICES) {
		s->bound[s->nbound++] = (struct vsock_svc){ .port = port,
							    .ops = ops,
							    .svc = svc };
		ret = 0;
	}
out:
	pthread_mutex_unlock(&s->lock);
	return ret;
}

static void free_chunks(struct vsock_stream *st)
{
	struct vsock_chunk *ch;

	while ((ch = st->head)) {
		st->head = ch->next;
		free(ch);
	}
	st->tail = NULL;
	st->queued = 0;
}

void vsock_stream__put(struct vsock_stream *st)
{
	bool last;

	pthread_mutex_lock(&st->lock);
	last = --st->refs == 0;
	pthread_mutex_unlock(&st->lock);
	if (!last)
		return;
	free_chunks(st);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

int vsock_stream__send(struct vsock_stream *st, const struct iovec *iov,
		       int iovcnt)
{
	struct vsock_svcs *svcs = st->svcs;
	struct vsock_chunk *ch;
	uint64_t one = 1;
	size_t total = 0, off = 0;
	bool on_device;
	int i;

	for (i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	if (!total)
		return 0;
	ch = malloc(sizeof(*ch) + total);
	if (!ch)
		return -1;
	for (i = 0; i < iovcnt; off += iov[i].iov_len, i++)
		memcpy(ch->data + off, iov[i].iov_base, iov[i].iov_len);
	ch->len = total;
	ch->off = 0;
	ch->next = NULL;

	/* The device thread must never wait for itself. */
	on_device = pthread_equal(pthread_self(), st->dev_thread);
	pthread_mutex_lock(&svcs->qlock);
	while (!__atomic_load_n(&st->closed, __ATOMIC_ACQUIRE) && !on_device &&
	       ((st->charged && st->charged + total > VSOCK_STREAM_QUEUE_MAX) ||
		(svcs->queued && svcs->queued + total > VSOCK_SVCS_QUEUE_MAX)))
		pthread_cond_wait(&svcs->qcond, &svcs->qlock);
	if (__atomic_load_n(&st->closed, __ATOMIC_ACQUIRE)) {
		pthread_mutex_unlock(&svcs->qlock);
		free(ch);
		return -1;
	}
	st->charged += total;
	svcs->queued += total;
	if (svcs->queued > svcs->queued_peak)
		svcs->queued_peak = svcs->queued;
	pthread_mutex_unlock(&svcs->qlock);
	pthread_mutex_lock(&st->lock);
	if (__atomic_load_n(&st->closed, __ATOMIC_ACQUIRE)) {
		/* Closed meanwhile: its release took back what we charged. */
		pthread_mutex_unlock(&st->lock);
		free(ch);
		return -1;
	}
	if (st->tail)
		st->tail->next = ch;
	else
		st->head = ch;
	st->tail = ch;
	st->queued += total;
	pthread_mutex_unlock(&st->lock);
	if (write(st->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		pr_err("virtio-vsock: cannot wake the device: %s",
		       strerror(errno));
	return 0;
}

/* n bytes of st's went to the guest (or away): wake waiting senders. */
static void uncharge(struct vsock_stream *st, size_t n)
{
	struct vsock_svcs *svcs = st->svcs;

	pthread_mutex_lock(&svcs->qlock);
	st->charged -= n;
	svcs->queued -= n;
	pthread_cond_broadcast(&svcs->qcond);
	pthread_mutex_unlock(&svcs->qlock);
}

void vsock_stream__resume(struct vsock_stream *st)
{
	uint64_t one = 1;

	__atomic_store_n(&st->resume, 1, __ATOMIC_RELEASE);
	if (write(st->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		pr_err("virtio-vsock: cannot wake the device: %s",
		       strerror(errno));
}

/* Connection ops: the stream as the host end. */

static ssize_t stream_read(struct vsock_conn *c, const struct iovec *iov,
			   int iovcnt)
{
	struct vsock_stream *st = c->be;
	struct vsock_chunk *ch;
	size_t room = 0, n = 0, k;
	int i;

	for (i = 0; i < iovcnt; i++)
		room += iov[i].iov_len;
	pthread_mutex_lock(&st->lock);
	while ((ch = st->head) && n < room) {
		k = ch->len - ch->off;
		if (k > room - n)
			k = room - n;
		iov__from_buf(iov, iovcnt, n, ch->data + ch->off, k);
		n += k;
		ch->off += k;
		if (ch->off == ch->len) {
			st->head = ch->next;
			if (!st->head)
				st->tail = NULL;
			free(ch);
		}
	}
	st->queued -= n;
	pthread_mutex_unlock(&st->lock);
	if (n)
		uncharge(st, n);
	return n ? (ssize_t)n : VSOCK_AGAIN;
}

static ssize_t stream_write(struct vsock_conn *c, const struct iovec *iov,
			    int iovcnt)
{
	struct vsock_stream *st = c->be;
	ssize_t total = 0, n;
	int i;

	for (i = 0; i < iovcnt; i++) {
		n = st->ops->recv(st->conn_state, iov[i].iov_base,
				  iov[i].iov_len);
		if (n < 0)
			return -1;
		if ((size_t)n > iov[i].iov_len)
			n = (ssize_t)iov[i].iov_len;
		total += n;
		if ((size_t)n < iov[i].iov_len)
			break; /* the rest when the service resumes us */
	}
	return total;
}

static void stream_release(struct vsock_conn *c)
{
	struct vsock_stream *st = c->be;
	struct vsock_svcs *s = st->svcs;

	pthread_mutex_lock(&s->qlock);
	__atomic_store_n(&st->closed, true, __ATOMIC_RELEASE);
	s->queued -= st->charged;
	st->charged = 0;
	pthread_cond_broadcast(&s->qcond);
	pthread_mutex_unlock(&s->qlock);
	pthread_mutex_lock(&st->lock);
	free_chunks(st);
	pthread_mutex_unlock(&st->lock);
	s->nstreams--;
	if (st->prev)
		st->prev->next = st->next;
	else
		s->streams = st->next;
	if (st->next)
		st->next->prev = st->prev;
	st->conn = NULL;
	st->ops->closed(st->conn_state);
	vsock_stream__put(st);
}

static const struct vsock_conn_ops stream_ops = {
	.write = stream_write,
	.read = stream_read,
	.release = stream_release,
};

int vsock_svcs__accept(struct vsock_svcs *s, struct vsock_conn *c)
{
	struct vsock_stream *st;
	struct vsock_svc svc = { 0 };
	unsigned int i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->nbound; i++)
		if (s->bound[i].port == c->local_port)
			svc = s->bound[i];
	pthread_mutex_unlock(&s->lock);
	if (!svc.ops)
		return VSOCK_SVC_NONE;
	if (svc.ops->privileged && c->peer_port > VSOCK_PRIVILEGED_PORT_MAX) {
		s->refused++;
		pr_guest(
			"virtio-vsock: port %u serves only privileged guest ports (up to %u): guest port %u refused",
			c->local_port, VSOCK_PRIVILEGED_PORT_MAX, c->peer_port);
		return -1;
	}

	if (s->nstreams >= VSOCK_SVC_MAX_STREAMS) {
		s->full++;
		pr_guest(
			"virtio-vsock: %u connections to services already: guest port %u refused",
			s->nstreams, c->peer_port);
		return -1;
	}
	st = calloc(1, sizeof(*st));
	if (!st)
		return -1;
	pthread_mutex_init(&st->lock, NULL);
	st->refs = 2; /* the device's and, once accepted, the service's */
	st->wake_fd = s->wake_fd;
	st->dev_thread = pthread_self();
	st->ops = svc.ops;
	st->svcs = s;
	st->conn = c;
	st->conn_state = svc.ops->accept(svc.svc, st);
	if (!st->conn_state) {
		uncharge(st, st->charged); /* sent from accept, then refused */
		pthread_mutex_destroy(&st->lock);
		free_chunks(st);
		free(st);
		return -1;
	}
	s->nstreams++;
	c->ops = &stream_ops;
	c->be = st;
	st->next = s->streams;
	if (s->streams)
		s->streams->prev = st;
	s->streams = st;
	return 0;
}

void vsock_svcs__poll(struct vsock_svcs *s)
{
	struct vsock_stream *st, *next;
	bool has;

	for (st = s->streams; st; st = next) {
		next = st->next;
		if (__atomic_exchange_n(&st->resume, 0, __ATOMIC_ACQ_REL) &&
		    st->conn) {
			vsock_conn__writable(st->conn); /* may release it */
			if (!st->conn)
				continue;
		}
		pthread_mutex_lock(&st->lock);
		has = st->queued > 0;
		pthread_mutex_unlock(&st->lock);
		if (has && st->conn)
			vsock_conn__readable(st->conn);
	}
}

size_t vsock_svcs__queued(struct vsock_svcs *s, size_t *peak)
{
	size_t n;

	pthread_mutex_lock(&s->qlock);
	n = s->queued;
	if (peak)
		*peak = s->queued_peak;
	pthread_mutex_unlock(&s->qlock);
	return n;
}
