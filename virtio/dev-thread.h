/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A device's worker thread, created once while turtle sets up (before any
 * seccomp filter) and parked between the driver's starts and resets.
 *
 * Why not create it at DRIVER_OK: that write arrives on a vCPU thread, and
 * a thread starts with its creator's seccomp filter, stacked under its own.
 * A vCPU-made device thread could only do what the vCPU filter allows, and
 * the vCPU filter would have to allow creating threads and all that device
 * threads do. Created up front, the thread confines itself as its own kind
 * (thread__enter) before it parks, and a start or stop is only a handshake
 * under a mutex.
 *
 *   parked --dev_thread__run--> running fn(arg) --fn returns--> parked
 *   (fn returns when the device tells it to, e.g. through a stop eventfd;
 *   dev_thread__wait waits for that.)
 */
#ifndef TURTLE_VIRTIO_DEV_THREAD_H
#define TURTLE_VIRTIO_DEV_THREAD_H

#include <pthread.h>
#include <stdbool.h>

#include "../lib/thread.h"

struct dev_thread {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool run;  /* fn(arg) asked for, or running */
	bool quit; /* dev_thread__destroy */
	void (*fn)(void *arg);
	void *arg;
	enum thread_kind kind;
	char name[16];
};

/* Start the parked thread; 0, or -1 with errno. */
int dev_thread__create(struct dev_thread *t, enum thread_kind kind,
		       const char *name, void (*fn)(void *arg), void *arg);
/* Run fn(arg) once on the thread; returns at once. */
void dev_thread__run(struct dev_thread *t);
/* Wait until fn, if run, has returned. */
void dev_thread__wait(struct dev_thread *t);
/* Wait as dev_thread__wait, then end the thread. */
void dev_thread__destroy(struct dev_thread *t);

#endif
