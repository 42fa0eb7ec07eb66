/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio-mmio transport, version 2 (virtio 1.x, section 4.2), and the
 * ops struct that every virtio device implements.
 *
 * A device is a struct virtio_dev plus its ops. The transport owns the
 * register file (features, status, queue addresses) and the per-queue
 * state; the device owns its config space and the work. The vCPU threads
 * only ever touch registers: guest kicks arrive on each queue's kick
 * eventfd (KVM_IOEVENTFD on QueueNotify, so the vCPU does not exit to
 * turtle at all), and the device signals used buffers through the call
 * eventfd (KVM_IRQFD), so the device's own threads do the I/O.
 *
 * Status state machine (driver side, section 3.1): reset (0) ->
 * ACKNOWLEDGE -> DRIVER -> FEATURES_OK (accepted only if the driver's
 * features are ours and include VERSION_1) -> queue setup -> DRIVER_OK
 * (ops->start) ... -> 0 again (ops->stop, queues forgotten, a pending
 * interrupt dropped: InterruptStatus cleared, the call eventfd drained).
 * A queue whose rings are bad, or a malformed chain, sets NEEDS_RESET and
 * raises a config interrupt; nothing else happens until the driver resets.
 *
 * Interrupts without exits. The interrupt is an edge (KVM_IRQFD): every
 * raise is one interrupt, whatever InterruptStatus holds. The driver reads
 * InterruptStatus from memory (the register block is mapped read-only),
 * and its acknowledgement of a used-buffer interrupt, a write of
 * VIRTIO_MMIO_INT_VRING to InterruptACK, ends in KVM on an ioeventfd
 * (ack_fd, which nobody reads) instead of exiting to turtle. So the
 * used-buffer bit is never cleared by an ACK: once set it stays set until
 * reset. Clearing it later, when turtle got round to the ACK, could clear
 * a newer raise the driver has not seen yet, and the driver, reading 0,
 * would leave that buffer unprocessed; a bit that stays set costs a driver
 * only a look at its used rings on each interrupt, which it takes anyway.
 * The config bit is ACKed as usual: those writes still reach turtle.
 */
#ifndef TURTLE_VIRTIO_MMIO_H
#define TURTLE_VIRTIO_MMIO_H

#include <pthread.h>
#include <stdint.h>

#include "../lib/mmio.h"
#include "guest-mem.h"
#include "virtqueue.h"

#define VIRTIO_MAX_QUEUES 16
#define VIRTIO_MMIO_VENDOR 0x54525455 /* "UTRT": turtle */
/* One device's register block: registers, then config space from 0x100. */
#define VIRTIO_MMIO_REGS_SIZE 0x200

struct virtio_dev;

struct virtio_dev_ops {
	const char *name;
	uint32_t device_id; /* VIRTIO_ID_* */
	/* Device-specific feature bits (the transport adds its own). */
	uint64_t (*features)(struct virtio_dev *vdev);
	/* Config space reads and writes, bounds already checked. */
	void (*config_read)(struct virtio_dev *vdev, uint64_t off,
			    uint8_t *data, uint32_t len);
	void (*config_write)(struct virtio_dev *vdev, uint64_t off,
			     const uint8_t *data, uint32_t len);
	uint32_t config_size;
	/* DRIVER_OK: the ready queues are set up; start working them. */
	int (*start)(struct virtio_dev *vdev);
	/*
	 * Reset, or start() failed: stop all work on the queues (whatever
	 * start() got going) and wait until it has stopped.
	 */
	void (*stop)(struct virtio_dev *vdev);
};

struct virtio_queue {
	uint16_t num; /* QueueNum as the driver set it */
	uint32_t ready;
	uint64_t desc, avail, used;
	struct virtqueue vq;  /* set up when the queue becomes ready */
	int kick_fd;	      /* eventfd: the guest kicked this queue */
	uint64_t chains_past; /* chains of the queue's lives before vq's */
};

struct virtio_dev {
	const struct virtio_dev_ops *ops;
	void *priv; /* the device's own state */
	struct guest_mem mem;

	pthread_mutex_t lock; /* the register file */
	uint32_t status;      /* as the driver wrote it */
	int needs_reset;      /* atomic: the device saw a broken queue */
	uint32_t dev_features_sel, drv_features_sel;
	uint64_t driver_features;
	uint32_t queue_sel;
	uint32_t config_generation;
	/*
	 * What the driver reads: every readable register and the config
	 * space, kept up to date on every write and event (InterruptStatus
	 * is its word here, changed atomically), at regs, which is own_regs
	 * or a block of a page the guest reads directly (virtio_mmio__regs_at).
	 */
	uint32_t *regs;
	uint32_t own_regs[VIRTIO_MMIO_REGS_SIZE / 4];
	int started;

	unsigned int nr_queues;
	uint16_t queue_max;
	struct virtio_queue queues[VIRTIO_MAX_QUEUES];
	int call_fd; /* eventfd: raise the device's interrupt */
	int ack_fd;  /* eventfd: KVM's sink for used-buffer ACKs (unread) */
	uint64_t irqs,
		isr_reads; /* atomic: interrupts, InterruptStatus reads */

	uint64_t base; /* where the transport sits in guest memory */
	unsigned int spi;
};

extern const struct mmio_ops virtio_mmio__ops;

/*
 * Move the device's register block to at (VIRTIO_MMIO_REGS_SIZE bytes,
 * 8-aligned, before the guest runs), where turtle maps it into the guest
 * read-only (KVM_MEM_READONLY): the driver's reads are then plain memory
 * reads that never exit, and only its writes reach the device.
 */
void virtio_mmio__regs_at(struct virtio_dev *vdev, uint32_t *at);

/*
 * Set up the transport for a device with nr_queues queues of up to max:
 * 0, or -1 with errno set and nothing left open.
 */
int virtio_mmio__init(struct virtio_dev *vdev, const struct virtio_dev_ops *ops,
		      void *priv, const struct guest_mem *mem,
		      unsigned int nr_queues, uint16_t queue_max);

/* From a device thread: used buffers are ready on this queue. */
void virtio__signal_used(struct virtio_dev *vdev, unsigned int q);
/* From a device thread: the driver broke the rules; stop until reset. */
void virtio__needs_reset(struct virtio_dev *vdev);

/*
 * One line on stderr: the interrupts raised, InterruptStatus reads, and
 * each queue's chains (SIGUSR1 reports and --stats).
 */
/* Chains the device took from queue q since power-on, across resets. */
uint64_t virtio__chains(struct virtio_dev *vdev, unsigned int q);
void virtio__report(struct virtio_dev *vdev);
/* Whether feature bit f was negotiated. */
int virtio__has_feature(const struct virtio_dev *vdev, unsigned int f);

#endif
