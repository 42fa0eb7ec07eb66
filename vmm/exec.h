/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `turtle exec`: run a command in a running guest through turtle's vsock
 * Unix socket and the guest's turtle-agent (protocol:
 * agent/exec-proto.h). Plain Linux: no KVM, no seccomp.
 */
#ifndef TURTLE_EXEC_H
#define TURTLE_EXEC_H

#include <stdint.h>

#include "cli.h"

#define EXEC_MAX_ENV 64
#define EXEC_MAX_TIMEOUT 86400 /* seconds: a sanity bound only */

/* Exit statuses of turtle exec's own, besides the command's 0..255. */
#define EXEC_STATUS_USAGE 2	/* a command-line error (nothing ran) */
#define EXEC_STATUS_TIMEOUT 124 /* --timeout passed (as timeout(1)) */
#define EXEC_STATUS_FAILED 255	/* no connection, or it broke (as ssh) */

struct exec_opts {
	const char *socket;	       /* turtle's --vsock Unix socket */
	uint32_t port;		       /* the agent's vsock port */
	unsigned int timeout_s;	       /* 0: no limit */
	const char *cwd;	       /* or NULL */
	const char *env[EXEC_MAX_ENV]; /* NAME=value */
	unsigned int nenv;
	char **argv; /* the command, NULL-terminated */
	int argc;
};

/* argv[0] is "exec". */
enum cli_result exec__parse(int argc, char **argv, struct exec_opts *o,
			    char *err);
extern const char exec__usage[];

/*
 * Connect to the guest's vsock port through turtle's Unix socket (the
 * CONNECT handshake), waiting at most timeout_ms for turtle's OK. Returns
 * the connected socket, or -1 with a message in err.
 */
int exec__connect(const char *path, uint32_t port, int timeout_ms, char *err);

/*
 * Run o's command over a connected socket: stdin from in (-1: none),
 * the command's stdout to out and stderr to errfd, until EXIT or
 * deadline_ms (CLOCK_MONOTONIC milliseconds, 0: none). Returns the
 * command's status, or one of EXEC_STATUS_* with a message in err.
 * Takes ownership of sock (closed).
 */
int exec__session(int sock, const struct exec_opts *o, int in, int out,
		  int errfd, long deadline_ms, char *err);

/* `turtle exec ...`: the whole command; returns the exit status. */
int exec__main(int argc, char **argv);

#endif
