/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What vsock-tool's files share (main.c has the tool's description): the
 * parsed command line, endpoints (endpoint.c), the data streams and their
 * checksum (data.c), and one entry point per mode.
 */
#ifndef TURTLE_TESTS_SYSTEM_VSOCK_TOOL_H
#define TURTLE_TESTS_SYSTEM_VSOCK_TOOL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/un.h>

#define CHUNK 65536
#define MAX_CONNS 4096

struct endpoint {
	int stdio;   /* - */
	int listen;  /* listen-* */
	int is_unix; /* unix:, listen-unix: */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	unsigned int cid, port;
};

struct options {
	const char *mode;
	struct endpoint ep;
	uint64_t bytes;
	unsigned int conns, count, timeout;
	uint64_t seed;
};

extern struct options opt;

/* main.c */

/* "vsock-tool: " and the message on stderr, then exit status 1. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* CLOCK_MONOTONIC, in seconds. */
double now(void);
/* A decimal number up to max: 0, or -1 if s is not one. */
int parse_uint(const char *s, unsigned long long max, unsigned long long *v);

/* endpoint.c */

/* Parse an endpoint (main.c's comment lists them); dies on a bad one. */
void ep__parse(const char *s, struct endpoint *e);
/* Connect; -1 with the reason in why. */
int ep__connect(const struct endpoint *e, char *why, size_t whylen);
/* Listen, and print "LISTENING ..." once ready; dies if it cannot. */
int ep__listen(const struct endpoint *e);
/* One connection: connect, or accept one on a listening endpoint. */
int ep__open(const struct endpoint *e, int stdio_fd);
/* All of p to a socket or (stdout) a file; -1 with errno. */
int ep__write_all(int fd, const uint8_t *p, size_t len);

/* data.c */

/* A 64-bit mixing function (SplitMix64's). */
uint64_t data__mix(uint64_t x);
/* The bytes at [off, off+len) of stream key. */
void data__gen(uint64_t key, uint64_t off, uint8_t *buf, size_t len);

typedef uint64_t u64x2 __attribute__((vector_size(16)));

/* A stream's checksum, fed in pieces of any size. */
struct sum {
	u64x2 a, b; /* lane j: the words whose index is j mod 2 */
	uint64_t n; /* bytes */
	uint8_t tail[8];
	unsigned int ntail;
};

void sum__add(struct sum *s, const uint8_t *p, size_t len);
uint64_t sum__final(struct sum *s);

/* The modes: the exit status. */
__attribute__((noreturn)) void echo__server(void); /* echo.c */
int echo__client(void);				   /* echo.c */
int stream__source(void);			   /* stream.c */
int stream__sink(void);				   /* stream.c */
int pingpong__run(void);			   /* pingpong.c */

#endif
