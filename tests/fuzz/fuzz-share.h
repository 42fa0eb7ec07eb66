/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzzers' shared directory and its confinement checks (used by
 * fuzz_fuse_server.c and fuzz_fuse_session.c).
 *
 * A fresh $TMPDIR/turtle-fuzz-XXXXXX (WORK, TMPDIR defaulting to /tmp)
 * per process:
 *   WORK/top/share         the shared directory, with a few entries:
 *                          files, a directory, a FIFO, a hard link, and
 *                          symlinks pointing out (relative and absolute)
 *   WORK/top/outside/...   sentinels beside it: a file holding a secret
 *   WORK/outside2/...      and one level further up
 * Before the fuzzing the sentinels are recorded (stat, contents, xattrs,
 * directory listings); fz_share__check() aborts if anything outside the
 * share changed or appeared, and fz_share__reply() if a reply carries the
 * secret (read from outside). Either is a confinement escape.
 */
#ifndef TURTLE_TESTS_FUZZ_FUZZ_SHARE_H
#define TURTLE_TESTS_FUZZ_FUZZ_SHARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The harnesses' messages: stderr, kept when -close_fd_mask=2 closes it. */
extern FILE *fz_err;

/* Create WORK and the share (once); limits file sizes (RLIMIT_FSIZE). */
void fz_share__init(void);
/* At the start of every input. */
void fz_share__start(void);
/* The shared directory's path. */
const char *fz_share__dir(void);
/* Empty the share and put its initial entries back. */
void fz_share__reset(void);
/* abort() if anything outside the share changed. */
void fz_share__check(void);
/* abort() if buf holds the secret. */
void fz_share__reply(const void *buf, size_t len);
/* The share has grown big (disk use): time to reset it. */
bool fz_share__big(void);

#endif
