// SPDX-License-Identifier: GPL-2.0
/* The virtqueue tests' fixture (see virtqueue-fixture.h). */
#include "virtqueue-fixture.h"

#include <check.h>
#include <endian.h>
#include <stdlib.h>
#include <string.h>

struct guest_mem gmem;
struct virtqueue vq;
struct vq_chain chain;

struct vq_driver drv;

void *host(uint64_t gpa)
{
	return gmem.host + (gpa - RAM_BASE);
}

/* A fresh queue over zeroed rings, the driver starting at index 0. */
void queue(uint16_t size, bool event_idx, bool indirect)
{
	memset(gmem.host, 0, RAM_SIZE);
	ck_assert_int_eq(vq__setup(&vq, &gmem, size, DESC_GPA, AVAIL_GPA,
				   USED_GPA, event_idx, indirect),
			 0);
	drv.desc = host(DESC_GPA);
	drv.avail = host(AVAIL_GPA);
	drv.used = host(USED_GPA);
	drv.size = size;
	drv.avail_idx = 0;
}

void vqf__setup(void)
{
	gmem.host = aligned_alloc(4096, RAM_SIZE);
	ck_assert_ptr_nonnull(gmem.host);
	gmem.base = RAM_BASE;
	gmem.size = RAM_SIZE;
	queue(QSIZE, false, true);
}

void vqf__teardown(void)
{
	vq_chain__free_pages(&chain);
	free(gmem.host);
	gmem.host = NULL;
}

/* The same, with the chain's page bitmaps (the overlap check's O(n) path). */
void vqf__setup_pages(void)
{
	vqf__setup();
	ck_assert_int_eq(vq_chain__init_pages(&chain, &gmem), 0);
}

/* Every bit of both bitmaps clear (as between chains). */
bool pages_clear(void)
{
	uint64_t i, words = 2 * ((chain.npages + 63) / 64);

	for (i = 0; i < words; i++)
		if (chain.pages[i])
			return false;
	return true;
}

static void set_desc(struct vring_desc *table, uint16_t i, uint64_t addr,
		     uint32_t len, uint16_t flags, uint16_t next)
{
	table[i].addr = htole64(addr);
	table[i].len = htole32(len);
	table[i].flags = htole16(flags);
	table[i].next = htole16(next);
}

/* Descriptor i of the queue's own table. */
void desc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
	  uint16_t next)
{
	set_desc(drv.desc, i, addr, len, flags, next);
}

/* Entry i of the indirect table at TABLE_GPA. */
void idesc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
	   uint16_t next)
{
	set_desc(host(TABLE_GPA), i, addr, len, flags, next);
}

/* Offer the chain starting at head. */
void publish(uint16_t head)
{
	drv.avail->ring[drv.avail_idx & (drv.size - 1)] = htole16(head);
	drv.avail_idx++;
	drv.avail->idx = htole16(drv.avail_idx);
}

/* Start both sides at index start, as if start chains had gone by. */
void start_at(uint16_t start)
{
	vq.last_avail = vq.used_idx = start;
	drv.avail_idx = start;
	drv.avail->idx = drv.used->idx = htole16(start);
}

/* Pop must fail, and keep failing even once a good chain is offered. */
void assert_bad(void)
{
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_BAD);
	ck_assert(vq.broken);
	desc(GOOD, DATA_GPA, 1, 0, 0);
	publish(GOOD);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_BAD);
}

/* Offer a single readable buffer at addr and expect pop to fail. */
void assert_bad_buffer(uint64_t addr, uint32_t len)
{
	desc(0, addr, len, 0, 0);
	publish(0);
	assert_bad();
}

/* Offer head 0 pointing at an indirect table of len bytes at gpa. */
void indirect_head(uint64_t gpa, uint32_t len)
{
	desc(0, gpa, len, F_INDIRECT, 0);
	publish(0);
}
