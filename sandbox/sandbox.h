/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TURTLE_SANDBOX_SANDBOX_H
#define TURTLE_SANDBOX_SANDBOX_H

#include "../vmm/cli.h"

/*
 * --sandbox: refuse what cannot work (not root, a relative --vsock path)
 * before anything is set up. 0, or -1 with err set.
 */
int sandbox__check(const struct run_opts *o, char *err);

/*
 * --sandbox, once everything is open and before privs__drop (it needs
 * CAP_SYS_ADMIN) and before any thread starts: a private mount namespace
 * whose root is an empty read-only tmpfs holding only /proc and the
 * --vsock socket's directory (see sandbox.c). 0, or -1 with err set.
 */
int sandbox__enter(const struct run_opts *o, char *err);

#endif
