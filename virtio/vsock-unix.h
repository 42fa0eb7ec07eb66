/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-vsock's host end on Unix sockets, Firecracker's protocol:
 *  - host -> guest: a program connects to PATH and writes "CONNECT <port>\n";
 *    turtle asks the guest (REQUEST) and, once it accepts, answers
 *    "OK <host port>\n" and the socket carries the stream. If the guest
 *    refuses or does not answer in time, the socket is closed.
 *  - guest -> host: a guest connecting to CID 2, port P makes turtle
 *    connect to "PATH_P"; if nothing listens there, the guest gets RST.
 *
 * Everything here runs on the device's thread, in its epoll loop.
 */
#ifndef TURTLE_VIRTIO_VSOCK_UNIX_H
#define TURTLE_VIRTIO_VSOCK_UNIX_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/un.h>

#include "vsock-conn.h"

#define VSOCK_UNIX_LINE_MAX 32 /* "CONNECT 4294967294\n" fits easily */
/*
 * Sockets yet to send their line. When a new one comes with the table
 * full, the oldest is closed to make room: idle clients cannot lock the
 * others out.
 */
#define VSOCK_UNIX_MAX_PENDING 64
/*
 * The guest's connections to host programs (PATH_P) at once. Each may
 * hold VSOCK_BUF_ALLOC bytes the host program has not read yet, so this
 * bounds what a guest can make turtle hold (128 x 256 KiB = 32 MiB); the
 * next connect gets a reset. Connections a host program opens (CONNECT on
 * PATH) are its own to read, bounded by VSOCK_MAX_CONNS.
 */
#define VSOCK_UNIX_MAX_CONNS 128
/*
 * accept4 failing for want of fds (EMFILE, ENFILE) or memory: the
 * listener leaves epoll for this long (or until one of our sockets
 * closes), instead of being reported again at once; one message per
 * VSOCK_UNIX_ACCEPT_MSG_MS says how many failed.
 */
#define VSOCK_UNIX_ACCEPT_PAUSE_MS 100
#define VSOCK_UNIX_ACCEPT_MSG_MS 10000
/* PATH plus "_4294967295" must fit a sockaddr_un. */
#define VSOCK_UNIX_PATH_MAX (sizeof(((struct sockaddr_un *)0)->sun_path) - 12)

/* What an epoll event in the device's loop is about. */
enum vsock_watch_kind {
	VSOCK_W_STOP,
	VSOCK_W_WAKE,
	VSOCK_W_KICK,
	VSOCK_W_LISTEN,
	VSOCK_W_SOCK,
};

struct vsock_watch {
	enum vsock_watch_kind kind;
	unsigned int q; /* VSOCK_W_KICK: the queue */
};

struct vsock_sock;

struct vsock_unix {
	char path[VSOCK_UNIX_PATH_MAX + 1];
	int listen_fd; /* -1: no PATH */
	struct vsock_watch listen_w;
	int ep;
	struct vsock_conns *conns;
	struct vsock_sock *socks; /* open */
	struct vsock_sock *dead;  /* closed, freed by vsock_unix__reap */
	unsigned int pending;	  /* of socks, waiting for their line */
	unsigned int nconns;	  /* of socks, the guest's connections */
	bool listen_paused;	  /* out of epoll after an accept error */
	uint64_t listen_resume_ms;

	/* Counters, for tests and the rate-limited messages. */
	uint64_t accept_errors, accept_msg_ms, accept_errors_told;
	uint64_t evicted; /* pending sockets closed to make room */
	uint64_t full;	  /* connections refused at VSOCK_UNIX_MAX_CONNS */
};

/*
 * Listen on path: a stale socket there is removed first, anything else
 * there is refused. Returns 0 or -1 (err says why).
 */
int vsock_unix__init(struct vsock_unix *u, const char *path, char *err);
/* With no PATH: guests can reach only in-VMM services. */
void vsock_unix__init_none(struct vsock_unix *u);

/* The device started: accept connections in epoll ep. */
int vsock_unix__start(struct vsock_unix *u, int ep, struct vsock_conns *conns);
/* The device stops: close what is open (connections released first). */
void vsock_unix__stop(struct vsock_unix *u);

void vsock_unix__event(struct vsock_unix *u, struct vsock_watch *w,
		       uint32_t events);
/* A guest REQUEST to local port P: connect to PATH_P (accept hook). */
int vsock_unix__accept_guest(struct vsock_unix *u, struct vsock_conn *c);
/* Close sockets that did not send their CONNECT line in time. */
void vsock_unix__expire(struct vsock_unix *u);
bool vsock_unix__has_deadline(const struct vsock_unix *u);
/* Free the sockets closed since the last call (end of an epoll batch). */
void vsock_unix__reap(struct vsock_unix *u);

/*
 * Parse "CONNECT <port>\n" at the start of buf[0 .. len): the line's
 * length once complete (port set), 0 if it may still complete, -1 if
 * it is not such a line (garbage, overlong, port out of range).
 */
int vsock_unix__parse_connect(const char *buf, size_t len, uint32_t *port);

#endif
