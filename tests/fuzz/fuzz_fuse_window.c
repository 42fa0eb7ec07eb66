// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzes fuse_window__ring() (fuse-vsock/window.c): the top turtle's
 * FUSE doorbell in the direct window, fed what a guest at any depth can
 * put in the window's memory and write to the doorbell registers. A real
 * server on a temporary share (fuzz-share.h: sentinels outside it are
 * checked after every input) runs the requests on a worker pool.
 *
 * Input: byte 0: bit 7, no hello from the harness first (else a valid
 * one, for share "ro" if bit 6, else "share"); bit 5, no FUSE_INIT after
 * it. The rest is split at FZ_SEP into doorbells. A doorbell's first
 * byte: bit 0, ring HELLO (else CALL); bit 1, the value written to the
 * doorbell is the next 2 bytes (little endian: any length, right or
 * wrong), else the message's length; bit 2, leave the message's header
 * len as it is, else set it to the message's length. The remaining bytes
 * are the message, copied into the window at FUSE_WINDOW_MSG (truncated
 * to FUSE_WINDOW_MSG_MAX); FZ_NODE(i)/FZ_FH(i) stand for the nodeids
 * and fhs earlier replies gave (fuzz-fuse.h). FUSE_SETLKW goes as
 * FUSE_SETLK: a lock wait would hold the doorbell by design.
 *
 * After each doorbell the status the turtle left in the window must be
 * one window-proto.h lists, and a reply must be a well-formed FUSE reply
 * to the request that fits the window and holds no secret from outside
 * the share. A doorbell that never returns is a libFuzzer timeout: a
 * guest's vCPU stuck in its exit.
 *
 * Run (as root; the share is under /tmp):
 *   make fuzz
 *   mkdir /tmp/c && TURTLE_FUZZ_SEEDS=/tmp/c build/fuzz/fuzz_fuse_window
 *   build/fuzz/fuzz_fuse_window /tmp/c
 * or tests/fuzz/run.sh [SECONDS], which runs every harness.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../fuse-vsock/budget.h"
#include "../../fuse-vsock/pool.h"
#include "../../fuse-vsock/proto.h"
#include "../../fuse-vsock/window.h"
#include "../../lib/log.h"
#include "fuzz-fuse.h"
#include "fuzz-share.h"

#define RESET_EVERY 512
#define MAX_RINGS 64

#define C_NO_HELLO (1u << 7)
#define C_RO (1u << 6)
#define C_NO_INIT (1u << 5)

#define D_HELLO (1u << 0)
#define D_RAW_LEN (1u << 1)
#define D_KEEP_LEN (1u << 2)

static struct fuse_server *srv[2];
static struct fuse_pool *pool;
static struct fuse_budget budget;
static struct fuse_window *win;
static uint8_t *mem;
static struct fz_refs refs;
static unsigned long inputs;

static void setup(void)
{
	struct fuse_share_opts o = { .dir = fz_share__dir(), .tag = "share" };
	char err[ERRBUF_LEN] = "";

	srv[0] = fuse_server__create(&o, err);
	o.tag = "ro";
	o.read_only = 1;
	srv[1] = srv[0] ? fuse_server__create(&o, err) : NULL;
	pool = srv[1] ? fuse_pool__create(2, 4, err) : NULL;
	if (!pool) {
		fprintf(fz_err, "fuzz: %s\n", err);
		abort();
	}
	fuse_budget__init(&budget, FUSE_BUDGET_TOTAL, FUSE_BUDGET_SESSION);
	memset(mem, 0, FUSE_WINDOW_MEM);
	win = fuse_window__create(mem, pool, &budget, srv, 2);
	if (!win)
		abort();
}

/* Everything ended (the pool runs the session's close first), then anew. */
static void reset(void)
{
	fuse_window__close(win);
	fuse_pool__destroy(pool);
	fuse_window__destroy(win);
	fuse_budget__destroy(&budget);
	fuse_server__destroy(srv[0]);
	fuse_server__destroy(srv[1]);
	fz_share__reset();
	setup();
}

static void bad(const char *what, uint32_t a, uint32_t b)
{
	fprintf(fz_err, "fuzz: %s (%u, %u)\n", what, a, b);
	abort();
}

/* Ring with the message m (n bytes) in the window; check what came back. */
static void ring(uint32_t reg, uint32_t val, const uint8_t *m, size_t n)
{
	struct fuse_window_status st;
	struct fuse_in_header ih = { 0 };
	struct fuse_out_header oh;
	const uint8_t *reply = mem + FUSE_WINDOW_MSG;

	/* What the turtle reads: the message, or an earlier one's bytes. */
	memcpy(mem + FUSE_WINDOW_MSG, m, n);
	memcpy(&ih, mem + FUSE_WINDOW_MSG, sizeof(ih));
	memset(mem, 0xa5, sizeof(st)); /* the turtle must write it */
	fuse_window__ring(win, reg, val);
	memcpy(&st, mem, sizeof(st));
	switch (st.status) {
	case 0:
		break;
	case EMSGSIZE:
	case EPROTO:
	case ENOENT:
	case ENOTCONN:
	case E2BIG:
	case ENOMEM:
		if (st.reply_len)
			bad("a reply with an error status", st.status,
			    st.reply_len);
		return;
	default:
		bad("a status the protocol does not list", st.status, 0);
	}
	if (st.reply_len > FUSE_WINDOW_MSG_MAX)
		bad("a reply beyond the window", st.reply_len, 0);
	fz_share__reply(reply, st.reply_len);
	if (reg == FUSE_WINDOW_REG_HELLO || !st.reply_len)
		return;
	memcpy(&oh, reply, sizeof(oh));
	if (st.reply_len < sizeof(oh) || oh.len != st.reply_len ||
	    oh.unique != ih.unique || oh.error > 0 || oh.error < -4095)
		bad("a malformed reply", st.reply_len, oh.len);
	fz_refs__learn(&refs, ih.opcode, reply, st.reply_len);
}

/* A doorbell from one piece of the input. */
static void doorbell(const uint8_t *p, size_t n)
{
	static uint8_t m[FUSE_WINDOW_MSG_MAX];
	uint8_t kind = p[0];
	uint32_t val, len32, op;
	size_t hdr = 1;

	if (kind & D_RAW_LEN) {
		if (n < 3)
			return;
		val = (uint32_t)p[1] | (uint32_t)p[2] << 8;
		hdr = 3;
	}
	n -= hdr;
	if (n > sizeof(m))
		n = sizeof(m);
	memcpy(m, p + hdr, n);
	if (!(kind & D_RAW_LEN))
		val = (uint32_t)n;
	if (!(kind & D_HELLO) && n >= sizeof(struct fuse_in_header)) {
		len32 = (uint32_t)n;
		if (!(kind & D_KEEP_LEN))
			memcpy(m, &len32, 4);
		memcpy(&op, m + 4, 4);
		if (op == FUSE_SETLKW) {
			op = FUSE_SETLK;
			memcpy(m + 4, &op, 4);
		}
		fz_refs__apply(&refs, m, n);
	}
	ring(kind & D_HELLO ? FUSE_WINDOW_REG_HELLO : FUSE_WINDOW_REG_CALL, val,
	     m, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p, *end = data + size, *next;
	struct fz_seed s;
	unsigned int n = 0;

	if (!size)
		return 0;
	fz_share__start();
	if (++inputs % RESET_EVERY == 0 || fz_share__big())
		reset();
	memset(&refs, 0, sizeof(refs));
	if (!(data[0] & C_NO_HELLO)) {
		s.n = fz_hello(s.b, data[0] & C_RO ? "ro" : "share");
		ring(FUSE_WINDOW_REG_HELLO, (uint32_t)s.n, s.b, s.n);
		if (!(data[0] & C_NO_INIT)) {
			struct fuse_init_in in = fz_init_in(
				FUSE_KERNEL_MINOR_VERSION,
				FUSE_POSIX_LOCKS | FUSE_DO_READDIRPLUS |
					FUSE_MAX_PAGES | FUSE_BIG_WRITES);

			s.n = 0;
			fz_seed__msg(&s, FUSE_INIT, 0, &in, sizeof(in), NULL,
				     NULL);
			ring(FUSE_WINDOW_REG_CALL, (uint32_t)s.n, s.b, s.n);
		}
	}
	for (p = data + 1; p < end && n < MAX_RINGS;
	     p = next + sizeof(FZ_SEP)) {
		next = fz_find_sep(p, end);
		if (next > p)
			doorbell(p, (size_t)(next - p));
		n++;
		if (next == end)
			break;
	}
	fz_share__check();
	return 0;
}

/* The seed corpus, written to $TURTLE_FUZZ_SEEDS. */
static void seeds(const char *dir)
{
	struct fz_seed s;
	struct fuse_open_in open_rw = { .flags = O_RDWR };
	struct fuse_read_in rd = { .fh = FZ_FH(0), .size = 65536 };
	struct fuse_getattr_in ga = { 0 };
	struct fuse_release_in rel = { .fh = FZ_FH(0) };
	struct fuse_create_in cr = { .flags = O_RDWR | O_CREAT,
				     .mode = S_IFREG | 0644 };
	struct fuse_lk_in lk = { .fh = FZ_FH(0),
				 .owner = 1,
				 .lk = { .end = 9, .type = F_WRLCK } };
	struct {
		struct fuse_write_in in;
		char data[5];
	} wr = { { .fh = FZ_FH(0), .size = 5 }, "fuzz" };
	uint8_t k;

#define START(c)                         \
	do {                             \
		s.n = 0;                 \
		k = (c);                 \
		fz_seed__put(&s, &k, 1); \
	} while (0)
#define RING(kind, op, node, arg, alen, name)                      \
	do {                                                       \
		fz_seed__put(&s, FZ_SEP, sizeof(FZ_SEP));          \
		k = (kind);                                        \
		fz_seed__put(&s, &k, 1);                           \
		fz_seed__msg(&s, op, node, arg, alen, name, NULL); \
	} while (0)

	/* A file's life: lookup, open, read (too much for the window), write.
	 */
	START(0);
	RING(0, FUSE_LOOKUP, 1, NULL, 0, "f");
	RING(0, FUSE_GETATTR, FZ_NODE(0), &ga, sizeof(ga), NULL);
	RING(0, FUSE_OPEN, FZ_NODE(0), &open_rw, sizeof(open_rw), NULL);
	RING(0, FUSE_READ, FZ_NODE(0), &rd, sizeof(rd), NULL);
	RING(0, FUSE_WRITE, FZ_NODE(0), &wr, sizeof(wr), NULL);
	RING(0, FUSE_SETLKW, FZ_NODE(0), &lk, sizeof(lk), NULL);
	RING(0, FUSE_RELEASE, FZ_NODE(0), &rel, sizeof(rel), NULL);
	fz_seed__write(&s, dir, "file");

	/* Read-only share: create refused; a request before any hello. */
	START(C_RO);
	RING(0, FUSE_CREATE, 1, &cr, sizeof(cr), "n");
	fz_seed__write(&s, dir, "ro-create");
	START(C_NO_HELLO);
	RING(0, FUSE_LOOKUP, 1, NULL, 0, "f");
	fz_seed__write(&s, dir, "no-hello");

	/* A hello again mid-session, a header whose len is wrong. */
	START(C_NO_INIT);
	RING(D_KEEP_LEN, FUSE_LOOKUP, 1, NULL, 0, "f");
	s.n -= 3; /* the name's last bytes: len now disagrees */
	fz_seed__put(&s, FZ_SEP, sizeof(FZ_SEP));
	k = D_HELLO;
	fz_seed__put(&s, &k, 1);
	s.n += fz_hello(s.b + s.n, "share");
	fz_seed__write(&s, dir, "hello-again");
#undef START
#undef RING
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *e;

	(void)argc;
	(void)argv;
	if ((e = getenv("TURTLE_FUZZ_SEEDS"))) {
		seeds(e);
		exit(0);
	}
	fz_share__init();
	mem = aligned_alloc(64, FUSE_WINDOW_MEM);
	if (!mem)
		abort();
	setup();
	return 0;
}
