// SPDX-License-Identifier: GPL-2.0
/*
 * The FUSE client: the guest kernel's /dev/fuse on one side, the server's
 * connections on the other, and nothing in between but copying.
 *
 * The guest kernel is the real FUSE client. It puts each request a
 * process makes on the mount into one input queue; any read() of a
 * /dev/fuse fd for the mount takes the next one whole (struct
 * fuse_in_header, whose len is the whole message, then the arguments).
 * The answer is written back as one write() (struct fuse_out_header with
 * the request's unique, then the reply), and only to the fd the request
 * was read from: a clone (FUSE_DEV_IOC_CLONE) has its own list of
 * requests being processed, and another clone does not know the unique.
 * INIT is an ordinary request here: the kernel sends it after mount(2)
 * and the server answers it; the first file operation waits for it.
 *
 * So each /dev/fuse fd gets a connection of its own, and each pair runs
 * two threads that never wait for each other:
 *
 *   requests: read a request from the fd, write it whole to the
 *             connection (its only writer), read the next one;
 *   replies:  read a reply from the connection (the header, then the rest
 *             of out.len bytes), write it whole to the fd.
 *
 * The server answers in any order and as late as it needs: nothing here
 * times out, so a slow host is only slow. A write of a reply that fails
 * with ENOENT is normal: the request was interrupted and already ended.
 *
 * A synchronous transport (fuse_client__start_calls: the direct window,
 * which answers each request within the call that sends it) has one
 * thread: read a request, call, write the reply, read the next.
 *
 * Endings. Unmounting (or aborting) the mount makes read() of the fd fail
 * with ENODEV: the requests thread then shuts its connection down, which
 * the server takes for the end of the session and which wakes the replies
 * thread with EOF. If instead a connection ends (or sends a length that
 * cannot be framed) while the mount lives, the requests sent on it will
 * never be answered: ops->broken must abort the mount (or exit the
 * process: the kernel aborts it when the last fd closes), so that
 * processes get ENOTCONN instead of waiting forever.
 */
#include "fuse-client.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../lib/log.h"
#include "../fuse-vsock/proto.h"

/* A reply buffer starts this big and grows to the largest reply seen. */
#define REPLY_BUF_START (64u << 10)

struct pair {
	struct fuse_client *c;
	int fuse_fd, conn_fd; /* conn_fd -1: calls */
	struct fuse_client_call call;
	pthread_t requests, replies;
	uint8_t *req_buf;
};

struct fuse_client {
	unsigned int n;
	struct fuse_client_ops ops;
	atomic_bool ended; /* the mount is gone: EOFs are expected */
	atomic_bool broken;
	char why[ERRBUF_LEN];
	struct pair pairs[];
};

static int send_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == ENOTSOCK)
			n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* len bytes: 0, or -1 (errno; 0 for EOF). */
static int recv_all(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = read(fd, p, len);
		if (n == 0)
			errno = 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int fuse_client__hello(int fd, const char *tag, uint32_t *flags)
{
	struct fuse_vsock_hello h = { .magic = FUSE_VSOCK_MAGIC,
				      .version = FUSE_VSOCK_VERSION };
	struct fuse_vsock_welcome w;

	if (strlen(tag) >= sizeof(h.tag))
		return -ENAMETOOLONG;
	strcpy(h.tag, tag);
	if (send_all(fd, &h, sizeof(h)) < 0)
		return -errno;
	if (recv_all(fd, &w, sizeof(w)) < 0)
		return errno ? -errno : -ECONNRESET;
	if (w.magic != FUSE_VSOCK_MAGIC || w.version != FUSE_VSOCK_VERSION)
		return -EPROTO;
	if (w.error)
		return w.error > 0 ? -w.error : -EPROTO;
	*flags = w.flags;
	return 0;
}

static const char *mount_error(int e)
{
	switch (e) {
	case EPERM:
		return "mounting needs root";
	case ENODEV:
		return "this kernel has no FUSE (CONFIG_FUSE_FS)";
	default:
		return strerror(e);
	}
}

int fuse_client__mount(const char *mnt, const char *source, int read_only,
		       unsigned int max_read, unsigned int n, int *fds,
		       char *err)
{
	unsigned long flags = MS_NOSUID | MS_NODEV;
	char data[160];
	unsigned int i;
	uint32_t fd0;

	if (n < 1 || n > FUSE_CLIENT_MAX_CONNS) {
		errbuf_set(err, "%u connections: 1 to %u", n,
			   FUSE_CLIENT_MAX_CONNS);
		return -1;
	}
	fds[0] = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fds[0] < 0) {
		errbuf_set(err, "/dev/fuse: %s", strerror(errno));
		return -1;
	}
	/*
	 * default_permissions: the guest kernel checks modes itself, as for
	 * a local filesystem (the server checks again as the caller).
	 */
	snprintf(data, sizeof(data),
		 "fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other,"
		 "default_permissions",
		 fds[0]);
	if (max_read)
		snprintf(data + strlen(data), sizeof(data) - strlen(data),
			 ",max_read=%u", max_read);
	if (read_only)
		flags |= MS_RDONLY;
	if (mount(source, mnt, "fuse.turtle", flags, data) < 0) {
		errbuf_set(err, "mount %s: %s", mnt, mount_error(errno));
		close(fds[0]);
		return -1;
	}
	fd0 = (uint32_t)fds[0];
	for (i = 1; i < n; i++) {
		fds[i] = open("/dev/fuse", O_RDWR | O_CLOEXEC);
		if (fds[i] >= 0 &&
		    ioctl(fds[i], FUSE_DEV_IOC_CLONE, &fd0) < 0) {
			close(fds[i]);
			fds[i] = -1;
		}
		if (fds[i] < 0) {
			errbuf_set(err, "cloning /dev/fuse: %s",
				   strerror(errno));
			umount2(mnt, MNT_DETACH);
			while (i--)
				close(fds[i]);
			return -1;
		}
	}
	return 0;
}

int fuse_client__abort(uint64_t dev)
{
	char path[64];
	int fd, ret = 0;

	/* fusectl names a connection by the kernel's dev_t encoding. */
	snprintf(path, sizeof(path), "/sys/fs/fuse/connections/%u/abort",
		 (major(dev) << 20) | minor(dev));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, "1", 1) != 1)
		ret = -errno;
	close(fd);
	return ret;
}

static int write_sysfs(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

int fuse_client__tune_bdi(uint64_t dev)
{
	char path[96];
	int ret;

	/* FUSE names its backing device after the superblock's dev_t. */
	snprintf(path, sizeof(path), "/sys/class/bdi/%u:%u/max_ratio",
		 major(dev), minor(dev));
	ret = write_sysfs(path, "100");
	snprintf(path, sizeof(path), "/sys/class/bdi/%u:%u/strict_limit",
		 major(dev), minor(dev));
	ret = write_sysfs(path, "0") ?: ret;
	snprintf(path, sizeof(path), "/sys/class/bdi/%u:%u/read_ahead_kb",
		 major(dev), minor(dev));
	return write_sysfs(path, FUSE_CLIENT_READ_AHEAD_KB) ?: ret;
}

static void client_broken(struct fuse_client *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void client_broken(struct fuse_client *c, const char *fmt, ...)
{
	va_list ap;

	if (atomic_load(&c->ended) || atomic_exchange(&c->broken, true))
		return;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	if (c->ops.broken)
		c->ops.broken(c->ops.ctx, c->why);
}

static void *requests_thread(void *arg)
{
	struct pair *p = arg;
	ssize_t n;

	for (;;) {
		n = read(p->fuse_fd, p->req_buf, FUSE_CLIENT_REQ_BUF);
		if (n < 0 &&
		    (errno == EINTR || errno == EAGAIN || errno == ENOENT))
			continue;
		if (n < 0) {
			/* ENODEV: unmounted or aborted. */
			if (errno != ENODEV)
				client_broken(p->c, "reading /dev/fuse: %s",
					      strerror(errno));
			atomic_store(&p->c->ended, true);
			break;
		}
		if (send_all(p->conn_fd, p->req_buf, (size_t)n) < 0) {
			client_broken(p->c, "sending to the host: %s",
				      strerror(errno));
			break;
		}
	}
	/* The server ends the session; our replies thread sees EOF. */
	shutdown(p->conn_fd, SHUT_RDWR);
	return NULL;
}

static void *replies_thread(void *arg)
{
	struct pair *p = arg;
	struct fuse_out_header h;
	size_t cap = REPLY_BUF_START;
	uint8_t *buf = malloc(cap), *bigger;

	while (buf) {
		if (recv_all(p->conn_fd, &h, sizeof(h)) < 0) {
			if (errno)
				client_broken(
					p->c,
					"the connection to the host failed: %s",
					strerror(errno));
			else
				client_broken(p->c,
					      "the host closed the connection");
			break;
		}
		if (h.len < sizeof(h) || h.len > FUSE_CLIENT_MAX_REPLY) {
			client_broken(p->c, "the host sent a reply of %u bytes",
				      h.len);
			break;
		}
		if (h.len > cap) {
			bigger = realloc(buf, h.len);
			if (!bigger) {
				client_broken(
					p->c,
					"no memory for a reply of %u bytes",
					h.len);
				break;
			}
			buf = bigger;
			cap = h.len;
		}
		memcpy(buf, &h, sizeof(h));
		if (recv_all(p->conn_fd, buf + sizeof(h), h.len - sizeof(h))) {
			client_broken(p->c, "the host closed the connection");
			break;
		}
		/* ENOENT: interrupted and gone; ENODEV: the mount is. */
		if (write(p->fuse_fd, buf, h.len) < 0 && errno == ENODEV)
			atomic_store(&p->c->ended, true);
	}
	if (!buf)
		client_broken(p->c, "no memory for replies");
	free(buf);
	return NULL;
}

size_t fuse_client__error_reply(const void *req, int error, void *out)
{
	struct fuse_in_header in;
	struct fuse_out_header h;

	memcpy(&in, req, sizeof(in));
	if (in.opcode == FUSE_FORGET || in.opcode == FUSE_BATCH_FORGET ||
	    in.opcode == FUSE_INTERRUPT)
		return 0;
	h.len = sizeof(h);
	h.error = -error;
	h.unique = in.unique;
	memcpy(out, &h, sizeof(h));
	return sizeof(h);
}

static void *calls_thread(void *arg)
{
	struct pair *p = arg;
	uint8_t *reply = malloc(FUSE_CLIENT_MAX_REPLY);
	ssize_t n, r;

	while (reply) {
		n = read(p->fuse_fd, p->req_buf, FUSE_CLIENT_REQ_BUF);
		if (n < 0 &&
		    (errno == EINTR || errno == EAGAIN || errno == ENOENT))
			continue;
		if (n < (ssize_t)sizeof(struct fuse_in_header)) {
			if (n >= 0 || errno != ENODEV)
				client_broken(p->c, "reading /dev/fuse: %s",
					      n < 0 ? strerror(errno)
						    : "a short request");
			atomic_store(&p->c->ended, true);
			break;
		}
		r = p->call.call(p->call.ctx, p->req_buf, (size_t)n, reply,
				 FUSE_CLIENT_MAX_REPLY);
		if (r == -ENOTCONN || r == -ENOSYS || r == -EPROTO) {
			client_broken(p->c, "the host's transport: %s",
				      strerror((int)-r));
			break;
		}
		if (r < 0)
			r = (ssize_t)fuse_client__error_reply(p->req_buf,
							      (int)-r, reply);
		/* ENOENT: interrupted and gone; ENODEV: the mount is. */
		if (r > 0 && write(p->fuse_fd, reply, (size_t)r) < 0 &&
		    errno == ENODEV) {
			atomic_store(&p->c->ended, true);
			break;
		}
	}
	if (!reply)
		client_broken(p->c, "no memory for replies");
	free(reply);
	return NULL;
}

struct fuse_client *
fuse_client__start_calls(int fuse_fd, const struct fuse_client_call *call,
			 const struct fuse_client_ops *ops, char *err)
{
	struct fuse_client *c = calloc(1, sizeof(*c) + sizeof(c->pairs[0]));
	int e;

	if (!c || !(c->pairs[0].req_buf = malloc(FUSE_CLIENT_REQ_BUF))) {
		free(c);
		close(fuse_fd);
		errbuf_set(err, "out of memory");
		return NULL;
	}
	c->n = 1;
	c->ops = *ops;
	c->pairs[0].c = c;
	c->pairs[0].fuse_fd = fuse_fd;
	c->pairs[0].conn_fd = -1;
	c->pairs[0].call = *call;
	e = pthread_create(&c->pairs[0].requests, NULL, calls_thread,
			   &c->pairs[0]);
	if (e) {
		close(fuse_fd);
		free(c->pairs[0].req_buf);
		free(c);
		errbuf_set(err, "starting the FUSE thread: %s", strerror(e));
		return NULL;
	}
	return c;
}

static void close_pair(struct pair *p)
{
	close(p->fuse_fd);
	if (p->conn_fd >= 0)
		close(p->conn_fd);
	free(p->req_buf);
}

struct fuse_client *fuse_client__start(const int *fuse_fds, const int *conn_fds,
				       unsigned int n,
				       const struct fuse_client_ops *ops,
				       char *err)
{
	struct fuse_client *c;
	unsigned int i, started = 0;
	int e = ENOMEM;

	c = calloc(1, sizeof(*c) + n * sizeof(c->pairs[0]));
	if (c) {
		c->n = n;
		c->ops = *ops;
	}
	for (i = 0; i < n; i++) {
		if (!c) {
			close(fuse_fds[i]);
			close(conn_fds[i]);
			continue;
		}
		c->pairs[i] = (struct pair){ .c = c,
					     .fuse_fd = fuse_fds[i],
					     .conn_fd = conn_fds[i] };
		c->pairs[i].req_buf = malloc(FUSE_CLIENT_REQ_BUF);
		if (!c->pairs[i].req_buf)
			e = ENOMEM;
	}
	if (!c) {
		errbuf_set(err, "out of memory");
		return NULL;
	}
	for (i = 0; i < n && c->pairs[i].req_buf; i++) {
		e = pthread_create(&c->pairs[i].replies, NULL, replies_thread,
				   &c->pairs[i]);
		if (e)
			break;
		e = pthread_create(&c->pairs[i].requests, NULL, requests_thread,
				   &c->pairs[i]);
		if (e) {
			shutdown(c->pairs[i].conn_fd, SHUT_RDWR);
			pthread_join(c->pairs[i].replies, NULL);
			break;
		}
		started++;
	}
	if (started == n)
		return c;
	/* Nothing was mounted by us: the caller unmounts, which ends these. */
	atomic_store(&c->ended, true);
	for (i = 0; i < n; i++) {
		if (i < started) {
			shutdown(c->pairs[i].conn_fd, SHUT_RDWR);
			pthread_join(c->pairs[i].replies, NULL);
			pthread_cancel(c->pairs[i].requests);
			pthread_join(c->pairs[i].requests, NULL);
		}
		close_pair(&c->pairs[i]);
	}
	free(c);
	errbuf_set(err, "starting the FUSE threads: %s", strerror(e));
	return NULL;
}

int fuse_client__wait(struct fuse_client *c, char *err)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < c->n; i++) {
		pthread_join(c->pairs[i].requests, NULL);
		if (c->pairs[i].conn_fd >= 0)
			pthread_join(c->pairs[i].replies, NULL);
		close_pair(&c->pairs[i]);
	}
	if (atomic_load(&c->broken)) {
		errbuf_set(err, "%s", c->why);
		ret = -1;
	}
	free(c);
	return ret;
}
