/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtqueue tests' fixture (test_virtqueue.c, test_virtqueue_pages.c):
 * a queue over fake guest RAM, and the driver's side of its rings. The
 * helpers keep the short names the tests use.
 */
#ifndef TURTLE_TESTS_UNIT_VIRTQUEUE_FIXTURE_H
#define TURTLE_TESTS_UNIT_VIRTQUEUE_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "../../virtio/virtqueue.h"

/* Fake guest RAM and where the test driver puts things in it. */
#define RAM_BASE 0x40000000ULL
#define RAM_SIZE (1ULL << 20)
#define RAM_END (RAM_BASE + RAM_SIZE)
#define DESC_GPA (RAM_BASE + 0x0000) /* up to VQ_MAX_SIZE entries */
#define AVAIL_GPA (RAM_BASE + 0x4000)
#define USED_GPA (RAM_BASE + 0x5000)
#define TABLE_GPA (RAM_BASE + 0x8000) /* indirect tables */
#define DATA_GPA (RAM_BASE + 0x10000) /* buffers */
#define QSIZE 8
#define GOOD (QSIZE - 1) /* a descriptor the tests keep valid */

#define F_NEXT VRING_DESC_F_NEXT
#define F_WRITE VRING_DESC_F_WRITE
#define F_INDIRECT VRING_DESC_F_INDIRECT

extern struct guest_mem gmem;
extern struct virtqueue vq;
extern struct vq_chain chain;

/* The driver's side: its rings and its copy of avail->idx. */
struct vq_driver {
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t size;
	uint16_t avail_idx;
};
extern struct vq_driver drv;

/* Where gpa is in the fake RAM. */
void *host(uint64_t gpa);
/* A fresh queue over zeroed rings, the driver starting at index 0. */
void queue(uint16_t size, bool event_idx, bool indirect);
/* RAM and a queue of QSIZE with indirect descriptors, no event index. */
void vqf__setup(void);
void vqf__teardown(void);
/* The same, with the chain's page bitmaps (the overlap check's O(n) path). */
void vqf__setup_pages(void);
/* Every bit of both bitmaps clear (as between chains). */
bool pages_clear(void);
/* Descriptor i of the queue's own table. */
void desc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
	  uint16_t next);
/* Entry i of the indirect table at TABLE_GPA. */
void idesc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
	   uint16_t next);
/* Offer the chain starting at head. */
void publish(uint16_t head);
/* Start both sides at index start, as if start chains had gone by. */
void start_at(uint16_t start);
/* Pop must fail, and keep failing even once a good chain is offered. */
void assert_bad(void);
/* Offer a single readable buffer at addr and expect pop to fail. */
void assert_bad_buffer(uint64_t addr, uint32_t len);
/* Offer head 0 pointing at an indirect table of len bytes at gpa. */
void indirect_head(uint64_t gpa, uint32_t len);

#endif
