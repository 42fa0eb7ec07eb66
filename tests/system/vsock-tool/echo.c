// SPDX-License-Identifier: GPL-2.0
/*
 * vsock-tool echo-server: echo every connection's bytes back, a thread
 * each. echo-client: K connections at once, each sending its own stream
 * while it reads the echo back and compares it with what was sent.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vsock-tool.h"

/* echo-server */

static pthread_mutex_t served_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int served;

static void *echo_conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	uint8_t *buf = malloc(CHUNK);
	ssize_t n;

	while (buf) {
		n = read(fd, buf, CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || ep__write_all(fd, buf, (size_t)n))
			break;
	}
	free(buf);
	close(fd);
	pthread_mutex_lock(&served_lock);
	if (++served == opt.count) {
		printf("ECHO-SERVED %u\n", served);
		fflush(stdout);
		exit(0);
	}
	pthread_mutex_unlock(&served_lock);
	return NULL;
}

void echo__server(void)
{
	pthread_attr_t attr;
	pthread_t t;
	int ls, fd;

	if (!opt.ep.listen)
		die("echo-server wants listen-vsock:PORT or listen-unix:PATH");
	ls = ep__listen(&opt.ep);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	for (;;) {
		fd = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EINTR && errno != ECONNABORTED)
				usleep(10000);
			continue;
		}
		if (pthread_create(&t, &attr, echo_conn,
				   (void *)(intptr_t)fd)) {
			fprintf(stderr,
				"vsock-tool: no thread for a connection\n");
			close(fd);
		}
	}
}

/* ---- echo-client ---- */

/* echo-client */

struct conn {
	int fd;
	uint64_t sent, rcvd;
};

static int echo_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int echo_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("ECHO-FAIL ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return 1;
}

static uint64_t conn_key(unsigned int i)
{
	return data__mix(opt.seed ^ ((uint64_t)(i + 1) << 32));
}

/* Read what conn i has; compare with what was sent. */
static int echo_read(struct conn *c, unsigned int i, uint8_t *buf,
		     uint8_t *want)
{
	ssize_t n = recv(c->fd, buf, CHUNK, MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n < 0)
		return echo_fail("conn %u: read: %s after %llu of %llu bytes",
				 i, strerror(errno),
				 (unsigned long long)c->rcvd,
				 (unsigned long long)opt.bytes);
	if (n == 0)
		return echo_fail("conn %u: closed after %llu of %llu bytes", i,
				 (unsigned long long)c->rcvd,
				 (unsigned long long)opt.bytes);
	if (c->rcvd + (uint64_t)n > c->sent)
		return echo_fail("conn %u: %llu bytes back, only %llu sent", i,
				 (unsigned long long)(c->rcvd + (uint64_t)n),
				 (unsigned long long)c->sent);
	data__gen(conn_key(i), c->rcvd, want, (size_t)n);
	if (memcmp(buf, want, (size_t)n))
		return echo_fail(
			"conn %u: echoed bytes differ near offset %llu", i,
			(unsigned long long)c->rcvd);
	c->rcvd += (uint64_t)n;
	return 0;
}

static int echo_write(struct conn *c, unsigned int i, uint8_t *buf)
{
	size_t len = opt.bytes - c->sent < CHUNK ? opt.bytes - c->sent : CHUNK;
	ssize_t n;

	data__gen(conn_key(i), c->sent, buf, len);
	n = send(c->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n < 0)
		return echo_fail("conn %u: write: %s after %llu bytes", i,
				 strerror(errno), (unsigned long long)c->sent);
	c->sent += (uint64_t)n;
	return 0;
}

int echo__client(void)
{
	static uint8_t buf[CHUNK], want[CHUNK];
	struct conn *c = calloc(opt.conns, sizeof(*c));
	struct pollfd *p = calloc(opt.conns, sizeof(*p));
	unsigned int i, live = opt.conns;
	double t0, deadline = now() + opt.timeout;
	char why[256];

	if (!c || !p)
		die("out of memory");
	if (opt.ep.listen || opt.ep.stdio)
		die("echo-client wants vsock:CID:PORT or unix:PATH:PORT");
	for (i = 0; i < opt.conns; i++) {
		c[i].fd = ep__connect(&opt.ep, why, sizeof(why));
		if (c[i].fd < 0)
			return echo_fail("conn %u: %s", i, why);
	}
	t0 = now();
	while (live) {
		for (i = 0; i < opt.conns; i++) {
			p[i].fd = c[i].fd; /* -1 once done: poll skips it */
			p[i].events =
				POLLIN | (c[i].sent < opt.bytes ? POLLOUT : 0);
			p[i].revents = 0;
		}
		if (now() > deadline)
			return echo_fail(
				"timeout after %u s (%u connections unfinished)",
				opt.timeout, live);
		if (poll(p, opt.conns, 1000) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		for (i = 0; i < opt.conns; i++) {
			if (c[i].fd < 0 || !p[i].revents)
				continue;
			if ((p[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
			    echo_read(&c[i], i, buf, want))
				return 1;
			if ((p[i].revents & POLLOUT) && c[i].sent < opt.bytes &&
			    echo_write(&c[i], i, buf))
				return 1;
			if (c[i].rcvd == opt.bytes) {
				close(c[i].fd);
				c[i].fd = -1;
				live--;
			}
		}
	}
	t0 = now() - t0;
	printf("ECHO-OK conns=%u bytes=%llu secs=%.3f MBps=%.2f\n", opt.conns,
	       (unsigned long long)opt.bytes, t0,
	       (double)opt.bytes * opt.conns / 1e6 / (t0 > 0 ? t0 : 1e-9));
	return 0;
}
