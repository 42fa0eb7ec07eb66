/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Split virtqueues (virtio 1.x, section 2.7), from the device's side.
 *
 * The driver (guest) owns three areas in guest RAM: the descriptor table,
 * the available ring (driver -> device: heads of chains to process) and the
 * used ring (device -> driver: heads of finished chains and bytes written).
 * The device pops chains from the available ring, turns each into host
 * iovecs, and pushes the head onto the used ring when done.
 *
 * Nothing the guest writes is trusted. Every descriptor is read once into a
 * local copy (the guest may change it concurrently) and checked: addresses
 * and lengths inside RAM, the head and every `next` below the queue size,
 * chains no longer than the queue (so a `next` loop ends), an indirect
 * table only when negotiated, a multiple of 16 bytes, inside RAM, never
 * itself holding an INDIRECT descriptor and never combined with NEXT,
 * no zero-length buffers, no two buffers of a chain overlapping, and every
 * device-writable buffer after every device-readable one. A chain that
 * fails any check makes vq__pop() return VQ_BAD; the device then sets
 * VIRTIO_CONFIG_S_NEEDS_RESET and stops using the queue.
 *
 * Notification suppression: without VIRTIO_RING_F_EVENT_IDX the device
 * interrupts unless the driver set VRING_AVAIL_F_NO_INTERRUPT; with it, the
 * device interrupts only when the used index crosses the driver's
 * used_event (vring_need_event()), and publishes avail_event so the driver
 * kicks only when needed.
 *
 * Threading: one thread at a time works a queue (its device's worker).
 */
#ifndef TURTLE_VIRTIO_VIRTQUEUE_H
#define TURTLE_VIRTIO_VIRTQUEUE_H

#include <linux/virtio_ring.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "guest-mem.h"

#define VQ_MAX_SIZE 1024 /* largest queue size a device offers */
/*
 * Most buffers in one chain turtle accepts: a 1 MiB block request in 4 KiB
 * pages (256) with its header and status, so that Linux does not split it
 * in two (virtio-blk's seg_max is VQ_MAX_SEGS - 2).
 */
#define VQ_MAX_SEGS 258

struct vq_chain {
	uint16_t head;	    /* what vq__push() gives back */
	unsigned int n_out; /* device-readable buffers: iov[0 .. n_out) */
	unsigned int n_in;  /* device-writable: iov[n_out .. n_out + n_in) */
	uint64_t out_len, in_len; /* total bytes of each kind */
	struct iovec iov[VQ_MAX_SEGS];
	/*
	 * Optional scratch for the overlap check (vq_chain__init_pages()): two
	 * bitmaps of guest RAM's pages, clear between chains. NULL: the check
	 * sorts the chain instead.
	 */
	uint64_t *pages;
	uint64_t npages;
};

struct virtqueue {
	const struct guest_mem *mem;
	uint16_t size;	/* QueueNum: a power of 2, 1..VQ_MAX_SIZE */
	bool event_idx; /* VIRTIO_RING_F_EVENT_IDX negotiated */
	bool indirect;	/* VIRTIO_RING_F_INDIRECT_DESC negotiated */

	struct vring_desc *desc; /* host views, checked by vq__setup() */
	struct vring_avail *avail;
	struct vring_used *used;

	uint16_t last_avail;	 /* next available ring entry to pop */
	uint16_t used_idx;	 /* our copy of used->idx */
	uint16_t signalled_used; /* used_idx at the last interrupt */
	bool signalled_valid;
	bool broken; /* a bad chain was seen: the queue is dead until reset */
	uint64_t chains; /* chains popped, ever (reports) */
};

enum vq_pop_result {
	VQ_EMPTY = 0,
	VQ_CHAIN = 1,
	VQ_BAD = -1,
};

/*
 * Point vq at the rings the driver configured. Checks that size is a power
 * of 2 no larger than VQ_MAX_SIZE, that each area is wholly in RAM and
 * aligned as the spec requires (desc 16, avail 2, used 4). Returns 0 or -1.
 */
int vq__setup(struct virtqueue *vq, const struct guest_mem *mem, uint16_t size,
	      uint64_t desc_gpa, uint64_t avail_gpa, uint64_t used_gpa,
	      bool event_idx, bool indirect);

/*
 * Give c the page bitmaps (2 bits a page of mem's RAM: RAM size / 16 KiB,
 * touched lazily) that make the overlap check of an out-of-order chain
 * O(buffers + pages) instead of a sort. 0, or -1 if out of memory.
 */
int vq_chain__init_pages(struct vq_chain *c, const struct guest_mem *mem);
void vq_chain__free_pages(struct vq_chain *c);

/* Take the next available chain into c. VQ_EMPTY, VQ_CHAIN or VQ_BAD. */
enum vq_pop_result vq__pop(struct virtqueue *vq, struct vq_chain *c);

/* Return a chain: head as popped, written = bytes the device wrote. */
void vq__push(struct virtqueue *vq, uint16_t head, uint32_t written);

/*
 * After pushes: should the driver be interrupted now? Applies
 * VRING_AVAIL_F_NO_INTERRUPT or, with event_idx, used_event.
 */
bool vq__should_notify(struct virtqueue *vq);

/*
 * Ask the driver for kicks (before the worker sleeps) or not (while it is
 * busy draining the queue). With event_idx this publishes avail_event.
 * vq__enable_kicks() returns true if chains arrived meanwhile, so the
 * worker must drain again instead of sleeping.
 */
bool vq__enable_kicks(struct virtqueue *vq);
void vq__disable_kicks(struct virtqueue *vq);

#endif
