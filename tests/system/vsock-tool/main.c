// SPDX-License-Identifier: GPL-2.0
/*
 * vsock-tool: echo, throughput and latency over vsock, for turtle's tests
 * and benchmarks. The same binary runs in guests and in the host. One
 * file per mode (echo.c, stream.c, pingpong.c); endpoint.c and data.c
 * serve them all.
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
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vsock-tool.h"

struct options opt = { .conns = 1, .timeout = 600, .seed = 1 };

void die(const char *fmt, ...)
{
	va_list ap;

	fputs("vsock-tool: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int parse_uint(const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end || *v > max ? -1 : 0;
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
	ep__parse(argv[2], &opt.ep);
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
		echo__server();
	if (!strcmp(opt.mode, "echo-client")) {
		if (!opt.bytes)
			die("echo-client wants --bytes N");
		return echo__client();
	}
	if (!strcmp(opt.mode, "source")) {
		if (!opt.bytes)
			die("source wants --bytes N");
		return stream__source();
	}
	if (!strcmp(opt.mode, "sink"))
		return stream__sink();
	if (!strcmp(opt.mode, "pingpong"))
		return pingpong__run();
	die("unknown mode '%s'", opt.mode);
}
