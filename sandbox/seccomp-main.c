// SPDX-License-Identifier: GPL-2.0
/*
 * The main thread, once every other thread exists (run.c): the console
 * (stdin into the UART, whose interrupt is a KVM_IRQ_LINE), the signalfd,
 * the stop eventfd, and at the end stopping the vCPUs (a signal each,
 * then a join), --stats (the vCPUs' KVM statistics) and closing the VM.
 * It creates no thread and opens nothing.
 */
#include <linux/kvm.h>

#include "seccomp-rules.h"

static const struct seccomp_rule rules[] = {
	SC_ALLOW(read),
	SC_ALLOW(epoll_create1), /* serve()'s, at its start */
	SC_ALLOW(epoll_pwait),
	SC_ALLOW(epoll_ctl),
	SC_ALLOW(close),
	SC_ALLOW(pread64), /* kvm-stats.c */
	SC_ALLOW_IF(ioctl, SC_EQ(1, KVM_IRQ_LINE)),
};

const struct seccomp_table seccomp_main = SECCOMP_TABLE(rules);
