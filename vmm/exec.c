// SPDX-License-Identifier: GPL-2.0
/*
 * `turtle exec`: the host end of the exec protocol (agent/exec-proto.h).
 *
 * Reaching the guest: turtle's vsock device speaks Firecracker's Unix
 * socket protocol. We connect to its socket, write "CONNECT <port>\n", and
 * turtle answers "OK <host port>\n" once the guest accepted; from then on
 * the socket is a byte stream to the agent. If nothing listens on the port
 * in the guest, turtle closes the socket, with no answer.
 *
 * The session is one ppoll loop that never blocks on the socket: frames
 * for the agent (CWD, ENV, ARGV, STDIN, STDIN_EOF, SIGNAL) queue in an
 * output buffer written as the socket takes them, while frames from the
 * agent are read whenever they come. Blocking there could deadlock: the
 * agent blocks writing output while we would block writing input.
 * Standard input is read only while the queue is short (backpressure).
 *
 * Signals to forward are blocked outside ppoll, so one that arrives is
 * seen right away and becomes a SIGNAL frame.
 */
#include "exec.h"

#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../agent/exec-proto.h"
#include "../lib/log.h"

#define CONNECT_TIMEOUT_MS 30000
#define QUEUE_HIGH (256 * 1024) /* stop reading stdin above this */
#define IN_CHUNK 65536
#define MAX_SIGNALS 3 /* the third forwarded signal gives up waiting */

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
static volatile sig_atomic_t caught[NSIG];

/* ---- connecting ---- */

/* Read turtle's one-line answer, byte by byte: no stream byte is taken. */
static int read_answer(int fd, char *line, size_t size, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	long left, deadline = turtle__now_ms() + timeout_ms;
	size_t n = 0;
	ssize_t r;
	int pr;

	while (n + 1 < size) {
		left = deadline - turtle__now_ms();
		pr = left > 0 ? poll(&p, 1, (int)left) : 0;
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr == 0)
			return -2;
		r = read(fd, line + n, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (line[n] == '\n')
			break;
		n++;
	}
	line[n] = '\0';
	return (int)n;
}

int exec__connect(const char *path, uint32_t port, int timeout_ms, char *err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char line[64];
	int fd, n, len;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		errbuf_set(err, "socket path too long: %s", path);
		return -1;
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		errbuf_set(err, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		if (errno == ENOENT)
			errbuf_set(
				err,
				"no socket at %s (is turtle running with --vsock CID,%s?)",
				path, path);
		else if (errno == ECONNREFUSED)
			errbuf_set(
				err,
				"nothing accepts connections on %s (turtle is not running?)",
				path);
		else
			errbuf_set(err, "cannot connect to %s: %s", path,
				   strerror(errno));
		goto fail;
	}
	len = snprintf(line, sizeof(line), "CONNECT %u\n", port);
	if (send(fd, line, (size_t)len, MSG_NOSIGNAL) != len) {
		errbuf_set(err, "cannot talk to turtle on %s: %s", path,
			   strerror(errno));
		goto fail;
	}
	n = read_answer(fd, line, sizeof(line), timeout_ms);
	if (n == -2) {
		errbuf_set(
			err,
			"no answer from the guest on vsock port %u within %d s",
			port, timeout_ms / 1000);
		goto fail;
	}
	if (n <= 0) {
		errbuf_set(
			err,
			"nothing listens on vsock port %u in the guest (is turtle-agent exec running there?)",
			port);
		goto fail;
	}
	if (strncmp(line, "OK ", 3)) {
		errbuf_set(err, "unexpected answer from turtle: '%.40s'", line);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

/* ---- the session ---- */

struct session {
	int sock, in, out, errfd;
	struct exec_reader rd;
	uint8_t *q; /* frames for the agent, not yet sent */
	size_t qlen, qoff, qcap;
	int signals; /* forwarded so far */
};

/* Queue a frame for the agent. */
static int queue(struct session *s, uint32_t type, const void *data, size_t len)
{
	size_t need = s->qlen + sizeof(struct exec_frame_hdr) + len;
	struct exec_frame_hdr h;
	uint8_t *q;

	if (need > s->qcap) {
		if (s->qoff) {
			memmove(s->q, s->q + s->qoff, s->qlen - s->qoff);
			s->qlen -= s->qoff;
			s->qoff = 0;
			need = s->qlen + sizeof(h) + len;
		}
		if (need > s->qcap) {
			q = realloc(s->q, need * 2);
			if (!q)
				return -1;
			s->q = q;
			s->qcap = need * 2;
		}
	}
	exec_proto__hdr(&h, type, (uint32_t)len);
	memcpy(s->q + s->qlen, &h, sizeof(h));
	if (len)
		memcpy(s->q + s->qlen + sizeof(h), data, len);
	s->qlen += sizeof(h) + len;
	return 0;
}

static size_t queued(const struct session *s)
{
	return s->qlen - s->qoff;
}

/* CWD, ENV and ARGV: the command. */
static int queue_command(struct session *s, const struct exec_opts *o,
			 char *err)
{
	static char buf[EXEC_FRAME_MAX];
	size_t len;

	if (o->cwd && queue(s, EXEC_CWD, o->cwd, strlen(o->cwd)))
		goto nomem;
	if (o->nenv) {
		len = exec_proto__pack((char *const *)o->env, o->nenv, buf,
				       sizeof(buf));
		if (!len) {
			errbuf_set(err, "the environment is too long");
			return -1;
		}
		if (queue(s, EXEC_ENV, buf, len))
			goto nomem;
	}
	len = exec_proto__pack(o->argv, (size_t)o->argc, buf, sizeof(buf));
	if (!len) {
		errbuf_set(
			err,
			"the command line is too long (at most %u bytes, %d arguments)",
			EXEC_FRAME_MAX, EXEC_ARGS_MAX);
		return -1;
	}
	if (queue(s, EXEC_ARGV, buf, len))
		goto nomem;
	return 0;
nomem:
	errbuf_set(err, "out of memory");
	return -1;
}

static int flush(struct session *s)
{
	ssize_t n;

	while (queued(s)) {
		n = send(s->sock, s->q + s->qoff, queued(s),
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		s->qoff += (size_t)n;
	}
	s->qoff = s->qlen = 0;
	return 0;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Standard input, one read: a STDIN frame, or STDIN_EOF and no more. */
static int read_stdin(struct session *s)
{
	static uint8_t buf[IN_CHUNK];
	ssize_t n;

	do
		n = read(s->in, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n > 0)
		return queue(s, EXEC_STDIN, buf, (size_t)n);
	/* EOF, or an input that cannot be read (closed, a directory...). */
	s->in = -1;
	return queue(s, EXEC_STDIN_EOF, NULL, 0);
}

/*
 * A frame from the agent. Returns 1 and *status on EXIT, 0 to go on, or
 * -1 with *status and err set.
 */
static int agent_frame(struct session *s, const struct exec_frame *f,
		       int *status, char *err)
{
	switch (f->type) {
	case EXEC_STDOUT:
	case EXEC_STDERR:
		if (write_all(f->type == EXEC_STDOUT ? s->out : s->errfd,
			      f->data, f->len)) {
			/* A reader gone (head -1): end as a shell would. */
			*status = errno == EPIPE ? 128 + SIGPIPE
						 : EXEC_STATUS_FAILED;
			errbuf_set(err, "%s",
				   errno == EPIPE ? "" : strerror(errno));
			return -1;
		}
		return 0;
	case EXEC_ERROR:
		dprintf(s->errfd, "turtle: guest: %.*s\n", (int)f->len,
			(const char *)f->data);
		return 0;
	case EXEC_EXIT:
		*status = (int)exec_proto__u32(f);
		if (*status < 0 || *status > 255)
			*status = EXEC_STATUS_FAILED;
		return 1;
	default: /* exec_reader__next lets only agent -> host types by */
		return 0;
	}
}

/* A caught signal to pass on, or 0. */
static int take_signal(void)
{
	size_t i;

	for (i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++) {
		if (caught[forwarded[i]]) {
			caught[forwarded[i]] = 0;
			return forwarded[i];
		}
	}
	return 0;
}

static int loop(struct session *s, long deadline_ms, char *err)
{
	struct exec_frame f;
	struct pollfd p[2];
	struct timespec ts, *tsp;
	sigset_t mask;
	long left;
	int r, status, sig;
	uint32_t le;
	size_t i;

	sigprocmask(SIG_BLOCK, NULL, &mask);
	for (i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigdelset(&mask, forwarded[i]);
	for (;;) {
		while ((r = exec_reader__next(&s->rd, &f, err)) != 0) {
			if (r < 0) {
				return EXEC_STATUS_FAILED;
			}
			r = agent_frame(s, &f, &status, err);
			if (r)
				return status;
		}
		while ((sig = take_signal())) {
			if (++s->signals >= MAX_SIGNALS) {
				errbuf_set(
					err,
					"signal %d: stopped waiting for the command",
					sig);
				return 128 + sig;
			}
			le = htole32((uint32_t)sig);
			if (queue(s, EXEC_SIGNAL, &le, sizeof(le)))
				goto nomem;
		}
		if (flush(s)) {
			errbuf_set(err, "the connection to the guest broke: %s",
				   strerror(errno));
			return EXEC_STATUS_FAILED;
		}
		p[0] = (struct pollfd){ .fd = s->sock,
					.events = POLLIN |
						  (queued(s) ? POLLOUT : 0) };
		p[1] = (struct pollfd){ .fd = queued(s) < QUEUE_HIGH ? s->in
								     : -1,
					.events = POLLIN };
		tsp = NULL;
		if (deadline_ms) {
			left = deadline_ms - turtle__now_ms();
			if (left <= 0) {
				errbuf_set(
					err,
					"timed out: the command did not finish in time");
				return EXEC_STATUS_TIMEOUT;
			}
			ts.tv_sec = left / 1000;
			ts.tv_nsec = (left % 1000) * 1000000L;
			tsp = &ts;
		}
		r = ppoll(p, 2, tsp, &mask);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			errbuf_set(err, "poll: %s", strerror(errno));
			return EXEC_STATUS_FAILED;
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (exec_reader__fill(&s->rd, s->sock) <= 0) {
				errbuf_set(
					err,
					"the connection to the guest closed before the command finished (turtle-agent or the guest gone?)");
				return EXEC_STATUS_FAILED;
			}
		}
		if (p[1].revents && read_stdin(s))
			goto nomem;
	}
nomem:
	errbuf_set(err, "out of memory");
	return EXEC_STATUS_FAILED;
}

int exec__session(int sock, const struct exec_opts *o, int in, int out,
		  int errfd, long deadline_ms, char *err)
{
	struct session s = {
		.sock = sock, .in = in, .out = out, .errfd = errfd
	};
	int status = EXEC_STATUS_FAILED;

	if (exec_reader__init(&s.rd, EXEC_TO_HOST)) {
		errbuf_set(err, "out of memory");
		goto out;
	}
	if (queue_command(&s, o, err))
		goto out;
	if (in < 0 && queue(&s, EXEC_STDIN_EOF, NULL, 0)) {
		errbuf_set(err, "out of memory");
		goto out;
	}
	status = loop(&s, deadline_ms, err);
out:
	exec_reader__free(&s.rd);
	free(s.q);
	close(sock);
	return status;
}

/* ---- the command ---- */

static void on_signal(int sig)
{
	caught[sig] = 1;
}

/* Catch the forwarded signals, blocked except inside ppoll. */
static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t set;
	size_t i;

	sigemptyset(&set);
	for (i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++) {
		sigaction(forwarded[i], &sa, NULL);
		sigaddset(&set, forwarded[i]);
	}
	sigprocmask(SIG_BLOCK, &set, NULL);
}

int exec__main(int argc, char **argv)
{
	char err[ERRBUF_LEN] = "";
	struct exec_opts o;
	long deadline = 0;
	int fd, status, wait_ms = CONNECT_TIMEOUT_MS;

	switch (exec__parse(argc, argv, &o, err)) {
	case CLI_HELP:
		fputs(exec__usage, stdout);
		return 0;
	case CLI_ERROR:
		pr_err("%s", err);
		return EXEC_STATUS_USAGE;
	case CLI_OK:
		break;
	}
	if (o.timeout_s) {
		deadline = turtle__now_ms() + o.timeout_s * 1000L;
		if (wait_ms > (int)o.timeout_s * 1000)
			wait_ms = (int)o.timeout_s * 1000;
	}
	signal(SIGPIPE, SIG_IGN);
	fd = exec__connect(o.socket, o.port, wait_ms, err);
	if (fd < 0) {
		pr_err("exec: %s", err);
		return EXEC_STATUS_FAILED;
	}
	/* From now on Ctrl-C goes to the command (until connected it
	 * simply ends turtle exec). */
	catch_signals();
	status = exec__session(fd, &o, 0, 1, 2, deadline, err);
	if (err[0])
		pr_err("exec: %s", err);
	return status;
}
