/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KVM's own per-vCPU counters (KVM_GET_STATS_FD, the binary stats API):
 * what the kernel handled without returning to turtle, such as exits for
 * stage-2 faults, HVCs, WFIs and in-kernel MMIO. Under nesting these say
 * at which level a guest's time goes, where turtle's own exit counts see
 * only the exits that reach userspace.
 */
#ifndef TURTLE_KVM_STATS_H
#define TURTLE_KVM_STATS_H

#include <stddef.h>
#include <stdint.h>

#define KVM_STATS_MAX 12

struct kvm_stats {
	int fd; /* -1: the kernel has no binary stats */
	unsigned int n;
	const char *name[KVM_STATS_MAX];
	uint64_t offset[KVM_STATS_MAX]; /* of each value in the fd */
};

/*
 * Open the stats of a vCPU (vcpu_fd) and find the counters turtle reports.
 * Do it when the vCPU is created: the fd must exist before KVM_RUN.
 */
void kvm_stats__open(struct kvm_stats *s, int vcpu_fd);
/* "exits=N hvc=N ..." into buf; empty if there are no stats. */
void kvm_stats__format(const struct kvm_stats *s, char *buf, size_t len);

#endif
