// SPDX-License-Identifier: GPL-2.0
/* The exec protocol's frames: checks, a stream reader, senders (see .h). */
#include "exec-proto.h"

#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../lib/log.h"

#define HDR_LEN sizeof(struct exec_frame_hdr)

static const struct {
	uint32_t type;
	const char *name;
	enum exec_dir dir;
	uint32_t min_len, max_len;
} frame_types[] = {
	{ EXEC_CWD, "CWD", EXEC_TO_AGENT, 1, 4096 },
	{ EXEC_ENV, "ENV", EXEC_TO_AGENT, 1, EXEC_FRAME_MAX },
	{ EXEC_ARGV, "ARGV", EXEC_TO_AGENT, 1, EXEC_FRAME_MAX },
	{ EXEC_STDIN, "STDIN", EXEC_TO_AGENT, 1, EXEC_FRAME_MAX },
	{ EXEC_STDIN_EOF, "STDIN_EOF", EXEC_TO_AGENT, 0, 0 },
	{ EXEC_SIGNAL, "SIGNAL", EXEC_TO_AGENT, 4, 4 },
	{ EXEC_STDOUT, "STDOUT", EXEC_TO_HOST, 1, EXEC_FRAME_MAX },
	{ EXEC_STDERR, "STDERR", EXEC_TO_HOST, 1, EXEC_FRAME_MAX },
	{ EXEC_ERROR, "ERROR", EXEC_TO_HOST, 1, 4096 },
	{ EXEC_EXIT, "EXIT", EXEC_TO_HOST, 4, 4 },
};

#define NTYPES (sizeof(frame_types) / sizeof(frame_types[0]))

const char *exec_proto__name(uint32_t type)
{
	size_t i;

	for (i = 0; i < NTYPES; i++)
		if (frame_types[i].type == type)
			return frame_types[i].name;
	return "unknown";
}

int exec_proto__check(enum exec_dir dir, uint32_t type, uint32_t len, char *err)
{
	size_t i;

	for (i = 0; i < NTYPES; i++)
		if (frame_types[i].type == type)
			break;
	if (i == NTYPES) {
		errbuf_set(err, "unknown frame type 0x%08x", type);
		return -1;
	}
	if (frame_types[i].dir != dir) {
		errbuf_set(err, "frame %s sent the wrong way",
			   frame_types[i].name);
		return -1;
	}
	if (len < frame_types[i].min_len || len > frame_types[i].max_len) {
		errbuf_set(err, "frame %s of bad length %u (%u..%u)",
			   frame_types[i].name, len, frame_types[i].min_len,
			   frame_types[i].max_len);
		return -1;
	}
	return 0;
}

int exec_reader__init(struct exec_reader *r, enum exec_dir dir)
{
	r->dir = dir;
	r->start = r->end = 0;
	r->buf = malloc(HDR_LEN + EXEC_FRAME_MAX);
	return r->buf ? 0 : -1;
}

void exec_reader__free(struct exec_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

size_t exec_reader__pending(const struct exec_reader *r)
{
	return r->end - r->start;
}

ssize_t exec_reader__fill(struct exec_reader *r, int fd)
{
	ssize_t n;

	/* Move what is left to the front: a whole frame then always fits. */
	if (r->start) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	do
		n = read(fd, r->buf + r->end,
			 HDR_LEN + EXEC_FRAME_MAX - r->end);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		r->end += (size_t)n;
	return n;
}

int exec_reader__next(struct exec_reader *r, struct exec_frame *f, char *err)
{
	struct exec_frame_hdr h;
	size_t have = r->end - r->start;

	if (have < HDR_LEN)
		return 0;
	memcpy(&h, r->buf + r->start, HDR_LEN);
	f->type = le32toh(h.type);
	f->len = le32toh(h.len);
	if (exec_proto__check(r->dir, f->type, f->len, err))
		return -1;
	if (have < HDR_LEN + f->len)
		return 0;
	f->data = r->buf + r->start + HDR_LEN;
	r->start += HDR_LEN + f->len;
	return 1;
}

void exec_proto__hdr(struct exec_frame_hdr *h, uint32_t type, uint32_t len)
{
	h->type = htole32(type);
	h->len = htole32(len);
}

/* Write iov whole; sockets get MSG_NOSIGNAL (EPIPE, not SIGPIPE). */
static int send_all(int fd, struct iovec *iov, int iovcnt)
{
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = (size_t)iovcnt };
	int sock = 1;
	ssize_t n;

	while (msg.msg_iovlen) {
		if (sock) {
			n = sendmsg(fd, &msg, MSG_NOSIGNAL);
			if (n < 0 && errno == ENOTSOCK) {
				sock = 0;
				continue;
			}
		} else {
			n = writev(fd, msg.msg_iov, (int)msg.msg_iovlen);
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		while (msg.msg_iovlen && (size_t)n >= msg.msg_iov->iov_len) {
			n -= (ssize_t)msg.msg_iov->iov_len;
			msg.msg_iov++;
			msg.msg_iovlen--;
		}
		if (msg.msg_iovlen) {
			msg.msg_iov->iov_base =
				(char *)msg.msg_iov->iov_base + n;
			msg.msg_iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

int exec_proto__send(int fd, uint32_t type, const void *data, size_t len)
{
	struct exec_frame_hdr h;
	struct iovec iov[2];

	if (len > EXEC_FRAME_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	exec_proto__hdr(&h, type, (uint32_t)len);
	iov[0] = (struct iovec){ .iov_base = &h, .iov_len = HDR_LEN };
	iov[1] = (struct iovec){ .iov_base = (void *)data, .iov_len = len };
	return send_all(fd, iov, len ? 2 : 1);
}

int exec_proto__send_u32(int fd, uint32_t type, uint32_t v)
{
	uint32_t le = htole32(v);

	return exec_proto__send(fd, type, &le, sizeof(le));
}

uint32_t exec_proto__u32(const struct exec_frame *f)
{
	uint32_t le;

	memcpy(&le, f->data, sizeof(le));
	return le32toh(le);
}

size_t exec_proto__pack(char *const *strs, size_t n, char *out, size_t max)
{
	size_t i, len = 0, l;

	if (!n || n > EXEC_ARGS_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		l = strlen(strs[i]) + 1;
		if (l > max - len)
			return 0;
		memcpy(out + len, strs[i], l);
		len += l;
	}
	return len;
}

int exec_proto__unpack(const struct exec_frame *f, char ***out, char *err)
{
	size_t i, n = 0;
	char **v, *s;

	if (!f->len || f->data[f->len - 1] != '\0') {
		errbuf_set(err, "%s: strings must each end in NUL",
			   exec_proto__name(f->type));
		return -1;
	}
	for (i = 0; i < f->len; i++)
		n += f->data[i] == '\0';
	if (n > EXEC_ARGS_MAX) {
		errbuf_set(err, "%s: %zu strings, at most %d",
			   exec_proto__name(f->type), n, EXEC_ARGS_MAX);
		return -1;
	}
	/* The pointers, then a copy of the strings, in one block. */
	v = malloc((n + 1) * sizeof(*v) + f->len);
	if (!v) {
		errbuf_set(err, "out of memory");
		return -1;
	}
	s = (char *)(v + n + 1);
	memcpy(s, f->data, f->len);
	for (i = 0; i < n; i++) {
		v[i] = s;
		s += strlen(s) + 1;
	}
	v[n] = NULL;
	*out = v;
	return (int)n;
}
