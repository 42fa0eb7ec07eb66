// SPDX-License-Identifier: GPL-2.0
/* virtio-blk over a mapping of the image (see blk-map.h). */
#include "blk-map.h"

#include <errno.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "../lib/copy.h"
#include "../lib/fault-guard.h"
#include "../lib/log.h"

struct blk_map {
	uint8_t *base;
	size_t len;
	const char *name;
	int warned; /* a faulting copy was reported (once a disk) */
};

/* One request's copy, run under the fault guard. */
struct map_xfer {
	uint8_t *p;
	const struct iovec *v;
	unsigned int n;
	bool write;
};

static void map_copy(void *arg)
{
	const struct map_xfer *x = arg;
	uint8_t *p = x->p;
	unsigned int i;

	for (i = 0; i < x->n; p += x->v[i].iov_len, i++) {
		if (x->write)
			copy__mem(p, x->v[i].iov_base, x->v[i].iov_len);
		else
			copy__mem(x->v[i].iov_base, p, x->v[i].iov_len);
	}
}

static int map_rw(const struct blk_backend *b, struct iovec *v, unsigned int n,
		  uint64_t off, bool write)
{
	struct blk_map *m = b->map;
	struct map_xfer x = { m->base + off, v, n, write };
	void *addr = NULL;

	if (!fault_guard__call(map_copy, &x, &addr))
		return 0;
	if (__atomic_exchange_n(&m->warned, 1, __ATOMIC_RELAXED))
		return -1;
	if ((uint8_t *)addr >= m->base && (uint8_t *)addr < m->base + m->len)
		pr_err("virtio-blk: disk '%s': byte %llu of the image faulted: the file shrank under turtle, or its filesystem has no room; requests there fail with an I/O error",
		       m->name,
		       (unsigned long long)((uint8_t *)addr - m->base));
	else
		pr_err("virtio-blk: disk '%s': a copy faulted in guest memory (%p); the request fails with an I/O error",
		       m->name, addr);
	return -1;
}

static int map_flush(const struct blk_backend *b)
{
	struct blk_map *m = b->map;

	if (msync(m->base, m->len, MS_SYNC) < 0)
		return -1;
	return blk__fdatasync(b->fd);
}

const struct blk_io_ops blk_io_map = {
	.name = "map",
	.rw = map_rw,
	.flush = map_flush,
};

/* The file's filesystem keeps it in memory: no device below to read. */
static bool in_memory(int fd)
{
	struct statfs fs;

	if (fstatfs(fd, &fs) < 0)
		return false;
	return fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC ||
	       fs.f_type == HUGETLBFS_MAGIC;
}

/*
 * Some of the file is a hole (SEEK_HOLE). Reading a hole through a shared
 * mapping of a tmpfs file allocates a page there, where pread reads the
 * zero page: a guest reading a sparse read-only disk would fill host
 * memory with zeroes. (ramfs has no holes: a read allocates on either
 * path; hugetlbfs's mapping reserves all its pages at mmap already.)
 */
static bool has_holes(int fd, off_t size)
{
	off_t hole = lseek(fd, 0, SEEK_HOLE);

	return hole >= 0 && hole < size;
}

/* Map the image: 0, or -1 with err filled in. */
static int map_image(struct blk_backend *b, const char *name, char *err)
{
	uint64_t bytes = b->capacity << BLK_SECTOR_SHIFT;
	struct blk_map *m;
	void *p;

	if (bytes > SIZE_MAX) {
		errbuf_set(
			err,
			"disk '%s': io=map: %llu bytes do not fit in the address space",
			name, (unsigned long long)bytes);
		return -1;
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		errbuf_set(err, "disk '%s': io=map: out of memory", name);
		return -1;
	}
	p = mmap(NULL, (size_t)bytes,
		 PROT_READ | (b->read_only ? 0 : PROT_WRITE), MAP_SHARED, b->fd,
		 0);
	if (p == MAP_FAILED) {
		errbuf_set(err, "disk '%s': io=map: cannot map the image: %s",
			   name, strerror(errno));
		free(m);
		return -1;
	}
	if (fault_guard__install() < 0) {
		errbuf_set(err, "disk '%s': io=map: cannot handle SIGBUS: %s",
			   name, strerror(errno));
		munmap(p, (size_t)bytes);
		free(m);
		return -1;
	}
	m->base = p;
	m->len = (size_t)bytes;
	m->name = name;
	b->map = m;
	b->io = &blk_io_map;
	return 0;
}

int blk_map__setup(struct blk_backend *b, enum blk_io_mode mode,
		   const char *name, char *err)
{
	struct stat st;
	bool reg = fstat(b->fd, &st) == 0 && S_ISREG(st.st_mode);

	b->io = &blk_io_pread;
	b->map = NULL;
	if (mode == BLK_IO_PREAD || (mode == BLK_IO_AUTO && !reg))
		return 0;
	if (mode == BLK_IO_MAP && !reg) {
		errbuf_set(err, "disk '%s': io=map needs a regular file", name);
		return -1;
	}
	if (mode == BLK_IO_AUTO && !in_memory(b->fd))
		return 0;
	if (mode == BLK_IO_AUTO && b->read_only &&
	    has_holes(b->fd, st.st_size)) {
		pr_debug(
			"disk '%s': read-only with holes, whose reads through a mapping would allocate memory; using io=pread",
			name);
		return 0;
	}
	if (!map_image(b, name, err))
		return 0;
	if (mode == BLK_IO_MAP)
		return -1;
	pr_debug("%s; using io=pread", err);
	return 0;
}

void blk_map__teardown(struct blk_backend *b)
{
	if (!b->map)
		return;
	munmap(b->map->base, b->map->len);
	free(b->map);
	b->map = NULL;
	b->io = &blk_io_pread;
}
