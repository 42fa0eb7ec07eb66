/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TURTLE_SANDBOX_PRIVS_H
#define TURTLE_SANDBOX_PRIVS_H

/*
 * What turtle keeps of its privileges once the VM is set up (see privs.c):
 * no supplementary groups when it is root, only the capabilities its
 * options need, no_new_privs, and no core dumps unless --core-dump.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../vmm/cli.h"

/* A capability set as a bit mask: bit N is capability N (linux/capability.h).
 */
typedef uint64_t privs_caps;
#define PRIVS_CAP(c) ((privs_caps)1 << (c))

/*
 * The capabilities a run with these options needs after setup, root
 * saying whether turtle runs as root (which makes a share's default model
 * passthrough): the filesystem ones and CAP_SETUID/CAP_SETGID for a
 * passthrough share (a worker acts as each guest user), fewer for a
 * read-only one; none for a mapped share, or without shares.
 */
privs_caps privs__needed(const struct run_opts *o, bool root);

/*
 * Refuse a run that cannot work with what the process holds (permitted
 * is its permitted set): a passthrough share without what it needs to
 * act as guest users. 0, or -1 with err set.
 */
int privs__check(const struct run_opts *o, bool root, privs_caps permitted,
		 char *err);

/* "CAP_CHOWN,CAP_SETUID" or "none", into buf; returns buf. */
char *privs__names(privs_caps caps, char *buf, size_t len);

/* This thread's permitted set (0 if it cannot be read). */
privs_caps privs__permitted(void);

/*
 * The calling thread gives up every capability (effective, permitted,
 * inheritable, ambient). Capabilities are per thread: a device thread
 * made during setup, before privs__drop, calls this before its first
 * guest-driven work, since no device thread needs any. 0, or -1 (errno).
 */
int privs__drop_thread(void);

/*
 * At the very start, before any thread exists: a root turtle drops its
 * supplementary groups (a share's requests run with fsuid/fsgid set to the
 * guest user's, and turtle's own groups would still apply to them). Then
 * privs__check with the process's permitted set. 0, or -1 with err set.
 */
int privs__start(const struct run_opts *o, char *err);

/*
 * Cut every capability set of this thread (effective, permitted, bounding
 * when it may, ambient, inheritable) to keep (within what it has), and
 * check. 0, or -1 with err set.
 */
int privs__limit(privs_caps keep, char *err);

/*
 * Once every file, device and socket is open, before any thread starts:
 * no_new_privs, RLIMIT_CORE 0 (unless --core-dump), and every capability
 * but privs__needed's dropped from the effective, permitted, inheritable,
 * bounding and ambient sets. Threads created later inherit all of it.
 * 0, or -1 with err set.
 */
int privs__drop(const struct run_opts *o, char *err);

#endif
