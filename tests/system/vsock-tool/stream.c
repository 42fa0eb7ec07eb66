// SPDX-License-Identifier: GPL-2.0
/*
 * vsock-tool source: write a stream of N bytes, then wait for the peer to
 * close. sink: read to EOF. Both report the rate and the stream's checksum.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vsock-tool.h"

/* On stdout, or stderr when stdout carries the data. */
static void report(FILE *f, const char *what, uint64_t bytes, double secs,
		   struct sum *s)
{
	fprintf(f, "%s bytes=%llu secs=%.3f MBps=%.2f\n", what,
		(unsigned long long)bytes, secs,
		(double)bytes / 1e6 / (secs > 0 ? secs : 1e-9));
	fprintf(f, "SUM %016llx\n", (unsigned long long)sum__final(s));
}

int stream__source(void)
{
	static uint8_t buf[CHUNK];
	struct sum s = { 0 };
	uint64_t off = 0;
	size_t len;
	double t0;
	int fd = ep__open(&opt.ep, 1);
	struct pollfd p = { .fd = fd, .events = POLLIN };

	t0 = now();
	while (off < opt.bytes) {
		len = opt.bytes - off < CHUNK ? opt.bytes - off : CHUNK;
		data__gen(opt.seed, off, buf, len);
		sum__add(&s, buf, len);
		if (ep__write_all(fd, buf, len))
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

int stream__sink(void)
{
	static uint8_t buf[4 * CHUNK];
	struct sum s = { 0 };
	uint64_t total = 0;
	ssize_t n;
	double t0;
	int fd = ep__open(&opt.ep, 0);
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
		sum__add(&s, buf, (size_t)n);
		total += (uint64_t)n;
	}
	report(stdout, "SINK", total, now() - t0, &s);
	close(fd);
	return 0;
}
