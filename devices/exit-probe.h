/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The exit probe (--exit-probe): one page of MMIO that exists only to be
 * trapped on, so that a program in the guest can measure what an exit
 * costs at its level (tests/bench/exitbench.c maps it through /dev/mem).
 * The device tree names it "turtle,exit-probe"; no driver claims it.
 *
 *   0x00  R  magic, EXIT_PROBE_MAGIC
 *   0x08  R  accesses that have reached turtle, 64-bit (or two 32-bit
 *            halves, low at 0x08)
 *   0x10  W  anything: the write exits to turtle (KVM_EXIT_MMIO), which
 *            counts it; the cost of a device emulated in the VMM
 *   0x18  W  EXIT_PROBE_KERNEL_VALUE, 32-bit: KVM signals an eventfd
 *            (KVM_IOEVENTFD) and resumes the guest without leaving the
 *            host kernel; the cost of a virtqueue kick. Other values
 *            reach turtle.
 *   0x20  R  the 32-bit sum of the memory the probe was given to watch
 *            (exit_probe.mem), as turtle sees it at the time of the read;
 *            0 without any. The direct window's shared memory
 *            (vmm/direct.h): did a write by a guest some levels down reach
 *            the top turtle's memory?
 *   0x28  W  anything: a request and its reply through that memory,
 *            served within the exit: turtle reads word 0 and writes word
 *            0 + 1 to word 1 before the guest resumes (nothing without
 *            memory). The smallest synchronous direct request: no
 *            interrupt needed.
 *   0x30  W  the low half of a pool page's physical address (latched)
 *   0x34  W  its high half: appends the 4 KiB page at that address of this
 *            guest's RAM to the pool table (up to EXIT_PROBE_POOL_PAGES;
 *            later ones are dropped)
 *   0x38  R  the 32-bit sum of the pool's pages, read by turtle through
 *            the table and its own view of guest RAM
 *   0x3c  R  how many of the table's pages lie in guest RAM
 *   0x40  W  32-bit: a doorbell (exit_probe.doorbell), when there is one:
 *   0x44     the direct window's FUSE transport (fuse-vsock/window-proto.h)
 * The pool: the turtle in the guest publishes where the memory it gave
 * its own guest lies in this guest's RAM, so that turtle here can find
 * what that guest writes (vmm/direct.h).
 *
 * Every other access reads zeroes or is dropped, and counts as reaching
 * turtle, as it does.
 */
#ifndef TURTLE_DEVICES_EXIT_PROBE_H
#define TURTLE_DEVICES_EXIT_PROBE_H

#include <stdint.h>

#include "../lib/mmio.h"
#include "../virtio/guest-mem.h"

#define EXIT_PROBE_MAGIC 0x42525054 /* "TPRB" */
#define EXIT_PROBE_REG_MAGIC 0x00
#define EXIT_PROBE_REG_COUNT 0x08
#define EXIT_PROBE_REG_USER 0x10
#define EXIT_PROBE_REG_KERNEL 0x18
#define EXIT_PROBE_REG_SUM 0x20
#define EXIT_PROBE_REG_ECHO 0x28
#define EXIT_PROBE_REG_POOL_LO 0x30
#define EXIT_PROBE_REG_POOL_HI 0x34
#define EXIT_PROBE_REG_POOL_SUM 0x38
#define EXIT_PROBE_REG_POOL_PAGES 0x3c
#define EXIT_PROBE_REG_DOORBELL 0x40 /* and 0x44 */
#define EXIT_PROBE_POOL_PAGES 16
#define EXIT_PROBE_POOL_PAGE 4096
#define EXIT_PROBE_KERNEL_VALUE 1

struct exit_probe {
	uint64_t count; /* accesses that reached turtle (atomic) */
	int kernel_fd;	/* the ioeventfd behind EXIT_PROBE_REG_KERNEL */
	const volatile uint32_t
		*mem; /* summed by EXIT_PROBE_REG_SUM, or NULL */
	uint64_t mem_words;
	const struct guest_mem *ram; /* for the pool's table, or NULL */
	uint32_t pool_lo;
	unsigned int npool;
	uint64_t pool[EXIT_PROBE_POOL_PAGES];
	/* Writes to 0x40 and 0x44, on the vCPU thread; or NULL. */
	void (*doorbell)(void *ctx, uint64_t reg, uint32_t val);
	void *doorbell_ctx;
};

/* The 32-bit sum of n little-endian words (the guest's byte order). */
uint32_t exit_probe__sum(const volatile uint32_t *w, uint64_t n);

extern const struct mmio_ops exit_probe__mmio_ops;

/* 0, or -1 (no eventfd). */
int exit_probe__init(struct exit_probe *p);
void exit_probe__exit(struct exit_probe *p);

#endif
