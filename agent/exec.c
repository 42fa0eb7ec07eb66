// SPDX-License-Identifier: GPL-2.0
/*
 * The exec server: one forked handler per connection, one command per
 * handler (protocol: ../exec-proto.h).
 *
 * A handler first reads CWD/ENV frames up to ARGV, then starts the command
 * in a session of its own with three pipes, and runs one poll loop over:
 *   - the socket: frames from the host (STDIN data, STDIN_EOF, SIGNAL),
 *     left unread while a STDIN frame waits for the command to take it;
 *   - the command's stdin pipe, while a STDIN frame waits;
 *   - its stdout and stderr pipes, forwarded as frames as they come;
 *   - a pidfd (or, without pidfd_open, a 50 ms tick) for its exit.
 * After the exit it drains the pipes (to EOF, or until they stay quiet for
 * EXEC_DRAIN_MS), sends EXIT and closes. If the host goes away first, the
 * command's process group is killed.
 *
 * Whether the command could be exec'd at all comes back on a close-on-exec
 * pipe: EOF means exec succeeded, an errno means it did not.
 */
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/vm_sockets.h>

#include "../lib/log.h"
#include "exec-proto.h"
#include "../fuse-vsock/ports.h"

#define SETUP_TIMEOUT_MS 60000
#define OUT_CHUNK 65536

extern char **environ;

struct handler {
	int sock;
	struct exec_reader rd;
	/* setup */
	char *cwd;
	char **env; /* NULL-terminated, strings point into env_blocks */
	size_t nenv;
	char **env_blocks[64]; /* from exec_proto__unpack, one per ENV */
	size_t nblocks;
	char **argv;
	/* the command */
	pid_t pid;
	int pidfd;
	int in, out, err; /* our pipe ends, -1 once closed */
	bool exited;
	int status;
	/* a STDIN frame's bytes not yet written (they live in rd's buffer) */
	const uint8_t *pending;
	size_t npending;
	bool stdin_gone; /* the command closed its stdin: drop STDIN data */
};

static void agent_log(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void agent_log(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "turtle-agent: %s\n", line);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Tell the host what went wrong (best effort: it may be gone). */
static void send_error(struct handler *h, const char *msg)
{
	if (*msg)
		exec_proto__send(h->sock, EXEC_ERROR, msg, strlen(msg));
}

/* ---- setup: CWD, ENV, then ARGV ---- */

static int add_env(struct handler *h, const struct exec_frame *f, char *err)
{
	char **v, **grown;
	int n, i;

	if (h->nblocks == sizeof(h->env_blocks) / sizeof(h->env_blocks[0])) {
		errbuf_set(err, "too many ENV frames");
		return -1;
	}
	n = exec_proto__unpack(f, &v, err);
	if (n < 0)
		return -1;
	h->env_blocks[h->nblocks++] = v;
	for (i = 0; i < n; i++) {
		if (!strchr(v[i], '=') || v[i][0] == '=') {
			errbuf_set(err, "ENV: '%.64s' is not NAME=value", v[i]);
			return -1;
		}
	}
	if (h->nenv + (size_t)n > EXEC_ARGS_MAX) {
		errbuf_set(err, "ENV: more than %d variables", EXEC_ARGS_MAX);
		return -1;
	}
	grown = realloc(h->env, (h->nenv + (size_t)n + 1) * sizeof(*grown));
	if (!grown) {
		errbuf_set(err, "out of memory");
		return -1;
	}
	h->env = grown;
	memcpy(h->env + h->nenv, v, (size_t)n * sizeof(*v));
	h->nenv += (size_t)n;
	h->env[h->nenv] = NULL;
	return 0;
}

static int setup_frame(struct handler *h, const struct exec_frame *f, char *err)
{
	switch (f->type) {
	case EXEC_CWD:
		if (h->cwd || memchr(f->data, '\0', f->len)) {
			errbuf_set(err, "CWD: twice, or a NUL inside");
			return -1;
		}
		h->cwd = strndup((const char *)f->data, f->len);
		return h->cwd ? 0 : -1;
	case EXEC_ENV:
		return add_env(h, f, err);
	case EXEC_ARGV:
		if (exec_proto__unpack(f, &h->argv, err) < 0)
			return -1;
		if (!h->argv[0][0]) {
			errbuf_set(err, "ARGV: an empty command name");
			return -1;
		}
		return 0;
	default:
		errbuf_set(err, "%s before ARGV", exec_proto__name(f->type));
		return -1;
	}
}

/* Read frames until ARGV. Returns 0, or -1 (message in err if any). */
static int read_setup(struct handler *h, char *err)
{
	struct pollfd p = { .fd = h->sock, .events = POLLIN };
	struct exec_frame f;
	long left, deadline = turtle__now_ms() + SETUP_TIMEOUT_MS;
	int r;

	while (!h->argv) {
		r = exec_reader__next(&h->rd, &f, err);
		if (r < 0)
			return -1;
		if (r > 0) {
			if (setup_frame(h, &f, err))
				return -1;
			continue;
		}
		left = deadline - turtle__now_ms();
		r = left > 0 ? poll(&p, 1, (int)left) : 0;
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			errbuf_set(err, "no command within %d s",
				   SETUP_TIMEOUT_MS / 1000);
			return -1;
		}
		if (exec_reader__fill(&h->rd, h->sock) <= 0)
			return -1; /* gone: nobody to tell */
	}
	return 0;
}

/* ---- starting the command ---- */

/* The agent's environment with the host's NAME=value on top. */
static char **merged_env(struct handler *h)
{
	size_t n = 0, i, j, k = 0;
	char **e;

	while (environ && environ[n])
		n++;
	e = malloc((n + h->nenv + 1) * sizeof(*e));
	if (!e)
		return NULL;
	for (i = 0; i < n; i++) {
		size_t nl = strcspn(environ[i], "=");
		bool overridden = false;

		for (j = 0; j < h->nenv && !overridden; j++)
			overridden = !strncmp(h->env[j], environ[i], nl + 1);
		if (!overridden)
			e[k++] = environ[i];
	}
	for (j = 0; j < h->nenv; j++)
		e[k++] = h->env[j];
	e[k] = NULL;
	return e;
}

struct spawn_failure {
	int stage; /* 1: chdir, 2: exec */
	int err;
};

static void child(struct handler *h, int fds[3][2], int report, char **envp)
{
	struct spawn_failure sf;
	sigset_t none;

	setsid();
	dup2(fds[0][0], 0);
	dup2(fds[1][1], 1);
	dup2(fds[2][1], 2);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	sf.stage = 1;
	if (!h->cwd || !chdir(h->cwd)) {
		sf.stage = 2;
		execvpe(h->argv[0], h->argv, envp);
	}
	sf.err = errno;
	if (write(report, &sf, sizeof(sf)) < 0)
		_exit(127);
	_exit(127);
}

/*
 * Start the command. Returns 0, or the status to report (126, 127) with
 * a message in err if it could not be started.
 */
static int spawn(struct handler *h, char *err)
{
	int fds[3][2] = { { -1, -1 }, { -1, -1 }, { -1, -1 } };
	int report[2] = { -1, -1 }, i, ret = 126;
	struct spawn_failure sf;
	char **envp;
	ssize_t n;

	envp = merged_env(h);
	if (!envp) {
		errbuf_set(err, "out of memory");
		return 126;
	}
	for (i = 0; i < 3; i++)
		if (pipe2(fds[i], O_CLOEXEC))
			goto fail_errno;
	if (pipe2(report, O_CLOEXEC))
		goto fail_errno;
	h->pid = fork();
	if (h->pid < 0)
		goto fail_errno;
	if (h->pid == 0)
		child(h, fds, report[1], envp);
	free(envp);
	envp = NULL;
	h->in = fds[0][1];
	h->out = fds[1][0];
	h->err = fds[2][0];
	close(fds[0][0]);
	close(fds[1][1]);
	close(fds[2][1]);
	close(report[1]);
	do
		n = read(report[0], &sf, sizeof(sf));
	while (n < 0 && errno == EINTR);
	close(report[0]);
	if (n == (ssize_t)sizeof(sf)) {
		waitpid(h->pid, NULL, 0);
		h->pid = -1;
		if (sf.stage == 1) {
			errbuf_set(err,
				   "cannot change to directory '%.200s': %s",
				   h->cwd, strerror(sf.err));
			return 126;
		}
		errbuf_set(err, "cannot run '%.200s': %s", h->argv[0],
			   strerror(sf.err));
		return sf.err == ENOENT ? 127 : 126;
	}
	fcntl(h->in, F_SETFL, O_NONBLOCK);
	h->pidfd = (int)syscall(SYS_pidfd_open, h->pid, 0);
	return 0;

fail_errno:
	errbuf_set(err, "cannot start '%.200s': %s", h->argv[0],
		   strerror(errno));
	for (i = 0; i < 3; i++) {
		close_fd(&fds[i][0]);
		close_fd(&fds[i][1]);
	}
	close_fd(&report[0]);
	close_fd(&report[1]);
	free(envp);
	return ret;
}

/* ---- the running command ---- */

static void reap(struct handler *h, int flags)
{
	int st;

	if (h->exited || h->pid <= 0)
		return;
	if (waitpid(h->pid, &st, flags) != h->pid)
		return;
	h->exited = true;
	h->status = WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
	close_fd(&h->pidfd);
}

/* Kill and reap the command (the host is gone or broke the protocol). */
static void kill_command(struct handler *h)
{
	if (!h->exited && h->pid > 0) {
		kill(-h->pid, SIGKILL);
		kill(h->pid, SIGKILL);
		reap(h, 0);
	}
}

/* Write what the command's stdin takes of the pending STDIN frame. */
static void feed_stdin(struct handler *h)
{
	ssize_t n;

	while (h->npending) {
		n = write(h->in, h->pending, h->npending);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) { /* EPIPE: the command closed its stdin */
			h->stdin_gone = true;
			close_fd(&h->in);
			h->npending = 0;
			return;
		}
		h->pending += n;
		h->npending -= (size_t)n;
	}
}

/* A frame from the host while the command runs. */
static int run_frame(struct handler *h, const struct exec_frame *f, char *err)
{
	int sig;

	switch (f->type) {
	case EXEC_STDIN:
		if (h->in < 0 || h->stdin_gone)
			return 0; /* closed: the bytes go nowhere */
		h->pending = f->data;
		h->npending = f->len;
		feed_stdin(h);
		return 0;
	case EXEC_STDIN_EOF:
		close_fd(&h->in);
		return 0;
	case EXEC_SIGNAL:
		sig = (int)exec_proto__u32(f);
		if (sig < 1 || sig >= NSIG) {
			errbuf_set(err, "SIGNAL: no signal %d", sig);
			return -1;
		}
		if (!h->exited && h->pid > 0)
			kill(-h->pid, sig);
		return 0;
	default:
		errbuf_set(err, "%s after ARGV", exec_proto__name(f->type));
		return -1;
	}
}

/* Forward one read of a pipe. Returns -1 if the host is gone. */
static int forward(struct handler *h, int *fd, uint32_t type, uint8_t *buf)
{
	ssize_t n;

	do
		n = read(*fd, buf, OUT_CHUNK);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		close_fd(fd);
		return 0;
	}
	return exec_proto__send(h->sock, type, buf, (size_t)n);
}

enum { PL_SOCK, PL_IN, PL_OUT, PL_ERR, PL_PID, NPOLL };

/*
 * Run the command to its end. Returns 0 when EXIT may be sent, -1 if the
 * host went away, -2 on a protocol error (message in err).
 */
static int run(struct handler *h, char *err)
{
	uint8_t buf[OUT_CHUNK];
	struct pollfd p[NPOLL];
	struct exec_frame f;
	long quiet_since = 0;
	int r, timeout;

	for (;;) {
		/* Frames already read, unless a STDIN frame still waits. */
		while (!h->npending &&
		       (r = exec_reader__next(&h->rd, &f, err)) != 0) {
			if (r < 0 || run_frame(h, &f, err))
				return -2;
		}
		if (!h->exited && h->pidfd < 0)
			reap(h, WNOHANG);
		if (h->exited && h->out < 0 && h->err < 0)
			return 0;
		if (h->exited && !quiet_since)
			quiet_since = turtle__now_ms();

		p[PL_SOCK] = (struct pollfd){ .fd = h->sock,
					      .events = h->npending ? POLLRDHUP
								    : POLLIN };
		p[PL_IN] = (struct pollfd){ .fd = h->npending ? h->in : -1,
					    .events = POLLOUT };
		p[PL_OUT] = (struct pollfd){ .fd = h->out, .events = POLLIN };
		p[PL_ERR] = (struct pollfd){ .fd = h->err, .events = POLLIN };
		p[PL_PID] = (struct pollfd){ .fd = h->exited ? -1 : h->pidfd,
					     .events = POLLIN };
		timeout = -1;
		if (h->exited) {
			timeout = (int)(quiet_since + EXEC_DRAIN_MS -
					turtle__now_ms());
			if (timeout < 0)
				return 0; /* output quiet since the exit */
		} else if (h->pidfd < 0) {
			timeout = 50;
		}
		r = poll(p, NPOLL, timeout);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			errbuf_set(err, "poll: %s", strerror(errno));
			return -2;
		}
		if (p[PL_SOCK].revents) {
			/* While a STDIN frame waits, only hang-ups are polled
			 * for; reading would move the buffer it lives in. */
			if (h->npending ||
			    exec_reader__fill(&h->rd, h->sock) <= 0)
				return -1;
		}
		if (p[PL_IN].revents)
			feed_stdin(h);
		if (p[PL_OUT].revents || p[PL_ERR].revents)
			quiet_since = 0;
		if (p[PL_OUT].revents && forward(h, &h->out, EXEC_STDOUT, buf))
			return -1;
		if (p[PL_ERR].revents && forward(h, &h->err, EXEC_STDERR, buf))
			return -1;
		if (p[PL_PID].revents)
			reap(h, WNOHANG);
	}
}

static void handler_free(struct handler *h)
{
	size_t i;

	close_fd(&h->in);
	close_fd(&h->out);
	close_fd(&h->err);
	close_fd(&h->pidfd);
	close_fd(&h->sock);
	exec_reader__free(&h->rd);
	free(h->cwd);
	free(h->env);
	for (i = 0; i < h->nblocks; i++)
		free(h->env_blocks[i]);
	free(h->argv);
}

int agent_exec__serve(int fd)
{
	struct handler h = { .sock = fd,
			     .pid = -1,
			     .pidfd = -1,
			     .in = -1,
			     .out = -1,
			     .err = -1 };
	char err[ERRBUF_LEN] = "";
	int ret = -1, status;

	fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (exec_reader__init(&h.rd, EXEC_TO_AGENT)) {
		send_error(&h, "turtle-agent: out of memory");
		goto out;
	}
	if (read_setup(&h, err)) {
		if (err[0]) {
			agent_log("exec: %s", err);
			send_error(&h, err);
		}
		goto out;
	}
	status = spawn(&h, err);
	if (status) {
		send_error(&h, err);
		ret = exec_proto__send_u32(fd, EXEC_EXIT, (uint32_t)status);
		goto out;
	}
	switch (run(&h, err)) {
	case 0:
		reap(&h, 0);
		ret = exec_proto__send_u32(fd, EXEC_EXIT, (uint32_t)h.status);
		break;
	case -2:
		agent_log("exec: %s", err);
		send_error(&h, err);
		kill_command(&h);
		break;
	default:
		kill_command(&h);
		break;
	}
out:
	handler_free(&h);
	return ret;
}

/* ---- the listener ---- */

static const char exec_usage[] =
	"usage: turtle-agent exec [--port N]\n"
	"Run commands for `turtle exec` on the host; listens on vsock port N\n"
	"(default TURTLE_EXEC_PORT).\n";

int agent_exec__main(int argc, char **argv)
{
	struct sockaddr_vm addr = { .svm_family = AF_VSOCK,
				    .svm_cid = VMADDR_CID_ANY,
				    .svm_port = TURTLE_EXEC_PORT };
	struct sigaction sa = { .sa_handler = SIG_IGN };
	char *end;
	unsigned long port;
	int ls, fd;
	pid_t pid;

	if (argc == 3 && !strcmp(argv[1], "--port")) {
		errno = 0;
		port = strtoul(argv[2], &end, 10);
		if (errno || *end || end == argv[2] || port > 0xffffffffUL) {
			agent_log("exec: bad port '%s'", argv[2]);
			return 2;
		}
		addr.svm_port = (unsigned int)port;
	} else if (argc != 1) {
		fputs(exec_usage, stderr);
		return 2;
	}
	ls = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(ls, 64)) {
		agent_log("exec: cannot listen on vsock port %u: %s",
			  addr.svm_port, strerror(errno));
		return 1;
	}
	/* Handlers are reaped by the kernel; SIGPIPE becomes EPIPE. */
	sa.sa_flags = SA_NOCLDWAIT;
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	agent_log("exec: listening on vsock port %u", addr.svm_port);
	for (;;) {
		fd = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EINTR && errno != ECONNABORTED)
				usleep(100000); /* EMFILE and the like */
			continue;
		}
		pid = fork();
		if (pid == 0) {
			close(ls);
			signal(SIGCHLD, SIG_DFL);
			_exit(agent_exec__serve(fd) ? 1 : 0);
		}
		if (pid < 0)
			agent_log("exec: fork: %s", strerror(errno));
		close(fd);
	}
}
