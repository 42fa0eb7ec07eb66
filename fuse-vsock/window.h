/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The top turtle's side of FUSE through the direct window (window-proto.h):
 * a doorbell, called on the vCPU thread that took the guest's MMIO write,
 * feeds the message to a fuse-vsock session (session.c) on the shares'
 * worker pool and waits for its reply. The vCPU thread switches no
 * credentials and keeps its seccomp filter: the workers run the request.
 */
#ifndef TURTLE_FUSE_VSOCK_WINDOW_H
#define TURTLE_FUSE_VSOCK_WINDOW_H

#include <stddef.h>
#include <stdint.h>

#include "budget.h"
#include "pool.h"
#include "server.h"
#include "window-proto.h"

struct fuse_window;

/*
 * Serve the n shares (the caller keeps them, the pool and the budget)
 * through the window's shared memory mem (FUSE_WINDOW_MEM bytes).
 */
struct fuse_window *fuse_window__create(volatile uint8_t *mem,
					struct fuse_pool *pool,
					struct fuse_budget *budget,
					struct fuse_server **shares,
					unsigned int n);
/*
 * After the vCPUs stopped: ends the session (w itself stays: a late
 * worker may still look at it).
 */
void fuse_window__close(struct fuse_window *w);

/* Free w once the pool that served it is destroyed (no worker can use it). */
void fuse_window__destroy(struct fuse_window *w);

/*
 * The checks on a message the guest announced with length len (msg: the
 * turtle's own copy of it; FUSE_WINDOW_MSG_MAX bytes of it are readable):
 * 0 or the status (window-proto.h). hello: a struct fuse_vsock_hello.
 */
uint32_t fuse_window__check(const void *msg, uint32_t len, int hello);

/*
 * The VM is stopping: a doorbell waiting for a reply (a request that never
 * ends, a budget that is never given back) returns ESHUTDOWN now, and so
 * does every later one, so that the vCPU threads can be joined.
 */
void fuse_window__abort(struct fuse_window *w);

/* A doorbell: reg is FUSE_WINDOW_REG_CALL or _HELLO, val what was written. */
void fuse_window__ring(struct fuse_window *w, uint64_t reg, uint32_t val);

/* Trim a FUSE_INIT reply (len bytes at reply) to the window. */
void fuse_window__trim_init(void *reply, size_t len);

#endif
