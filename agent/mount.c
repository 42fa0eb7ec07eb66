// SPDX-License-Identifier: GPL-2.0
/*
 * turtle-agent mount: the guest end of a shared directory.
 *
 * In the foreground, so that every failure is reported to whoever ran
 * the command, with exit status 1:
 *   1. open --conns vsock connections to the host (CID 2) on
 *      FUSE_VSOCK_PORT, each from a guest port below 1024 (root only:
 *      turtle refuses any other), each saying hello for --tag and reading the
 *      welcome (proto.h); connecting and the welcome both time out;
 *   2. mount FUSE at the mountpoint, one /dev/fuse fd per connection.
 * With --direct, when this machine has a direct window (vmm/direct.h) whose
 * top turtle serves the tag, the share comes through it instead
 * (fuse-window.c: straight from the top of the chain, not from the level
 * above); otherwise over vsock as above. Either way it says which, and why.
 * Then a child forwards between them (fuse-client.c) and first makes
 * sure the mount answers: it stats the mountpoint, which takes the
 * kernel's INIT and a GETATTR through the server, and lifts FUSE's strict
 * dirty page limit (fuse_client__tune_bdi). Only then does the parent exit 0,
 * so `turtle-agent mount /mnt && ls /mnt` works. The child stays, in a session
 * of its own, its messages going to /dev/kmsg. If the host goes away it exits,
 * which aborts the mount: processes using it get ENOTCONN rather than waiting
 * forever.
 */
#include "mount.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/vm_sockets.h>

#include "../lib/log.h"
#include "../fuse-vsock/ports.h"
#include "../fuse-vsock/proto.h"
#include "fuse-client.h"
#include "fuse-window.h"
#include "../vmm/direct.h"

#define CONNECT_TIMEOUT_SEC 10
#define WELCOME_TIMEOUT_SEC 30

static const char usage[] =
	"usage: turtle-agent mount [--tag NAME] [--conns N] [--ro] [--direct]\n"
	"                          MOUNTPOINT\n"
	"  Mount the directory the host shares as NAME (turtle run --share\n"
	"  DIR,tag=NAME; default \"" AGENT_MOUNT_DEFAULT_TAG "\") over vsock,\n"
	"  with N connections (default 4). Returns once the mount works.\n"
	"  --direct: the share NAME of the turtle at the top of the chain,\n"
	"  through the direct window (turtle run --direct-window at every\n"
	"  level), one request at a time; over vsock from the level above\n"
	"  when this machine has no window or the top serves no NAME.\n";

static const char no_share[] =
	"the host offers no shared directory (is turtle running with --share and --vsock?)";

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Once in the background, stderr is /dev/kmsg: "<3>" makes it an error. */
static const char *level = "";

static void say(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%sturtle-agent: %s\n", level, line);
}

int agent_mount__parse(int argc, char **argv, struct agent_mount_opts *o,
		       char *err)
{
	unsigned long n;
	char *end;
	int i;

	*o = (struct agent_mount_opts){ .tag = AGENT_MOUNT_DEFAULT_TAG,
					.conns = AGENT_MOUNT_DEFAULT_CONNS };
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--ro")) {
			o->read_only = 1;
		} else if (!strcmp(argv[i], "--direct")) {
			o->direct = 1;
		} else if (!strcmp(argv[i], "--tag") && i + 1 < argc) {
			o->tag = argv[++i];
			if (!*o->tag || strlen(o->tag) >= FUSE_VSOCK_TAG_MAX) {
				errbuf_set(err, "a tag has 1 to %d characters",
					   FUSE_VSOCK_TAG_MAX - 1);
				return -1;
			}
		} else if (!strcmp(argv[i], "--conns") && i + 1 < argc) {
			errno = 0;
			n = strtoul(argv[++i], &end, 10);
			if (errno || *end || end == argv[i] || n < 1 ||
			    n > FUSE_CLIENT_MAX_CONNS) {
				errbuf_set(err, "--conns: 1 to %d, not '%s'",
					   FUSE_CLIENT_MAX_CONNS, argv[i]);
				return -1;
			}
			o->conns = (unsigned int)n;
		} else if (argv[i][0] == '-' || o->mountpoint) {
			errbuf_set(err, "unexpected '%s'", argv[i]);
			return -1;
		} else {
			o->mountpoint = argv[i];
		}
	}
	if (!o->mountpoint) {
		errbuf_set(err, "no mountpoint");
		return -1;
	}
	return 0;
}

/*
 * Bind fd to a free guest port up to FUSE_VSOCK_CLIENT_PORT_MAX: turtle
 * serves the share only to those, which only root can bind, so that no
 * other guest process can speak FUSE (with any uid it likes) to it. The
 * search goes down from the top, past ports in use (by our other
 * connections, other mounts, or sockets still closing).
 */
static int bind_privileged(int fd, char *err)
{
	struct sockaddr_vm addr = { .svm_family = AF_VSOCK,
				    .svm_cid = VMADDR_CID_ANY };
	unsigned int port;

	for (port = FUSE_VSOCK_CLIENT_PORT_MAX; port > 0; port--) {
		addr.svm_port = port;
		if (!bind(fd, (struct sockaddr *)&addr, sizeof(addr)))
			return 0;
		if (errno == EACCES || errno == EPERM) {
			errbuf_set(
				err,
				"binding a vsock port below 1024 needs root (CAP_NET_BIND_SERVICE): %s",
				strerror(errno));
			return -1;
		}
		if (errno != EADDRINUSE) {
			errbuf_set(err, "binding vsock port %u: %s", port,
				   strerror(errno));
			return -1;
		}
	}
	errbuf_set(err, "every vsock port below 1024 is in use");
	return -1;
}

/* A connection to the share, welcomed; -1 with err set. */
static int connect_share(const char *tag, uint32_t *flags, char *err)
{
	struct sockaddr_vm addr = { .svm_family = AF_VSOCK,
				    .svm_cid = VMADDR_CID_HOST,
				    .svm_port = FUSE_VSOCK_PORT };
	struct timeval tv = { .tv_sec = CONNECT_TIMEOUT_SEC };
	int fd, ret;

	fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		errbuf_set(
			err,
			"no vsock in this guest (%s): is turtle running with --vsock?",
			strerror(errno));
		return -1;
	}
	if (bind_privileged(fd, err)) {
		close(fd);
		return -1;
	}
	setsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT, &tv,
		   sizeof(tv));
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		switch (errno) {
		case ECONNREFUSED:
		case ECONNRESET:
		case ETIMEDOUT:
			errbuf_set(err, "%s", no_share);
			break;
		case ENODEV:
		case ENETUNREACH:
		case EHOSTUNREACH:
		case EADDRNOTAVAIL:
			errbuf_set(
				err,
				"no vsock device in this guest (%s): is turtle running with --vsock?",
				strerror(errno));
			break;
		default:
			errbuf_set(err, "connecting to the host: %s",
				   strerror(errno));
		}
		close(fd);
		return -1;
	}
	tv.tv_sec = WELCOME_TIMEOUT_SEC;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	ret = fuse_client__hello(fd, tag, flags);
	tv.tv_sec = 0;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (!ret)
		return fd;
	if (ret == -ENOENT)
		errbuf_set(err, "no share '%s' on the host", tag);
	else if (ret == -EPROTO)
		errbuf_set(err, "the host speaks another fuse-vsock protocol");
	else if (ret == -EAGAIN || ret == -EWOULDBLOCK)
		errbuf_set(err, "the host did not answer in %d s",
			   WELCOME_TIMEOUT_SEC);
	else if (ret == -ECONNRESET || ret == -EPIPE)
		errbuf_set(err, "%s", no_share);
	else
		errbuf_set(err, "greeting the host: %s", strerror(-ret));
	close(fd);
	return -1;
}

static const char *mnt_path;

static void host_gone(void *ctx, const char *why)
{
	(void)ctx;
	/* Exiting closes every /dev/fuse fd: the kernel aborts the mount. */
	say("mount %s: %s; aborting the mount", mnt_path, why);
	_exit(1);
}

/* Stdio away from whoever ran us (a `turtle exec` waits for EOF). */
static void detach_stdio(void)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	int log = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

	if (log < 0)
		log = null;
	else
		level = "<3>";
	if (null >= 0)
		dup2(null, 0);
	if (log >= 0) {
		dup2(log, 1);
		dup2(log, 2);
	}
	if (null > 2)
		close(null);
	if (log > 2 && log != null)
		close(log);
}

static struct fuse_window_client window;

static ssize_t window_call(void *ctx, const void *req, size_t len, void *reply,
			   size_t cap)
{
	return fuse_window_client__call(ctx, req, len, reply, cap);
}

/*
 * --direct: the window, welcomed for tag, into window. 0, or -1 and why
 * not in err (the caller falls back to vsock).
 */
static int window_connect(const char *tag, uint32_t *flags, char *err)
{
	int ret;

	if (fuse_window_client__open(&window, DIRECT_DT_ROOT, err))
		return -1;
	if (sysconf(_SC_PAGESIZE) != 4096) {
		errbuf_set(
			err,
			"the window carries 4 KiB pages, this kernel's are %ld bytes",
			sysconf(_SC_PAGESIZE));
		fuse_window_client__close(&window);
		return -1;
	}
	ret = fuse_window_client__hello(&window, tag, flags);
	if (!ret)
		return 0;
	if (ret == -ENOSYS)
		errbuf_set(
			err,
			"the top turtle answers no FUSE through its window (it has no --share)");
	else if (ret == -ENOENT)
		errbuf_set(err, "the top turtle has no share '%s'", tag);
	else
		errbuf_set(err,
			   "greeting the top turtle through the window: %s",
			   strerror(-ret));
	fuse_window_client__close(&window);
	return -1;
}

/* The child: forward, check the mount answers, tell the parent. */
static int serve(const struct agent_mount_opts *o, const int *fuse_fds,
		 const int *conns, int report)
{
	const struct fuse_client_ops ops = { .broken = host_gone };
	const struct fuse_client_call call = { .call = window_call,
					       .ctx = &window };
	char err[ERRBUF_LEN];
	struct fuse_client *c;
	struct stat st;
	int e = 0;

	setsid();
	if (o->direct)
		c = fuse_client__start_calls(fuse_fds[0], &call, &ops, err);
	else
		c = fuse_client__start(fuse_fds, conns, o->conns, &ops, err);
	if (!c) {
		say("%s", err);
		e = ENOMEM;
	} else if (stat(o->mountpoint, &st) < 0 || chdir("/") < 0) {
		e = errno;
	} else {
		fuse_client__tune_bdi(st.st_dev); /* best effort */
	}
	if (e)
		umount2(o->mountpoint, MNT_DETACH);
	else
		detach_stdio();
	if (write(report, &e, sizeof(e)) != sizeof(e) && !e)
		say("mount %s: the parent is gone", o->mountpoint);
	close(report);
	if (!c)
		return 1;
	if (fuse_client__wait(c, err) < 0) {
		say("mount %s: %s", o->mountpoint, err);
		return 1;
	}
	return e ? 1 : 0;
}

int agent_mount__main(int argc, char **argv)
{
	struct agent_mount_opts o;
	char err[ERRBUF_LEN], source[16 + FUSE_VSOCK_TAG_MAX];
	char mnt[PATH_MAX];
	int conns[FUSE_CLIENT_MAX_CONNS], fuse_fds[FUSE_CLIENT_MAX_CONNS];
	int report[2], e;
	uint32_t flags = 0, f;
	unsigned int i;
	ssize_t n;
	pid_t pid;

	if (agent_mount__parse(argc, argv, &o, err)) {
		say("mount: %s", err);
		fputs(usage, stderr);
		return 2;
	}
	if (!realpath(o.mountpoint, mnt)) {
		say("mount: %s: %s", o.mountpoint, strerror(errno));
		return 1;
	}
	o.mountpoint = mnt_path = mnt;
	if (o.direct) {
		if (window_connect(o.tag, &flags, err)) {
			say("mount %s: share '%s' over vsock from the level above, not the direct window: %s",
			    mnt, o.tag, err);
			o.direct = 0;
		} else {
			say("mount %s: share '%s' over the direct window, from the turtle at the top of the chain",
			    mnt, o.tag);
			o.conns = 1;
		}
	}
	for (i = 0; !o.direct && i < o.conns; i++) {
		conns[i] = connect_share(o.tag, &f, err);
		if (conns[i] < 0) {
			say("%s", err);
			while (i--)
				close(conns[i]);
			return 1;
		}
		flags |= f;
	}
	snprintf(source, sizeof(source), "turtle:%s", o.tag);
	if (fuse_client__mount(mnt, source,
			       o.read_only || (flags & FUSE_VSOCK_F_RO),
			       o.direct ? FUSE_WINDOW_MAX_WRITE : 0, o.conns,
			       fuse_fds, err)) {
		say("%s", err);
		for (i = 0; !o.direct && i < o.conns; i++)
			close(conns[i]);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	if (pipe2(report, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		say("mount: %s", strerror(errno));
		umount2(mnt, MNT_DETACH);
		return 1;
	}
	if (pid == 0) {
		close(report[0]);
		_exit(serve(&o, fuse_fds, conns, report[1]));
	}
	close(report[1]);
	for (i = 0; i < o.conns; i++) {
		if (!o.direct)
			close(conns[i]);
		close(fuse_fds[i]);
	}
	do
		n = read(report[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	if (n != sizeof(e)) {
		say("mount %s: the FUSE server process died", mnt);
		return 1;
	}
	if (e) {
		say("mount %s: %s", mnt, strerror(e));
		return 1;
	}
	return 0;
}
