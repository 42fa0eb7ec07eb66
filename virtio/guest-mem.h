/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest memory as a device model sees it: one contiguous RAM region, and
 * the only way from a guest physical address to a host pointer. Every
 * address a guest hands a device goes through guest_mem__ptr(), which
 * refuses ranges that are not wholly inside RAM (or that wrap).
 */
#ifndef TURTLE_VIRTIO_GUEST_MEM_H
#define TURTLE_VIRTIO_GUEST_MEM_H

#include <stddef.h>
#include <stdint.h>

struct guest_mem {
	uint8_t *host; /* host view of guest RAM */
	uint64_t base; /* its guest physical address */
	uint64_t size;
};

/* Host pointer for [gpa, gpa + len), or NULL if it is not all RAM. */
static inline void *guest_mem__ptr(const struct guest_mem *m, uint64_t gpa,
				   uint64_t len)
{
	uint64_t off;

	if (gpa < m->base)
		return NULL;
	off = gpa - m->base;
	if (off > m->size || len > m->size - off)
		return NULL;
	return m->host + off;
}

#endif
