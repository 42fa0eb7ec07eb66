/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Surviving SIGBUS in a copy to or from a file mapping. Touching a shared
 * mapping past the end of its file (another process truncated it) raises
 * SIGBUS, as does a page the filesystem cannot supply (a full tmpfs). A
 * thread that runs its copy through fault_guard__call() gets -1 back
 * instead: the handler, installed once for the whole process, jumps back
 * (siglongjmp) only when the faulting thread is inside such a call, and
 * only for a fault (not a SIGBUS someone sent, nor the kernel's report of
 * a memory error elsewhere, BUS_MCEERR_AO). Any other SIGBUS goes to the
 * handler that was there before, then kills turtle as the default action
 * would: the handler returns from a fault with SIGBUS left blocked (in the
 * saved context's mask), the access runs again and faults, and the kernel,
 * finding SIGBUS blocked, resets it to its default and delivers it: no
 * system call that a seccomp filter would refuse. A SIGBUS that would not
 * come again that way (sent, or a memory error report) ends turtle with
 * _exit(128 + SIGBUS).
 */
#ifndef TURTLE_LIB_FAULT_GUARD_H
#define TURTLE_LIB_FAULT_GUARD_H

/*
 * Install the handler (idempotent), remembering the one it replaces. Call
 * it again after code that installs its own SIGBUS handler (term__raw):
 * it goes back on top, and chains to that one. Returns -1 with errno set.
 */
int fault_guard__install(void);

/*
 * Let SIGBUS reach this thread's handler: a thread that runs guarded
 * calls must not block it (dev-thread.c blocks every signal but SIGSYS,
 * and a fault while SIGBUS is blocked kills at once). Returns -1 on error.
 */
int fault_guard__thread(void);

/* The guard was installed at least once (something in turtle needs it). */
int fault_guard__wanted(void);

/*
 * Run fn(arg). Returns 0 when it returned, -1 when a SIGBUS fault ended it,
 * with *addr (if addr) the faulting address. fn must leave nothing
 * half-done that matters (no locks, no allocations): it is cut short.
 */
int fault_guard__call(void (*fn)(void *), void *arg, void **addr);

#endif
