/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The worker threads that execute FUSE requests, shared by every
 * connection and share: a FIFO of jobs, n threads taking them, each with
 * its own reply buffer. A job that must wait (a SETLKW on a held lock)
 * says so, and the pool adds a thread while fewer than n are free, up to
 * max: one slow request never stalls the others.
 */
#ifndef TURTLE_FUSE_VSOCK_POOL_H
#define TURTLE_FUSE_VSOCK_POOL_H

#include "server.h"

#define FUSE_POOL_THREADS 8
#define FUSE_POOL_MAX_THREADS 64

struct fuse_job {
	struct fuse_job *next;
	/* On a worker; buf is the worker's reply buffer. */
	void (*run)(struct fuse_job *job, struct fuse_buf *buf);
};

struct fuse_pool;

struct fuse_pool *fuse_pool__create(unsigned int n, unsigned int max,
				    char *err);
/* Runs the queued jobs, then stops the threads. */
void fuse_pool__destroy(struct fuse_pool *p);
void fuse_pool__submit(struct fuse_pool *p, struct fuse_job *job);
/* fuse_req_ctl.waiting, with priv the pool. */
void fuse_pool__waiting(void *pool, int begin);
unsigned int fuse_pool__threads(struct fuse_pool *p);

#endif
