// SPDX-License-Identifier: GPL-2.0
/*
 * In-VMM vsock services: each guest connection to a bound port is a
 * struct vsock_stream shared by the device's thread and the service's.
 *
 * Host -> guest: vsock_stream__send copies the bytes into a chunk on the
 * stream's queue (under the stream's lock, so one send stays contiguous)
 * and writes the wake eventfd; the device thread then reads the queue as
 * the guest's credit and rx buffers allow, and wakes blocked senders.
 * Guest -> host: the device thread calls the service's recv; the bytes
 * count as consumed when it returns.
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

#include "../vmm/log.h"

struct vsock_chunk {
	struct vsock_chunk *next;
	size_t len, off;
	uint8_t data[];
};

struct vsock_stream {
	pthread_mutex_t lock;
	pthread_cond_t cond; /* queue space, or closed */
	int refs;
	bool closed;
	struct vsock_chunk *head, *tail;
	size_t queued;
	int wake_fd;
	pthread_t dev_thread;

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
	pthread_cond_destroy(&st->cond);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

int vsock_stream__send(struct vsock_stream *st, const struct iovec *iov,
		       int iovcnt)
{
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
	pthread_mutex_lock(&st->lock);
	while (!st->closed && !on_device && st->queued &&
	       st->queued + total > VSOCK_STREAM_QUEUE_MAX)
		pthread_cond_wait(&st->cond, &st->lock);
	if (st->closed) {
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
	if (n)
		pthread_cond_broadcast(&st->cond);
	pthread_mutex_unlock(&st->lock);
	return n ? (ssize_t)n : VSOCK_AGAIN;
}

static ssize_t stream_write(struct vsock_conn *c, const struct iovec *iov,
			    int iovcnt)
{
	struct vsock_stream *st = c->be;
	ssize_t total = 0;
	int i;

	for (i = 0; i < iovcnt; i++) {
		if (st->ops->recv(st->conn_state, iov[i].iov_base,
				  iov[i].iov_len) < 0)
			return -1;
		total += (ssize_t)iov[i].iov_len;
	}
	return total;
}

static void stream_release(struct vsock_conn *c)
{
	struct vsock_stream *st = c->be;
	struct vsock_svcs *s = st->svcs;

	pthread_mutex_lock(&st->lock);
	st->closed = true;
	free_chunks(st);
	pthread_cond_broadcast(&st->cond);
	pthread_mutex_unlock(&st->lock);
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

	st = calloc(1, sizeof(*st));
	if (!st)
		return -1;
	pthread_mutex_init(&st->lock, NULL);
	pthread_cond_init(&st->cond, NULL);
	st->refs = 2; /* the device's and, once accepted, the service's */
	st->wake_fd = s->wake_fd;
	st->dev_thread = pthread_self();
	st->ops = svc.ops;
	st->svcs = s;
	st->conn = c;
	st->conn_state = svc.ops->accept(svc.svc, st);
	if (!st->conn_state) {
		pthread_cond_destroy(&st->cond);
		pthread_mutex_destroy(&st->lock);
		free_chunks(st); /* sent from accept, then refused */
		free(st);
		return -1;
	}
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
		pthread_mutex_lock(&st->lock);
		has = st->queued > 0;
		pthread_mutex_unlock(&st->lock);
		if (has && st->conn)
			vsock_conn__readable(st->conn);
	}
}
