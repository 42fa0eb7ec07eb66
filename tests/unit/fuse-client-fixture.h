/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuse_client tests' fixture: a real FUSE mount (this kernel's
 * /dev/fuse, fd and clones) forwarded by fuse_client over NCONN socketpairs
 * to fuse sessions, each pumped by a thread of its own, and to a
 * fuse_server on a temporary directory (tag "share"; "ro" is the same
 * directory read-only). Ordinary syscalls on the mountpoint; the host
 * directory shows their result. Needs root and /dev/fuse, else every test
 * is skipped. The helpers keep the short names the tests use.
 */
#ifndef TURTLE_TESTS_UNIT_FUSE_CLIENT_FIXTURE_H
#define TURTLE_TESTS_UNIT_FUSE_CLIENT_FIXTURE_H

#include <check.h>
#include <stdatomic.h>
#include <sys/types.h>

#include "../../fuse-vsock/server.h"

#define NCONN 4

extern char host_dir[64], mnt[64]; /* the shared directory, the mount */
extern int client_fds[NCONN];	   /* the guest's ends, until mounted */
extern dev_t mnt_dev;
extern atomic_int broken_calls, aborted; /* the client said it broke */
extern enum fuse_security mnt_security;	 /* the mounted share's */
extern int skip;			 /* no FUSE here: the test passes */

/*
 * The servers, their pool and n connections, the hello not yet said: the
 * temporary directories go even when a check fails before the teardown.
 */
void fcli__links_setup(unsigned int n);
void fcli__links_teardown(void);

/* The share mounted through NCONN connections, as its name says. */
void fcli__setup(void);	       /* passthrough */
void fcli__setup_privs(void);  /* passthrough, turtle's capabilities only */
void fcli__setup_mapped(void); /* mapped */
void fcli__setup_ro(void);     /* the share "ro" */
void fcli__teardown(void);
/*
 * A test case of s whose tests each run on a fresh mount made by setup
 * (one of the above) and end with fcli__teardown; 60 s for all of it.
 */
TCase *fcli__tcase(Suite *s, const char *name, void (*setup)(void));

/* Every server end goes away at once, as when turtle exits. */
void fcli__host_gone(void);

/* Paths under the mountpoint and under the host directory (4 at a time). */
const char *m(const char *rel);
const char *h(const char *rel);
/* A file's content written, or the whole (small) file read. */
void put(const char *path, const char *s);
const char *get(const char *path);
/* The entries of a directory, sorted, space-separated. */
const char *list(const char *path);

#endif
