// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk (virtio 1.x, section 5.2) over a raw image file.
 *
 * Each queue has a worker thread (made at setup, parked while the device
 * is stopped: dev-thread.h) that sleeps on the queue's kick eventfd,
 * then drains the queue with kicks disabled: pop a chain, execute it
 * (blk-req.c), push it, and interrupt the guest once per batch if the
 * driver wants it (event-idx suppression). Several queues (VIRTIO_BLK_F_MQ)
 * let the guest's blk-mq submit from every vCPU in parallel.
 */
#include "blk.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/virtio_ids.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/copy.h"
#include "../lib/fault-guard.h"
#include "../lib/log.h"
#include "blk-req.h"
#include "dev-thread.h"

/* Room for the longest chain (VQ_MAX_SEGS) with or without indirect tables. */
#define BLK_QUEUE_SIZE 512
#define BLK_MAX_QUEUES 8

struct blk_dev;

struct blk_worker {
	struct blk_dev *blk;
	unsigned int q;
	struct dev_thread thread;
	int running;
	struct vq_chain chain;
};

struct blk_dev {
	struct virtio_dev vdev;
	struct blk_backend be;
	struct virtio_blk_config cfg; /* little-endian, as the guest sees it */
	uint64_t features;
	int stop_fd; /* eventfd: workers, stop */
	struct blk_worker workers[BLK_MAX_QUEUES];
};

static uint64_t blk__features(struct virtio_dev *vdev)
{
	return ((struct blk_dev *)vdev->priv)->features;
}

static void blk__config_read(struct virtio_dev *vdev, uint64_t off,
			     uint8_t *data, uint32_t len)
{
	struct blk_dev *b = vdev->priv;

	memcpy(data, (uint8_t *)&b->cfg + off, len);
}

/* Drain one queue; returns -1 if the driver broke it. */
static int blk__drain(struct blk_worker *w)
{
	struct virtio_dev *vdev = &w->blk->vdev;
	struct virtqueue *vq = &vdev->queues[w->q].vq;
	enum vq_pop_result r;
	int64_t n;

	do {
		vq__disable_kicks(vq);
		while ((r = vq__pop(vq, &w->chain)) == VQ_CHAIN) {
			n = blk__request(&w->blk->be, &w->chain);
			if (n < 0) {
				r = VQ_BAD;
				break;
			}
			vq__push(vq, w->chain.head, (uint32_t)n);
		}
		if (vq__should_notify(vq))
			virtio__signal_used(vdev, w->q);
		if (r == VQ_BAD) {
			pr_guest(
				"virtio-blk: queue %u: malformed request chain; the device needs a reset",
				w->q);
			virtio__needs_reset(vdev);
			return -1;
		}
	} while (vq__enable_kicks(vq));
	return 0;
}

static void blk__worker(void *arg)
{
	struct blk_worker *w = arg;
	struct virtio_queue *q = &w->blk->vdev.queues[w->q];
	struct pollfd fds[2] = {
		{ .fd = q->kick_fd, .events = POLLIN },
		{ .fd = w->blk->stop_fd, .events = POLLIN },
	};
	uint64_t v;

	/* A mapped image's copies survive SIGBUS only if it gets here. */
	if (w->blk->be.map && fault_guard__thread())
		pr_err("virtio-blk: queue %u cannot catch SIGBUS: a shrinking image will stop turtle",
		       w->q);
	for (;;) {
		if (poll(fds, 2, -1) < 0 && errno != EINTR)
			break;
		if (fds[1].revents)
			break;
		if (!(fds[0].revents & POLLIN))
			continue;
		if (read(q->kick_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
			break;
		if (blk__drain(w))
			break;
	}
}

static int blk__start(struct virtio_dev *vdev)
{
	struct blk_dev *b = vdev->priv;
	unsigned int i;

	for (i = 0; i < vdev->nr_queues; i++) {
		struct blk_worker *w = &b->workers[i];

		if (!vdev->queues[i].ready)
			continue;
		dev_thread__run(&w->thread);
		w->running = 1;
	}
	return 0;
}

static void blk__stop(struct virtio_dev *vdev)
{
	struct blk_dev *b = vdev->priv;
	uint64_t one = 1;
	unsigned int i;

	if (write(b->stop_fd, &one, sizeof(one)) < 0)
		pr_err("virtio-blk: cannot stop the workers: %s",
		       strerror(errno));
	for (i = 0; i < vdev->nr_queues; i++) {
		if (b->workers[i].running)
			dev_thread__wait(&b->workers[i].thread);
		b->workers[i].running = 0;
	}
	if (read(b->stop_fd, &one, sizeof(one)) < 0)
		return;
}

static const struct virtio_dev_ops blk_ops = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.features = blk__features,
	.config_read = blk__config_read,
	.config_size = sizeof(struct virtio_blk_config),
	.start = blk__start,
	.stop = blk__stop,
};

static int blk__open(const struct blk_opts *o, uint64_t *size, ino_t *ino,
		     char *err)
{
	struct stat st;
	int fd;

	/* O_NONBLOCK: a FIFO opened for reading would wait for a writer. */
	fd = open(o->path,
		  (o->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		errbuf_set(err, "cannot open disk '%s'%s: %s", o->path,
			   o->read_only ? "" : " for writing", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 ||
	    (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))) {
		errbuf_set(err,
			   "disk '%s' is not a regular file or block device",
			   o->path);
		goto fail;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		errbuf_set(err, "disk '%s': %s", o->path, strerror(errno));
		goto fail;
	}
	*ino = st.st_ino;
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, size) < 0) {
			errbuf_set(err, "disk '%s': cannot read its size",
				   o->path);
			goto fail;
		}
	} else {
		*size = (uint64_t)st.st_size;
	}
	if (*size == 0 || *size % BLK_SECTOR_SIZE) {
		errbuf_set(
			err,
			"disk '%s': its size (%llu bytes) is not a non-zero multiple of 512",
			o->path, (unsigned long long)*size);
		goto fail;
	}
	/* Two VMs writing one image corrupt it: refuse to share a writer. */
	if (flock(fd, (o->read_only ? LOCK_SH : LOCK_EX) | LOCK_NB) < 0) {
		errbuf_set(err, "disk '%s' is in use by another process",
			   o->path);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

struct virtio_dev *blk__create(const struct blk_opts *o, unsigned int index,
			       const struct guest_mem *mem, char *err)
{
	unsigned int nq = o->queues ? o->queues : 1;
	struct virtio_blk_config *c;
	struct blk_dev *b;
	uint64_t size;
	unsigned int q;
	char name[16];
	ino_t ino;
	int fd, e;

	if (nq > BLK_MAX_QUEUES) {
		errbuf_set(err, "disk '%s': at most %d queues", o->path,
			   BLK_MAX_QUEUES);
		return NULL;
	}
	fd = blk__open(o, &size, &ino, err);
	if (fd < 0)
		return NULL;
	b = calloc(1, sizeof(*b));
	if (!b)
		goto fail;
	b->be.fd = fd;
	b->be.capacity = size / BLK_SECTOR_SIZE;
	b->be.read_only = o->read_only;
	snprintf(b->be.serial, sizeof(b->be.serial), "turtle%u-%llx", index,
		 (unsigned long long)ino);
	if (blk_map__setup(&b->be, o->io, o->path, err))
		goto fail;
	pr_debug("virtio-blk: disk '%s': io=%s%s", o->path, b->be.io->name,
		 b->be.io != &blk_io_map ? ""
		 : copy__has_mops()	 ? " (copies with FEAT_MOPS)"
					 : " (copies with memcpy)");

	b->features = (1ULL << VIRTIO_BLK_F_SEG_MAX) |
		      (1ULL << VIRTIO_BLK_F_BLK_SIZE) |
		      (1ULL << VIRTIO_BLK_F_FLUSH) |
		      (1ULL << VIRTIO_BLK_F_DISCARD) |
		      (1ULL << VIRTIO_BLK_F_WRITE_ZEROES);
	if (nq > 1)
		b->features |= 1ULL << VIRTIO_BLK_F_MQ;
	if (o->read_only)
		b->features |= 1ULL << VIRTIO_BLK_F_RO;

	c = &b->cfg;
	c->capacity = htole64(b->be.capacity);
	c->seg_max = htole32(VQ_MAX_SEGS - 2); /* header and status */
	c->blk_size = htole32(BLK_SECTOR_SIZE);
	c->num_queues = htole16((uint16_t)nq);
	c->max_discard_sectors = htole32(BLK_MAX_DISCARD_SECTORS);
	c->max_discard_seg = htole32(BLK_MAX_DISCARD_SEG);
	c->discard_sector_alignment = htole32(8);
	c->max_write_zeroes_sectors = htole32(BLK_MAX_DISCARD_SECTORS);
	c->max_write_zeroes_seg = htole32(BLK_MAX_DISCARD_SEG);
	c->write_zeroes_may_unmap = 1;

	b->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (b->stop_fd < 0)
		goto no_dev;
	if (virtio_mmio__init(&b->vdev, &blk_ops, b, mem, nq, BLK_QUEUE_SIZE)) {
		e = errno;
		close(b->stop_fd);
		errno = e;
		goto no_dev;
	}
	for (q = 0; q < nq; q++) {
		struct blk_worker *w = &b->workers[q];

		w->blk = b;
		w->q = q;
		snprintf(name, sizeof(name), "blk%u-q%u", index, q);
		/* Chains of 256 pages in any order: see virtqueue.c. */
		if (vq_chain__init_pages(&w->chain, mem))
			goto no_threads;
		if (dev_thread__create(&w->thread, THREAD_BLK, name,
				       blk__worker, w)) {
			vq_chain__free_pages(&w->chain);
			goto no_threads;
		}
	}
	return &b->vdev;
no_threads:
	e = errno;
	while (q--) {
		dev_thread__destroy(&b->workers[q].thread);
		vq_chain__free_pages(&b->workers[q].chain);
	}
	/* virtio_mmio__init's eventfds: turtle stops anyway. */
	close(b->stop_fd);
	errno = e;
no_dev:
	errbuf_set(err, "disk '%s': cannot set up the device: %s", o->path,
		   strerror(errno));
fail:
	if (b)
		blk_map__teardown(&b->be);
	close(fd);
	free(b);
	return NULL;
}
