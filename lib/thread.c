// SPDX-License-Identifier: GPL-2.0
#include "thread.h"

#include <pthread.h>
#include <string.h>

int (*thread__sandbox)(enum thread_kind kind);

/* Plain thread-local data: readable from a signal handler. */
static __thread enum thread_kind self_kind;
static __thread int self_confined;
static __thread char self_name[16]; /* TASK_COMM_LEN */

const char *thread__kind_name(enum thread_kind kind)
{
	static const char *const names[THREAD_KINDS] = {
		[THREAD_NONE] = "unnamed", [THREAD_MAIN] = "main",
		[THREAD_VCPU] = "vcpu",	   [THREAD_BLK] = "blk",
		[THREAD_VSOCK] = "vsock",  [THREAD_FUSE] = "fuse-worker",
	};

	return (unsigned int)kind < THREAD_KINDS ? names[kind] : "?";
}

void thread__enter(enum thread_kind kind, const char *name)
{
	self_kind = kind;
	strncpy(self_name, name, sizeof(self_name) - 1);
	pthread_setname_np(pthread_self(), self_name);
	if (thread__sandbox && !thread__sandbox(kind))
		self_confined = 1;
}

void thread__adopt(enum thread_kind kind)
{
	self_kind = kind;
	strncpy(self_name, thread__kind_name(kind), sizeof(self_name) - 1);
	self_confined = 1;
}

enum thread_kind thread__kind(void)
{
	return self_kind;
}

int thread__confined(void)
{
	return self_confined;
}

const char *thread__name(void)
{
	return self_name;
}
