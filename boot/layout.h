/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the kernel, the initrd and the device tree go in guest RAM.
 *
 *   ram_base                                                     ram_end
 *   |  text_offset | kernel (image_size) | ... | initrd | dtb (64 KiB) |
 *
 * The kernel sits at the 2 MiB aligned base of RAM plus its text_offset,
 * as booting.rst asks. The device tree takes the top 64 KiB of RAM, and the
 * initrd ends just below it, page aligned, so the largest possible gap is
 * left between the kernel and the initrd for the kernel's early allocations.
 */
#ifndef TURTLE_BOOT_LAYOUT_H
#define TURTLE_BOOT_LAYOUT_H

#include <stdint.h>

#include "image.h"

#define LAYOUT_DTB_MAX 0x10000ULL
/* The kernel needs room to run in: refuse layouts that leave less. */
#define LAYOUT_MIN_FREE (16ULL << 20)

struct mem_layout {
	uint64_t ram_base;
	uint64_t ram_size;
	uint64_t kernel_addr; /* = entry point */
	uint64_t kernel_size; /* image_size: file plus bss */
	uint64_t initrd_addr; /* 0 when there is no initrd */
	uint64_t initrd_size;
	uint64_t dtb_addr;
	uint64_t dtb_max;
};

/* Returns 0, or -1 with the reason in err. */
int layout__plan(uint64_t ram_base, uint64_t ram_size,
		 const struct arm64_image *img, uint64_t initrd_size,
		 struct mem_layout *l, char *err);

#endif
