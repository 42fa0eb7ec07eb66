// SPDX-License-Identifier: GPL-2.0
/* The fuse_client tests' fixture: a FUSE mount through NCONN connections. */
#include "fuse-client-fixture.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "../../agent/fuse-client.h"
#include "../../fuse-vsock/pool.h"
#include "../../fuse-vsock/proto.h"
#include "../../fuse-vsock/session.h"
#include "../../lib/log.h"
#include "../../sandbox/privs.h"
#include "fuse-msg.h"
#include "suites.h"

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

char host_dir[64], mnt[64];
int client_fds[NCONN];
dev_t mnt_dev;
atomic_int broken_calls, aborted;
enum fuse_security mnt_security;
int skip;

static struct fuse_server *srv, *srv_ro;
static struct fuse_pool *pool;
static struct link links[NCONN];
static unsigned int nlinks;
static struct fuse_client *client;

/* Root and /dev/fuse, or the test is skipped (it passes). */
static int can_fuse(void)
{
	skip = geteuid() != 0 || access("/dev/fuse", R_OK | W_OK) != 0;
	if (skip)
		fprintf(stderr,
			"fuse_client: skipped (needs root and /dev/fuse)\n");
	return !skip;
}

static struct fuse_server *pick(void *ctx, const char *tag)
{
	(void)ctx;
	return fmsg__pick(srv, srv_ro, tag);
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

void fcli__links_setup(unsigned int n)
{
	struct fuse_share_opts o = { .tag = "share", .security = mnt_security };
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

void fcli__links_teardown(void)
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

/*
 * Mount tag (its welcome says how) through NCONN connections, its server
 * made with security sec.
 */
static void mount_share(const char *tag, enum fuse_security sec)
{
	const struct fuse_client_ops ops = { .broken = broken };
	char err[ERRBUF_LEN] = "";
	int fuse_fds[NCONN];
	unsigned int i;
	uint32_t flags = 0;
	struct statfs sf;
	struct stat st;

	mnt_security = sec;
	fcli__links_setup(NCONN);
	for (i = 0; i < NCONN; i++)
		ck_assert_int_eq(fuse_client__hello(client_fds[i], tag, &flags),
				 0);
	ck_assert_msg(fuse_client__mount(mnt, "turtle:test",
					 !!(flags & FUSE_VSOCK_F_RO), 0, NCONN,
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

void fcli__setup(void)
{
	if (can_fuse())
		mount_share("share", FUSE_SECURITY_PASSTHROUGH);
}

/*
 * A passthrough share served with only the capabilities turtle keeps for
 * it (sandbox/privs.c), plus CAP_SYS_ADMIN for this process's own mount:
 * posix.sh must pass as with all of them.
 */
void fcli__setup_privs(void)
{
	const struct run_opts o = {
		.nshares = 1,
		.shares[0] = { .security = FUSE_SECURITY_PASSTHROUGH },
	};
	char err[ERRBUF_LEN] = "";

	if (!can_fuse())
		return;
	ck_assert_msg(!privs__limit(privs__needed(&o, true) |
					    PRIVS_CAP(CAP_SYS_ADMIN),
				    err),
		      "%s", err);
	mount_share("share", FUSE_SECURITY_PASSTHROUGH);
}

void fcli__setup_mapped(void)
{
	if (can_fuse())
		mount_share("share", FUSE_SECURITY_MAPPED);
}

void fcli__setup_ro(void)
{
	if (can_fuse())
		mount_share("ro", FUSE_SECURITY_PASSTHROUGH);
}

void fcli__teardown(void)
{
	char err[ERRBUF_LEN] = "";

	if (skip)
		return;
	umount2(mnt, MNT_DETACH);
	fuse_client__abort(mnt_dev); /* if something still held it */
	if (client)
		fuse_client__wait(client, err);
	client = NULL;
	fcli__links_teardown();
}

TCase *fcli__tcase(Suite *s, const char *name, void (*setup)(void))
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup, fcli__teardown);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return tc;
}

const char *m(const char *rel)
{
	static char p[4][128];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", mnt, rel);
	return p[i];
}

const char *h(const char *rel)
{
	static char p[4][128];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", host_dir, rel);
	return p[i];
}

void put(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	ck_assert_int_eq(close(fd), 0);
}

const char *get(const char *path)
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

const char *list(const char *path)
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

void fcli__host_gone(void)
{
	unsigned int i;

	for (i = 0; i < nlinks; i++)
		shutdown(links[i].fd, SHUT_RDWR);
}
