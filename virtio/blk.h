/* SPDX-License-Identifier: GPL-2.0 */
/* The virtio-blk device: a raw image file, one worker thread per queue. */
#ifndef TURTLE_VIRTIO_BLK_H
#define TURTLE_VIRTIO_BLK_H

#include "blk-map.h"
#include "guest-mem.h"
#include "mmio.h"

struct blk_opts {
	const char *path;
	int read_only;
	unsigned int queues; /* 0: one */
	enum blk_io_mode io; /* how requests reach the image: blk-map.h */
};

/*
 * Open and check the image (it must exist, be readable, writable unless
 * read-only, a multiple of 512 bytes, and not in use by another turtle),
 * and set up the device. Returns the device, or NULL with err filled in.
 */
struct virtio_dev *blk__create(const struct blk_opts *o, unsigned int index,
			       const struct guest_mem *mem, char *err);

#endif
