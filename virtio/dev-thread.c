// SPDX-License-Identifier: GPL-2.0
#include "dev-thread.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>

#include "../lib/log.h"
#include "../sandbox/privs.h"

static void *dev_thread__main(void *arg)
{
	struct dev_thread *t = arg;
	sigset_t all;

	/* Made before privs__drop: shed what main still holds at this point. */
	if (privs__drop_thread())
		pr_err("%s: cannot drop its capabilities", t->name);
	thread__enter(t->kind, t->name);
	/* Signals are the VMM's main thread's business; but a blocked
	 * SIGSYS would make a forbidden call kill turtle silently. */
	sigfillset(&all);
	sigdelset(&all, SIGSYS);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	pthread_mutex_lock(&t->lock);
	for (;;) {
		while (!t->run && !t->quit)
			pthread_cond_wait(&t->cond, &t->lock);
		if (!t->run)
			break;
		pthread_mutex_unlock(&t->lock);
		t->fn(t->arg);
		pthread_mutex_lock(&t->lock);
		t->run = false;
		pthread_cond_broadcast(&t->cond);
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

int dev_thread__create(struct dev_thread *t, enum thread_kind kind,
		       const char *name, void (*fn)(void *arg), void *arg)
{
	int err;

	t->run = t->quit = false;
	t->fn = fn;
	t->arg = arg;
	t->kind = kind;
	snprintf(t->name, sizeof(t->name), "%s", name);
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->cond, NULL);
	err = pthread_create(&t->thread, NULL, dev_thread__main, t);
	if (err) {
		pthread_cond_destroy(&t->cond);
		pthread_mutex_destroy(&t->lock);
		errno = err;
		return -1;
	}
	return 0;
}

void dev_thread__run(struct dev_thread *t)
{
	pthread_mutex_lock(&t->lock);
	t->run = true;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

void dev_thread__wait(struct dev_thread *t)
{
	pthread_mutex_lock(&t->lock);
	while (t->run)
		pthread_cond_wait(&t->cond, &t->lock);
	pthread_mutex_unlock(&t->lock);
}

void dev_thread__destroy(struct dev_thread *t)
{
	dev_thread__wait(t);
	pthread_mutex_lock(&t->lock);
	t->quit = true;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	pthread_cond_destroy(&t->cond);
	pthread_mutex_destroy(&t->lock);
}
