// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's FUSE client end to end, natively: a real FUSE mount (this
 * kernel's /dev/fuse, fd and clones) forwarded by fuse_client over
 * socketpairs to fuse sessions and a fuse_server on a temporary
 * directory. Ordinary syscalls on the mountpoint; the host directory must
 * show exactly their result. Needs root and /dev/fuse, else skipped.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <linux/capability.h>

#include "../../agent/fuse-client.h"
#include "../../agent/mount.h"
#include "../../fuse-vsock/pool.h"
#include "../../fuse-vsock/proto.h"
#include "../../fuse-vsock/session.h"
#include "../../lib/log.h"
#include "../../sandbox/privs.h"
#include "fuse-msg.h"
#include "suites.h"

#define NCONN 4

/* The server's end of one connection, pumped into a session. */
struct link {
	int fd;
	pthread_mutex_t send_lock;
	struct fuse_session *sess;
	pthread_t pump;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int done;
};

static char host_dir[64], mnt[64];
static struct fuse_server *srv, *srv_ro;
static struct fuse_pool *pool;
static struct link links[NCONN];
static int client_fds[NCONN];
static unsigned int nlinks;
static struct fuse_client *client;
static dev_t mnt_dev;
static atomic_int broken_calls, aborted;
static enum fuse_security security; /* the next setup's share's */

static int can_fuse(void)
{
	if (geteuid() == 0 && access("/dev/fuse", R_OK | W_OK) == 0)
		return 1;
	fprintf(stderr, "fuse_client: skipped (needs root and /dev/fuse)\n");
	return 0;
}

static struct fuse_server *pick(void *ctx, const char *tag)
{
	(void)ctx;
	if (!strcmp(tag, "share"))
		return srv;
	if (!strcmp(tag, "ro"))
		return srv_ro;
	return NULL;
}

static int link_send(void *ctx, const struct iovec *iov, int iovcnt)
{
	struct link *l = ctx;
	struct iovec v[8];
	struct msghdr m = { .msg_iov = v };
	ssize_t n;
	int ret = 0;

	ck_assert_int_le(iovcnt, 8);
	memcpy(v, iov, (size_t)iovcnt * sizeof(*v));
	m.msg_iovlen = (size_t)iovcnt;
	pthread_mutex_lock(&l->send_lock);
	while (m.msg_iovlen) {
		n = sendmsg(l->fd, &m, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -1;
			break;
		}
		while (m.msg_iovlen && (size_t)n >= m.msg_iov->iov_len) {
			n -= (ssize_t)m.msg_iov->iov_len;
			m.msg_iov++;
			m.msg_iovlen--;
		}
		if (m.msg_iovlen) {
			m.msg_iov->iov_base = (char *)m.msg_iov->iov_base + n;
			m.msg_iov->iov_len -= (size_t)n;
		}
	}
	pthread_mutex_unlock(&l->send_lock);
	return ret;
}

static void link_done(void *ctx)
{
	struct link *l = ctx;

	pthread_mutex_lock(&l->lock);
	l->done = 1;
	pthread_cond_broadcast(&l->cond);
	pthread_mutex_unlock(&l->lock);
}

static const struct fuse_session_ops link_ops = {
	.pick = pick,
	.send = link_send,
	.done = link_done,
};

/* Bytes from the client into the session, until EOF; then end it. */
static void *pump(void *arg)
{
	struct link *l = arg;
	uint8_t *buf = malloc(65536);
	ssize_t n;

	while (buf) {
		n = read(l->fd, buf, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || fuse_session__recv(l->sess, buf, (size_t)n))
			break;
	}
	free(buf);
	fuse_session__close(l->sess);
	pthread_mutex_lock(&l->lock);
	while (!l->done)
		pthread_cond_wait(&l->cond, &l->lock);
	pthread_mutex_unlock(&l->lock);
	shutdown(l->fd, SHUT_RDWR); /* the client sees EOF */
	return NULL;
}

static void rm_dirs(void)
{
	if (mnt[0]) {
		umount2(mnt, MNT_DETACH);
		rmdir(mnt);
		mnt[0] = 0;
	}
	if (host_dir[0]) {
		fmsg__rm_tree(host_dir);
		host_dir[0] = 0;
	}
}

/*
 * A failed check ends the test's process at once (no teardown, no atexit):
 * a janitor process, forked while there is just one thread, cleans up
 * when the test's end of its pipe closes without the word that the test
 * cleaned up itself. It leaves the process group: Check kills that on a
 * timeout.
 */
static int janitor_fd = -1;
static pid_t janitor;

static void janitor_start(void)
{
	int p[2];
	char c;
	ssize_t n;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	janitor = fork();
	ck_assert_int_ge(janitor, 0);
	if (janitor == 0) {
		close(p[1]);
		setpgid(0, 0);
		do
			n = read(p[0], &c, 1);
		while (n < 0 && errno == EINTR);
		if (n != 1)
			rm_dirs();
		_exit(0);
	}
	close(p[0]);
	janitor_fd = p[1];
}

static void janitor_stop(void)
{
	ck_assert_int_eq(write(janitor_fd, "k", 1), 1);
	close(janitor_fd);
	waitpid(janitor, NULL, 0);
}

/* Servers, pool and n connections, hello not yet said. */
static void links_setup(unsigned int n)
{
	struct fuse_share_opts o = { .tag = "share", .security = security };
	char err[ERRBUF_LEN] = "";
	unsigned int i;
	int sv[2];

	snprintf(host_dir, sizeof(host_dir), "/tmp/turtle-fch-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(host_dir));
	snprintf(mnt, sizeof(mnt), "/tmp/turtle-fcm-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(mnt));
	janitor_start();
	o.dir = host_dir;
	srv = fuse_server__create(&o, err);
	ck_assert_msg(srv != NULL, "%s", err);
	o.tag = "ro";
	o.read_only = 1;
	srv_ro = fuse_server__create(&o, err);
	ck_assert_msg(srv_ro != NULL, "%s", err);
	pool = fuse_pool__create(FUSE_POOL_THREADS, FUSE_POOL_MAX_THREADS, err);
	ck_assert_msg(pool != NULL, "%s", err);
	for (i = 0; i < n; i++) {
		struct link *l = &links[i];

		ck_assert_int_eq(
			socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
			0);
		*l = (struct link){ .fd = sv[1] };
		pthread_mutex_init(&l->send_lock, NULL);
		pthread_mutex_init(&l->lock, NULL);
		pthread_cond_init(&l->cond, NULL);
		l->sess = fuse_session__create(pool, NULL, &link_ops, l);
		ck_assert_ptr_nonnull(l->sess);
		ck_assert_int_eq(pthread_create(&l->pump, NULL, pump, l), 0);
		client_fds[i] = sv[0];
		nlinks++;
	}
}

static void links_teardown(void)
{
	unsigned int i;

	for (i = 0; i < nlinks; i++) {
		if (client_fds[i] >= 0) /* still ours: not given to a client */
			close(client_fds[i]);
		pthread_join(links[i].pump, NULL);
		close(links[i].fd);
	}
	nlinks = 0;
	fuse_pool__destroy(pool);
	fuse_server__destroy(srv);
	fuse_server__destroy(srv_ro);
	rm_dirs();
	janitor_stop();
}

static void broken(void *ctx, const char *why)
{
	(void)ctx;
	(void)why;
	atomic_fetch_add(&broken_calls, 1);
	fuse_client__abort(mnt_dev);
	atomic_store(&aborted, 1);
}

/* Mount tag (its welcome says how) through NCONN connections. */
static void mount_share(const char *tag)
{
	const struct fuse_client_ops ops = { .broken = broken };
	char err[ERRBUF_LEN] = "";
	int fuse_fds[NCONN];
	unsigned int i;
	uint32_t flags = 0;
	struct statfs sf;
	struct stat st;

	links_setup(NCONN);
	for (i = 0; i < NCONN; i++)
		ck_assert_int_eq(fuse_client__hello(client_fds[i], tag, &flags),
				 0);
	ck_assert_msg(fuse_client__mount(mnt, "turtle:test",
					 !!(flags & FUSE_VSOCK_F_RO), NCONN,
					 fuse_fds, err) == 0,
		      "%s", err);
	client = fuse_client__start(fuse_fds, client_fds, NCONN, &ops, err);
	ck_assert_msg(client != NULL, "%s", err);
	for (i = 0; i < NCONN; i++)
		client_fds[i] = -1;
	atomic_store(&broken_calls, 0);
	atomic_store(&aborted, 0);
	/* INIT and GETATTR through the server: the mount answers. */
	ck_assert_int_eq(stat(mnt, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	mnt_dev = st.st_dev;
	ck_assert_int_eq(statfs(mnt, &sf), 0);
	ck_assert_int_eq(sf.f_type, 0x65735546); /* FUSE_SUPER_MAGIC */
}

static int skip;

static void setup(void)
{
	skip = !can_fuse();
	security = FUSE_SECURITY_PASSTHROUGH;
	if (!skip)
		mount_share("share");
}

/*
 * A passthrough share served with only the capabilities turtle keeps for
 * it (sandbox/privs.c), plus CAP_SYS_ADMIN for this process's own mount:
 * posix.sh must pass as with all of them.
 */
static void setup_privs(void)
{
	const struct run_opts o = {
		.nshares = 1,
		.shares[0] = { .security = FUSE_SECURITY_PASSTHROUGH },
	};
	char err[ERRBUF_LEN] = "";

	skip = !can_fuse();
	security = FUSE_SECURITY_PASSTHROUGH;
	if (skip)
		return;
	ck_assert_msg(!privs__limit(privs__needed(&o, true) |
					    PRIVS_CAP(CAP_SYS_ADMIN),
				    err),
		      "%s", err);
	mount_share("share");
}

static void setup_mapped(void)
{
	skip = !can_fuse();
	security = FUSE_SECURITY_MAPPED;
	if (!skip)
		mount_share("share");
}

static void setup_ro(void)
{
	skip = !can_fuse();
	security = FUSE_SECURITY_PASSTHROUGH;
	if (!skip)
		mount_share("ro");
}

static void teardown(void)
{
	char err[ERRBUF_LEN] = "";

	if (skip)
		return;
	umount2(mnt, MNT_DETACH);
	fuse_client__abort(mnt_dev); /* if something still held it */
	if (client)
		fuse_client__wait(client, err);
	client = NULL;
	links_teardown();
}

/* Paths under the mountpoint and under the host directory. */
static const char *m(const char *rel)
{
	static char p[4][128];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", mnt, rel);
	return p[i];
}

static const char *h(const char *rel)
{
	static char p[4][128];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", host_dir, rel);
	return p[i];
}

static void put(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	ck_assert_int_eq(close(fd), 0);
}

/* The whole (small) file as a string. */
static const char *get(const char *path)
{
	static char buf[4][4096];
	static int i;
	ssize_t n;
	int fd;

	i = (i + 1) % 4;
	fd = open(path, O_RDONLY);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	n = read(fd, buf[i], sizeof(buf[i]) - 1);
	ck_assert_int_ge(n, 0);
	buf[i][n] = 0;
	close(fd);
	return buf[i];
}

/* The entries of a directory, sorted, space-separated. */
static const char *list(const char *path)
{
	static char out[1024];
	struct dirent **ents;
	int n, i;

	n = scandir(path, &ents, NULL, alphasort);
	ck_assert_msg(n >= 0, "%s: %s", path, strerror(errno));
	out[0] = 0;
	for (i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") &&
		    strcmp(ents[i]->d_name, "..")) {
			if (out[0])
				strcat(out, " ");
			strcat(out, ents[i]->d_name);
		}
		free(ents[i]);
	}
	free(ents);
	return out;
}

START_TEST(test_fuse_client_files)
{
	char target[64];
	struct stat st;

	if (skip)
		return;
	put(m("a"), "hello");
	ck_assert_str_eq(get(h("a")), "hello");
	ck_assert_str_eq(get(m("a")), "hello");
	ck_assert_int_eq(rename(m("a"), m("b")), 0);
	ck_assert_int_eq(link(m("b"), m("c")), 0);
	ck_assert_int_eq(stat(m("b"), &st), 0);
	ck_assert_uint_eq(st.st_nlink, 2);
	ck_assert_int_eq(symlink("b", m("s")), 0);
	ck_assert_int_eq(readlink(m("s"), target, sizeof(target)), 1);
	ck_assert_int_eq(mkdir(m("d"), 0755), 0);
	put(m("d/x"), "in d");
	ck_assert_str_eq(list(mnt), "b c d s");
	ck_assert_str_eq(list(m("d")), "x");
	ck_assert_str_eq(get(m("s")), "hello");

	/* The host sees exactly that. */
	ck_assert_str_eq(list(host_dir), "b c d s");
	ck_assert_int_eq(stat(h("c"), &st), 0);
	ck_assert_uint_eq(st.st_nlink, 2);
	ck_assert_int_eq(readlink(h("s"), target, sizeof(target)), 1);
	ck_assert_int_eq(target[0], 'b');
	ck_assert_str_eq(get(h("d/x")), "in d");

	ck_assert_int_eq(rmdir(m("d")), -1);
	ck_assert_int_eq(errno, ENOTEMPTY);
	ck_assert_int_eq(unlink(m("d/x")), 0);
	ck_assert_int_eq(rmdir(m("d")), 0);
	ck_assert_int_eq(unlink(m("c")), 0);
	ck_assert_int_eq(unlink(m("s")), 0);
	ck_assert_str_eq(list(mnt), "b");
	ck_assert_str_eq(list(host_dir), "b");
}
END_TEST

START_TEST(test_fuse_client_renames)
{
	if (skip)
		return;
	ck_assert_int_eq(mkdir(m("a"), 0755), 0);
	put(m("a/f"), "in a");
	ck_assert_int_eq(mkdir(m("empty"), 0755), 0);
	ck_assert_int_eq(mkdir(m("full"), 0755), 0);
	put(m("full/g"), "");
	ck_assert_int_eq(rename(m("a"), m("full")), -1);
	ck_assert_int_eq(errno, ENOTEMPTY);
	ck_assert_int_eq(rename(m("a"), m("a/sub")), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(rename(m("full/g"), m("a")), -1);
	ck_assert_int_eq(errno, EISDIR);
	ck_assert_int_eq(renameat2(AT_FDCWD, m("full/g"), AT_FDCWD, m("a/f"),
				   RENAME_NOREPLACE),
			 -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_int_eq(rename(m("a"), m("empty")), 0);
	ck_assert_str_eq(list(host_dir), "empty full");
	ck_assert_str_eq(get(h("empty/f")), "in a");
}
END_TEST

START_TEST(test_fuse_client_attributes)
{
	const struct timespec t[2] = { { .tv_sec = 1000000000 },
				       { .tv_sec = 1200000000,
					 .tv_nsec = 5000 } };
	struct statfs sf;
	struct stat st;
	int fd;

	if (skip)
		return;
	put(m("f"), "0123456789");
	ck_assert_int_eq(chmod(m("f"), 0600), 0);
	ck_assert_int_eq(truncate(m("f"), 4), 0);
	ck_assert_int_eq(utimensat(AT_FDCWD, m("f"), t, 0), 0);
	ck_assert_int_eq(stat(h("f"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(st.st_size, 4);
	ck_assert_int_eq(st.st_mtim.tv_sec, 1200000000);
	ck_assert_int_eq(st.st_mtim.tv_nsec, 5000);
	ck_assert_int_eq(st.st_atim.tv_sec, 1000000000);
	ck_assert_str_eq(get(h("f")), "0123");

	fd = open(m("f"), O_WRONLY | O_APPEND);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "xy", 2), 2);
	ck_assert_int_eq(fsync(fd), 0);
	ck_assert_str_eq(get(h("f")), "0123xy"); /* before close */
	close(fd);
	ck_assert_int_eq(statfs(mnt, &sf), 0);
	ck_assert_uint_gt(sf.f_blocks, 0);
}
END_TEST

START_TEST(test_fuse_client_xattr)
{
	char v[16];

	if (skip)
		return;
	put(m("x"), "");
	if (setxattr(m("x"), "user.turtle", "shell", 5, 0) < 0 &&
	    errno == ENOTSUP) {
		fprintf(stderr, "fuse_client: no user xattrs in /tmp\n");
		return;
	}
	ck_assert_int_eq(getxattr(m("x"), "user.turtle", v, sizeof(v)), 5);
	ck_assert_int_eq(memcmp(v, "shell", 5), 0);
	ck_assert_int_eq(getxattr(h("x"), "user.turtle", v, sizeof(v)), 5);
	ck_assert_int_eq(removexattr(m("x"), "user.turtle"), 0);
	ck_assert_int_eq(getxattr(h("x"), "user.turtle", v, sizeof(v)), -1);
	ck_assert_int_eq(errno, ENODATA);
}
END_TEST

/* A child's F_SETLK, as its exit status: 0 locked, 1 conflict, 2 error. */
static int child_setlk(const char *path)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	pid_t pid = fork();
	int st, fd;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		fd = open(path, O_RDWR);
		if (fd < 0)
			_exit(2);
		if (fcntl(fd, F_SETLK, &fl) == 0)
			_exit(0);
		_exit(errno == EAGAIN || errno == EACCES ? 1 : 2);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

START_TEST(test_fuse_client_lock_conflict)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd;

	if (skip)
		return;
	put(m("lk"), "lock me");
	fd = open(m("lk"), O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fcntl(fd, F_SETLK, &fl), 0);
	ck_assert_int_eq(child_setlk(m("lk")), 1);
	fl.l_type = F_UNLCK;
	ck_assert_int_eq(fcntl(fd, F_SETLK, &fl), 0);
	ck_assert_int_eq(child_setlk(m("lk")), 0);
	close(fd);
}
END_TEST

/* 16 writers of 8 MiB at once, each file checked through the host. */
#define WRITERS 16
#define WRITE_BYTES (8u << 20)
#define CHUNK 300000u

static uint64_t fill(uint8_t *b, size_t len, uint64_t x)
{
	size_t i;

	for (i = 0; i < len; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		b[i] = (uint8_t)(x >> 56);
	}
	return x;
}

static uint64_t fnv(uint64_t hash, const uint8_t *b, size_t len)
{
	while (len--)
		hash = (hash ^ *b++) * 0x100000001b3ull;
	return hash;
}

static uint64_t sums[WRITERS];

static void *writer(void *arg)
{
	unsigned int id = (unsigned int)(uintptr_t)arg;
	uint8_t *chunk = malloc(CHUNK);
	uint64_t x = id + 1, hash = 0xcbf29ce484222325ull;
	size_t done = 0, n;
	char path[160];
	int fd;

	/* Not m(): its few static buffers are shared by all the writers. */
	snprintf(path, sizeof(path), "%s/w%u", mnt, id);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	while (fd >= 0 && chunk && done < WRITE_BYTES) {
		n = WRITE_BYTES - done;
		if (n > CHUNK - id * 1000)
			n = CHUNK - id * 1000; /* odd sizes */
		x = fill(chunk, n, x);
		hash = fnv(hash, chunk, n);
		if (write(fd, chunk, n) != (ssize_t)n)
			break;
		done += n;
	}
	free(chunk);
	sums[id] = hash;
	if (fd < 0 || close(fd) || done < WRITE_BYTES)
		return (void *)1;
	return NULL;
}

static uint64_t host_sum(const char *path, size_t *len)
{
	static uint8_t buf[1 << 16];
	uint64_t hash = 0xcbf29ce484222325ull;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	*len = 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		hash = fnv(hash, buf, (size_t)n);
		*len += (size_t)n;
	}
	close(fd);
	return hash;
}

START_TEST(test_fuse_client_tune_bdi)
{
	char path[96];

	if (skip)
		return;
	snprintf(path, sizeof(path), "/sys/class/bdi/%u:%u/strict_limit",
		 major(mnt_dev), minor(mnt_dev));
	if (access(path, F_OK)) {
		fprintf(stderr, "fuse_client: no %s, skipped\n", path);
		return;
	}
	ck_assert_str_eq(get(path), "1\n"); /* FUSE's default */
	ck_assert_int_eq(fuse_client__tune_bdi(mnt_dev), 0);
	ck_assert_str_eq(get(path), "0\n");
	path[strlen(path) - strlen("strict_limit")] = 0;
	strcat(path, "max_ratio");
	ck_assert_str_eq(get(path), "100\n");
	path[strlen(path) - strlen("max_ratio")] = 0;
	strcat(path, "read_ahead_kb");
	ck_assert_str_eq(get(path), "1024\n");
}
END_TEST

START_TEST(test_fuse_client_parallel_writers)
{
	pthread_t t[WRITERS];
	char name[16];
	unsigned int i;
	size_t len;
	void *ret;

	if (skip)
		return;
	for (i = 0; i < WRITERS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, writer,
						(void *)(uintptr_t)i),
				 0);
	for (i = 0; i < WRITERS; i++) {
		pthread_join(t[i], &ret);
		ck_assert_msg(ret == NULL, "writer %u failed", i);
	}
	for (i = 0; i < WRITERS; i++) {
		snprintf(name, sizeof(name), "w%u", i);
		ck_assert_msg(host_sum(h(name), &len) == sums[i],
			      "file %s differs on the host", name);
		ck_assert_uint_eq(len, WRITE_BYTES);
	}
}
END_TEST

/* fusectl mounted (or mountable) at /sys/fs/fuse/connections. */
static int have_fusectl(void)
{
	const char *dir = "/sys/fs/fuse/connections";
	struct statfs sf;

	if (statfs(dir, &sf) == 0 && sf.f_type == 0x65735543) /* fusectl */
		return 1;
	return mount("fusectl", dir, "fusectl", 0, NULL) == 0;
}

START_TEST(test_fuse_client_host_gone_aborts)
{
	unsigned int i;
	int waited;

	if (skip)
		return;
	if (!have_fusectl()) {
		fprintf(stderr, "fuse_client: no fusectl, host-gone skipped\n");
		return;
	}
	put(m("f"), "x");
	/* Every server end goes away at once, as when turtle exits. */
	for (i = 0; i < NCONN; i++)
		shutdown(links[i].fd, SHUT_RDWR);
	for (waited = 0;
	     !atomic_load(&aborted) && waited < unit__wait_ms(5000) / 10;
	     waited++)
		usleep(10000);
	ck_assert_int_eq(atomic_load(&broken_calls), 1);
	/* The mount is aborted: nothing waits forever. */
	ck_assert_int_eq(open(m("f"), O_RDONLY), -1);
	ck_assert_int_eq(errno, ENOTCONN);
}
END_TEST

/*
 * posix.sh on the mount, with the native turtle-agent and fsops first on
 * PATH, so its permission checks run as uid 1000 through `turtle-agent
 * run-as`, and its renames, xattrs and POSIX locks through fsops, as they
 * do in a guest; none of its checks may be skipped.
 */
START_TEST(test_fuse_client_posix_script)
{
	static const char script[] = "tests/system/guest/posix.sh";
	static const char agent_dir[] = "build/native";
	char cmd[512], out[16384], cwd[256];
	ssize_t n;
	int st, fd;

	if (skip)
		return;
	if (access(script, R_OK)) {
		fprintf(stderr, "fuse_client: no %s here, skipped\n", script);
		return;
	}
	ck_assert_msg(getcwd(cwd, sizeof(cwd)), "getcwd");
	snprintf(cmd, sizeof(cmd), "%s/turtle-agent", agent_dir);
	ck_assert_msg(!access(cmd, X_OK), "no %s (make builds it)", cmd);
	ck_assert_int_eq(chmod(host_dir, 0755), 0); /* for its uid 1000 */
	snprintf(cmd, sizeof(cmd),
		 "POSIX_DEVICES=%d PATH=%s/%s:$PATH sh %s %s >%s.out 2>&1",
		 security == FUSE_SECURITY_MAPPED, cwd, agent_dir, script, mnt,
		 host_dir);
	st = system(cmd);
	snprintf(cmd, sizeof(cmd), "%s.out", host_dir);
	fd = open(cmd, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	n = read(fd, out, sizeof(out) - 1);
	close(fd);
	unlink(cmd);
	ck_assert_int_ge(n, 0);
	out[n] = '\0';
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "posix.sh failed (status %d):\n%s", st, out);
	ck_assert_msg(strstr(out, "POSIX-AS run-as\n"),
		      "posix.sh did not use turtle-agent run-as:\n%s", out);
	ck_assert_msg(strstr(out, "POSIX-OK perm_owner\n") &&
			      strstr(out, "POSIX-OK sticky\n"),
		      "permission checks did not pass:\n%s", out);
	ck_assert_msg(security != FUSE_SECURITY_MAPPED ||
			      strstr(out, "POSIX-OK devices\n"),
		      "device nodes did not pass on the mapped share:\n%s",
		      out);
	ck_assert_msg(strstr(out, "POSIX-OK xattr\n") &&
			      strstr(out, "POSIX-OK posix_lock\n") &&
			      strstr(out, " skip=0\n"),
		      "xattr or lock checks did not run, or some skipped:\n%s",
		      out);
}
END_TEST

/*
 * Nesting: a mapped share (L1's turtle) of a directory that is itself the
 * FUSE mount of a mapped share (L0's). L1 keeps its user.turtle.stat on
 * the mount, which L0 stores escaped (user.turtle.x.stat) beside its own;
 * what L1's guest (L2) sets as user.turtle.stat is escaped twice.
 */
static struct fuse_buf l1_out;

static int l1_req(struct fuse_server *l1, uint32_t op, uint64_t nodeid,
		  const void *arg, size_t alen, const char *name)
{
	static char msg[4096];
	static uint64_t unique;
	size_t len = fmsg__build(msg, op, ++unique, nodeid, 1000, 1000, arg,
				 alen, name, NULL);

	ck_assert_uint_gt(fuse_server__handle(l1, msg, len, &l1_out, NULL), 0);
	return ((struct fuse_out_header *)l1_out.p)->error;
}

static void *l1_body(void)
{
	return (char *)l1_out.p + sizeof(struct fuse_out_header);
}

START_TEST(test_fuse_client_mapped_nests)
{
	struct fuse_share_opts o = { .dir = mnt,
				     .tag = "l1",
				     .security = FUSE_SECURITY_MAPPED };
	struct fuse_init_in init = { .major = 7, .minor = 38 };
	struct fuse_mknod_in mk = { .mode = S_IFCHR | 0640, .rdev = 0x405 };
	struct fuse_setxattr_in sxin = { .size = 2 };
	char sx[FUSE_COMPAT_SETXATTR_IN_SIZE + 19];
	struct fuse_getxattr_in gx = { .size = 64 };
	char err[ERRBUF_LEN] = "", l0v[64], l1v[64];
	struct fuse_server *l1;
	struct fuse_entry_out *e;
	struct stat st;
	uint64_t dev;

	if (skip)
		return;
	ck_assert_int_eq(fuse_server__thread_init(), 0);
	l1 = fuse_server__create(&o, err);
	ck_assert_msg(l1 != NULL, "%s", err);
	l1_out.cap = FUSE_SERVER_BUF_SIZE;
	l1_out.p = malloc(l1_out.cap);
	ck_assert_int_eq(l1_req(l1, FUSE_INIT, 0, &init, sizeof(init), NULL),
			 0);
	/* L2 makes a device node: L1's view of it, through L0 */
	ck_assert_int_eq(l1_req(l1, FUSE_MKNOD, 1, &mk, sizeof(mk), "dev"), 0);
	e = l1_body();
	dev = e->nodeid;
	ck_assert_uint_eq(e->attr.mode, S_IFCHR | 0640);
	ck_assert_uint_eq(e->attr.rdev, 0x405);
	ck_assert_uint_eq(e->attr.uid, 1000);
	/* L1's own view (the mount): a plain file of L1's turtle (root) */
	ck_assert_int_eq(lstat(m("dev"), &st), 0);
	ck_assert_uint_eq(st.st_mode, S_IFREG | 0600);
	ck_assert_uint_eq(st.st_uid, 0);
	/* the host: a plain file with L0's xattr and L1's, escaped */
	ck_assert_int_eq(lstat(h("dev"), &st), 0);
	ck_assert_uint_eq(st.st_mode, S_IFREG | 0600);
	ck_assert_int_eq(
		getxattr(h("dev"), "user.turtle.stat", l0v, sizeof(l0v)), 24);
	ck_assert_int_eq(
		getxattr(h("dev"), "user.turtle.x.stat", l1v, sizeof(l1v)), 24);
	ck_assert_int_ne(memcmp(l0v, l1v, 24), 0);
	ck_assert_int_eq(
		getxattr(m("dev"), "user.turtle.stat", l0v, sizeof(l0v)), 24);
	ck_assert_int_eq(memcmp(l0v, l1v, 24), 0);
	/* L2 sets its own user.turtle.stat: escaped at L1 and again at L0 */
	memcpy(sx, &sxin, FUSE_COMPAT_SETXATTR_IN_SIZE);
	memcpy(sx + FUSE_COMPAT_SETXATTR_IN_SIZE, "user.turtle.stat\0l2", 19);
	ck_assert_int_eq(l1_req(l1, FUSE_SETXATTR, dev, sx, sizeof(sx), NULL),
			 0);
	ck_assert_int_eq(
		getxattr(h("dev"), "user.turtle.x.x.stat", l0v, sizeof(l0v)),
		2);
	ck_assert_int_eq(l1_req(l1, FUSE_GETXATTR, dev, &gx, sizeof(gx),
				"user.turtle.stat"),
			 0);
	ck_assert_int_eq(memcmp(l1_body(), "l2", 2), 0);
	ck_assert_int_eq(l1_req(l1, FUSE_LISTXATTR, dev, &gx, sizeof(gx), NULL),
			 0);
	ck_assert_int_eq(memcmp(l1_body(), "user.turtle.stat", 17), 0);
	ck_assert_uint_eq(((struct fuse_out_header *)l1_out.p)->len,
			  sizeof(struct fuse_out_header) + 17);
	/* and L2 still sees its device */
	ck_assert_int_eq(l1_req(l1, FUSE_LOOKUP, 1, NULL, 0, "dev"), 0);
	e = l1_body();
	ck_assert_uint_eq(e->attr.mode, S_IFCHR | 0640);
	ck_assert_uint_eq(e->attr.rdev, 0x405);
	fuse_server__destroy(l1);
	free(l1_out.p);
}
END_TEST

START_TEST(test_fuse_client_read_only_share)
{
	if (skip)
		return;
	ck_assert_int_eq(open(m("new"), O_WRONLY | O_CREAT, 0644), -1);
	ck_assert_int_eq(errno, EROFS);
	ck_assert_int_eq(mkdir(m("d"), 0755), -1);
	ck_assert_int_eq(errno, EROFS);
	ck_assert_str_eq(list(host_dir), "");
}
END_TEST

/* The hello alone, over a session (no mount). */
static void hello_setup(void)
{
	links_setup(1);
}

static void hello_teardown(void)
{
	links_teardown();
}

START_TEST(test_fuse_client_hello)
{
	uint32_t flags = 7;

	ck_assert_int_eq(fuse_client__hello(client_fds[0], "ro", &flags), 0);
	ck_assert_uint_eq(flags, FUSE_VSOCK_F_RO);
}
END_TEST

START_TEST(test_fuse_client_hello_unknown_tag)
{
	uint32_t flags;

	ck_assert_int_eq(fuse_client__hello(client_fds[0], "nope", &flags),
			 -ENOENT);
}
END_TEST

START_TEST(test_fuse_client_hello_tag_too_long)
{
	char tag[FUSE_VSOCK_TAG_MAX + 1];
	uint32_t flags;

	memset(tag, 'a', sizeof(tag) - 1);
	tag[sizeof(tag) - 1] = 0;
	ck_assert_int_eq(fuse_client__hello(client_fds[0], tag, &flags),
			 -ENAMETOOLONG);
}
END_TEST

START_TEST(test_fuse_client_hello_host_closes)
{
	uint32_t flags;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	shutdown(sv[1], SHUT_WR); /* takes the hello, never answers */
	ck_assert_int_eq(fuse_client__hello(sv[0], "share", &flags),
			 -ECONNRESET);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_fuse_client_hello_not_a_welcome)
{
	struct fuse_vsock_welcome w = { .magic = FUSE_VSOCK_MAGIC + 1,
					.version = FUSE_VSOCK_VERSION };
	uint32_t flags;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(write(sv[1], &w, sizeof(w)), sizeof(w));
	ck_assert_int_eq(fuse_client__hello(sv[0], "share", &flags), -EPROTO);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* agent_mount__parse: argv as main() passes it ("mount" first). */
static int parse(struct agent_mount_opts *o, char *err, ...)
{
	char *argv[16] = { "mount" };
	int argc = 1;
	va_list ap;

	va_start(ap, err);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	return agent_mount__parse(argc, argv, o, err);
}

START_TEST(test_agent_mount_parse_defaults)
{
	struct agent_mount_opts o;
	char err[ERRBUF_LEN];

	ck_assert_int_eq(parse(&o, err, "/mnt", NULL), 0);
	ck_assert_str_eq(o.tag, "share");
	ck_assert_uint_eq(o.conns, AGENT_MOUNT_DEFAULT_CONNS);
	ck_assert_int_eq(o.read_only, 0);
	ck_assert_str_eq(o.mountpoint, "/mnt");
}
END_TEST

START_TEST(test_agent_mount_parse_options)
{
	struct agent_mount_opts o;
	char err[ERRBUF_LEN];

	ck_assert_int_eq(parse(&o, err, "--tag", "src", "--conns", "2", "--ro",
			       "/m", NULL),
			 0);
	ck_assert_str_eq(o.tag, "src");
	ck_assert_uint_eq(o.conns, 2);
	ck_assert_int_eq(o.read_only, 1);
	ck_assert_str_eq(o.mountpoint, "/m");
}
END_TEST

START_TEST(test_agent_mount_parse_errors)
{
	struct agent_mount_opts o;
	char err[ERRBUF_LEN];

	ck_assert_int_eq(parse(&o, err, NULL), -1);
	ck_assert_err_has(err, "no mountpoint");
	ck_assert_int_eq(parse(&o, err, "--conns", "0", "/m", NULL), -1);
	ck_assert_err_has(err, "--conns");
	ck_assert_int_eq(parse(&o, err, "--conns", "65", "/m", NULL), -1);
	ck_assert_int_eq(parse(&o, err, "--conns", "2x", "/m", NULL), -1);
	ck_assert_int_eq(parse(&o, err, "--tag", "", "/m", NULL), -1);
	ck_assert_err_has(err, "tag");
	ck_assert_int_eq(parse(&o, err, "/a", "/b", NULL), -1);
	ck_assert_err_has(err, "'/b'");
	ck_assert_int_eq(parse(&o, err, "--bogus", "/m", NULL), -1);
	ck_assert_err_has(err, "--bogus");
	ck_assert_int_eq(parse(&o, err, "/m", "--tag", NULL), -1);
}
END_TEST

Suite *fuse_client_suite(void)
{
	Suite *s = suite_create("fuse_client");
	TCase *tc = tcase_create("mount");
	TCase *ro = tcase_create("read-only");
	TCase *mapped = tcase_create("mapped");
	TCase *privs = tcase_create("privs");
	TCase *hello = tcase_create("hello");
	TCase *cli = tcase_create("cli");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_fuse_client_files);
	tcase_add_test(tc, test_fuse_client_renames);
	tcase_add_test(tc, test_fuse_client_attributes);
	tcase_add_test(tc, test_fuse_client_xattr);
	tcase_add_test(tc, test_fuse_client_lock_conflict);
	tcase_add_test(tc, test_fuse_client_tune_bdi);
	tcase_add_test(tc, test_fuse_client_parallel_writers);
	tcase_add_test(tc, test_fuse_client_host_gone_aborts);
	tcase_add_test(tc, test_fuse_client_posix_script);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(privs, setup_privs, teardown);
	tcase_set_timeout(privs, 60);
	tcase_add_test(privs, test_fuse_client_posix_script);
	suite_add_tcase(s, privs);

	tcase_add_checked_fixture(mapped, setup_mapped, teardown);
	tcase_set_timeout(mapped, 60);
	tcase_add_test(mapped, test_fuse_client_posix_script);
	tcase_add_test(mapped, test_fuse_client_mapped_nests);
	suite_add_tcase(s, mapped);

	tcase_add_checked_fixture(ro, setup_ro, teardown);
	tcase_add_test(ro, test_fuse_client_read_only_share);
	suite_add_tcase(s, ro);

	tcase_add_checked_fixture(hello, hello_setup, hello_teardown);
	tcase_add_test(hello, test_fuse_client_hello);
	tcase_add_test(hello, test_fuse_client_hello_unknown_tag);
	tcase_add_test(hello, test_fuse_client_hello_tag_too_long);
	tcase_add_test(hello, test_fuse_client_hello_host_closes);
	tcase_add_test(hello, test_fuse_client_hello_not_a_welcome);
	suite_add_tcase(s, hello);

	tcase_add_test(cli, test_agent_mount_parse_defaults);
	tcase_add_test(cli, test_agent_mount_parse_options);
	tcase_add_test(cli, test_agent_mount_parse_errors);
	suite_add_tcase(s, cli);
	return s;
}
