// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzes fuse_session__recv(): the fuse-vsock stream (fuse-vsock/proto.h),
 * a hello and then FUSE messages back to back, chunked anyhow. A real
 * server on a one-worker pool executes the messages on a temporary share
 * (fuzz-share.h: sentinels outside it are checked after every input);
 * send() checks the replies for the secret and drops them.
 *
 * Input: byte 0: bit 7, the harness sends a valid hello first (bit 6:
 * for the read-only share "ro", else "share"); bit 5, and then a
 * FUSE_INIT; bit 4, the session takes its memory from a small budget
 * (budget.h: BUDGET bytes, half per session) through fuse_session__take,
 * and when that stops short the harness waits for the resume (or gives
 * up after RESUME_WAIT_MS, as a guest that goes); bits 0-3, K. Then K bytes,
 * the chunk lengths (0 is 256), used in turn; the rest is the stream, given to
 * fuse_session__recv() in chunks of those lengths, each copied to a buffer of
 * exactly its size, until recv fails. Then the session closes, as when the
 * guest goes, and the harness waits for its end (done()).
 *
 * Run (as root; the share is under /tmp):
 *   make fuzz
 *   mkdir /tmp/c && TURTLE_FUZZ_SEEDS=/tmp/c build/fuzz/fuzz_fuse_session
 *   build/fuzz/fuzz_fuse_session /tmp/c
 * or tests/fuzz/run.sh [SECONDS], which runs every harness.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../../fuse-vsock/budget.h"
#include "../../fuse-vsock/pool.h"
#include "../../fuse-vsock/proto.h"
#include "../../fuse-vsock/session.h"
#include "../../lib/log.h"
#include "../unit/fuse-msg.h"
#include "fuzz-fuse.h"
#include "fuzz-share.h"

#define RESET_EVERY 512
#define BUDGET (64 * 1024)
#define RESUME_WAIT_MS 50

static struct fuse_server *srv, *srv_ro;
static struct fuse_pool *pool;
static unsigned long inputs;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int done, resumed;
static struct fuse_budget budget;

static struct fuse_server *pick(void *ctx, const char *tag)
{
	(void)ctx;
	return fmsg__pick(srv, srv_ro, tag);
}

static int sink(void *ctx, const struct iovec *iov, int iovcnt)
{
	int i;

	(void)ctx;
	for (i = 0; i < iovcnt; i++)
		fz_share__reply(iov[i].iov_base, iov[i].iov_len);
	return 0;
}

static void on_done(void *ctx)
{
	(void)ctx;
	pthread_mutex_lock(&lock);
	done = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
}

/* Under the budget's lock. */
static void on_resume(void *ctx)
{
	(void)ctx;
	pthread_mutex_lock(&lock);
	resumed = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
}

static const struct fuse_session_ops ops = {
	.pick = pick,
	.send = sink,
	.done = on_done,
	.resume = on_resume,
};

/* The rest of a chunk the budget stopped: after a resume, or never. */
static int feed_budgeted(struct fuse_session *s, const uint8_t *b, size_t n)
{
	struct timespec until;
	size_t peak;
	ssize_t got;

	for (;;) {
		pthread_mutex_lock(&lock);
		resumed = 0;
		pthread_mutex_unlock(&lock);
		got = fuse_session__take(s, b, n);
		if (got < 0)
			return -1;
		if ((size_t)got == n)
			return 0;
		fuse_budget__used(&budget, &peak);
		/* Beyond it: one message alone, with its reply's bytes. */
		if (peak > BUDGET &&
		    peak > FUSE_SERVER_MAX_MSG + FUSE_SERVER_MAX_REPLY) {
			fprintf(fz_err, "fuzz: the budget overran: %zu\n",
				peak);
			abort();
		}
		b += got;
		n -= (size_t)got;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += RESUME_WAIT_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&lock);
		while (!resumed)
			if (pthread_cond_timedwait(&cond, &lock, &until))
				break;
		got = resumed;
		pthread_mutex_unlock(&lock);
		if (!got)
			return -1; /* the guest gives up */
	}
}

static void servers(void)
{
	struct fuse_share_opts o = { .dir = fz_share__dir(), .tag = "share" };
	char err[ERRBUF_LEN] = "";

	srv = fuse_server__create(&o, err);
	o.tag = "ro";
	o.read_only = 1;
	srv_ro = fuse_server__create(&o, err);
	if (!srv || !srv_ro) {
		fprintf(fz_err, "fuzz: %s\n", err);
		abort();
	}
}

/* Bytes to recv, in an exact-size copy. */
static int feed(struct fuse_session *s, const void *p, size_t n, bool budgeted)
{
	uint8_t *b = malloc(n ? n : 1);
	int ret;

	if (!b)
		abort();
	memcpy(b, p, n);
	ret = budgeted ? feed_budgeted(s, b, n) : fuse_session__recv(s, b, n);
	free(b);
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuse_session *s;
	unsigned int k, i = 0;
	const uint8_t *lens, *p, *end = data + size;
	struct fz_seed pre = { .n = 0 };
	size_t n;
	int ok = 0;
	bool budgeted;

	if (!size)
		return 0;
	fz_share__start();
	if (++inputs % RESET_EVERY == 0 || fz_share__big()) {
		fuse_server__destroy(srv);
		fuse_server__destroy(srv_ro);
		fz_share__reset();
		servers();
	}
	k = data[0] & 15;
	if (size < 1 + (size_t)k)
		return 0;
	lens = data + 1;
	p = data + 1 + k;
	budgeted = data[0] & 0x10;
	s = fuse_session__create(pool, budgeted ? &budget : NULL, &ops, NULL);
	if (!s)
		abort();
	done = 0;
	if (data[0] & 0x80) {
		pre.n = fz_hello(pre.b, data[0] & 0x40 ? "ro" : "share");
		if (data[0] & 0x20) {
			struct fuse_init_in in = fz_init_in(
				FUSE_KERNEL_MINOR_VERSION,
				FUSE_POSIX_LOCKS | FUSE_DO_READDIRPLUS |
					FUSE_MAX_PAGES | FUSE_WRITEBACK_CACHE);

			fz_seed__msg(&pre, FUSE_INIT, 0, &in, sizeof(in), NULL,
				     NULL);
		}
		ok = feed(s, pre.b, pre.n, budgeted);
	}
	while (!ok && p < end) {
		n = k ? lens[i++ % k] : size;
		if (!n)
			n = 256;
		if (n > (size_t)(end - p))
			n = (size_t)(end - p);
		ok = feed(s, p, n, budgeted);
		p += n;
	}
	fuse_session__close(s);
	pthread_mutex_lock(&lock);
	while (!done)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	fz_share__check();
	if (fuse_budget__used(&budget, NULL)) {
		fprintf(fz_err, "fuzz: budget bytes not given back\n");
		abort();
	}
	return 0;
}

/* The seed corpus, written to $TURTLE_FUZZ_SEEDS. */
static void seeds(const char *dir)
{
	struct fz_seed s;
	struct fuse_init_in in = fz_init_in(FUSE_KERNEL_MINOR_VERSION,
					    FUSE_POSIX_LOCKS | FUSE_MAX_PAGES);
	struct fuse_open_in op = { .flags = O_RDWR };
	struct fuse_read_in rd = { .fh = 1, .size = 100 };
	struct fuse_mkdir_in mk = { .mode = 0755 };
	struct fuse_interrupt_in it = { .unique = 3 };
	struct fuse_lk_in lk = {
		.fh = 1,
		.owner = 1,
		.lk = { .start = 0, .end = 9, .type = F_WRLCK }
	};
	struct fuse_forget_in fg = { .nlookup = 1 };
	uint8_t b[128];
	static const uint8_t cfg_whole[] = { 0x00 };
	static const uint8_t cfg_split[] = { 0x03, 1, 7, 40 };
	struct fuse_in_header bad = { .len = 8, .opcode = FUSE_LOOKUP };

	/* Hello, INIT, lookup, open, read, mkdir, forget: whole, then split. */
	s.n = 0;
	fz_seed__put(&s, cfg_whole, sizeof(cfg_whole));
	fz_seed__put(&s, b, fz_hello(b, "share"));
	fz_seed__msg(&s, FUSE_INIT, 0, &in, sizeof(in), NULL, NULL);
	fz_seed__msg(&s, FUSE_LOOKUP, 1, NULL, 0, "f", NULL);
	fz_seed__msg(&s, FUSE_OPEN, 2, &op, sizeof(op), NULL, NULL);
	fz_seed__msg(&s, FUSE_READ, 2, &rd, sizeof(rd), NULL, NULL);
	fz_seed__msg(&s, FUSE_MKDIR, 1, &mk, sizeof(mk), "dd", NULL);
	fz_seed__msg(&s, FUSE_FORGET, 2, &fg, sizeof(fg), NULL, NULL);
	fz_seed__write(&s, dir, "whole");
	memmove(s.b + sizeof(cfg_split), s.b + 1, s.n - 1);
	memcpy(s.b, cfg_split, sizeof(cfg_split));
	s.n += sizeof(cfg_split) - 1;
	fz_seed__write(&s, dir, "split");

	/* Hello and INIT by the harness; a held lock, SETLKW, INTERRUPT. */
	s.n = 0;
	b[0] = 0xa0;
	fz_seed__put(&s, b, 1);
	fz_seed__msg(&s, FUSE_LOOKUP, 1, NULL, 0, "f", NULL);
	fz_seed__msg(&s, FUSE_OPEN, 2, &op, sizeof(op), NULL, NULL);
	fz_seed__msg(&s, FUSE_SETLK, 2, &lk, sizeof(lk), NULL, NULL);
	lk.owner = 2;
	fz_seed__msg(&s, FUSE_SETLKW, 2, &lk, sizeof(lk), NULL, NULL);
	fz_seed__msg(&s, FUSE_INTERRUPT, 0, &it, sizeof(it), NULL, NULL);
	fz_seed__write(&s, dir, "lock");

	/* Read-only share; a message too short to frame. */
	s.n = 0;
	b[0] = 0xe0;
	fz_seed__put(&s, b, 1);
	fz_seed__msg(&s, FUSE_MKDIR, 1, &mk, sizeof(mk), "ro", NULL);
	fz_seed__put(&s, &bad, sizeof(bad));
	fz_seed__write(&s, dir, "ro-short");

	/*
	 * On the budget: five 12 KiB messages, more than a session's 32 KiB
	 * at once, then a lookup; in 256-byte chunks.
	 */
	{
		static uint8_t big[12 * 1024];
		static const uint8_t cfg_budget[] = { 0xb1, 0 };
		int i;

		s.n = 0;
		fz_seed__put(&s, cfg_budget, sizeof(cfg_budget));
		for (i = 0; i < 5; i++)
			fz_seed__msg(&s, FUSE_SETXATTR + 100, 1, big,
				     sizeof(big), NULL, NULL);
		fz_seed__msg(&s, FUSE_LOOKUP, 1, NULL, 0, "f", NULL);
		fz_seed__write(&s, dir, "budget");
	}

	/* A bad hello: unknown tag, then bytes after the refusal. */
	s.n = 0;
	b[0] = 0;
	fz_seed__put(&s, b, 1);
	fz_seed__put(&s, b, fz_hello(b, "nope"));
	fz_seed__put(&s, "more", 4);
	fz_seed__write(&s, dir, "bad-hello");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *e;
	char err[ERRBUF_LEN] = "";

	(void)argc;
	(void)argv;
	if ((e = getenv("TURTLE_FUZZ_SEEDS"))) {
		seeds(e);
		exit(0);
	}
	fz_share__init();
	servers();
	fuse_budget__init(&budget, BUDGET, BUDGET / 2);
	/* One worker; SETLKW may add a second (fuse_pool__waiting). */
	pool = fuse_pool__create(1, 2, err);
	if (!pool) {
		fprintf(fz_err, "fuzz: %s\n", err);
		abort();
	}
	return 0;
}
