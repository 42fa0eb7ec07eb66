/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-blk requests (virtio 1.x, section 5.2.6), executed against a raw
 * image file. Pure request handling: no queues, no threads, so the unit
 * tests drive it with hand-made chains and a temporary file.
 *
 * A request chain is: a 16-byte struct virtio_blk_outhdr (device-readable,
 * possibly split across buffers), then the data (device-readable for
 * writes, device-writable for reads and GET_ID), then one status byte, the
 * last byte of the last device-writable buffer. Every sector range is
 * checked against the capacity; a request past the end, a write to a
 * read-only disk, an unknown type or a malformed layout gets
 * VIRTIO_BLK_S_IOERR or VIRTIO_BLK_S_UNSUPP and changes nothing.
 */
#ifndef TURTLE_VIRTIO_BLK_REQ_H
#define TURTLE_VIRTIO_BLK_REQ_H

#include <linux/virtio_blk.h>
#include <stdbool.h>
#include <stdint.h>

#include "virtqueue.h"

#define BLK_SECTOR_SHIFT 9
#define BLK_SECTOR_SIZE 512
/* Most sectors one DISCARD or WRITE_ZEROES segment may cover. */
#define BLK_MAX_DISCARD_SECTORS (1U << 22) /* 2 GiB */
#define BLK_MAX_DISCARD_SEG 16

struct blk_backend;

/*
 * How reads, writes and flushes reach the image (--disk io=): with
 * preadv/pwritev on the fd (blk_io_pread, here), or by copies to and from
 * a mapping of it (blk_io_map, blk-map.c). rw moves the bytes of v[0 .. n)
 * (consumed) at byte off, already checked against the capacity; rw and
 * flush return 0 or -1. DISCARD and WRITE_ZEROES use the fd either way.
 */
struct blk_io_ops {
	const char *name;
	int (*rw)(const struct blk_backend *b, struct iovec *v, unsigned int n,
		  uint64_t off, bool write);
	int (*flush)(const struct blk_backend *b);
};

extern const struct blk_io_ops blk_io_pread;

struct blk_map;

struct blk_backend {
	int fd;
	uint64_t capacity; /* in 512-byte sectors */
	bool read_only;
	char serial[VIRTIO_BLK_ID_BYTES]; /* GET_ID answer, NUL padded */
	const struct blk_io_ops *io;	  /* NULL: blk_io_pread */
	struct blk_map *map;		  /* blk_io_map's state */
};

/*
 * Execute the request in c. Returns the number of bytes written into the
 * chain's device-writable buffers (data plus the status byte), which is
 * what vq__push() reports; or -1 if the chain has no device-writable byte
 * for a status at all (the device then treats the queue as broken).
 */
int64_t blk__request(const struct blk_backend *b, const struct vq_chain *c);

/* fdatasync(fd), retried on EINTR: 0 or -1. */
int blk__fdatasync(int fd);

#endif
