// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzes fuse_server__handle(): guest FUSE requests (linux/fuse.h)
 * executed on a temporary share directory, with sentinels outside it
 * (fuzz-share.h) checked after every input. A crash, a sanitizer report,
 * a reply that breaks the protocol or a change outside the share aborts.
 *
 * Input: byte 0 picks the server and the FUSE_INIT the harness sends
 * first (bit 0: read-only share; bits 1-2: cache=auto, always, never;
 * bit 3: FUSE_WRITEBACK_CACHE; bit 4: FUSE_DONT_MASK; bit 5: minor 22,
 * else the current one; bit 6: no INIT; bit 7: security=mapped, else
 * passthrough). The rest is split at FZ_SEP into
 * messages, each a fuse_in_header and its arguments, copied to a buffer
 * of exactly their size; the header's len is set to the piece's length
 * (pieces shorter than the header go as they are). A 1-byte piece is a
 * harness command: 0, the connection drops (the server's tables reset)
 * and the INIT is sent again; 1, the INIT again. FZ_NODE(i) and FZ_FH(i)
 * stand for nodeids and fhs replies gave (fuzz-fuse.h).
 *
 * The servers (one per configuration) and their tables live across
 * inputs; every TURTLE_FUZZ_RESET_EVERY inputs (default 256), or when the
 * share grows big, they are destroyed and the share recreated. Set it to
 * 1 to reproduce or minimize a crash that needs earlier inputs' state.
 * TURTLE_FUZZ_TRACE=1 prints each request's opcode and its reply.
 *
 * Run (as root for setfsuid to work; the share is under /tmp):
 *   make fuzz
 *   mkdir /tmp/c && TURTLE_FUZZ_SEEDS=/tmp/c build/fuzz/fuzz_fuse_server
 *   build/fuzz/fuzz_fuse_server -dict=tests/fuzz/fuse_server.dict /tmp/c
 * or tests/fuzz/run.sh [SECONDS], which runs every harness.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../fuse-vsock/server.h"
#include "../../lib/log.h"
#include "fuzz-fuse.h"
#include "fuzz-share.h"

#define MAX_MSGS 64

#define C_RO (1u << 0)
#define C_CACHE(c) (((c) >> 1) & 3)
#define C_WRITEBACK (1u << 3)
#define C_DONT_MASK (1u << 4)
#define C_MINOR22 (1u << 5)
#define C_NO_INIT (1u << 6)
#define C_MAPPED (1u << 7)

static struct fuse_server *srv[2][3][2];
static unsigned long inputs, reset_every = 256;
static struct fuse_req_ctl ctl;
static struct fz_refs refs;
static bool trace; /* TURTLE_FUZZ_TRACE: each request and its reply */

/* A SETLKW about to wait: interrupt it, or it would wait forever. */
static void on_waiting(void *priv, int begin)
{
	struct fuse_req_ctl *c = priv;

	if (begin)
		atomic_store(&c->interrupted, 1);
}

static void destroy_servers(void)
{
	int i, j, k;

	for (i = 0; i < 2; i++) {
		for (j = 0; j < 3; j++) {
			for (k = 0; k < 2; k++) {
				fuse_server__destroy(srv[i][j][k]);
				srv[i][j][k] = NULL;
			}
		}
	}
}

static struct fuse_server *server(uint8_t cfg)
{
	unsigned int ro = cfg & C_RO, cache = C_CACHE(cfg) % 3;
	unsigned int m = !!(cfg & C_MAPPED);
	struct fuse_share_opts o = {
		.dir = fz_share__dir(),
		.tag = "fuzz",
		.read_only = (int)ro,
		.cache = (enum fuse_cache)cache,
		.security = m ? FUSE_SECURITY_MAPPED : FUSE_SECURITY_PASSTHROUGH
	};
	char err[ERRBUF_LEN] = "";

	if (!srv[ro][cache][m]) {
		srv[ro][cache][m] = fuse_server__create(&o, err);
		if (!srv[ro][cache][m]) {
			fprintf(fz_err, "fuzz: %s\n", err);
			abort();
		}
		fuse_server__attach(srv[ro][cache][m]);
	}
	return srv[ro][cache][m];
}

/* The reply must be a well-formed fuse_out_header for the request. */
static void check_reply(const uint8_t *msg, size_t len,
			const struct fuse_buf *out, size_t rlen)
{
	const struct fuse_out_header *oh = out->p;
	uint64_t unique = 0;

	if (!rlen)
		return;
	if (len >= 16)
		memcpy(&unique, msg + 8, 8);
	if (rlen < sizeof(*oh) || rlen > out->cap || oh->len != rlen ||
	    oh->error > 0 || oh->error < -4095 ||
	    (oh->error && rlen != sizeof(*oh)) ||
	    (len >= 16 && oh->unique != unique)) {
		fprintf(fz_err,
			"fuzz: bad reply: rlen %zu cap %zu len %u error %d\n",
			rlen, out->cap, oh->len, oh->error);
		abort();
	}
	fz_share__reply(out->p, rlen);
}

/* One message: an exact-size copy, and a fresh minimum-size reply buffer. */
static void send_msg(struct fuse_server *s, const uint8_t *p, size_t len)
{
	struct fuse_buf out = { .cap = FUSE_SERVER_BUF_MIN };
	uint8_t *msg = malloc(len ? len : 1);
	uint32_t opcode = 0;
	size_t rlen;

	out.p = malloc(out.cap);
	if (!msg || !out.p)
		abort();
	memcpy(msg, p, len);
	if (len >= sizeof(struct fuse_in_header)) {
		uint32_t l = (uint32_t)len;

		memcpy(msg, &l, 4);
		memcpy(&opcode, msg + 4, 4);
		fz_refs__apply(&refs, msg, len);
	}
	atomic_store(&ctl.interrupted, 0);
	rlen = fuse_server__handle(s, msg, len, &out, &ctl);
	if (trace)
		fprintf(fz_err, "fuzz: opcode %u, %zu bytes: reply %zu, %d\n",
			opcode, len, rlen,
			rlen ? ((struct fuse_out_header *)out.p)->error : 0);
	check_reply(msg, len, &out, rlen);
	fz_refs__learn(&refs, opcode, out.p, rlen);
	free(out.p);
	free(msg);
}

static void send_init(struct fuse_server *s, uint8_t cfg)
{
	uint32_t flags = FUSE_ASYNC_READ | FUSE_POSIX_LOCKS | FUSE_FLOCK_LOCKS |
			 FUSE_DO_READDIRPLUS | FUSE_MAX_PAGES |
			 FUSE_BIG_WRITES | FUSE_ATOMIC_O_TRUNC;
	struct fuse_init_in in;
	struct fz_seed m = { .n = 0 };

	if (cfg & C_WRITEBACK)
		flags |= FUSE_WRITEBACK_CACHE;
	if (cfg & C_DONT_MASK)
		flags |= FUSE_DONT_MASK;
	in = fz_init_in(cfg & C_MINOR22 ? 22 : FUSE_KERNEL_MINOR_VERSION,
			flags);
	fz_seed__msg(&m, FUSE_INIT, 0, &in, sizeof(in), NULL, NULL);
	send_msg(s, m.b, m.n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p, *end = data + size, *next;
	struct fuse_server *s;
	unsigned int n = 0;
	uint8_t cfg;

	if (!size)
		return 0;
	fz_share__start();
	if (inputs && (inputs % reset_every == 0 || fz_share__big())) {
		destroy_servers();
		fz_share__reset();
	}
	inputs++;
	cfg = data[0];
	s = server(cfg);
	memset(&refs, 0, sizeof(refs));
	if (!(cfg & C_NO_INIT))
		send_init(s, cfg);
	for (p = data + 1; p < end && n < MAX_MSGS; p = next + sizeof(FZ_SEP)) {
		next = fz_find_sep(p, end);
		if (next - p == 1) {
			if (*p == 0) {
				fuse_server__detach(s);
				fuse_server__attach(s);
			}
			if (*p <= 1)
				send_init(s, cfg);
		} else if (next > p) {
			send_msg(s, p, (size_t)(next - p));
		}
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
	const uint8_t cfg = C_WRITEBACK | C_DONT_MASK;
	struct fuse_open_in open_rw = { .flags = O_RDWR };
	struct fuse_open_in open_ro = { .flags = O_RDONLY };
	struct fuse_read_in rd = { .fh = FZ_FH(0), .size = 4096 };
	struct fuse_getattr_in ga = { 0 };
	struct fuse_flush_in fl = { .fh = FZ_FH(0), .lock_owner = 7 };
	struct fuse_release_in rel = { .fh = FZ_FH(0) };
	struct fuse_forget_in fg = { .nlookup = 1 };
	struct fuse_mkdir_in mk = { .mode = 0755, .umask = 022 };
	struct fuse_create_in cr = { .flags = O_RDWR | O_CREAT,
				     .mode = S_IFREG | 0644,
				     .umask = 022 };
	struct fuse_setattr_in sa = { .valid = FATTR_SIZE | FATTR_MODE |
					       FATTR_MTIME_NOW | FATTR_MTIME,
				      .size = 100,
				      .mode = 0600 };
	struct fuse_rename2_in rn = { .newdir = 1, .flags = RENAME_NOREPLACE };
	struct fuse_link_in ln = { .oldnodeid = FZ_NODE(0) };
	struct fuse_setxattr_in sx = { .size = 3 };
	struct fuse_getxattr_in gx0 = { .size = 0 }, gx = { .size = 64 };
	struct fuse_lk_in lk = {
		.fh = FZ_FH(0),
		.owner = 1,
		.lk = { .start = 0, .end = 99, .type = F_WRLCK }
	};
	struct fuse_mknod_in mn = { .mode = S_IFIFO | 0644 };
	struct fuse_access_in ac = { .mask = R_OK | W_OK };
	struct fuse_fsync_in fs = { .fh = FZ_FH(0) };
	struct fuse_fallocate_in fa = { .fh = FZ_FH(0), .length = 8192 };
	struct fuse_lseek_in ls = { .fh = FZ_FH(0), .whence = SEEK_DATA };
	struct fuse_copy_file_range_in cf = { .fh_in = FZ_FH(1),
					      .fh_out = FZ_FH(0),
					      .len = 10 };
	struct fuse_syncfs_in sy = { 0 };
	struct fuse_interrupt_in it = { .unique = 5 };
	struct {
		struct fuse_batch_forget_in in;
		struct fuse_forget_one one[2];
	} bf = { { .count = 2 }, { { FZ_NODE(0), 1 }, { FZ_NODE(1), 1 } } };
	struct {
		struct fuse_write_in in;
		char data[5];
	} wr = { { .fh = FZ_FH(0), .offset = 3, .size = 5 }, "fuzz" };
	uint8_t one;

#define START(c)                           \
	do {                               \
		s.n = 0;                   \
		one = (c);                 \
		fz_seed__put(&s, &one, 1); \
	} while (0)
#define MSG(op, node, arg, alen, n1, n2)                          \
	do {                                                      \
		if (s.n > 1)                                      \
			fz_seed__put(&s, FZ_SEP, sizeof(FZ_SEP)); \
		fz_seed__msg(&s, op, node, arg, alen, n1, n2);    \
	} while (0)

	/* Files: lookup, open, read, write, flush, release, forget. */
	START(cfg);
	MSG(FUSE_LOOKUP, 1, NULL, 0, "f", NULL);
	MSG(FUSE_GETATTR, FZ_NODE(0), &ga, sizeof(ga), NULL, NULL);
	MSG(FUSE_OPEN, FZ_NODE(0), &open_rw, sizeof(open_rw), NULL, NULL);
	MSG(FUSE_READ, FZ_NODE(0), &rd, sizeof(rd), NULL, NULL);
	MSG(FUSE_WRITE, FZ_NODE(0), &wr, sizeof(wr), NULL, NULL);
	MSG(FUSE_FLUSH, FZ_NODE(0), &fl, sizeof(fl), NULL, NULL);
	MSG(FUSE_RELEASE, FZ_NODE(0), &rel, sizeof(rel), NULL, NULL);
	MSG(FUSE_FORGET, FZ_NODE(0), &fg, sizeof(fg), NULL, NULL);
	fz_seed__write(&s, dir, "files");
	s.b[0] = C_RO | (2 << 1);
	fz_seed__write(&s, dir, "files-ro-never");

	/* Entries: mkdir, create in it, write, setattr, readdirplus. */
	START(cfg);
	MSG(FUSE_MKDIR, 1, &mk, sizeof(mk), "nd", NULL);
	MSG(FUSE_CREATE, FZ_NODE(0), &cr, sizeof(cr), "nf", NULL);
	MSG(FUSE_WRITE, FZ_NODE(0), &wr, sizeof(wr), NULL, NULL);
	MSG(FUSE_SETATTR, FZ_NODE(0), &sa, sizeof(sa), NULL, NULL);
	MSG(FUSE_RELEASE, FZ_NODE(0), &rel, sizeof(rel), NULL, NULL);
	MSG(FUSE_OPENDIR, FZ_NODE(1), &open_ro, sizeof(open_ro), NULL, NULL);
	MSG(FUSE_READDIRPLUS, FZ_NODE(1), &rd, sizeof(rd), NULL, NULL);
	MSG(FUSE_READDIR, FZ_NODE(1), &rd, sizeof(rd), NULL, NULL);
	MSG(FUSE_RELEASEDIR, 1, &rel, sizeof(rel), NULL, NULL);
	MSG(FUSE_UNLINK, FZ_NODE(1), NULL, 0, "nf", NULL);
	MSG(FUSE_RMDIR, 1, NULL, 0, "nd", NULL);
	fz_seed__write(&s, dir, "entries");

	/* Through a handle: GETATTR_FH, SETATTR with FATTR_FH; many entries. */
	START(cfg);
	MSG(FUSE_LOOKUP, 1, NULL, 0, "f", NULL);
	MSG(FUSE_OPEN, FZ_NODE(0), &open_rw, sizeof(open_rw), NULL, NULL);
	ga.getattr_flags = FUSE_GETATTR_FH;
	ga.fh = FZ_FH(0);
	MSG(FUSE_GETATTR, FZ_NODE(0), &ga, sizeof(ga), NULL, NULL);
	sa.valid =
		FATTR_FH | FATTR_MODE | FATTR_SIZE | FATTR_ATIME | FATTR_MTIME;
	sa.fh = FZ_FH(0);
	MSG(FUSE_SETATTR, FZ_NODE(0), &sa, sizeof(sa), NULL, NULL);
	MSG(FUSE_LOOKUP, 1, NULL, 0, "many", NULL);
	MSG(FUSE_OPENDIR, FZ_NODE(0), &open_ro, sizeof(open_ro), NULL, NULL);
	rd.size = 65536;
	MSG(FUSE_READDIRPLUS, FZ_NODE(0), &rd, sizeof(rd), NULL, NULL);
	rd.size = 4096;
	fz_seed__write(&s, dir, "handles");

	/* Links: symlink, readlink, rename2, link, unlink, mknod. */
	START(cfg);
	MSG(FUSE_SYMLINK, 1, NULL, 0, "sl", "../outside/secret");
	MSG(FUSE_READLINK, FZ_NODE(0), NULL, 0, NULL, NULL);
	MSG(FUSE_RENAME2, 1, &rn, sizeof(rn), "sl", "sl2");
	MSG(FUSE_LOOKUP, 1, NULL, 0, "f", NULL);
	MSG(FUSE_LINK, 1, &ln, sizeof(ln), "hl", NULL);
	MSG(FUSE_RENAME, 1, &rn, sizeof(rn.newdir), "hl", "hl2");
	MSG(FUSE_UNLINK, 1, NULL, 0, "hl2", NULL);
	MSG(FUSE_MKNOD, 1, &mn, sizeof(mn), "fifo", NULL);
	mn.mode = S_IFCHR | 0600;
	MSG(FUSE_MKNOD, 1, &mn, sizeof(mn), "wh", NULL);
	MSG(FUSE_BATCH_FORGET, 0, &bf, sizeof(bf), NULL, NULL);
	fz_seed__write(&s, dir, "links");

	/* Extended attributes. */
	START(cfg);
	MSG(FUSE_LOOKUP, 1, NULL, 0, "f", NULL);
	{
		uint8_t x[sizeof(sx) + 16];
		size_t n = 8;

		memcpy(x, &sx, 8); /* FUSE_COMPAT_SETXATTR_IN_SIZE */
		memcpy(x + n, "user.x", 7);
		n += 7;
		memcpy(x + n, "val", 3);
		n += 3;
		if (s.n > 1)
			fz_seed__put(&s, FZ_SEP, sizeof(FZ_SEP));
		fz_seed__msg(&s, FUSE_SETXATTR, FZ_NODE(0), x, n, NULL, NULL);
	}
	MSG(FUSE_GETXATTR, FZ_NODE(0), &gx0, sizeof(gx0), "user.x", NULL);
	MSG(FUSE_GETXATTR, FZ_NODE(0), &gx, sizeof(gx), "user.x", NULL);
	MSG(FUSE_LISTXATTR, FZ_NODE(0), &gx, sizeof(gx), NULL, NULL);
	MSG(FUSE_REMOVEXATTR, FZ_NODE(0), NULL, 0, "user.x", NULL);
	fz_seed__write(&s, dir, "xattrs");

	/* Locks: POSIX, two owners, SETLKW, flock, FLUSH. */
	START(cfg);
	MSG(FUSE_LOOKUP, 1, NULL, 0, "f", NULL);
	MSG(FUSE_OPEN, FZ_NODE(0), &open_rw, sizeof(open_rw), NULL, NULL);
	MSG(FUSE_SETLK, FZ_NODE(0), &lk, sizeof(lk), NULL, NULL);
	lk.owner = 2;
	MSG(FUSE_GETLK, FZ_NODE(0), &lk, sizeof(lk), NULL, NULL);
	MSG(FUSE_SETLKW, FZ_NODE(0), &lk, sizeof(lk), NULL, NULL);
	lk.lk_flags = FUSE_LK_FLOCK;
	MSG(FUSE_SETLK, FZ_NODE(0), &lk, sizeof(lk), NULL, NULL);
	fl.lock_owner = 1;
	MSG(FUSE_FLUSH, FZ_NODE(0), &fl, sizeof(fl), NULL, NULL);
	MSG(FUSE_RELEASE, FZ_NODE(0), &rel, sizeof(rel), NULL, NULL);
	fz_seed__write(&s, dir, "locks");

	/* Out: the symlinks that point out, "..", looked up and used. */
	START(cfg);
	MSG(FUSE_LOOKUP, 1, NULL, 0, "..", NULL);
	MSG(FUSE_LOOKUP, 1, NULL, 0, "up", NULL);
	MSG(FUSE_GETXATTR, FZ_NODE(0), &gx, sizeof(gx), "user.secret", NULL);
	MSG(FUSE_OPEN, FZ_NODE(0), &open_rw, sizeof(open_rw), NULL, NULL);
	sa.valid = FATTR_MODE;
	MSG(FUSE_SETATTR, FZ_NODE(0), &sa, sizeof(sa), NULL, NULL);
	MSG(FUSE_LOOKUP, 1, NULL, 0, "d", NULL);
	MSG(FUSE_LOOKUP, FZ_NODE(0), NULL, 0, "..", NULL);
	MSG(FUSE_LOOKUP, FZ_NODE(1), NULL, 0, "up2", NULL);
	MSG(FUSE_LOOKUP, 1, NULL, 0, "updir", NULL);
	MSG(FUSE_LOOKUP, FZ_NODE(0), NULL, 0, "secret", NULL);
	MSG(FUSE_CREATE, FZ_NODE(0), &cr, sizeof(cr), "new", NULL);
	MSG(FUSE_LOOKUP, 1, NULL, 0, "abs", NULL);
	MSG(FUSE_READLINK, FZ_NODE(0), NULL, 0, NULL, NULL);
	MSG(FUSE_LINK, 1, &ln, sizeof(ln), "abslink", NULL);
	fz_seed__write(&s, dir, "out");

	/* Through a symlink that points out: xattrs, attributes, links. */
	START(cfg);
	MSG(FUSE_LOOKUP, 1, NULL, 0, "up", NULL);
	{
		uint8_t x[64];
		size_t n = 8;

		sx.size = 1;
		memcpy(x, &sx, 8);
		memcpy(x + n, "trusted.x", 10);
		n += 10;
		x[n++] = '1';
		fz_seed__put(&s, FZ_SEP, sizeof(FZ_SEP));
		fz_seed__msg(&s, FUSE_SETXATTR, FZ_NODE(0), x, n, NULL, NULL);
	}
	MSG(FUSE_LISTXATTR, FZ_NODE(0), &gx, sizeof(gx), NULL, NULL);
	MSG(FUSE_REMOVEXATTR, FZ_NODE(0), NULL, 0, "user.secret", NULL);
	sa.valid =
		FATTR_SIZE | FATTR_UID | FATTR_GID | FATTR_ATIME | FATTR_MTIME;
	sa.uid = 1234;
	MSG(FUSE_SETATTR, FZ_NODE(0), &sa, sizeof(sa), NULL, NULL);
	sa.valid = FATTR_UID | FATTR_GID | FATTR_ATIME | FATTR_MTIME;
	MSG(FUSE_SETATTR, FZ_NODE(0), &sa, sizeof(sa), NULL, NULL);
	MSG(FUSE_LINK, 1, &ln, sizeof(ln), "uplink", NULL);
	MSG(FUSE_OPEN, FZ_NODE(0), &open_ro, sizeof(open_ro), NULL, NULL);
	MSG(FUSE_LOOKUP, 1, NULL, 0, "absdir", NULL);
	MSG(FUSE_LOOKUP, FZ_NODE(0), NULL, 0, "secret2", NULL);
	MSG(FUSE_OPENDIR, FZ_NODE(0), &open_ro, sizeof(open_ro), NULL, NULL);
	fz_seed__write(&s, dir, "escape");

	/* The rest of the file operations. */
	START(cfg);
	MSG(FUSE_STATFS, 1, NULL, 0, NULL, NULL);
	MSG(FUSE_ACCESS, 1, &ac, sizeof(ac), NULL, NULL);
	MSG(FUSE_LOOKUP, 1, NULL, 0, "big", NULL);
	MSG(FUSE_OPEN, FZ_NODE(0), &open_rw, sizeof(open_rw), NULL, NULL);
	MSG(FUSE_CREATE, 1, &cr, sizeof(cr), "c", NULL);
	MSG(FUSE_FSYNC, FZ_NODE(0), &fs, sizeof(fs), NULL, NULL);
	MSG(FUSE_FALLOCATE, FZ_NODE(0), &fa, sizeof(fa), NULL, NULL);
	MSG(FUSE_LSEEK, FZ_NODE(0), &ls, sizeof(ls), NULL, NULL);
	MSG(FUSE_COPY_FILE_RANGE, FZ_NODE(0), &cf, sizeof(cf), NULL, NULL);
	MSG(FUSE_FSYNCDIR, 1, &fs, sizeof(fs), NULL, NULL);
	MSG(FUSE_SYNCFS, 1, &sy, sizeof(sy), NULL, NULL);
	MSG(FUSE_INTERRUPT, 0, &it, sizeof(it), NULL, NULL);
	MSG(FUSE_DESTROY, 0, NULL, 0, NULL, NULL);
	MSG(4242, 1, NULL, 0, NULL, NULL);
	fz_seed__write(&s, dir, "misc");

	/* Short pieces, a table reset, and an INIT of the input's own. */
	START(C_NO_INIT);
	{
		struct fuse_init_in in = fz_init_in(38, FUSE_MAX_PAGES);
		uint8_t cmd = 0;

		MSG(FUSE_INIT, 0, &in, sizeof(in), NULL, NULL);
		fz_seed__put(&s, FZ_SEP, sizeof(FZ_SEP));
		fz_seed__put(&s, "0123456789", 10);
		fz_seed__put(&s, FZ_SEP, sizeof(FZ_SEP));
		fz_seed__put(&s, &cmd, 1);
		MSG(FUSE_LOOKUP, 1, NULL, 0, "d", NULL);
	}
	fz_seed__write(&s, dir, "short");
#undef START
#undef MSG
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
	trace = getenv("TURTLE_FUZZ_TRACE");
	if ((e = getenv("TURTLE_FUZZ_RESET_EVERY")) && atol(e) > 0)
		reset_every = (unsigned long)atol(e);
	ctl.waiting = on_waiting;
	ctl.priv = &ctl;
	fz_share__init();
	if (fuse_server__thread_init())
		fprintf(fz_err, "fuzz: unshare(CLONE_FS): %s\n",
			strerror(errno));
	return 0;
}
