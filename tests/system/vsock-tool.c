// SPDX-License-Identifier: GPL-2.0
/*
 * vsock-tool: echo, throughput and latency over vsock, for turtle's tests
 * and benchmarks. The same binary runs in guests and in the host.
 *
 *   vsock-tool MODE ENDPOINT [options]
 *
 * Endpoints:
 *   vsock:CID:PORT     connect with AF_VSOCK (from a guest, CID 2 is the host)
 *   unix:PATH:PORT     connect through turtle's --vsock Unix socket PATH:
 *                      "CONNECT PORT\n", then turtle's "OK ...\n"
 *   listen-vsock:PORT  accept AF_VSOCK connections on PORT
 *   listen-unix:PATH   accept on a Unix socket at PATH (turtle connects to
 *                      PATH_PORT when a guest connects to host port PORT)
 *   -                  stdin (sink) or stdout (source): to check what
 *                      another program (socat) carried
 *
 * Modes (result lines are machine-readable, one per fact):
 *   echo-server LISTEN [--count N]
 *       echo every connection's bytes back, many at once (a thread each),
 *       until killed or N connections are done; prints "LISTENING ..."
 *       once ready and "ECHO-SERVED N" at the end
 *   echo-client CONNECT --bytes N [--conns K] [--seed S]
 *       K connections at once, each sends N pseudo-random bytes while
 *       reading the echo and comparing it with what was sent;
 *       "ECHO-OK conns=K bytes=N secs=T MBps=R" or "ECHO-FAIL reason"
 *   source ENDPOINT --bytes N [--seed S]
 *       write N bytes (64 KiB writes), shut down, wait for the peer to
 *       close; "SOURCE bytes=N secs=T MBps=R" and "SUM <hex>"
 *   sink ENDPOINT
 *       read to EOF; "SINK bytes=N secs=T MBps=R" and "SUM <hex>"; equal
 *       sums mean equal byte streams
 *   pingpong CONNECT --count N
 *       N one-byte round trips against an echo-server;
 *       "PINGPONG count=N avg_us=A p50_us=P p99_us=Q max_us=M"
 * Common: --timeout S (default 600): give up, status 1.
 * Sizes take a K, M or G suffix (binary). Exit status 0 on success.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <linux/vm_sockets.h>

#define CHUNK 65536
#define MAX_CONNS 4096

struct endpoint {
	int stdio;   /* - */
	int listen;  /* listen-* */
	int is_unix; /* unix:, listen-unix: */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	unsigned int cid, port;
};

static struct {
	const char *mode;
	struct endpoint ep;
	uint64_t bytes;
	unsigned int conns, count, timeout;
	uint64_t seed;
} opt = { .conns = 1, .timeout = 600, .seed = 1 };

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("vsock-tool: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- data: pseudo-random bytes by position, and a stream checksum ---- */

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/*
 * The stream's bytes and its checksum cost a few instructions per 16
 * bytes: throughput benchmarks run in instruction time, where a costlier
 * generator (a mix() per word, once 360 us per 64 KiB) measured the tool
 * rather than the transport. Word i of stream key (bytes 8i to 8i+7,
 * little-endian) is key ^ (i * STEP); the checksum is a two-lane
 * Fletcher sum over the words (lane i % 2: a += word, b += a), mixed with
 * the length at the end: it sees every word's value and position.
 */
#define STEP 0x9e3779b97f4a7c15ULL

typedef uint64_t u64x2 __attribute__((vector_size(16)));

static uint64_t word_at(uint64_t key, uint64_t i)
{
	return key ^ (i * STEP);
}

/* The bytes at [off, off+len) of stream key. */
static void gen(uint64_t key, uint64_t off, uint8_t *buf, size_t len)
{
	uint64_t i = off / 8, w;
	size_t skip = off % 8, n;
	u64x2 x, k = { key, key }, step = { 2 * STEP, 2 * STEP };

	if (skip) {
		w = word_at(key, i++);
		n = 8 - skip < len ? 8 - skip : len;
		memcpy(buf, (uint8_t *)&w + skip, n);
		buf += n;
		len -= n;
	}
	x = (u64x2){ i * STEP, (i + 1) * STEP };
	for (; len >= 16; buf += 16, len -= 16, i += 2) {
		u64x2 v = x ^ k;

		memcpy(buf, &v, 16);
		x += step;
	}
	if (len) {
		w = word_at(key, i);
		memcpy(buf, &w, len < 8 ? len : 8);
		if (len > 8) {
			w = word_at(key, i + 1);
			memcpy(buf + 8, &w, len - 8);
		}
	}
}

struct sum {
	u64x2 a, b; /* lane j: the words whose index is j mod 2 */
	uint64_t n; /* bytes */
	uint8_t tail[8];
	unsigned int ntail;
};

static void sum_word(struct sum *s, uint64_t w)
{
	unsigned int j = (unsigned int)(s->n / 8 - 1) & 1; /* n counts w */

	s->a[j] += w;
	s->b[j] += s->a[j];
}

static void sum_add(struct sum *s, const uint8_t *p, size_t len)
{
	uint64_t w;
	u64x2 v;

	while (len && s->ntail) {
		s->tail[s->ntail++] = *p++;
		len--;
		s->n++;
		if (s->ntail == 8) {
			memcpy(&w, s->tail, 8);
			sum_word(s, w);
			s->ntail = 0;
		}
	}
	if (len >= 8 && (s->n / 8) & 1) { /* the next word is lane 1's */
		memcpy(&w, p, 8);
		s->n += 8;
		sum_word(s, w);
		p += 8;
		len -= 8;
	}
	if (len >= 16) { /* in locals: p may alias *s for all gcc knows */
		u64x2 a = s->a, b = s->b;
		size_t blk = len & ~(size_t)15;

		for (; len >= 16; p += 16, len -= 16) {
			memcpy(&v, p, 16);
			a += v;
			b += a;
		}
		s->a = a;
		s->b = b;
		s->n += blk;
	}
	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		s->n += 8;
		sum_word(s, w);
	}
	while (len--) {
		s->tail[s->ntail++] = *p++;
		s->n++;
	}
}

static uint64_t sum_final(struct sum *s)
{
	uint64_t w = 0;

	memcpy(&w, s->tail, s->ntail);
	return mix(mix(s->a[0] ^ mix(s->b[0])) ^ mix(s->a[1] ^ mix(s->b[1])) ^
		   w ^ mix(s->n));
}

/* ---- endpoints ---- */

static int parse_uint(const char *s, unsigned long long max,
		      unsigned long long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end || *v > max ? -1 : 0;
}

static void parse_endpoint(const char *s, struct endpoint *e)
{
	unsigned long long v;
	const char *colon;
	size_t len;

	memset(e, 0, sizeof(*e));
	if (!strcmp(s, "-")) {
		e->stdio = 1;
	} else if (!strncmp(s, "listen-vsock:", 13)) {
		e->listen = 1;
		if (parse_uint(s + 13, 0xfffffffeULL, &v))
			die("bad port in '%s'", s);
		e->port = (unsigned int)v;
	} else if (!strncmp(s, "listen-unix:", 12)) {
		e->listen = e->is_unix = 1;
		if (!s[12] || strlen(s + 12) >= sizeof(e->path))
			die("bad path in '%s'", s);
		strcpy(e->path, s + 12);
	} else if (!strncmp(s, "vsock:", 6)) {
		colon = strchr(s + 6, ':');
		if (!colon)
			die("'%s': want vsock:CID:PORT", s);
		if (parse_uint(colon + 1, 0xfffffffeULL, &v))
			die("bad port in '%s'", s);
		e->port = (unsigned int)v;
		char cid[16] = "";
		len = (size_t)(colon - (s + 6));
		if (!len || len >= sizeof(cid))
			die("bad CID in '%s'", s);
		memcpy(cid, s + 6, len);
		if (parse_uint(cid, 0xffffffffULL, &v))
			die("bad CID in '%s'", s);
		e->cid = (unsigned int)v;
	} else if (!strncmp(s, "unix:", 5)) {
		e->is_unix = 1;
		colon = strrchr(s + 5, ':');
		if (!colon || colon == s + 5)
			die("'%s': want unix:PATH:PORT", s);
		if (parse_uint(colon + 1, 0xfffffffeULL, &v))
			die("bad port in '%s'", s);
		e->port = (unsigned int)v;
		len = (size_t)(colon - (s + 5));
		if (len >= sizeof(e->path))
			die("path too long in '%s'", s);
		memcpy(e->path, s + 5, len);
	} else {
		die("unknown endpoint '%s' (vsock:, unix:, listen-vsock:, listen-unix:)",
		    s);
	}
}

/* Firecracker's handshake: "CONNECT port\n", then "OK ...\n". */
static int unix_handshake(int fd, const struct endpoint *e, char *why,
			  size_t whylen)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char line[64];
	size_t n = 0;
	int len;

	len = snprintf(line, sizeof(line), "CONNECT %u\n", e->port);
	if (send(fd, line, (size_t)len, MSG_NOSIGNAL) != len) {
		snprintf(why, whylen, "write CONNECT: %s", strerror(errno));
		return -1;
	}
	while (n + 1 < sizeof(line)) {
		if (poll(&p, 1, 30000) != 1) {
			snprintf(why, whylen, "no answer to CONNECT %u in 30 s",
				 e->port);
			return -1;
		}
		if (read(fd, line + n, 1) != 1) {
			snprintf(
				why, whylen,
				"connection closed: nothing listens on port %u",
				e->port);
			return -1;
		}
		if (line[n] == '\n')
			break;
		n++;
	}
	line[n] = '\0';
	if (strncmp(line, "OK ", 3)) {
		snprintf(why, whylen, "unexpected answer '%s'", line);
		return -1;
	}
	return 0;
}

/* Connect; -1 with the reason in why. */
static int ep_connect(const struct endpoint *e, char *why, size_t whylen)
{
	int fd;

	if (e->is_unix) {
		struct sockaddr_un a = { .sun_family = AF_UNIX };

		strcpy(a.sun_path, e->path);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a))) {
			snprintf(why, whylen, "connect %s: %s", e->path,
				 strerror(errno));
			goto fail;
		}
		if (unix_handshake(fd, e, why, whylen))
			goto fail;
	} else {
		struct sockaddr_vm a = { .svm_family = AF_VSOCK,
					 .svm_cid = e->cid,
					 .svm_port = e->port };

		fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a))) {
			snprintf(why, whylen, "connect vsock %u:%u: %s", e->cid,
				 e->port, strerror(errno));
			goto fail;
		}
	}
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

static int ep_listen(const struct endpoint *e)
{
	int fd;

	if (e->is_unix) {
		struct sockaddr_un a = { .sun_family = AF_UNIX };

		strcpy(a.sun_path, e->path);
		unlink(e->path);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
		    listen(fd, 1024))
			die("listen on %s: %s", e->path, strerror(errno));
		printf("LISTENING unix:%s\n", e->path);
	} else {
		struct sockaddr_vm a = { .svm_family = AF_VSOCK,
					 .svm_cid = VMADDR_CID_ANY,
					 .svm_port = e->port };

		fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
		    listen(fd, 1024))
			die("listen on vsock port %u: %s", e->port,
			    strerror(errno));
		printf("LISTENING vsock:%u\n", e->port);
	}
	fflush(stdout);
	return fd;
}

/* One connection: connect, or accept one on a listening endpoint. */
static int ep_open(const struct endpoint *e, int stdio_fd)
{
	char why[256];
	int ls, fd;

	if (e->stdio)
		return stdio_fd;
	if (!e->listen) {
		fd = ep_connect(e, why, sizeof(why));
		if (fd < 0)
			die("%s", why);
		return fd;
	}
	ls = ep_listen(e);
	fd = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		die("accept: %s", strerror(errno));
	close(ls);
	return fd;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == ENOTSOCK)
			n = write(fd, p, len); /* stdout */
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* ---- echo-server ---- */

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
		if (n <= 0 || write_all(fd, buf, (size_t)n))
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

static __attribute__((noreturn)) void echo_server(void)
{
	pthread_attr_t attr;
	pthread_t t;
	int ls, fd;

	if (!opt.ep.listen)
		die("echo-server wants listen-vsock:PORT or listen-unix:PATH");
	ls = ep_listen(&opt.ep);
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
	return mix(opt.seed ^ ((uint64_t)(i + 1) << 32));
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
	gen(conn_key(i), c->rcvd, want, (size_t)n);
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

	gen(conn_key(i), c->sent, buf, len);
	n = send(c->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n < 0)
		return echo_fail("conn %u: write: %s after %llu bytes", i,
				 strerror(errno), (unsigned long long)c->sent);
	c->sent += (uint64_t)n;
	return 0;
}

static int echo_client(void)
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
		c[i].fd = ep_connect(&opt.ep, why, sizeof(why));
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

/* ---- source, sink ---- */

/* On stdout, or stderr when stdout carries the data. */
static void report(FILE *f, const char *what, uint64_t bytes, double secs,
		   struct sum *s)
{
	fprintf(f, "%s bytes=%llu secs=%.3f MBps=%.2f\n", what,
		(unsigned long long)bytes, secs,
		(double)bytes / 1e6 / (secs > 0 ? secs : 1e-9));
	fprintf(f, "SUM %016llx\n", (unsigned long long)sum_final(s));
}

static int source(void)
{
	static uint8_t buf[CHUNK];
	struct sum s = { 0 };
	uint64_t off = 0;
	size_t len;
	double t0;
	int fd = ep_open(&opt.ep, 1);
	struct pollfd p = { .fd = fd, .events = POLLIN };

	t0 = now();
	while (off < opt.bytes) {
		len = opt.bytes - off < CHUNK ? opt.bytes - off : CHUNK;
		gen(opt.seed, off, buf, len);
		sum_add(&s, buf, len);
		if (write_all(fd, buf, len))
			die("write after %llu bytes: %s",
			    (unsigned long long)off, strerror(errno));
		off += len;
	}
	/* The peer closes once it has read everything. */
	if (!opt.ep.stdio && !shutdown(fd, SHUT_WR))
		while (poll(&p, 1, 30000) == 1 &&
		       read(fd, buf, sizeof(buf)) > 0)
			;
	report(opt.ep.stdio ? stderr : stdout, "SOURCE", off, now() - t0, &s);
	close(fd);
	return 0;
}

static int sink(void)
{
	static uint8_t buf[4 * CHUNK];
	struct sum s = { 0 };
	uint64_t total = 0;
	ssize_t n;
	double t0;
	int fd = ep_open(&opt.ep, 0);
	struct pollfd p = { .fd = fd, .events = POLLIN };

	t0 = now();
	for (;;) {
		if (poll(&p, 1, (int)opt.timeout * 1000) != 1)
			die("no data for %u s after %llu bytes", opt.timeout,
			    (unsigned long long)total);
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("read after %llu bytes: %s",
			    (unsigned long long)total, strerror(errno));
		if (n == 0)
			break;
		sum_add(&s, buf, (size_t)n);
		total += (uint64_t)n;
	}
	report(stdout, "SINK", total, now() - t0, &s);
	close(fd);
	return 0;
}

/* ---- pingpong ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int pingpong(void)
{
	struct pollfd p;
	double *lat = calloc(opt.count ? opt.count : 1, sizeof(*lat));
	double t, total = 0;
	unsigned int i;
	uint8_t b;
	int fd;

	if (!lat)
		die("out of memory");
	if (!opt.count)
		die("pingpong wants --count N");
	if (opt.ep.stdio)
		die("pingpong wants vsock:CID:PORT or unix:PATH:PORT");
	fd = ep_open(&opt.ep, -1);
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	for (i = 0; i < opt.count; i++) {
		b = (uint8_t)i;
		t = now();
		if (write_all(fd, &b, 1))
			die("write: %s", strerror(errno));
		if (poll(&p, 1, 10000) != 1 || read(fd, &b, 1) != 1)
			die("no echo for round trip %u", i);
		if (b != (uint8_t)i)
			die("round trip %u: wrong byte back", i);
		lat[i] = (now() - t) * 1e6;
		total += lat[i];
	}
	qsort(lat, opt.count, sizeof(*lat), cmp_double);
	printf("PINGPONG count=%u avg_us=%.1f p50_us=%.1f p99_us=%.1f max_us=%.1f\n",
	       opt.count, total / opt.count, lat[opt.count / 2],
	       lat[(size_t)(opt.count * 0.99)], lat[opt.count - 1]);
	close(fd);
	free(lat);
	return 0;
}

/* ---- command line ---- */

static uint64_t parse_size(const char *s)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		die("bad size '%s'", s);
	errno = 0;
	v = strtoull(s, &end, 10);
	switch (*end) {
	case 'G':
		v <<= 10; /* fall through */
	case 'M':
		v <<= 10; /* fall through */
	case 'K':
		v <<= 10;
		end++;
		break;
	}
	if (errno || *end || v > (1ULL << 50))
		die("bad size '%s'", s);
	return v;
}

static unsigned int parse_count(const char *s, unsigned int max)
{
	unsigned long long v;

	if (parse_uint(s, max, &v) || !v)
		die("bad number '%s' (1 to %u)", s, max);
	return (unsigned int)v;
}

static const char usage[] =
	"usage: vsock-tool MODE ENDPOINT [options]\n"
	"  echo-server LISTEN [--count N]\n"
	"  echo-client CONNECT --bytes N [--conns K] [--seed S]\n"
	"  source ENDPOINT --bytes N [--seed S]\n"
	"  sink ENDPOINT\n"
	"  pingpong CONNECT --count N\n"
	"Endpoints: vsock:CID:PORT unix:PATH:PORT listen-vsock:PORT "
	"listen-unix:PATH\n"
	"Options: --timeout S (default 600). Sizes: K, M, G suffixes.\n";

int main(int argc, char **argv)
{
	int i;

	if (argc < 3) {
		fputs(usage, stderr);
		return 2;
	}
	opt.mode = argv[1];
	parse_endpoint(argv[2], &opt.ep);
	for (i = 3; i < argc; i++) {
		if (i + 1 >= argc)
			die("option '%s' needs a value", argv[i]);
		if (!strcmp(argv[i], "--bytes"))
			opt.bytes = parse_size(argv[++i]);
		else if (!strcmp(argv[i], "--conns"))
			opt.conns = parse_count(argv[++i], MAX_CONNS);
		else if (!strcmp(argv[i], "--count"))
			opt.count = parse_count(argv[++i], 100000000);
		else if (!strcmp(argv[i], "--timeout"))
			opt.timeout = parse_count(argv[++i], 86400);
		else if (!strcmp(argv[i], "--seed"))
			opt.seed = parse_size(argv[++i]);
		else
			die("unknown option '%s'", argv[i]);
	}
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(opt.mode, "echo-server"))
		echo_server();
	if (!strcmp(opt.mode, "echo-client")) {
		if (!opt.bytes)
			die("echo-client wants --bytes N");
		return echo_client();
	}
	if (!strcmp(opt.mode, "source")) {
		if (!opt.bytes)
			die("source wants --bytes N");
		return source();
	}
	if (!strcmp(opt.mode, "sink"))
		return sink();
	if (!strcmp(opt.mode, "pingpong"))
		return pingpong();
	die("unknown mode '%s'", opt.mode);
}
