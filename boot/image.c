// SPDX-License-Identifier: GPL-2.0
#include "image.h"

#include <endian.h>
#include <string.h>

#include "../lib/log.h"

/* The header, as booting.rst lays it out; all fields are little-endian. */
struct arm64_image_header {
	uint32_t code0;
	uint32_t code1;
	uint64_t text_offset;
	uint64_t image_size;
	uint64_t flags;
	uint64_t res2;
	uint64_t res3;
	uint64_t res4;
	uint32_t magic;
	uint32_t res5;
};

_Static_assert(sizeof(struct arm64_image_header) == ARM64_IMAGE_HEADER_SIZE,
	       "arm64 Image header layout");

int image__parse(const void *buf, size_t len, uint64_t file_size,
		 struct arm64_image *img, char *err)
{
	struct arm64_image_header h;
	uint64_t flags;

	if (len < sizeof(h) || file_size < sizeof(h)) {
		errbuf_set(
			err,
			"not an arm64 Image: the file is %llu bytes, shorter than the %zu-byte header",
			(unsigned long long)file_size, sizeof(h));
		return -1;
	}
	memcpy(&h, buf, sizeof(h));
	if (le32toh(h.magic) != ARM64_IMAGE_MAGIC) {
		errbuf_set(
			err,
			"not an arm64 Image: no \"ARM\\x64\" magic at offset 56 (a compressed vmlinuz or an ELF vmlinux must be unpacked to Image first)");
		return -1;
	}

	flags = le64toh(h.flags);
	memset(img, 0, sizeof(*img));
	img->file_size = file_size;
	img->text_offset = le64toh(h.text_offset);
	img->image_size = le64toh(h.image_size);
	if (img->image_size == 0) {
		/* Before Linux 3.17: fixed offset, size unknown beyond the
		 * file. */
		img->text_offset = ARM64_IMAGE_LEGACY_TEXT_OFFSET;
		img->image_size = file_size;
		flags = 0;
	}
	if (flags & ARM64_IMAGE_FLAG_BE) {
		errbuf_set(
			err,
			"big-endian arm64 Image: turtle boots little-endian kernels only");
		return -1;
	}
	switch ((flags & ARM64_IMAGE_FLAG_PAGE_SIZE_MASK) >>
		ARM64_IMAGE_FLAG_PAGE_SIZE_SHIFT) {
	case 1:
		img->page_size_kib = 4;
		break;
	case 2:
		img->page_size_kib = 16;
		break;
	case 3:
		img->page_size_kib = 64;
		break;
	default:
		img->page_size_kib = 0;
	}
	img->any_place = !!(flags & ARM64_IMAGE_FLAG_ANY_PLACE);

	if (img->text_offset >= (1ULL << 21) || (img->text_offset & 0xfff)) {
		errbuf_set(
			err,
			"arm64 Image: text_offset 0x%llx is not a page offset inside 2 MiB",
			(unsigned long long)img->text_offset);
		return -1;
	}
	if (img->image_size < file_size) {
		errbuf_set(
			err,
			"arm64 Image: header image_size %llu is smaller than the file (%llu bytes)",
			(unsigned long long)img->image_size,
			(unsigned long long)file_size);
		return -1;
	}
	if (img->image_size > (1ULL << 32)) {
		errbuf_set(
			err,
			"arm64 Image: header image_size %llu is implausibly large",
			(unsigned long long)img->image_size);
		return -1;
	}
	return 0;
}
