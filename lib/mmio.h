/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The MMIO bus: guest physical ranges that trap to turtle, each owned by
 * one device. A vCPU's KVM_EXIT_MMIO is dispatched here. Regions are
 * registered before the vCPUs start and never change afterwards, so lookups
 * need no lock; devices lock their own state.
 */
#ifndef TURTLE_LIB_MMIO_H
#define TURTLE_LIB_MMIO_H

#include <stdint.h>

#define MMIO_MAX_REGIONS 64

/*
 * One access: offset from the region's base, 1, 2, 4 or 8 bytes of data
 * in guest (little-endian) byte order.
 */
struct mmio_ops {
	void (*read)(void *dev, uint64_t offset, uint8_t *data, uint32_t len);
	void (*write)(void *dev, uint64_t offset, const uint8_t *data,
		      uint32_t len);
};

struct mmio_region {
	uint64_t base;
	uint64_t size;
	const struct mmio_ops *ops;
	void *dev;
	const char *name;
};

struct mmio_bus {
	unsigned int nr;
	struct mmio_region regions[MMIO_MAX_REGIONS];
	uint64_t unhandled; /* accesses that hit no region */
};

/* Returns 0, or -1 if the range overlaps another or the bus is full. */
int mmio__register(struct mmio_bus *bus, uint64_t base, uint64_t size,
		   const struct mmio_ops *ops, void *dev, const char *name);

/*
 * Dispatch one access. Reads of unclaimed addresses return zeroes and
 * writes there are dropped (and counted), as on real buses: a guest
 * probing for absent hardware must not kill the VM. Returns 0 if a
 * region took the access, -1 otherwise.
 */
int mmio__access(struct mmio_bus *bus, uint64_t addr, uint8_t *data,
		 uint32_t len, int is_write);

#endif
