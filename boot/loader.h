/* SPDX-License-Identifier: GPL-2.0 */
/* Reading the kernel Image and the initrd from files into guest RAM. */
#ifndef TURTLE_BOOT_LOADER_H
#define TURTLE_BOOT_LOADER_H

#include <stdint.h>

#include "image.h"
#include "layout.h"

struct boot_files {
	int kernel_fd;
	int initrd_fd; /* -1: none */
	struct arm64_image img;
	uint64_t initrd_size;
};

/*
 * Open and check both files (header, sizes), before any VM exists, so bad
 * input fails fast and clearly. Returns 0, or -1 with the reason in err.
 */
int loader__open(const char *kernel, const char *initrd, struct boot_files *f,
		 char *err);
/* Copy the files to the places l gives; ram is the host view of RAM. */
int loader__load(struct boot_files *f, const struct mem_layout *l, uint8_t *ram,
		 char *err);
void loader__close(struct boot_files *f);

#endif
