/* SPDX-License-Identifier: GPL-2.0 */
/* File descriptor accounting, for tests of failure paths that must not leak. */
#ifndef TURTLE_TESTS_UNIT_FDS_H
#define TURTLE_TESTS_UNIT_FDS_H

#include <sys/resource.h>

/* How many file descriptors this process has open (/proc/self/fd). */
int fds__count(void);

/*
 * Lower RLIMIT_NOFILE so that exactly n more descriptors can be opened
 * (the next open after those fails with EMFILE); the limit before goes
 * in old, for setrlimit() afterwards.
 */
void fds__leave_free(int n, struct rlimit *old);

#endif
