// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU thread: KVM_RUN, and the exits it handles. MMIO to the UART
 * (output is a write, its interrupt a KVM_IRQ_LINE on the VM), to the
 * virtio registers (eventfd writes; a device reset reads its eventfds
 * empty; starting or stopping a device is a handshake with its parked
 * thread), SIGUSR1's report (a register read, the KVM statistics).
 */
#include <linux/kvm.h>

#include "seccomp-rules.h"

static const struct seccomp_rule rules[] = {
	SC_ALLOW_IF(ioctl, SC_EQ(1, KVM_RUN)),
	SC_ALLOW_IF(ioctl, SC_EQ(1, KVM_GET_ONE_REG)),
	SC_ALLOW_IF(ioctl, SC_EQ(1, KVM_IRQ_LINE)),
	SC_ALLOW(read),
	SC_ALLOW(pread64),	   /* kvm-stats.c */
	SC_ALLOW(timerfd_settime), /* the PL031's alarm (run.c) */
};

const struct seccomp_table seccomp_vcpu = SECCOMP_TABLE(rules);
