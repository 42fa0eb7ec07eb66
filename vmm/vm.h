/* SPDX-License-Identifier: GPL-2.0 */
/* A KVM virtual machine: its memory, its vGIC, its vCPUs and its end. */
#ifndef TURTLE_VM_H
#define TURTLE_VM_H

#include <pthread.h>
#include <stdint.h>

#include "cli.h"
#include "../virtio/guest-mem.h"
#include "cpu-features.h"
#include "../lib/mmio.h"

struct vcpu;

/* How a VM ended; the process exit status follows from it. */
enum vm_exit {
	VM_EXIT_POWEROFF = 0,
	VM_EXIT_ERROR = 1,
	VM_EXIT_RESET = 3,
	VM_EXIT_SIGNAL = 128, /* + signal number */
};

struct vm {
	int kvm_fd;
	int vm_fd;
	int gic_fd;
	unsigned int ipa_bits;
	enum nested_mode nested;
	int hugepages;
	struct cpu_features features; /* vcpu-features.h */
	unsigned int sve_max_vl;      /* --sve-max-vl, bits; 0: all */
	unsigned int sve_vl;	      /* the longest the vCPUs got */

	struct guest_mem mem; /* guest RAM: host view, base, size */

	struct mmio_bus bus;

	unsigned int nr_vcpus;
	struct vcpu *vcpus;
	int vcpu_mmap_size;

	/* Set once by the first vm__stop(); the main thread waits on it. */
	int stop_efd;
	int stopping;
	int exit_status;
	char exit_reason[160];
};

/*
 * Open /dev/kvm, create the VM and map RAM. ipa_bits 0: the smallest IPA
 * size that fits RAM; hugepages: back RAM with transparent huge pages.
 */
int vm__create(struct vm *vm, uint64_t ram_size, enum nested_mode nested,
	       unsigned int ipa_bits, int hugepages);
/* Create the in-kernel GICv3 (before the vCPUs) and initialise it (after). */
int vm__gic_create(struct vm *vm);
int vm__gic_init(struct vm *vm);
/* Put the guest's counters on the host's timeline (VM-wide offset 0). */
void vm__set_counter_offset(struct vm *vm);
/* Drive SPI number spi (0-based) to level. */
int vm__irq_line(struct vm *vm, unsigned int spi, int level);
/* Guest writes of datamatch (len 4) to addr signal fd, without an exit. */
int vm__ioeventfd(struct vm *vm, uint64_t addr, uint32_t datamatch, int fd);
/* Signalling fd raises SPI number spi (0-based) as an edge. */
int vm__irqfd(struct vm *vm, unsigned int spi, int fd);
/*
 * Map size bytes at host address hva into the guest at gpa read-only, as
 * memory slot slot (KVM_MEM_READONLY): reads are plain memory reads, and
 * writes exit as MMIO. 0, or -1 when KVM cannot (no KVM_CAP_READONLY_MEM).
 */
int vm__readonly_region(struct vm *vm, unsigned int slot, uint64_t gpa,
			uint64_t size, void *hva);
/*
 * Map size bytes at host address hva into the guest at gpa as memory slot
 * slot, with KVM_MEM_* flags. 0, or -1 with a message.
 */
int vm__memory_region(struct vm *vm, unsigned int slot, uint64_t gpa,
		      uint64_t size, void *hva, uint32_t flags);
/*
 * Cap how long KVM polls a halted (WFI) vCPU before it sleeps, in ns
 * (KVM_CAP_HALT_POLL; 0: never poll). 0, or -1 with a message.
 */
int vm__set_halt_poll(struct vm *vm, unsigned long ns);
/* Ask the VM to stop; the first caller's status and reason win. */
void vm__stop(struct vm *vm, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void vm__destroy(struct vm *vm);

#endif
