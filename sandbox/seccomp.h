/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A seccomp filter per thread kind (thread.h). The lists are in
 * seccomp-<kind>.c, plus seccomp-common.c in every one.
 *
 * Order, and why every thread ends up filtered. A thread starts with its
 * creator's filters and can only add more (they stack: a call must pass
 * all of them). So no thread that does guest-driven work may create
 * threads of another kind, or its list would have to hold theirs too:
 *
 *   1. seccomp__prepare (main, before any other thread exists): compile
 *      every kind's filter to BPF, set no_new_privs (inherited by the
 *      threads made after it), install the SIGSYS handler, and point
 *      thread__sandbox at seccomp__confine.
 *   2. main, still unfiltered, makes every thread: the blk queue threads
 *      and the vsock thread (parked until the driver starts the device,
 *      virtio/dev-thread.h), the first FUSE workers, the vCPUs. Each one
 *      confines itself (thread__enter) as the first thing it does.
 *   3. main confines itself as main, then serves the console.
 *   4. Later threads are only the FUSE workers a waiting SETLKW adds; a
 *      worker makes them, so they start under the worker filter, their
 *      own (fuse-vsock/pool.c). No other thread can create threads: only
 *      the worker list allows clone.
 *
 * A forbidden call stops turtle: SIGSYS, whose handler restores the
 * terminal and prints the call's name and the thread's before exiting.
 */
#ifndef TURTLE_SANDBOX_SECCOMP_H
#define TURTLE_SANDBOX_SECCOMP_H

#include "../lib/thread.h"

/* Step 1 above; 0, or -1 after a message. */
int seccomp__prepare(void);

/*
 * Install kind's filter on the calling thread; returns 0, or does not
 * return (a thread that cannot be confined must not go on).
 */
int seccomp__confine(enum thread_kind kind);

/* How many system calls kind's list allows (some only with arguments). */
unsigned int seccomp__calls(enum thread_kind kind);

/* The exit status after a forbidden call. */
#define SECCOMP_EXIT_STATUS 1

#endif
