/* SPDX-License-Identifier: GPL-2.0 */
/* The arm64 Linux Image header (Documentation/arch/arm64/booting.rst). */
#ifndef TURTLE_BOOT_IMAGE_H
#define TURTLE_BOOT_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#define ARM64_IMAGE_MAGIC 0x644d5241U /* "ARM\x64" */
#define ARM64_IMAGE_HEADER_SIZE 64
/* Pre-3.17 kernels leave image_size 0 and assume this text offset. */
#define ARM64_IMAGE_LEGACY_TEXT_OFFSET 0x80000ULL

#define ARM64_IMAGE_FLAG_BE (1ULL << 0)
#define ARM64_IMAGE_FLAG_PAGE_SIZE_SHIFT 1
#define ARM64_IMAGE_FLAG_PAGE_SIZE_MASK (3ULL << 1)
#define ARM64_IMAGE_FLAG_ANY_PLACE (1ULL << 3)

struct arm64_image {
	uint64_t text_offset; /* load offset from a 2 MiB aligned base */
	uint64_t image_size;  /* bytes the kernel needs, including its bss */
	uint64_t file_size;
	unsigned int page_size_kib; /* 4, 16 or 64; 0 = unspecified */
	int any_place; /* may sit anywhere in RAM, not just near its base */
};

/*
 * Parse the header in buf (len bytes read from the start of a file of
 * file_size bytes). Returns 0, or -1 with a message in err.
 */
int image__parse(const void *buf, size_t len, uint64_t file_size,
		 struct arm64_image *img, char *err);

#endif
