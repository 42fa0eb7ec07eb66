/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The direct window (--direct-window): a range of guest physical addresses
 * whose accesses, at any depth of the chain, reach the turtle at the top
 * (the one in L0) without passing through the levels in between.
 *
 * Why it works (Linux's arch/arm64/kvm/mmu.c, kvm_handle_guest_abort): when
 * a nested guest faults, L0's KVM walks the guest hypervisor's stage 2 for
 * it, and if the resulting L1 physical address is in no L0 memory slot, L0
 * handles the access as MMIO itself (its ioeventfds, or KVM_EXIT_MMIO to
 * L0's turtle). L1's KVM never sees it.
 *
 *   L0 turtle  serve: the window is MMIO on its bus (the exit probe at
 *              offset 0 for now); the device tree names it
 *              "turtle,direct-window" at DIRECT_WINDOW_BASE
 *   L1 turtle  pass: finds that node in its own device tree, maps the
 *              range through /dev/mem (no driver claims it, so even
 *              STRICT_DEVMEM and IO_STRICT_DEVMEM allow it) and adds the
 *              mapping to L2 as a memory slot at the same address, with
 *              the same node in L2's device tree
 *   L2 turtle  pass: the same, into L3; and so on down
 *
 * An access by the leaf then walks every level's stage 2 down to an L1
 * physical address that no L0 slot holds: one exit, to L0.
 *
 * Modes: serve (the top), pass (a level below it), auto (pass when this
 * machine's device tree has a window, otherwise serve).
 *
 * Window layout (offsets from DIRECT_WINDOW_BASE):
 *   0x0000  an exit probe (devices/exit-probe.h): exitbench --direct;
 *           its 0x20 reads the sum of the shared memory below as the top
 *           turtle sees it
 *           and, at 0x40 and 0x44, the doorbells of the shares' FUSE
 *           transport (fuse-vsock/window-proto.h) when this turtle has
 *           a --share
 *   0x1000  nothing: reads zeroes, writes are dropped (at the top)
 *   0x8000  32 KiB of shared memory: at the top a memory slot of the top
 *           turtle's own memory. An experiment for the data path: every
 *           level below maps it through /dev/mem, which gives a
 *           non-cacheable mapping, so each level's KVM maps it as device
 *           memory into the next (docs/direct-path.md)
 *
 * The pool (an experiment for the data path, only in pass mode): the
 * passing turtle also gives its guest 64 KiB of its own RAM at
 * DIRECT_POOL_BASE ("turtle,direct-pool" in the guest's device tree),
 * pinned (mlock, no huge pages), and writes the physical address of each
 * of its 4 KiB pages to the window's pool registers (exit-probe.h,
 * 0x30-0x3c). The turtle at the top, for which those are addresses of its
 * guest's RAM, can then read what the guest below writes there. Only the
 * first 16 pages published are kept: in a deeper chain, L1's.
 */
#ifndef TURTLE_VMM_DIRECT_H
#define TURTLE_VMM_DIRECT_H

#include <stddef.h>
#include <stdint.h>

#define DIRECT_COMPATIBLE "turtle,direct-window"
#define DIRECT_PROBE_OFFSET 0x0
#define DIRECT_PROBE_SIZE 0x1000ULL
#define DIRECT_MEM_OFFSET 0x8000ULL
#define DIRECT_MEM_SIZE 0x8000ULL
#define DIRECT_DT_ROOT "/sys/firmware/devicetree/base"

enum direct_mode {
	DIRECT_OFF = 0,
	DIRECT_AUTO,
	DIRECT_SERVE,
	DIRECT_PASS,
};

struct vm;

/* "auto", "serve", "pass", "off". */
const char *direct__mode_name(enum direct_mode m);

/*
 * A "reg" property of two address and two size cells (big-endian), as
 * the device tree's /sys/firmware view holds it. 0, or -1 and err.
 */
int direct__parse_reg(const uint8_t *reg, size_t len, uint64_t *base,
		      uint64_t *size, char *err);

/*
 * Look for a node compatible with DIRECT_COMPATIBLE among dt_root's
 * children (a directory laid out as /sys/firmware/devicetree/base).
 * Returns 1 and its range, 0 when there is none (or no dt_root), -1 and
 * err when there is one whose reg cannot be read.
 */
int direct__find(const char *dt_root, uint64_t *base, uint64_t *size,
		 char *err);

/*
 * Can a window the parent gave at base, size be passed on? It must be
 * where this turtle puts its own (the same machine layout at every level),
 * of its size, and whole host pages of page_size. 0, or -1 and err.
 */
int direct__check(uint64_t base, uint64_t size, uint64_t page_size, char *err);

/*
 * Give the VM its window (before the vCPUs start; the device tree node is
 * the caller's): serve registers the window's devices on vm's bus, pass
 * maps the parent's through /dev/mem as memory slot slot. mode is not
 * auto (resolve it with direct__find first). 0, or -1 with a message.
 */
int direct__attach(struct vm *vm, enum direct_mode mode, unsigned int slot);
struct fuse_pool;
struct fuse_budget;
struct fuse_server;
/*
 * Serving: answer FUSE requests for the n shares at the window's doorbell
 * (fuse-vsock/window-proto.h), on their worker pool and budget. Before
 * the vCPUs start; nothing when not serving. 0, or -1 with a message.
 */
int direct__serve_shares(struct fuse_pool *pool, struct fuse_budget *budget,
			 struct fuse_server **shares, unsigned int n);
/* Accesses that reached the served window's probe (0 unless serving). */
uint64_t direct__served_count(void);
/* Did pass mode give the guest a pool at DIRECT_POOL_BASE? */
int direct__has_pool(void);
/* Does this turtle serve a window (the top of the chain)? */
int direct__serving(void);
/* The VM is stopping: release vCPUs waiting at the FUSE doorbell. */
void direct__abort(void);
/* After the vCPUs stopped: end the window's session, close the probe. */
void direct__detach(void);

#endif
