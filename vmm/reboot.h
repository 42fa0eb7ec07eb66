/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TURTLE_REBOOT_H
#define TURTLE_REBOOT_H

#include "cli.h"

/* turtle's exit status after a guest reset (VM_EXIT_RESET in vm.h) */
#define REBOOT_STATUS 3

/*
 * --reboot: run the guest in a child process, and when it ends because the
 * guest reset (status REBOOT_STATUS), run it again in a fresh child with
 * the same options. Returns the last child's status (128+N if signal N
 * killed it). The parent forwards SIGINT, SIGTERM, SIGHUP and SIGUSR1.
 */
int reboot__supervise(const struct run_opts *o,
		      int (*run)(const struct run_opts *o));

#endif
