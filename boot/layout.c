// SPDX-License-Identifier: GPL-2.0
#include "layout.h"

#include <string.h>

#include "../lib/log.h"
#include "../vmm/platform.h"

#define ALIGN_DOWN(x, a) ((x) & ~((a)-1))
#define ALIGN_UP(x, a) ALIGN_DOWN((x) + (a)-1, a)

int layout__plan(uint64_t ram_base, uint64_t ram_size,
		 const struct arm64_image *img, uint64_t initrd_size,
		 struct mem_layout *l, char *err)
{
	uint64_t ram_end = ram_base + ram_size;
	uint64_t kernel_end, initrd_start, free_bytes;

	memset(l, 0, sizeof(*l));
	if (ram_base & (SZ_2M - 1)) {
		errbuf_set(err, "RAM base 0x%llx is not 2 MiB aligned",
			   (unsigned long long)ram_base);
		return -1;
	}
	if (ram_size < SZ_2M || ram_end < ram_base) {
		errbuf_set(err, "RAM size %llu bytes is too small",
			   (unsigned long long)ram_size);
		return -1;
	}

	l->ram_base = ram_base;
	l->ram_size = ram_size;
	l->kernel_addr = ram_base + img->text_offset;
	l->kernel_size = ALIGN_UP(img->image_size, SZ_4K);
	kernel_end = l->kernel_addr + l->kernel_size;

	l->dtb_max = LAYOUT_DTB_MAX;
	l->dtb_addr = ram_end - LAYOUT_DTB_MAX;

	initrd_start = l->dtb_addr;
	if (initrd_size) {
		if (initrd_size > l->dtb_addr - ram_base) {
			errbuf_set(
				err,
				"initrd (%llu MiB) is larger than guest RAM (%llu MiB)",
				(unsigned long long)(initrd_size >> 20),
				(unsigned long long)(ram_size >> 20));
			return -1;
		}
		initrd_start = ALIGN_DOWN(l->dtb_addr - initrd_size, SZ_4K);
		l->initrd_addr = initrd_start;
		l->initrd_size = initrd_size;
	}

	if (kernel_end > initrd_start || kernel_end > l->dtb_addr) {
		errbuf_set(
			err,
			"guest RAM (%llu MiB) cannot hold the kernel (%llu MiB), the initrd (%llu MiB) and the device tree",
			(unsigned long long)(ram_size >> 20),
			(unsigned long long)(l->kernel_size >> 20),
			(unsigned long long)(initrd_size >> 20));
		return -1;
	}
	free_bytes = initrd_start - kernel_end;
	if (free_bytes < LAYOUT_MIN_FREE) {
		errbuf_set(
			err,
			"guest RAM (%llu MiB) leaves only %llu MiB free after the kernel and initrd; at least %llu MiB is needed",
			(unsigned long long)(ram_size >> 20),
			(unsigned long long)(free_bytes >> 20),
			(unsigned long long)(LAYOUT_MIN_FREE >> 20));
		return -1;
	}
	return 0;
}
