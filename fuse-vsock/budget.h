/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memory a guest can make turtle hold in FUSE requests, for all its
 * shares together (issue 12, row 4). A session takes a message's bytes
 * from the budget before it gathers the message, and gives them back
 * once the request is done and its reply sent. When a message does not
 * fit (the total, or the session's own share of it), the session stops
 * taking bytes from the guest, whose vsock credit then runs out: it
 * waits, nothing is dropped. The bytes given back wake every session
 * that waits (its waiter's wake), which tries again.
 */
#ifndef TURTLE_FUSE_VSOCK_BUDGET_H
#define TURTLE_FUSE_VSOCK_BUDGET_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Requests gathered, queued or running: all sessions, and one session. */
#define FUSE_BUDGET_TOTAL (32u << 20)
#define FUSE_BUDGET_SESSION (16u << 20)

struct fuse_budget_waiter {
	/* Called with the budget's lock held: be quick, take no lock. */
	void (*wake)(struct fuse_budget_waiter *w);
	struct fuse_budget_waiter *next;
	bool waiting;
	size_t used; /* this session's bytes */
};

struct fuse_budget {
	pthread_mutex_t lock;
	size_t max, session_max;
	size_t used, peak;
	uint64_t refusals; /* takes that had to wait */
	struct fuse_budget_waiter *waiters;
};

void fuse_budget__init(struct fuse_budget *b, size_t max, size_t session_max);
void fuse_budget__destroy(struct fuse_budget *b);
/*
 * Take n bytes for w's session: true, or false and w waits for a wake
 * (it may be woken before the bytes fit: it tries again then).
 */
bool fuse_budget__take(struct fuse_budget *b, struct fuse_budget_waiter *w,
		       size_t n);
/*
 * The same for n more bytes of one message that holds own bytes already
 * (its reply's, fuse_server__reply_need): it always fits when its session,
 * and every session, holds nothing but that message.
 */
bool fuse_budget__take_more(struct fuse_budget *b, struct fuse_budget_waiter *w,
			    size_t n, size_t own);
/* Give n bytes back; wakes every waiter. */
void fuse_budget__give(struct fuse_budget *b, struct fuse_budget_waiter *w,
		       size_t n);
/* w's session is going: no wake after this returns. */
void fuse_budget__cancel(struct fuse_budget *b, struct fuse_budget_waiter *w);
/* Bytes taken now, and at most so far. */
size_t fuse_budget__used(struct fuse_budget *b, size_t *peak);

#endif
