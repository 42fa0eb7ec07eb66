// SPDX-License-Identifier: GPL-2.0
#include "mmio.h"

#include <endian.h>
#include <errno.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../lib/log.h"

#define VIRTIO_MMIO_MAGIC 0x74726976 /* "virt" */

/* What the transport itself offers on top of the device's features. */
#define TRANSPORT_FEATURES                                                  \
	((1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_RING_F_EVENT_IDX) | \
	 (1ULL << VIRTIO_RING_F_INDIRECT_DESC))

static uint64_t device_features(struct virtio_dev *vdev)
{
	return vdev->ops->features(vdev) | TRANSPORT_FEATURES;
}

int virtio__has_feature(const struct virtio_dev *vdev, unsigned int f)
{
	return f < 64 && (vdev->driver_features & (1ULL << f));
}

/* The register block's word at off, as the driver reads it (little-endian). */
static uint32_t *reg(struct virtio_dev *vdev, uint64_t off)
{
	return &vdev->regs[off / 4];
}

static void reg_set(struct virtio_dev *vdev, uint64_t off, uint32_t v)
{
	__atomic_store_n(reg(vdev, off), htole32(v), __ATOMIC_SEQ_CST);
}

static uint32_t reg_get(struct virtio_dev *vdev, uint64_t off)
{
	return le32toh(__atomic_load_n(reg(vdev, off), __ATOMIC_SEQ_CST));
}

static void raise_irq(struct virtio_dev *vdev, uint32_t why)
{
	uint64_t one = 1;

	/* Visible to the driver's read before the interrupt can arrive. */
	__atomic_or_fetch(reg(vdev, VIRTIO_MMIO_INTERRUPT_STATUS), htole32(why),
			  __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&vdev->irqs, 1, __ATOMIC_RELAXED);
	if (write(vdev->call_fd, &one, sizeof(one)) < 0) {
		/* The eventfd counter cannot overflow in practice. */
	}
}

void virtio__signal_used(struct virtio_dev *vdev, unsigned int q)
{
	(void)q;
	raise_irq(vdev, VIRTIO_MMIO_INT_VRING);
}

/*
 * Lock-free on purpose: a device thread calls this, and a reset (under the
 * lock) waits for the device threads to stop.
 */
void virtio__needs_reset(struct virtio_dev *vdev)
{
	__atomic_store_n(&vdev->needs_reset, 1, __ATOMIC_SEQ_CST);
	__atomic_or_fetch(reg(vdev, VIRTIO_MMIO_STATUS),
			  htole32(VIRTIO_CONFIG_S_NEEDS_RESET),
			  __ATOMIC_SEQ_CST);
	raise_irq(vdev, VIRTIO_MMIO_INT_CONFIG);
}

uint64_t virtio__chains(struct virtio_dev *vdev, unsigned int q)
{
	struct virtio_queue *vq = &vdev->queues[q];

	return vq->chains_past +
	       __atomic_load_n(&vq->vq.chains, __ATOMIC_RELAXED);
}

/* A queue's vq starts again at zero: keep what it counted. */
static void keep_chains(struct virtio_queue *q)
{
	q->chains_past += q->vq.chains;
	q->vq.chains = 0;
}

void virtio__report(struct virtio_dev *vdev)
{
	char q[160] = "";
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < vdev->nr_queues && n < sizeof(q); i++)
		n += (size_t)snprintf(
			q + n, sizeof(q) - n, " %llu",
			(unsigned long long)virtio__chains(vdev, i));
	pr_info("%s@0x%llx: interrupts=%llu status_reads=%llu chains per queue:%s",
		vdev->ops->name, (unsigned long long)vdev->base,
		(unsigned long long)__atomic_load_n(&vdev->irqs,
						    __ATOMIC_RELAXED),
		(unsigned long long)__atomic_load_n(&vdev->isr_reads,
						    __ATOMIC_RELAXED),
		q);
}

static uint32_t get_status(struct virtio_dev *vdev)
{
	return vdev->status |
	       (__atomic_load_n(&vdev->needs_reset, __ATOMIC_SEQ_CST)
			? VIRTIO_CONFIG_S_NEEDS_RESET
			: 0);
}

/* Consume a non-blocking eventfd's count, if any. */
static void drain_eventfd(int fd)
{
	uint64_t v;

	while (read(fd, &v, sizeof(v)) > 0)
		;
}

/*
 * Back to the state after power-on: the driver wrote 0 to Status. The
 * device has stopped before the interrupt state goes, so no signal from
 * before the reset is left to fire after it.
 */
static void virtio_mmio__reset(struct virtio_dev *vdev)
{
	unsigned int i;

	if (vdev->started && vdev->ops->stop)
		vdev->ops->stop(vdev);
	vdev->started = 0;
	vdev->status = 0;
	__atomic_store_n(&vdev->needs_reset, 0, __ATOMIC_SEQ_CST);
	vdev->driver_features = 0;
	vdev->dev_features_sel = vdev->drv_features_sel = 0;
	vdev->queue_sel = 0;
	reg_set(vdev, VIRTIO_MMIO_INTERRUPT_STATUS, 0);
	drain_eventfd(vdev->call_fd);
	for (i = 0; i < vdev->nr_queues; i++) {
		struct virtio_queue *q = &vdev->queues[i];

		q->num = 0;
		q->ready = 0;
		q->desc = q->avail = q->used = 0;
		keep_chains(q);
		memset(&q->vq, 0, sizeof(q->vq));
		drain_eventfd(q->kick_fd);
	}
}

static void set_status(struct virtio_dev *vdev, uint32_t v)
{
	uint64_t offered = device_features(vdev);

	if (v == 0) {
		virtio_mmio__reset(vdev);
		return;
	}
	if ((v & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    !(vdev->status & VIRTIO_CONFIG_S_FEATURES_OK)) {
		/* Refuse features we did not offer, and legacy drivers. */
		if ((vdev->driver_features & ~offered) ||
		    !virtio__has_feature(vdev, VIRTIO_F_VERSION_1))
			v &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	}
	v &= ~VIRTIO_CONFIG_S_NEEDS_RESET; /* the device's bit, not the driver's
					    */
	if ((v & VIRTIO_CONFIG_S_DRIVER_OK) && !vdev->started &&
	    !(get_status(vdev) & VIRTIO_CONFIG_S_NEEDS_RESET)) {
		vdev->status = v;
		if (vdev->ops->start && vdev->ops->start(vdev)) {
			/* Undo a partial start, and tell the driver. */
			if (vdev->ops->stop)
				vdev->ops->stop(vdev);
			virtio__needs_reset(vdev);
			return;
		}
		vdev->started = 1;
		return;
	}
	vdev->status = v;
}

static void queue_ready(struct virtio_dev *vdev, struct virtio_queue *q,
			uint32_t v)
{
	if (!v) {
		q->ready = 0;
		return;
	}
	keep_chains(q);
	if (vq__setup(&q->vq, &vdev->mem, q->num, q->desc, q->avail, q->used,
		      virtio__has_feature(vdev, VIRTIO_RING_F_EVENT_IDX),
		      virtio__has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC))) {
		virtio__needs_reset(vdev);
		return;
	}
	q->ready = 1;
}

static struct virtio_queue *cur_queue(struct virtio_dev *vdev)
{
	return vdev->queue_sel < vdev->nr_queues
		       ? &vdev->queues[vdev->queue_sel]
		       : NULL;
}

/*
 * After any change, under the lock: every readable register (but
 * InterruptStatus, which raise_irq and the ACK change in place) and the
 * config space, as the driver will read them.
 */
static void regs_update(struct virtio_dev *vdev)
{
	struct virtio_queue *q = cur_queue(vdev);
	uint8_t cfg[VIRTIO_MMIO_REGS_SIZE - VIRTIO_MMIO_CONFIG];
	uint64_t f = device_features(vdev);
	uint32_t size = vdev->ops->config_size;

	reg_set(vdev, VIRTIO_MMIO_MAGIC_VALUE, VIRTIO_MMIO_MAGIC);
	reg_set(vdev, VIRTIO_MMIO_VERSION, 2);
	reg_set(vdev, VIRTIO_MMIO_DEVICE_ID, vdev->ops->device_id);
	reg_set(vdev, VIRTIO_MMIO_VENDOR_ID, VIRTIO_MMIO_VENDOR);
	reg_set(vdev, VIRTIO_MMIO_DEVICE_FEATURES,
		vdev->dev_features_sel == 0   ? (uint32_t)f
		: vdev->dev_features_sel == 1 ? (uint32_t)(f >> 32)
					      : 0);
	reg_set(vdev, VIRTIO_MMIO_QUEUE_NUM_MAX, q ? vdev->queue_max : 0);
	reg_set(vdev, VIRTIO_MMIO_QUEUE_READY, q ? q->ready : 0);
	reg_set(vdev, VIRTIO_MMIO_CONFIG_GENERATION, vdev->config_generation);
	reg_set(vdev, VIRTIO_MMIO_STATUS, get_status(vdev));
	/* A device thread's NEEDS_RESET that came meanwhile stays. */
	if (__atomic_load_n(&vdev->needs_reset, __ATOMIC_SEQ_CST))
		__atomic_or_fetch(reg(vdev, VIRTIO_MMIO_STATUS),
				  htole32(VIRTIO_CONFIG_S_NEEDS_RESET),
				  __ATOMIC_SEQ_CST);
	if (vdev->ops->config_read && size) {
		if (size > sizeof(cfg))
			size = sizeof(cfg);
		vdev->ops->config_read(vdev, 0, cfg, size);
		memcpy((uint8_t *)vdev->regs + VIRTIO_MMIO_CONFIG, cfg, size);
	}
}

static uint32_t reg_read(struct virtio_dev *vdev, uint64_t off)
{
	if (off == VIRTIO_MMIO_INTERRUPT_STATUS)
		__atomic_add_fetch(&vdev->isr_reads, 1, __ATOMIC_RELAXED);
	return reg_get(vdev, off);
}

static void set_addr(uint64_t *a, int high, uint32_t v)
{
	if (high)
		*a = (*a & 0xffffffffULL) | ((uint64_t)v << 32);
	else
		*a = (*a & ~0xffffffffULL) | v;
}

static void reg_write(struct virtio_dev *vdev, uint64_t off, uint32_t v)
{
	struct virtio_queue *q = cur_queue(vdev);
	uint64_t one = 1;

	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		vdev->dev_features_sel = v;
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		/* Features are fixed once FEATURES_OK is set. */
		if (vdev->status & VIRTIO_CONFIG_S_FEATURES_OK)
			return;
		if (vdev->drv_features_sel == 0)
			vdev->driver_features =
				(vdev->driver_features & ~0xffffffffULL) | v;
		else if (vdev->drv_features_sel == 1)
			vdev->driver_features =
				(vdev->driver_features & 0xffffffffULL) |
				((uint64_t)v << 32);
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		vdev->drv_features_sel = v;
		return;
	case VIRTIO_MMIO_QUEUE_SEL:
		vdev->queue_sel = v;
		return;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		/* Only without ioeventfd: KVM signals the eventfd itself. */
		if (v < vdev->nr_queues &&
		    write(vdev->queues[v].kick_fd, &one, sizeof(one)) < 0)
			return;
		return;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		/* The used-buffer bit stays until reset (see mmio.h). */
		v &= ~(uint32_t)VIRTIO_MMIO_INT_VRING;
		__atomic_and_fetch(reg(vdev, VIRTIO_MMIO_INTERRUPT_STATUS),
				   ~htole32(v), __ATOMIC_SEQ_CST);
		return;
	case VIRTIO_MMIO_STATUS:
		set_status(vdev, v);
		return;
	}
	/* Queue registers: only for a valid queue that is not live yet. */
	if (!q || (q->ready && off != VIRTIO_MMIO_QUEUE_READY) || vdev->started)
		return;
	switch (off) {
	case VIRTIO_MMIO_QUEUE_NUM:
		q->num = v <= vdev->queue_max ? (uint16_t)v : 0;
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		queue_ready(vdev, q, v);
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		set_addr(&q->desc, off == VIRTIO_MMIO_QUEUE_DESC_HIGH, v);
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		set_addr(&q->avail, off == VIRTIO_MMIO_QUEUE_AVAIL_HIGH, v);
		break;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		set_addr(&q->used, off == VIRTIO_MMIO_QUEUE_USED_HIGH, v);
		break;
	}
}

/* Whether [off, off + len) lies inside the device's config space. */
static int config_in_bounds(const struct virtio_dev *vdev, uint64_t off,
			    uint32_t len)
{
	return off < vdev->ops->config_size &&
	       len <= vdev->ops->config_size - off;
}

static void virtio_mmio__read(void *dev, uint64_t off, uint8_t *data,
			      uint32_t len)
{
	struct virtio_dev *vdev = dev;
	uint32_t v;

	/* What the guest would read from the register block in memory. */
	if (off >= VIRTIO_MMIO_CONFIG) {
		if (!vdev->ops->config_read ||
		    !config_in_bounds(vdev, off - VIRTIO_MMIO_CONFIG, len))
			return;
		pthread_mutex_lock(&vdev->lock);
		memcpy(data, (uint8_t *)vdev->regs + off, len);
		pthread_mutex_unlock(&vdev->lock);
		return;
	}
	if (len != 4 || (off & 3))
		return; /* registers are 32-bit only: reads as 0 */
	v = htole32(reg_read(vdev, off));
	memcpy(data, &v, 4);
}

static void virtio_mmio__write(void *dev, uint64_t off, const uint8_t *data,
			       uint32_t len)
{
	struct virtio_dev *vdev = dev;
	uint32_t v;

	if (off >= VIRTIO_MMIO_CONFIG) {
		off -= VIRTIO_MMIO_CONFIG;
		if (!vdev->ops->config_write ||
		    !config_in_bounds(vdev, off, len))
			return;
		pthread_mutex_lock(&vdev->lock);
		vdev->ops->config_write(vdev, off, data, len);
		regs_update(vdev);
		pthread_mutex_unlock(&vdev->lock);
		return;
	}
	if (len != 4 || (off & 3))
		return;
	memcpy(&v, data, 4);
	pthread_mutex_lock(&vdev->lock);
	reg_write(vdev, off, le32toh(v));
	/* The writes of every interrupt and kick change nothing else. */
	if (off != VIRTIO_MMIO_INTERRUPT_ACK && off != VIRTIO_MMIO_QUEUE_NOTIFY)
		regs_update(vdev);
	pthread_mutex_unlock(&vdev->lock);
}

void virtio_mmio__regs_at(struct virtio_dev *vdev, uint32_t *at)
{
	pthread_mutex_lock(&vdev->lock);
	memcpy(at, vdev->regs, VIRTIO_MMIO_REGS_SIZE);
	__atomic_store_n(&vdev->regs, at, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&vdev->lock);
}

const struct mmio_ops virtio_mmio__ops = {
	.read = virtio_mmio__read,
	.write = virtio_mmio__write,
};

int virtio_mmio__init(struct virtio_dev *vdev, const struct virtio_dev_ops *ops,
		      void *priv, const struct guest_mem *mem,
		      unsigned int nr_queues, uint16_t queue_max)
{
	unsigned int i;
	int err;

	if (nr_queues == 0 || nr_queues > VIRTIO_MAX_QUEUES || queue_max == 0 ||
	    queue_max > VQ_MAX_SIZE) {
		errno = EINVAL;
		return -1;
	}
	memset(vdev, 0, sizeof(*vdev));
	vdev->ops = ops;
	vdev->priv = priv;
	vdev->mem = *mem;
	vdev->nr_queues = nr_queues;
	vdev->queue_max = queue_max;
	vdev->call_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vdev->call_fd < 0)
		return -1;
	vdev->ack_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vdev->ack_fd < 0) {
		err = errno;
		close(vdev->call_fd);
		errno = err;
		return -1;
	}
	for (i = 0; i < nr_queues; i++) {
		vdev->queues[i].kick_fd =
			eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (vdev->queues[i].kick_fd < 0)
			goto undo;
	}
	pthread_mutex_init(&vdev->lock, NULL);
	vdev->regs = vdev->own_regs;
	regs_update(vdev);
	return 0;
undo:
	err = errno;
	while (i--)
		close(vdev->queues[i].kick_fd);
	close(vdev->ack_fd);
	close(vdev->call_fd);
	errno = err;
	return -1;
}
