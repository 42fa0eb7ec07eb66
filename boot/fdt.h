/* SPDX-License-Identifier: GPL-2.0 */
/* The guest's device tree, built with libfdt's sequential-write API. */
#ifndef TURTLE_BOOT_FDT_H
#define TURTLE_BOOT_FDT_H

#include <stddef.h>
#include <stdint.h>

#define FDT_MAX_VIRTIO 32

struct fdt_virtio_mmio {
	uint64_t base;
	uint64_t size;
	unsigned int spi;
};

struct fdt_params {
	uint64_t ram_base;
	uint64_t ram_size;
	unsigned int ncpus;
	int el2; /* the vCPUs start at EL2: smc PSCI, EL2 timer PPIs */

	uint64_t gic_dist_base, gic_dist_size;
	uint64_t gic_redist_base, gic_redist_size; /* all vCPUs' frames */

	uint64_t uart_base, uart_size;
	unsigned int uart_spi;

	uint64_t rtc_base; /* 0: no PL031 */
	uint64_t rtc_size;
	unsigned int rtc_spi;

	int pmu; /* an arm,armv8-pmuv3 node, its overflow interrupt on pmu_ppi
		  */
	unsigned int pmu_ppi;

	uint64_t exit_probe_base; /* 0: no exit probe */
	uint64_t exit_probe_size;

	uint64_t direct_base; /* 0: no direct window (vmm/direct.h) */
	uint64_t direct_size;
	uint64_t direct_pool_base; /* 0: no direct pool */
	uint64_t direct_pool_size;

	const char *bootargs;
	uint64_t initrd_start, initrd_end; /* both 0: no initrd */

	unsigned int nvirtio;
	struct fdt_virtio_mmio virtio[FDT_MAX_VIRTIO];
};

/* Fill buf (size bytes) with the tree. Returns 0, or -1 and err. */
int fdt__build(const struct fdt_params *p, void *buf, size_t size, char *err);

#endif
