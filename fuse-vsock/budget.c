// SPDX-License-Identifier: GPL-2.0
/*
 * The shares' request memory budget (see budget.h). One mutex guards the
 * counts and the list of waiting sessions; wakes run under it, so that
 * once fuse_budget__cancel returns no wake can reach a session that goes.
 */
#include "budget.h"

void fuse_budget__init(struct fuse_budget *b, size_t max, size_t session_max)
{
	*b = (struct fuse_budget){ .max = max, .session_max = session_max };
	pthread_mutex_init(&b->lock, NULL);
}

void fuse_budget__destroy(struct fuse_budget *b)
{
	pthread_mutex_destroy(&b->lock);
}

bool fuse_budget__take(struct fuse_budget *b, struct fuse_budget_waiter *w,
		       size_t n)
{
	return fuse_budget__take_more(b, w, n, 0);
}

bool fuse_budget__take_more(struct fuse_budget *b, struct fuse_budget_waiter *w,
			    size_t n, size_t own)
{
	bool ok;

	pthread_mutex_lock(&b->lock);
	/* Nothing of its own in flight but this message: it always fits,
	 * so a session can never wait for itself. */
	ok = (b->used + n <= b->max || b->used == own) &&
	     (w->used + n <= b->session_max || w->used == own);
	if (ok) {
		b->used += n;
		w->used += n;
		if (b->used > b->peak)
			b->peak = b->used;
	} else {
		b->refusals++;
		if (!w->waiting) {
			w->waiting = true;
			w->next = b->waiters;
			b->waiters = w;
		}
	}
	pthread_mutex_unlock(&b->lock);
	return ok;
}

void fuse_budget__give(struct fuse_budget *b, struct fuse_budget_waiter *w,
		       size_t n)
{
	struct fuse_budget_waiter *list;

	pthread_mutex_lock(&b->lock);
	b->used -= n;
	w->used -= n;
	list = b->waiters;
	b->waiters = NULL;
	while (list) {
		struct fuse_budget_waiter *next = list->next;

		list->waiting = false;
		list->next = NULL;
		list->wake(list);
		list = next;
	}
	pthread_mutex_unlock(&b->lock);
}

void fuse_budget__cancel(struct fuse_budget *b, struct fuse_budget_waiter *w)
{
	struct fuse_budget_waiter **pp;

	pthread_mutex_lock(&b->lock);
	for (pp = &b->waiters; *pp; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	}
	w->waiting = false;
	w->next = NULL;
	pthread_mutex_unlock(&b->lock);
}

size_t fuse_budget__used(struct fuse_budget *b, size_t *peak)
{
	size_t used;

	pthread_mutex_lock(&b->lock);
	used = b->used;
	if (peak)
		*peak = b->peak;
	pthread_mutex_unlock(&b->lock);
	return used;
}
