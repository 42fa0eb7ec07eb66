// SPDX-License-Identifier: GPL-2.0
/*
 * The worker pool (see pool.h). One mutex and condition guard the queue
 * and the counts; workers never exit before fuse_pool__destroy, and the
 * threads added for waiters stay (at most max).
 *
 * Confinement (lib/thread.h): the first n workers are made at setup by an
 * unconfined thread and confine themselves (thread__enter) before taking
 * a job. The threads added later are made by a worker, in a SETLKW that
 * waits: they start under that worker's filter, which is their own, so
 * they only adopt it (their filter cannot be lifted, nor need it be
 * stacked again). Which applies is decided from the creating thread.
 *
 * Memory: a worker keeps a reply buffer of FUSE_SERVER_BUF_KEEP bytes; a
 * request that grew it (a large READ) has it shrunk back when its job
 * ends (reply-buf.c). The worker that leaves the pool idle (no job
 * queued, none running) lets the heap give back what the requests freed
 * (heap__idle, lib/heap.h).
 */
#include "pool.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/heap.h"
#include "../lib/log.h"
#include "../lib/thread.h"

struct fuse_pool {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct fuse_job *head, *tail;
	unsigned int n, max;
	unsigned int nthreads, waiting;
	unsigned int busy; /* workers running a job */
	bool stop;
	struct fuse_worker *threads;
};

struct fuse_worker {
	pthread_t thread;
	struct fuse_pool *p;
	bool adopt; /* made by a confined worker: already confined */
};

static void *worker(void *arg)
{
	struct fuse_worker *self = arg;
	struct fuse_pool *p = self->p;
	struct fuse_buf buf = { 0 };
	struct fuse_job *job;
	bool idle;
	sigset_t all;

	if (self->adopt)
		thread__adopt(THREAD_FUSE);
	else
		thread__enter(THREAD_FUSE, "fuse-worker");

	/* Signals are the VMM's main thread's business; but a blocked
	 * SIGSYS would make a forbidden call kill turtle silently. */
	sigfillset(&all);
	sigdelset(&all, SIGSYS);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	if (fuse_server__thread_init())
		pr_err("fuse: worker: unshare(CLONE_FS) failed: the umask is shared");
	fuse_server__buf_shrink(&buf); /* allocates KEEP bytes */
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->head && !p->stop)
			pthread_cond_wait(&p->cond, &p->lock);
		job = p->head;
		if (!job)
			break; /* stopping, queue empty */
		p->head = job->next;
		if (!p->head)
			p->tail = NULL;
		p->busy++;
		pthread_mutex_unlock(&p->lock);
		/* No reply buffer (out of memory): try again for this job. */
		fuse_server__buf_shrink(&buf);
		if (buf.p)
			job->run(job, &buf);
		else
			pr_err("fuse: out of memory: request dropped");
		fuse_server__buf_shrink(&buf);
		pthread_mutex_lock(&p->lock);
		idle = !--p->busy && !p->head;
		if (idle) {
			pthread_mutex_unlock(&p->lock);
			heap__idle();
			pthread_mutex_lock(&p->lock);
		}
	}
	pthread_mutex_unlock(&p->lock);
	free(buf.p);
	return NULL;
}

/* With p->lock held. */
static int add_thread(struct fuse_pool *p)
{
	struct fuse_worker *w;

	if (p->nthreads >= p->max)
		return -1;
	w = &p->threads[p->nthreads];
	w->p = p;
	w->adopt = thread__kind() == THREAD_FUSE && thread__confined();
	if (pthread_create(&w->thread, NULL, worker, w))
		return -1;
	p->nthreads++;
	return 0;
}

struct fuse_pool *fuse_pool__create(unsigned int n, unsigned int max, char *err)
{
	struct fuse_pool *p = calloc(1, sizeof(*p));
	unsigned int i;

	if (n < 1)
		n = 1;
	if (max < n)
		max = n;
	if (!p || !(p->threads = calloc(max, sizeof(*p->threads)))) {
		free(p);
		errbuf_set(err, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	p->n = n;
	p->max = max;
	pthread_mutex_lock(&p->lock);
	for (i = 0; i < n; i++) {
		if (add_thread(p)) {
			pthread_mutex_unlock(&p->lock);
			errbuf_set(err, "cannot start the FUSE worker threads");
			fuse_pool__destroy(p);
			return NULL;
		}
	}
	pthread_mutex_unlock(&p->lock);
	return p;
}

void fuse_pool__destroy(struct fuse_pool *p)
{
	unsigned int i, n;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	n = p->nthreads;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	/* No thread is added once stop is set (fuse_pool__waiting). */
	for (i = 0; i < n; i++)
		pthread_join(p->threads[i].thread, NULL);
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	free(p->threads);
	free(p);
}

void fuse_pool__submit(struct fuse_pool *p, struct fuse_job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&p->lock);
	if (p->tail)
		p->tail->next = job;
	else
		p->head = job;
	p->tail = job;
	pthread_mutex_unlock(&p->lock);
	/* After the unlock: the worker woken does not block on it at once. */
	pthread_cond_signal(&p->cond);
}

void fuse_pool__waiting(void *pool, int begin)
{
	struct fuse_pool *p = pool;

	pthread_mutex_lock(&p->lock);
	if (begin) {
		p->waiting++;
		/* Keep n workers free for everything else. */
		while (p->nthreads - p->waiting < p->n && !p->stop)
			if (add_thread(p))
				break;
	} else {
		p->waiting--;
	}
	pthread_mutex_unlock(&p->lock);
}

unsigned int fuse_pool__threads(struct fuse_pool *p)
{
	unsigned int n;

	pthread_mutex_lock(&p->lock);
	n = p->nthreads;
	pthread_mutex_unlock(&p->lock);
	return n;
}
