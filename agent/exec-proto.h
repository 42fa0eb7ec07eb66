/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The exec protocol: `turtle exec` on the host runs a command in the guest
 * through turtle-agent, which listens on vsock port TURTLE_EXEC_PORT.
 *
 * One connection runs one command. Both directions carry frames:
 *
 *   struct exec_frame_hdr { le32 type; le32 len; }  then len payload bytes
 *
 * len is at most EXEC_FRAME_MAX. A receiver that meets an unknown type, a
 * type meant for the other direction, a payload too long or the wrong size
 * for its type, drops the connection (the agent first sends an ERROR).
 *
 * Host -> agent, in this order:
 *
 *   CWD        optional, once: the directory to run in (no NUL inside)
 *   ENV        optional, repeatable: "NAME=value" strings, each ending in
 *              NUL, set on top of the agent's own environment
 *   ARGV       once: the command and its arguments, each ending in NUL;
 *              the command is looked up in PATH. ARGV starts the command.
 *   STDIN      any number: bytes for the command's standard input
 *   STDIN_EOF  at most once, empty: close the command's standard input
 *   SIGNAL     any number: le32 signal number, sent to the command's
 *              process group (it runs in a session of its own)
 *
 * Agent -> host:
 *
 *   STDOUT, STDERR  the command's output, as it comes
 *   ERROR           text (no NUL needed): the command could not be run,
 *                   or the host broke the protocol
 *   EXIT            le32 status, last frame: the exit code, 128+N if a
 *                   signal N killed the command, 127 if it was not found,
 *                   126 if it could not be run for another reason
 *
 * EXIT comes once the command has exited and its output is forwarded: the
 * agent reads both output pipes to EOF, or until they stay quiet for
 * EXEC_DRAIN_MS after the exit (a background process may hold them open).
 *
 * Closing: after EXIT the agent closes. If the host closes (or the
 * connection breaks) before EXIT, the agent kills the command's process
 * group with SIGKILL. Neither side half-closes the socket: end of input is
 * STDIN_EOF, not a shutdown, since the vsock path may not carry one.
 *
 * Flow control is the stream's own: the agent stops reading the socket
 * while the command has not taken the last STDIN frame, and blocks writing
 * output while the host does not read. The host therefore never blocks on
 * a write without also reading, or the two could wait on each other.
 *
 * All integers are little-endian.
 */
#ifndef TURTLE_AGENT_EXEC_PROTO_H
#define TURTLE_AGENT_EXEC_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Types start well away from 0 so that stray bytes rarely look valid. */
enum exec_frame_type {
	/* host -> agent */
	EXEC_CWD = 0x45580001,
	EXEC_ENV,
	EXEC_ARGV,
	EXEC_STDIN,
	EXEC_STDIN_EOF,
	EXEC_SIGNAL,
	/* agent -> host */
	EXEC_STDOUT = 0x45580101,
	EXEC_STDERR,
	EXEC_ERROR,
	EXEC_EXIT,
};

struct exec_frame_hdr {
	uint32_t type;
	uint32_t len;
};

#define EXEC_FRAME_MAX (1u << 20) /* payload bytes */
#define EXEC_ARGS_MAX 4096	  /* strings in one ARGV or ENV frame */
#define EXEC_DRAIN_MS 100

/* Which way a frame may travel. */
enum exec_dir {
	EXEC_TO_AGENT,
	EXEC_TO_HOST,
};

/* A decoded frame; data points into the reader's buffer. */
struct exec_frame {
	uint32_t type;
	uint32_t len;
	const uint8_t *data;
};

/*
 * A frame reader over a stream: bytes go in with exec_reader__fill, whole
 * checked frames come out of exec_reader__next.
 */
struct exec_reader {
	enum exec_dir dir; /* the frames it accepts */
	uint8_t *buf;	   /* sizeof(hdr) + EXEC_FRAME_MAX bytes */
	size_t start;	   /* first byte not yet handed out */
	size_t end;	   /* one past the last byte read */
};

int exec_reader__init(struct exec_reader *r, enum exec_dir dir);
void exec_reader__free(struct exec_reader *r);
/*
 * One read(2) from fd into the free space. Returns the bytes read, 0 at
 * EOF, -1 on an error (errno set). Never called with no free space: the
 * buffer holds a whole frame of the largest size.
 */
ssize_t exec_reader__fill(struct exec_reader *r, int fd);
/* Bytes read but not yet handed out as frames. */
size_t exec_reader__pending(const struct exec_reader *r);
/*
 * The next whole frame: 1 and *f (valid until the next call), 0 if more
 * bytes are needed, -1 if the stream is malformed (message in err).
 */
int exec_reader__next(struct exec_reader *r, struct exec_frame *f, char *err);

/*
 * Check a header on its own: the type is known and travels in dir, the
 * length fits the type. Returns 0, or -1 with a message in err.
 */
int exec_proto__check(enum exec_dir dir, uint32_t type, uint32_t len,
		      char *err);
const char *exec_proto__name(uint32_t type);

/* Fill a header (little-endian on the wire). */
void exec_proto__hdr(struct exec_frame_hdr *h, uint32_t type, uint32_t len);
/*
 * Write one frame to a blocking fd, whole (retrying short writes and
 * EINTR; MSG_NOSIGNAL on sockets, plain write otherwise). Returns 0, or -1
 * with errno set.
 */
int exec_proto__send(int fd, uint32_t type, const void *data, size_t len);
/* A frame whose payload is one le32. */
int exec_proto__send_u32(int fd, uint32_t type, uint32_t v);
uint32_t exec_proto__u32(const struct exec_frame *f);

/*
 * Encode strings as ARGV/ENV payload: each followed by NUL. Returns the
 * payload length, or 0 if it would pass max bytes (or n is 0 or too big).
 */
size_t exec_proto__pack(char *const *strs, size_t n, char *out, size_t max);
/*
 * Decode an ARGV/ENV payload into a NULL-terminated array of pointers into
 * a copy of the payload (one allocation: free(*out) frees all). Returns the
 * number of strings, or -1 (not NUL-terminated, empty, too many strings,
 * out of memory) with a message in err.
 */
int exec_proto__unpack(const struct exec_frame *f, char ***out, char *err);

#endif
