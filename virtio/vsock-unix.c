// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-vsock over host Unix sockets (see vsock-unix.h for the protocol).
 *
 * Each open socket is a struct vsock_sock in the device's epoll. It starts
 * either as a host program's socket waiting for its CONNECT line (no
 * connection yet), or as turtle's own socket to PATH_P for a guest's
 * connection. Interest follows the connection: EPOLLIN while the guest can
 * take bytes (credit, rx buffers), EPOLLOUT while guest bytes wait.
 * EPOLLHUP comes whatever the interest, so once the host end hung up the
 * socket leaves epoll and is read to its end as credit allows.
 *
 * A closed socket stays allocated until the end of the epoll batch
 * (vsock_unix__reap), since later events of the batch may point at it.
 */
#include "vsock-unix.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/log.h"

struct vsock_sock {
	struct vsock_watch w; /* first: the epoll tag */
	struct vsock_unix *u;
	int fd;
	struct vsock_conn *conn; /* NULL while waiting for the line */
	uint32_t events;	 /* registered interest */
	bool in_epoll;
	bool connecting; /* our connect to PATH_P is in progress */
	bool hup;
	bool from_guest; /* the guest's connection to PATH_P (counted) */
	char line[VSOCK_UNIX_LINE_MAX];
	size_t line_len;
	uint64_t deadline_ms;
	struct vsock_sock *prev, *next;
};

int vsock_unix__parse_connect(const char *buf, size_t len, uint32_t *port)
{
	static const char prefix[] = "CONNECT ";
	const size_t plen = sizeof(prefix) - 1;
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < len && i < plen; i++)
		if (buf[i] != prefix[i])
			return -1;
	for (i = plen; i < len && i < VSOCK_UNIX_LINE_MAX; i++) {
		if (buf[i] == '\n') {
			if (i == plen)
				return -1; /* no port */
			*port = (uint32_t)v;
			return (int)i + 1;
		}
		if (buf[i] < '0' || buf[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(buf[i] - '0');
		if (v > UINT32_MAX - 1) /* VMADDR_PORT_ANY is no port */
			return -1;
	}
	return len >= VSOCK_UNIX_LINE_MAX ? -1 : 0;
}

void vsock_unix__init_none(struct vsock_unix *u)
{
	memset(u, 0, sizeof(*u));
	u->listen_fd = -1;
	u->ep = -1;
	u->listen_w.kind = VSOCK_W_LISTEN;
}

int vsock_unix__init(struct vsock_unix *u, const char *path, char *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	vsock_unix__init_none(u);
	if (!*path || strlen(path) > VSOCK_UNIX_PATH_MAX) {
		errbuf_set(err,
			   "--vsock: the socket path must be 1 to %zu bytes",
			   VSOCK_UNIX_PATH_MAX);
		return -1;
	}
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			errbuf_set(
				err,
				"--vsock: '%s' exists and is not a socket; not replacing it",
				path);
			return -1;
		}
		if (unlink(path) < 0) {
			errbuf_set(
				err,
				"--vsock: cannot remove the stale socket '%s': %s",
				path, strerror(errno));
			return -1;
		}
	}
	strcpy(u->path, path);
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 128) < 0) {
		errbuf_set(err, "--vsock: cannot listen on '%s': %s", path,
			   strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	u->listen_fd = fd;
	return 0;
}

static int ep_set(struct vsock_sock *s, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = &s->w };
	int op = s->in_epoll ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;

	if (s->in_epoll && s->events == events)
		return 0;
	if (epoll_ctl(s->u->ep, op, s->fd, &ev) < 0) {
		pr_err("virtio-vsock: epoll_ctl: %s", strerror(errno));
		return -1;
	}
	s->in_epoll = true;
	s->events = events;
	return 0;
}

static struct vsock_sock *sock_new(struct vsock_unix *u, int fd)
{
	struct vsock_sock *s = calloc(1, sizeof(*s));

	if (!s) {
		close(fd);
		return NULL;
	}
	s->w.kind = VSOCK_W_SOCK;
	s->u = u;
	s->fd = fd;
	s->next = u->socks;
	if (u->socks)
		u->socks->prev = s;
	u->socks = s;
	return s;
}

static void listener_watch(struct vsock_unix *u, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = &u->listen_w };

	if (epoll_ctl(u->ep, EPOLL_CTL_MOD, u->listen_fd, &ev) < 0)
		pr_err("virtio-vsock: epoll_ctl on '%s': %s", u->path,
		       strerror(errno));
}

static void listener_resume(struct vsock_unix *u)
{
	if (!u->listen_paused || u->ep < 0)
		return;
	u->listen_paused = false;
	listener_watch(u, EPOLLIN);
}

/* Close s now, free it at the end of the batch. */
static void sock_close(struct vsock_sock *s)
{
	struct vsock_unix *u = s->u;

	if (s->fd < 0)
		return;
	if (!s->conn && s->deadline_ms)
		u->pending--;
	if (s->from_guest)
		u->nconns--;
	close(s->fd); /* leaves epoll too */
	s->fd = -1;
	listener_resume(u); /* an fd is free again */
	s->conn = NULL;
	if (s->prev)
		s->prev->next = s->next;
	else
		u->socks = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->prev = NULL;
	s->next = u->dead;
	u->dead = s;
}

/* Connection ops: the socket as the host end of a vsock stream. */

static ssize_t sock_write(struct vsock_conn *c, const struct iovec *iov,
			  int iovcnt)
{
	struct vsock_sock *s = c->be;
	struct msghdr m = { .msg_iov = (struct iovec *)iov,
			    .msg_iovlen = (size_t)iovcnt };
	ssize_t n;

	do
		n = sendmsg(s->fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	return n;
}

static ssize_t sock_read(struct vsock_conn *c, const struct iovec *iov,
			 int iovcnt)
{
	struct vsock_sock *s = c->be;
	ssize_t n;

	do
		n = readv(s->fd, iov, iovcnt);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? VSOCK_AGAIN
							       : -1;
	return n;
}

static void sock_shutdown_write(struct vsock_conn *c)
{
	struct vsock_sock *s = c->be;

	shutdown(s->fd, SHUT_WR);
}

/* The guest accepted the host program's CONNECT: tell it our port. */
static int sock_connected(struct vsock_conn *c)
{
	char line[24];
	struct iovec v = { .iov_base = line };

	v.iov_len =
		(size_t)snprintf(line, sizeof(line), "OK %u\n", c->local_port);
	/* A fresh socket's buffer takes a dozen bytes at once. */
	return sock_write(c, &v, 1) == (ssize_t)v.iov_len ? 0 : -1;
}

static void sock_changed(struct vsock_conn *c)
{
	struct vsock_sock *s = c->be;
	uint32_t ev = 0;

	if (s->hup)
		return; /* out of epoll for good */
	if (s->connecting)
		ev = EPOLLOUT;
	else {
		if (vsock_conn__wants_read(c))
			ev |= EPOLLIN;
		if (vsock_conn__wants_write(c))
			ev |= EPOLLOUT;
	}
	if (ep_set(s, ev) < 0)
		vsock_conn__reset(c);
}

static void sock_release(struct vsock_conn *c)
{
	sock_close(c->be);
}

static const struct vsock_conn_ops sock_ops = {
	.write = sock_write,
	.read = sock_read,
	.shutdown_write = sock_shutdown_write,
	.connected = sock_connected,
	.changed = sock_changed,
	.release = sock_release,
};

int vsock_unix__accept_guest(struct vsock_unix *u, struct vsock_conn *c)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct vsock_sock *s;
	int fd, r;

	if (u->listen_fd < 0)
		return -1;
	if (u->nconns >= VSOCK_UNIX_MAX_CONNS) {
		u->full++;
		pr_guest(
			"virtio-vsock: guest port %u -> host port %u: already %u connections through host sockets; refused",
			c->peer_port, c->local_port, u->nconns);
		return -1;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s_%u", u->path,
		 c->local_port);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	if (r < 0 && errno != EINPROGRESS) {
		pr_debug("virtio-vsock: guest port %u -> '%s': %s",
			 c->peer_port, sa.sun_path, strerror(errno));
		close(fd);
		return -1;
	}
	s = sock_new(u, fd);
	if (!s)
		return -1;
	s->conn = c;
	s->from_guest = true;
	u->nconns++;
	s->connecting = r < 0;
	c->ops = &sock_ops;
	c->be = s;
	if (ep_set(s, s->connecting ? EPOLLOUT : 0) < 0) {
		c->ops = NULL;
		sock_close(s);
		return -1;
	}
	return s->connecting ? 1 : 0;
}

/* Our connect to PATH_P finished. */
static void sock_connect_done(struct vsock_sock *s)
{
	int err = 0;
	socklen_t len = sizeof(err);

	s->connecting = false;
	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err)
		vsock_conn__reset(s->conn);
	else
		vsock_conn__accepted(s->conn);
}

/* Bytes of the CONNECT line, one at a time so none of the stream is eaten. */
static void sock_read_line(struct vsock_sock *s)
{
	struct vsock_unix *u = s->u;
	struct vsock_conn *c;
	uint32_t port;
	ssize_t n;
	int r = 0;

	while (!r) {
		n = read(s->fd, &s->line[s->line_len], 1);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			sock_close(s);
			return;
		}
		r = vsock_unix__parse_connect(s->line, ++s->line_len, &port);
	}
	if (r < 0) {
		pr_debug("virtio-vsock: '%s': not a CONNECT line", u->path);
		sock_close(s);
		return;
	}
	c = vsock_conns__connect(u->conns, port, &sock_ops, s);
	if (!c) {
		sock_close(s);
		return;
	}
	u->pending--;
	s->deadline_ms = 0;
	s->conn = c;
	sock_changed(c); /* nothing to watch until the guest answers */
}

static void sock_event(struct vsock_sock *s, uint32_t events)
{
	struct vsock_conn *c = s->conn;

	if (s->fd < 0)
		return; /* closed earlier in this batch */
	if (!c) {
		sock_read_line(s);
		return;
	}
	if (s->connecting) {
		sock_connect_done(s);
		return;
	}
	if (events & EPOLLERR ||
	    (events & EPOLLHUP && c->state != VSOCK_ESTABLISHED)) {
		vsock_conn__reset(c);
		return;
	}
	if (events & EPOLLHUP) {
		/* Nothing can be written any more; what is left can be read. */
		if (vsock_conn__wants_write(c)) {
			vsock_conn__reset(c);
			return;
		}
		epoll_ctl(s->u->ep, EPOLL_CTL_DEL, s->fd, NULL);
		s->in_epoll = false;
		s->hup = true;
		vsock_conn__readable(c);
		return;
	}
	if (events & EPOLLOUT) {
		vsock_conn__writable(c);
		if (!s->conn)
			return;
	}
	if (events & EPOLLIN)
		vsock_conn__readable(c);
}

/* The oldest socket still waiting for its CONNECT line. */
static struct vsock_sock *oldest_pending(struct vsock_unix *u)
{
	struct vsock_sock *s, *old = NULL;

	for (s = u->socks; s; s = s->next)
		if (!s->conn && s->deadline_ms &&
		    (!old || s->deadline_ms <= old->deadline_ms))
			old = s;
	return old;
}

/*
 * accept4 failed for want of resources: the listener stays readable, so
 * it leaves epoll for a while rather than spin; one line now and then.
 */
static void listener_pause(struct vsock_unix *u, int err)
{
	uint64_t now = u->conns->now_ms;

	u->accept_errors++;
	if (!u->accept_msg_ms || now >= u->accept_msg_ms) {
		pr_err("virtio-vsock: accept on '%s': %s; the listener pauses %d ms (%llu such failures since the last message)",
		       u->path, strerror(err), VSOCK_UNIX_ACCEPT_PAUSE_MS,
		       (unsigned long long)(u->accept_errors -
					    u->accept_errors_told));
		u->accept_errors_told = u->accept_errors;
		u->accept_msg_ms = now + VSOCK_UNIX_ACCEPT_MSG_MS;
	}
	if (!u->listen_paused)
		listener_watch(u, 0);
	u->listen_paused = true;
	u->listen_resume_ms = now + VSOCK_UNIX_ACCEPT_PAUSE_MS;
}

static void listener_event(struct vsock_unix *u)
{
	struct vsock_sock *s, *old;
	int fd;

	while (!u->listen_paused) {
		fd = accept4(u->listen_fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			listener_pause(u, errno);
			return;
		}
		if (u->pending >= VSOCK_UNIX_MAX_PENDING) {
			/* Make room: idle clients must not lock others out. */
			old = oldest_pending(u);
			if (!old) {
				close(fd);
				continue;
			}
			pr_debug(
				"virtio-vsock: '%s': %u clients sent no CONNECT line; closing the oldest",
				u->path, u->pending);
			u->evicted++;
			sock_close(old);
		}
		s = sock_new(u, fd);
		if (!s)
			continue;
		s->deadline_ms = u->conns->now_ms + VSOCK_TIMEOUT_MS;
		u->pending++;
		if (ep_set(s, EPOLLIN) < 0)
			sock_close(s);
	}
}

void vsock_unix__event(struct vsock_unix *u, struct vsock_watch *w,
		       uint32_t events)
{
	if (w->kind == VSOCK_W_LISTEN)
		listener_event(u);
	else
		sock_event((struct vsock_sock *)w, events);
}

int vsock_unix__start(struct vsock_unix *u, int ep, struct vsock_conns *conns)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &u->listen_w };

	u->ep = ep;
	u->conns = conns;
	u->listen_paused = false;
	if (u->listen_fd < 0)
		return 0;
	return epoll_ctl(ep, EPOLL_CTL_ADD, u->listen_fd, &ev);
}

void vsock_unix__stop(struct vsock_unix *u)
{
	while (u->socks)
		sock_close(u->socks);
	vsock_unix__reap(u);
	u->ep = -1;
}

void vsock_unix__expire(struct vsock_unix *u)
{
	struct vsock_sock *s, *next;

	if (u->listen_paused && u->conns->now_ms >= u->listen_resume_ms)
		listener_resume(u);
	for (s = u->socks; s; s = next) {
		next = s->next;
		if (!s->conn && s->deadline_ms &&
		    u->conns->now_ms >= s->deadline_ms)
			sock_close(s);
	}
}

bool vsock_unix__has_deadline(const struct vsock_unix *u)
{
	return u->pending > 0 || u->listen_paused;
}

void vsock_unix__reap(struct vsock_unix *u)
{
	struct vsock_sock *s;

	while ((s = u->dead)) {
		u->dead = s->next;
		free(s);
	}
}
