/* SPDX-License-Identifier: GPL-2.0 */
/* vCPUs: creation, the KVM_RUN loop on a thread each, exit accounting. */
#ifndef TURTLE_VCPU_H
#define TURTLE_VCPU_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdint.h>

#include "kvm-stats.h"

struct vm;

#define VCPU_EXIT_REASONS 64

struct vcpu {
	struct vm *vm;
	unsigned int id;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	int started;

	/* Counters, written by this vCPU's thread only. */
	uint64_t runs;			   /* KVM_RUN calls */
	uint64_t exits[VCPU_EXIT_REASONS]; /* by kvm_run->exit_reason */
	int report; /* atomic: print where this vCPU is at its next exit */
	struct kvm_stats kstats; /* the kernel's own counters */
};

/* Create and initialise every vCPU; vCPU 0 starts at entry with x0 = dtb. */
int vcpu__create_all(struct vm *vm, unsigned int nr, uint64_t entry,
		     uint64_t dtb);
int vcpu__start_all(struct vm *vm);
/* Kick every vCPU out of KVM_RUN and join the threads. */
void vcpu__stop_all(struct vm *vm);
void vcpu__print_stats(struct vm *vm);
/*
 * Have every vCPU print its PC, PSTATE and counters (on SIGUSR1): each is
 * kicked out of KVM_RUN and reports from its own thread, since a vCPU's
 * registers cannot be read while it runs.
 */
void vcpu__report_all(struct vm *vm);

#endif
