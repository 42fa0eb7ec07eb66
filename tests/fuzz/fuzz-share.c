// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzers' shared directory and its sentinels: see fuzz-share.h.
 *
 * Nothing here is instrumented for coverage (NOCOV) and nothing compares
 * with libc's memcmp or strcmp, which libFuzzer hooks: the fuzzer must not
 * learn the secret from the checks themselves.
 */
#include "fuzz-share.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#define NOCOV __attribute__((no_sanitize("coverage")))

/* Largest file the fuzzers can make (writes beyond fail with EFBIG). */
#define FZ_FSIZE (8u << 20)
/* Disk use of the share past which the caller resets it. */
#define FZ_BIG_BYTES (256ull << 20)

FILE *fz_err;

static char work[192], top[224], share[256], outside[256], outside2[256];
static char secret[17]; /* 16 random hex digits */
static pid_t owner;
static unsigned long long base_free;

struct node {
	char path[512];
	struct stat st;
	uint64_t data; /* contents, listing or link target */
	uint64_t xattrs;
};

#define MAX_NODES 16
static struct node nodes[MAX_NODES];
static int nnodes;

NOCOV static void die(const char *what, const char *path)
{
	fprintf(fz_err, "fuzz-share: %s %s: %s\n", what, path, strerror(errno));
	abort();
}

NOCOV static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

#define FNV0 0xcbf29ce484222325ULL

NOCOV static uint64_t hash_file(const char *path)
{
	char buf[4096];
	uint64_t h = FNV0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return 1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		h = fnv(h, buf, (size_t)n);
	close(fd);
	return h;
}

NOCOV static uint64_t hash_dir(const char *path)
{
	struct dirent **list;
	uint64_t h = FNV0;
	int i, n = scandir(path, &list, NULL, alphasort);

	if (n < 0)
		return 1;
	for (i = 0; i < n; i++) {
		h = fnv(h, list[i]->d_name, strlen(list[i]->d_name) + 1);
		free(list[i]);
	}
	free(list);
	return h;
}

NOCOV static uint64_t hash_xattrs(const char *path)
{
	char names[4096], val[4096];
	uint64_t h = FNV0;
	ssize_t n, v;
	char *p;

	n = llistxattr(path, names, sizeof(names));
	if (n < 0)
		return errno == ENOTSUP ? 0 : 1;
	for (p = names; p < names + n; p += strlen(p) + 1) {
		h = fnv(h, p, strlen(p) + 1);
		v = lgetxattr(path, p, val, sizeof(val));
		if (v > 0)
			h = fnv(h, val, (size_t)v);
	}
	return h;
}

NOCOV static void record(struct node *nd)
{
	char target[256];
	ssize_t n;

	memset(&nd->st, 0, sizeof(nd->st));
	nd->data = nd->xattrs = 0;
	if (lstat(nd->path, &nd->st) < 0)
		return; /* gone: all zero, which differs */
	if (S_ISREG(nd->st.st_mode)) {
		nd->data = hash_file(nd->path);
	} else if (S_ISDIR(nd->st.st_mode)) {
		nd->data = hash_dir(nd->path);
	} else if (S_ISLNK(nd->st.st_mode)) {
		n = readlink(nd->path, target, sizeof(target));
		nd->data = fnv(FNV0, target, n > 0 ? (size_t)n : 0);
	}
	nd->xattrs = hash_xattrs(nd->path);
}

NOCOV static void watch(const char *path)
{
	if (nnodes == MAX_NODES)
		abort();
	snprintf(nodes[nnodes].path, sizeof(nodes[nnodes].path), "%s", path);
	record(&nodes[nnodes++]);
}

NOCOV static bool same_ts(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

NOCOV static bool same(const struct node *a, const struct node *b)
{
	return a->st.st_dev == b->st.st_dev && a->st.st_ino == b->st.st_ino &&
	       a->st.st_mode == b->st.st_mode &&
	       a->st.st_nlink == b->st.st_nlink &&
	       a->st.st_uid == b->st.st_uid && a->st.st_gid == b->st.st_gid &&
	       a->st.st_size == b->st.st_size &&
	       same_ts(&a->st.st_mtim, &b->st.st_mtim) &&
	       same_ts(&a->st.st_ctim, &b->st.st_ctim) && a->data == b->data &&
	       a->xattrs == b->xattrs;
}

NOCOV void fz_share__check(void)
{
	struct node now;
	int i;

	for (i = 0; i < nnodes; i++) {
		now = nodes[i];
		record(&now);
		if (!same(&now, &nodes[i])) {
			fprintf(fz_err,
				"fuzz-share: CONFINEMENT ESCAPE: %s changed "
				"(mode %o -> %o, size %lld -> %lld, uid %u -> %u, "
				"data %s, xattrs %s, ctime %s)\n",
				nodes[i].path, nodes[i].st.st_mode,
				now.st.st_mode, (long long)nodes[i].st.st_size,
				(long long)now.st.st_size, nodes[i].st.st_uid,
				now.st.st_uid,
				now.data == nodes[i].data ? "same" : "CHANGED",
				now.xattrs == nodes[i].xattrs ? "same"
							      : "CHANGED",
				same_ts(&now.st.st_ctim, &nodes[i].st.st_ctim)
					? "same"
					: "CHANGED");
			abort();
		}
	}
}

NOCOV void fz_share__reply(const void *buf, size_t len)
{
	const char *p = buf;
	size_t i, j, n = sizeof(secret) - 1;

	for (i = 0; i + n <= len; i++) {
		for (j = 0; j < n && p[i + j] == secret[j]; j++)
			;
		if (j == n) {
			fprintf(fz_err,
				"fuzz-share: CONFINEMENT ESCAPE: a reply holds "
				"the secret from outside the share\n");
			abort();
		}
	}
}

NOCOV static void put_file(const char *dir, const char *name, const char *data,
			   mode_t mode)
{
	char p[512];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		die("create", p);
	if (write(fd, data, strlen(data)) != (ssize_t)strlen(data))
		die("write", p);
	if (fchmod(fd, mode) < 0)
		die("chmod", p);
	close(fd);
}

NOCOV static void put_dir(const char *dir, const char *name, mode_t mode)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if (mkdir(p, mode) < 0 || chmod(p, mode) < 0)
		die("mkdir", p);
}

NOCOV static void put_link(const char *dir, const char *name,
			   const char *target)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if (symlink(target, p) < 0)
		die("symlink", p);
}

/* The share's initial entries: a little of everything. */
NOCOV static void populate(void)
{
	char p[512], q[512];
	int fd, i;

	if (mkdir(share, 0777) < 0 || chmod(share, 0777) < 0)
		die("mkdir", share);
	put_file(share, "f", "hello, fuzzer\n", 0666);
	snprintf(p, sizeof(p), "%s/f", share);
	setxattr(p, "user.a", "1", 1, 0); /* ENOTSUP on some file systems */
	snprintf(q, sizeof(q), "%s/f2", share);
	if (link(p, q) < 0)
		die("link", q);
	put_dir(share, "d", 0777);
	snprintf(p, sizeof(p), "%s/d", share);
	put_file(p, "g", "gg\n", 0666);
	put_dir(p, "e", 0777);
	put_link(p, "up2", "../../outside/secret");
	snprintf(p, sizeof(p), "%s/big", share);
	fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
	if (fd < 0 || ftruncate(fd, 70000) < 0 || pwrite(fd, "x", 1, 65536) < 0)
		die("big", p);
	close(fd);
	snprintf(p, sizeof(p), "%s/p", share);
	if (mkfifo(p, 0666) < 0)
		die("mkfifo", p);
	/* Enough entries for READDIRPLUS to grow the inode table. */
	put_dir(share, "many", 0777);
	for (i = 0; i < 150; i++) {
		snprintf(q, sizeof(q), "m%03d", i);
		snprintf(p, sizeof(p), "%s/many", share);
		put_file(p, q, "", 0666);
	}
	put_link(share, "up", "../outside/secret");
	put_link(share, "updir", "../outside");
	put_link(share, "dotdot", "..");
	snprintf(p, sizeof(p), "%s/secret", outside);
	put_link(share, "abs", p);
	put_link(share, "absdir", outside2);
}

NOCOV static int rm_one(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* Pre-order: make every directory ours and writable, so it empties. */
NOCOV static int open_up(const char *path, const struct stat *st, int flag,
			 struct FTW *ftw)
{
	(void)ftw;
	if (flag == FTW_D || flag == FTW_DNR || S_ISDIR(st->st_mode)) {
		if (lchown(path, geteuid(), getegid()) < 0) {
			/* not root: chmod may still do */
		}
		chmod(path, 0700);
	}
	return 0;
}

NOCOV static void rm_tree(const char *path)
{
	nftw(path, open_up, 16, FTW_PHYS);
	nftw(path, open_up, 16, FTW_PHYS); /* what was unreadable before */
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

NOCOV static unsigned long long free_bytes(void)
{
	struct statfs sf;

	if (statfs(work, &sf) < 0)
		return 0;
	return (unsigned long long)sf.f_bavail * (unsigned long long)sf.f_bsize;
}

NOCOV static void snapshot(void)
{
	char p[512];

	nnodes = 0;
	watch(work);
	watch(top);
	watch(outside);
	snprintf(p, sizeof(p), "%s/secret", outside);
	watch(p);
	snprintf(p, sizeof(p), "%s/sub", outside);
	watch(p);
	snprintf(p, sizeof(p), "%s/n-%s", outside, secret);
	watch(p);
	watch(outside2);
	snprintf(p, sizeof(p), "%s/secret2", outside2);
	watch(p);
	base_free = free_bytes();
}

NOCOV void fz_share__reset(void)
{
	fz_share__check();
	rm_tree(share);
	populate();
	snapshot();
}

NOCOV bool fz_share__big(void)
{
	unsigned long long now = free_bytes();

	return now + FZ_BIG_BYTES < base_free;
}

NOCOV const char *fz_share__dir(void)
{
	return share;
}

NOCOV static void cleanup(void)
{
	if (getpid() == owner && work[0])
		rm_tree(work);
}

NOCOV void fz_share__start(void)
{
	static bool once;

	/* libFuzzer's own SIGXFSZ handler would stop the fuzzing. */
	if (!once)
		signal(SIGXFSZ, SIG_IGN);
	once = true;
}

NOCOV void fz_share__init(void)
{
	struct rlimit rl = { FZ_FSIZE, FZ_FSIZE };
	unsigned char rnd[8];
	const char *tmpdir;
	char p[512];
	int i;

	if (work[0])
		return;
	/* Still stderr when libFuzzer's -close_fd_mask=2 closes fd 2. */
	fz_err = fdopen(dup(2), "w");
	if (!fz_err)
		fz_err = stderr;
	setvbuf(fz_err, NULL, _IONBF, 0);
	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
		die("setrlimit", "RLIMIT_FSIZE");
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		die("getrandom", "");
	for (i = 0; i < 8; i++)
		snprintf(secret + 2 * i, 3, "%02x", rnd[i]);
	tmpdir = getenv("TMPDIR");
	if (!tmpdir || !*tmpdir || strlen(tmpdir) > 150)
		tmpdir = "/tmp";
	snprintf(work, sizeof(work), "%s/turtle-fuzz-XXXXXX", tmpdir);
	if (!mkdtemp(work))
		die("mkdtemp", work);
	owner = getpid();
	atexit(cleanup);
	chmod(work, 0755);
	snprintf(top, sizeof(top), "%s/top", work);
	snprintf(share, sizeof(share), "%s/share", top);
	snprintf(outside, sizeof(outside), "%s/outside", top);
	snprintf(outside2, sizeof(outside2), "%s/outside2", work);
	put_dir(work, "top", 0755);
	put_dir(top, "outside", 0755);
	snprintf(p, sizeof(p), "secret %s\n", secret);
	put_file(outside, "secret", p, 0644);
	snprintf(p, sizeof(p), "%s/secret", outside);
	setxattr(p, "user.secret", secret, sizeof(secret) - 1, 0);
	put_dir(outside, "sub", 0755);
	snprintf(p, sizeof(p), "n-%s", secret);
	put_file(outside, p, "", 0644);
	put_dir(work, "outside2", 0755);
	put_file(outside2, "secret2", secret, 0644);
	populate();
	snapshot();
}
