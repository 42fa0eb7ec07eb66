/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kinds of thread turtle runs, and what each does first.
 *
 * Every thread turtle creates calls thread__enter() before anything else:
 * it takes its name (what /proc/PID/task/TID/comm and ps show: "vcpu0",
 * "blk0-q1", "vsock", "fuse-worker") and then runs thread__sandbox, which
 * `turtle run` points at the seccomp filter of the thread's kind
 * (sandbox/seccomp.h; NULL with --no-seccomp and in the unit tests). The
 * sandbox hook does not return if it cannot confine the thread: no thread
 * does guest-driven work unconfined.
 */
#ifndef TURTLE_LIB_THREAD_H
#define TURTLE_LIB_THREAD_H

enum thread_kind {
	THREAD_NONE, /* not entered (yet) */
	THREAD_MAIN,
	THREAD_VCPU,
	THREAD_BLK,
	THREAD_VSOCK,
	THREAD_FUSE,
	THREAD_KINDS
};

/* "main", "vcpu", "blk", "vsock", "fuse-worker". */
const char *thread__kind_name(enum thread_kind kind);

/* Name the calling thread, then confine it (see above). */
void thread__enter(enum thread_kind kind, const char *name);

/*
 * Instead of thread__enter, for a thread created by a thread confined as
 * kind: it inherited its creator's filter and name (both pass to a new
 * thread), so it only records them.
 */
void thread__adopt(enum thread_kind kind);

/* The calling thread's kind, and whether its kind's filter is on. */
enum thread_kind thread__kind(void);
int thread__confined(void);
/* Its name as given to thread__enter ("" before). Async-signal-safe. */
const char *thread__name(void);

/* Confines the calling thread as kind, or stops turtle; 0 when done. */
extern int (*thread__sandbox)(enum thread_kind kind);

#endif
