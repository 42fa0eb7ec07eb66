// SPDX-License-Identifier: GPL-2.0
/*
 * vsock-tool's endpoints (listed in main.c): parsing them, connecting
 * (AF_VSOCK, or turtle's Unix socket with Firecracker's "CONNECT port\n"
 * handshake) and listening.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/vm_sockets.h>

#include "vsock-tool.h"

void ep__parse(const char *s, struct endpoint *e)
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

int ep__connect(const struct endpoint *e, char *why, size_t whylen)
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

int ep__listen(const struct endpoint *e)
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

int ep__open(const struct endpoint *e, int stdio_fd)
{
	char why[256];
	int ls, fd;

	if (e->stdio)
		return stdio_fd;
	if (!e->listen) {
		fd = ep__connect(e, why, sizeof(why));
		if (fd < 0)
			die("%s", why);
		return fd;
	}
	ls = ep__listen(e);
	fd = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		die("accept: %s", strerror(errno));
	close(ls);
	return fd;
}

int ep__write_all(int fd, const uint8_t *p, size_t len)
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
