/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The mapped I/O path of virtio-blk (--disk io=map): the image is mapped
 * MAP_SHARED once at open (read-only for a read-only disk), and a read or
 * write is a copy between the guest's buffers and the mapping (lib/copy.h:
 * FEAT_MOPS when the CPU has it). For an image in memory (tmpfs, ramfs,
 * hugetlbfs) this saves the two system calls and the kernel's walk of up
 * to 256 iovecs per request, and the copy is the CPU's own instructions.
 *
 * io=auto, the default, maps an image that is a regular file on a memory
 * filesystem (fstatfs) and uses preadv/pwritev (blk_io_pread) otherwise,
 * or when the mapping fails. io=map maps any regular file, and fails with
 * a clear error where it cannot. Reading a hole of a mapped tmpfs file
 * allocates its page: io=auto therefore does not map a read-only image
 * with holes (SEEK_HOLE), whose reads would otherwise fill host memory
 * that no write of the guest could; a writable disk's guest may fill the
 * whole image anyway.
 *
 * The file can shrink under turtle (another process truncates it): a copy
 * that touches the mapping past the new end faults with SIGBUS, which the
 * copy survives (lib/fault-guard.h) and the request fails with
 * VIRTIO_BLK_S_IOERR, logged once per disk. FLUSH is msync(MS_SYNC) of the
 * mapping then fdatasync; DISCARD and WRITE_ZEROES stay on the fd
 * (fallocate), and the mapping then reads zeroes.
 */
#ifndef TURTLE_VIRTIO_BLK_MAP_H
#define TURTLE_VIRTIO_BLK_MAP_H

#include "blk-req.h"

enum blk_io_mode {
	BLK_IO_AUTO,
	BLK_IO_PREAD,
	BLK_IO_MAP,
};

extern const struct blk_io_ops blk_io_map;

/*
 * Choose b's I/O path for mode; b->fd, capacity and read_only are set.
 * Sets b->io (and b->map when mapped). name is the disk's path, for
 * messages (not copied: it must outlive b). Returns 0, or -1 with err
 * filled in (io=map on a file it cannot map).
 */
int blk_map__setup(struct blk_backend *b, enum blk_io_mode mode,
		   const char *name, char *err);

/* Undo blk_map__setup's mapping, if any. */
void blk_map__teardown(struct blk_backend *b);

#endif
