// SPDX-License-Identifier: GPL-2.0
/* vq__setup, vq__pop, vq__push and notifications: split virtqueues. */
#include <endian.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../virtio/virtqueue.h"
#include "suites.h"

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

static struct guest_mem mem;
static struct virtqueue vq;
static struct vq_chain chain;

/* The driver's side: its rings and its copy of avail->idx. */
static struct {
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t size;
	uint16_t avail_idx;
} drv;

static void *host(uint64_t gpa)
{
	return mem.host + (gpa - RAM_BASE);
}

/* A fresh queue over zeroed rings, the driver starting at index 0. */
static void queue(uint16_t size, bool event_idx, bool indirect)
{
	memset(mem.host, 0, RAM_SIZE);
	ck_assert_int_eq(vq__setup(&vq, &mem, size, DESC_GPA, AVAIL_GPA,
				   USED_GPA, event_idx, indirect),
			 0);
	drv.desc = host(DESC_GPA);
	drv.avail = host(AVAIL_GPA);
	drv.used = host(USED_GPA);
	drv.size = size;
	drv.avail_idx = 0;
}

static void setup(void)
{
	mem.host = aligned_alloc(4096, RAM_SIZE);
	ck_assert_ptr_nonnull(mem.host);
	mem.base = RAM_BASE;
	mem.size = RAM_SIZE;
	queue(QSIZE, false, true);
}

static void teardown(void)
{
	vq_chain__free_pages(&chain);
	free(mem.host);
	mem.host = NULL;
}

/* The same, with the chain's page bitmaps (the overlap check's O(n) path). */
static void setup_pages(void)
{
	setup();
	ck_assert_int_eq(vq_chain__init_pages(&chain, &mem), 0);
}

/* Every bit of both bitmaps clear (as between chains). */
static bool pages_clear(void)
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
static void desc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
		 uint16_t next)
{
	set_desc(drv.desc, i, addr, len, flags, next);
}

/* Entry i of the indirect table at TABLE_GPA. */
static void idesc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
		  uint16_t next)
{
	set_desc(host(TABLE_GPA), i, addr, len, flags, next);
}

/* Offer the chain starting at head. */
static void publish(uint16_t head)
{
	drv.avail->ring[drv.avail_idx & (drv.size - 1)] = htole16(head);
	drv.avail_idx++;
	drv.avail->idx = htole16(drv.avail_idx);
}

static uint16_t used_idx(void)
{
	return le16toh(drv.used->idx);
}

static void set_used_event(uint16_t v)
{
	drv.avail->ring[drv.size] = htole16(v);
}

static uint16_t avail_event(void)
{
	__virtio16 v;

	memcpy(&v, &drv.used->ring[drv.size], sizeof(v));
	return le16toh(v);
}

/* Start both sides at index start, as if start chains had gone by. */
static void start_at(uint16_t start)
{
	vq.last_avail = vq.used_idx = start;
	drv.avail_idx = start;
	drv.avail->idx = drv.used->idx = htole16(start);
}

/* Pop must fail, and keep failing even once a good chain is offered. */
static void assert_bad(void)
{
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_BAD);
	ck_assert(vq.broken);
	desc(GOOD, DATA_GPA, 1, 0, 0);
	publish(GOOD);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_BAD);
}

/* Offer a single readable buffer at addr and expect pop to fail. */
static void assert_bad_buffer(uint64_t addr, uint32_t len)
{
	desc(0, addr, len, 0, 0);
	publish(0);
	assert_bad();
}

/* Offer head 0 pointing at an indirect table of len bytes at gpa. */
static void indirect_head(uint64_t gpa, uint32_t len)
{
	desc(0, gpa, len, F_INDIRECT, 0);
	publish(0);
}

/* Good chains. */

START_TEST(test_vq_pop_empty)
{
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_EMPTY);
	ck_assert(!vq.broken);
}
END_TEST

START_TEST(test_vq_pop_single_readable)
{
	desc(3, DATA_GPA, 100, 0, 0);
	publish(3);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_CHAIN);
	ck_assert_uint_eq(chain.head, 3);
	ck_assert_uint_eq(chain.n_out, 1);
	ck_assert_uint_eq(chain.n_in, 0);
	ck_assert_uint_eq(chain.out_len, 100);
	ck_assert_uint_eq(chain.in_len, 0);
	ck_assert_ptr_eq(chain.iov[0].iov_base, host(DATA_GPA));
	ck_assert_uint_eq(chain.iov[0].iov_len, 100);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_EMPTY);
}
END_TEST

START_TEST(test_vq_pop_readable_then_writable)
{
	desc(2, DATA_GPA, 16, F_NEXT, 5);
	desc(5, DATA_GPA + 0x1000, 512, F_WRITE | F_NEXT, 1);
	desc(1, DATA_GPA + 0x2000, 1, F_WRITE, 0);
	publish(2);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_CHAIN);
	ck_assert_uint_eq(chain.head, 2);
	ck_assert_uint_eq(chain.n_out, 1);
	ck_assert_uint_eq(chain.n_in, 2);
	ck_assert_uint_eq(chain.out_len, 16);
	ck_assert_uint_eq(chain.in_len, 513);
	ck_assert_ptr_eq(chain.iov[0].iov_base, host(DATA_GPA));
	ck_assert_uint_eq(chain.iov[0].iov_len, 16);
	ck_assert_ptr_eq(chain.iov[1].iov_base, host(DATA_GPA + 0x1000));
	ck_assert_uint_eq(chain.iov[1].iov_len, 512);
	ck_assert_ptr_eq(chain.iov[2].iov_base, host(DATA_GPA + 0x2000));
	ck_assert_uint_eq(chain.iov[2].iov_len, 1);
}
END_TEST

START_TEST(test_vq_pop_indirect)
{
	idesc(0, DATA_GPA, 16, F_NEXT, 2);
	idesc(2, DATA_GPA + 0x100, 4096, F_WRITE | F_NEXT, 1);
	idesc(1, DATA_GPA + 0x2000, 1, F_WRITE, 0);
	desc(4, TABLE_GPA, 3 * 16, F_INDIRECT, 0);
	publish(4);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_CHAIN);
	ck_assert_uint_eq(chain.head, 4);
	ck_assert_uint_eq(chain.n_out, 1);
	ck_assert_uint_eq(chain.n_in, 2);
	ck_assert_uint_eq(chain.out_len, 16);
	ck_assert_uint_eq(chain.in_len, 4097);
	ck_assert_ptr_eq(chain.iov[0].iov_base, host(DATA_GPA));
	ck_assert_ptr_eq(chain.iov[1].iov_base, host(DATA_GPA + 0x100));
	ck_assert_ptr_eq(chain.iov[2].iov_base, host(DATA_GPA + 0x2000));
}
END_TEST

START_TEST(test_vq_pop_adjacent_buffers)
{
	desc(0, DATA_GPA, 16, F_NEXT, 1);
	desc(1, DATA_GPA + 16, 16, 0, 0);
	publish(0);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_CHAIN);
	ck_assert_uint_eq(chain.n_out, 2);
}
END_TEST

START_TEST(test_vq_pop_buffer_ending_at_ram_end)
{
	desc(0, RAM_END - 10, 10, 0, 0);
	publish(0);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_CHAIN);
	ck_assert_ptr_eq(chain.iov[0].iov_base, host(RAM_END - 10));
}
END_TEST

START_TEST(test_vq_pop_full_ring)
{
	uint16_t i;

	for (i = 0; i < QSIZE; i++) {
		desc(i, DATA_GPA + i * 0x100, 0x100, 0, 0);
		publish(i);
	}
	for (i = 0; i < QSIZE; i++) {
		ck_assert_int_eq(vq__pop(&vq, &chain), VQ_CHAIN);
		ck_assert_uint_eq(chain.head, i);
	}
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_EMPTY);
}
END_TEST

START_TEST(test_vq_pop_max_segs)
{
	uint16_t i;

	for (i = 0; i < VQ_MAX_SEGS; i++)
		idesc(i, DATA_GPA + i, 1, F_NEXT, i + 1);
	idesc(VQ_MAX_SEGS - 1, DATA_GPA + VQ_MAX_SEGS - 1, 1, 0, 0);
	indirect_head(TABLE_GPA, VQ_MAX_SEGS * 16);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_CHAIN);
	ck_assert_uint_eq(chain.n_out, VQ_MAX_SEGS);
	ck_assert_uint_eq(chain.out_len, VQ_MAX_SEGS);
}
END_TEST

START_TEST(test_vq_push_writes_used_elem)
{
	vq__push(&vq, 5, 1234);
	ck_assert_uint_eq(le32toh(drv.used->ring[0].id), 5);
	ck_assert_uint_eq(le32toh(drv.used->ring[0].len), 1234);
	ck_assert_uint_eq(used_idx(), 1);
	vq__push(&vq, 2, 0);
	ck_assert_uint_eq(le32toh(drv.used->ring[1].id), 2);
	ck_assert_uint_eq(le32toh(drv.used->ring[1].len), 0);
	ck_assert_uint_eq(used_idx(), 2);
}
END_TEST

START_TEST(test_vq_indices_wrap_past_0xffff)
{
	uint16_t i;

	start_at(0xfffd);
	for (i = 0; i < 6; i++) {
		desc(i, DATA_GPA + i * 0x100, 0x100, 0, 0);
		publish(i);
		ck_assert_int_eq(vq__pop(&vq, &chain), VQ_CHAIN);
		ck_assert_uint_eq(chain.head, i);
		vq__push(&vq, chain.head, i);
		/* Slot (0xfffd + i) % 8: 5, 6, 7, 0, 1, 2. */
		ck_assert_uint_eq(le32toh(drv.used->ring[(5 + i) % 8].id), i);
	}
	ck_assert_uint_eq(vq.last_avail, 3);
	ck_assert_uint_eq(used_idx(), 3);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_EMPTY);
}
END_TEST

START_TEST(test_vq_many_chains_over_time)
{
	unsigned int i;

	queue(4, false, false);
	for (i = 0; i < 4; i++)
		desc(i, DATA_GPA + i * 0x100, 0x100, F_WRITE, 0);
	/*
	 * Two chains in flight at a time, 70000 in all. Checked with plain
	 * ifs: each passing ck_assert costs Check a message to its parent,
	 * and 210000 of them outran its timeout on a loaded machine.
	 */
	publish(0);
	for (i = 0; i < 70000; i++) {
		publish((i + 1) % 4);
		if (vq__pop(&vq, &chain) != VQ_CHAIN || chain.head != i % 4)
			ck_abort_msg("chain %u: not popped, or head %u", i,
				     chain.head);
		vq__push(&vq, chain.head, 0x100);
		if (used_idx() != (uint16_t)(i + 1))
			ck_abort_msg("chain %u: used idx %u", i, used_idx());
	}
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_CHAIN);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_EMPTY);
	ck_assert(!vq.broken);
}
END_TEST

/* Notifications. */

START_TEST(test_vq_notify_without_event_idx)
{
	vq__push(&vq, 0, 0);
	ck_assert(vq__should_notify(&vq));
	drv.avail->flags = htole16(VRING_AVAIL_F_NO_INTERRUPT);
	vq__push(&vq, 0, 0);
	ck_assert(!vq__should_notify(&vq));
}
END_TEST

START_TEST(test_vq_notify_first_time_with_event_idx)
{
	queue(QSIZE, true, true);
	set_used_event(100);
	vq__push(&vq, 0, 0);
	ck_assert(vq__should_notify(&vq));
}
END_TEST

START_TEST(test_vq_notify_when_used_event_crossed)
{
	queue(QSIZE, true, true);
	vq__push(&vq, 0, 0);
	ck_assert(vq__should_notify(&vq));
	/* The driver wants an interrupt once entry 1 is used. */
	set_used_event(1);
	vq__push(&vq, 0, 0);
	ck_assert(vq__should_notify(&vq));
}
END_TEST

START_TEST(test_vq_notify_suppressed_before_used_event)
{
	queue(QSIZE, true, true);
	vq__push(&vq, 0, 0);
	ck_assert(vq__should_notify(&vq));
	set_used_event(3);
	vq__push(&vq, 0, 0); /* entry 1 */
	ck_assert(!vq__should_notify(&vq));
	vq__push(&vq, 0, 0); /* entry 2 */
	ck_assert(!vq__should_notify(&vq));
	vq__push(&vq, 0, 0); /* entry 3 */
	ck_assert(vq__should_notify(&vq));
	ck_assert(!vq__should_notify(&vq)); /* nothing new */
}
END_TEST

START_TEST(test_vq_notify_event_idx_ignores_no_interrupt)
{
	queue(QSIZE, true, true);
	drv.avail->flags = htole16(VRING_AVAIL_F_NO_INTERRUPT);
	vq__push(&vq, 0, 0);
	ck_assert(vq__should_notify(&vq));
}
END_TEST

START_TEST(test_vq_enable_kicks_publishes_avail_event)
{
	queue(QSIZE, true, true);
	desc(0, DATA_GPA, 1, 0, 0);
	publish(0);
	publish(0);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_CHAIN);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_CHAIN);
	ck_assert(!vq__enable_kicks(&vq));
	ck_assert_uint_eq(avail_event(), 2);
}
END_TEST

START_TEST(test_vq_enable_kicks_sees_new_chains)
{
	queue(QSIZE, true, true);
	desc(0, DATA_GPA, 1, 0, 0);
	publish(0);
	ck_assert(vq__enable_kicks(&vq));
	ck_assert_uint_eq(avail_event(), 0);
}
END_TEST

START_TEST(test_vq_disable_kicks_sets_no_notify)
{
	vq__disable_kicks(&vq);
	ck_assert_uint_eq(le16toh(drv.used->flags), VRING_USED_F_NO_NOTIFY);
	ck_assert(!vq__enable_kicks(&vq));
	ck_assert_uint_eq(le16toh(drv.used->flags), 0);
}
END_TEST

START_TEST(test_vq_disable_kicks_with_event_idx_leaves_flags)
{
	queue(QSIZE, true, true);
	vq__disable_kicks(&vq);
	ck_assert_uint_eq(le16toh(drv.used->flags), 0);
}
END_TEST

/* Malformed chains: VQ_BAD, and the queue stays broken. */

START_TEST(test_vq_bad_addr_below_ram)
{
	assert_bad_buffer(RAM_BASE - 0x1000, 16);
}
END_TEST

START_TEST(test_vq_bad_addr_above_ram)
{
	assert_bad_buffer(RAM_END, 16);
}
END_TEST

START_TEST(test_vq_bad_addr_len_wraps)
{
	assert_bad_buffer(0xfffffffffffff000ULL, 0x2000);
}
END_TEST

START_TEST(test_vq_bad_len_crosses_ram_end)
{
	assert_bad_buffer(RAM_END - 10, 11);
}
END_TEST

START_TEST(test_vq_bad_zero_length)
{
	assert_bad_buffer(DATA_GPA, 0);
}
END_TEST

START_TEST(test_vq_bad_head_out_of_range)
{
	/* A plausible descriptor just past the table must not be read. */
	desc(QSIZE, DATA_GPA, 16, 0, 0);
	publish(QSIZE);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_next_out_of_range)
{
	desc(0, DATA_GPA, 16, F_NEXT, QSIZE);
	desc(QSIZE, DATA_GPA + 0x100, 16, 0, 0);
	publish(0);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_next_loop)
{
	desc(0, DATA_GPA, 16, F_NEXT, 1);
	desc(1, DATA_GPA + 0x100, 16, F_NEXT, 0);
	publish(0);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_self_loop)
{
	desc(0, DATA_GPA, 16, F_NEXT, 0);
	publish(0);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_chain_longer_than_queue)
{
	uint16_t i;

	/* Every entry once, then back to the head. */
	for (i = 0; i < QSIZE; i++)
		desc(i, DATA_GPA + i * 0x100, 16, F_NEXT, (i + 1) % QSIZE);
	publish(0);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_overlapping_buffers)
{
	desc(0, DATA_GPA, 0x100, F_NEXT, 1);
	desc(1, DATA_GPA + 0xff, 0x100, F_WRITE, 0);
	publish(0);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_buffer_inside_another)
{
	desc(0, DATA_GPA + 0x10, 0x10, F_NEXT, 1);
	desc(1, DATA_GPA, 0x100, 0, 0);
	publish(0);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_writable_aliasing_header)
{
	desc(0, DATA_GPA, 16, F_NEXT, 1);
	desc(1, DATA_GPA + 0x100, 0x100, F_WRITE | F_NEXT, 2);
	desc(2, DATA_GPA, 1, F_WRITE, 0);
	publish(0);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_same_start_shorter)
{
	desc(0, DATA_GPA, 0x100, F_NEXT, 1);
	desc(1, DATA_GPA, 0x10, F_WRITE, 0);
	publish(0);
	assert_bad();
}
END_TEST

/* Overlapping buffers that are not neighbours in the chain's order. */
START_TEST(test_vq_bad_overlap_far_apart)
{
	desc(0, DATA_GPA, 0x100, F_NEXT, 1);
	desc(1, DATA_GPA + 0x1000, 0x100, F_NEXT, 2);
	desc(2, DATA_GPA + 0x800, 0x100, F_NEXT, 3);
	desc(3, DATA_GPA + 0x80, 0x10, 0, 0);
	publish(0);
	assert_bad();
}
END_TEST

/* Chains of VQ_MAX_SEGS 1-byte buffers at DATA_GPA + 2 * pos[i]. */
static void big_chain(const uint16_t *pos)
{
	uint16_t i;

	for (i = 0; i < VQ_MAX_SEGS; i++)
		idesc(i, DATA_GPA + 2 * pos[i], 1, F_NEXT, i + 1);
	idesc(VQ_MAX_SEGS - 1, DATA_GPA + 2 * pos[VQ_MAX_SEGS - 1], 1, 0, 0);
	indirect_head(TABLE_GPA, VQ_MAX_SEGS * 16);
}

START_TEST(test_vq_pop_max_segs_out_of_order)
{
	uint16_t pos[VQ_MAX_SEGS], i;

	for (i = 0; i < VQ_MAX_SEGS; i++)
		pos[i] = (uint16_t)((i * 97) % VQ_MAX_SEGS); /* a permutation */
	big_chain(pos);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_CHAIN);
	ck_assert_uint_eq(chain.n_out, VQ_MAX_SEGS);
}
END_TEST

START_TEST(test_vq_bad_max_segs_first_and_last_alias)
{
	uint16_t pos[VQ_MAX_SEGS], i;

	for (i = 0; i < VQ_MAX_SEGS; i++)
		pos[i] = (uint16_t)(VQ_MAX_SEGS - 1 - i); /* descending */
	pos[VQ_MAX_SEGS - 1] = pos[0];
	big_chain(pos);
	assert_bad();
}
END_TEST

/*
 * Random chains checked against the quadratic rule: every pair of buffers
 * is compared, and vq__pop() must refuse exactly the chains where some
 * pair overlaps.
 */
static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

START_TEST(test_vq_overlap_matches_pairwise_rule)
{
	uint64_t a[VQ_MAX_SEGS];
	uint32_t l[VQ_MAX_SEGS];
	unsigned int round, bad_seen = 0, good_seen = 0;

	for (round = 0; round < 2000; round++) {
		uint16_t n = (uint16_t)(1 + rnd(round % 4 ? 8 : VQ_MAX_SEGS));
		uint32_t span = 64 + rnd(4 * VQ_MAX_SEGS * 8);
		bool overlap = false;
		uint16_t i, j;

		ck_assert_int_eq(vq__setup(&vq, &mem, QSIZE, DESC_GPA,
					   AVAIL_GPA, USED_GPA, false, true),
				 0);
		start_at(0);
		for (i = 0; i < n; i++) {
			a[i] = DATA_GPA + rnd(span);
			l[i] = 1 + rnd(round % 2 ? 4 : 16);
			idesc(i, a[i], l[i], i + 1 < n ? F_NEXT : 0, i + 1);
		}
		for (i = 0; i < n; i++)
			for (j = 0; j < i; j++)
				if (a[i] < a[j] + l[j] && a[j] < a[i] + l[i])
					overlap = true;
		indirect_head(TABLE_GPA, n * 16);
		ck_assert_int_eq(vq__pop(&vq, &chain),
				 overlap ? VQ_BAD : VQ_CHAIN);
		if (overlap)
			bad_seen++;
		else
			good_seen++;
	}
	/* Both outcomes were exercised, many times. */
	ck_assert_uint_gt(bad_seen, 200);
	ck_assert_uint_gt(good_seen, 200);
}
END_TEST

/*
 * Page-sized chains (whole pages, part pages, buffers across pages) in
 * random order against the quadratic rule, as above; with the bitmaps,
 * whose bits must all be clear again after every chain.
 */
START_TEST(test_vq_page_overlap_matches_pairwise_rule)
{
	uint64_t a[VQ_MAX_SEGS];
	uint32_t l[VQ_MAX_SEGS];
	unsigned int round, bad_seen = 0, good_seen = 0;

	for (round = 0; round < 2000; round++) {
		uint16_t n = (uint16_t)(1 + rnd(round % 4 ? 8 : VQ_MAX_SEGS));
		uint32_t pages = 2 + rnd(n < 96 ? 2 * n + 8 : 200); /* in RAM */
		bool overlap = false;
		uint16_t i, j;

		ck_assert_int_eq(vq__setup(&vq, &mem, QSIZE, DESC_GPA,
					   AVAIL_GPA, USED_GPA, false, true),
				 0);
		start_at(0);
		for (i = 0; i < n; i++) {
			a[i] = DATA_GPA + 0x1000ULL * rnd(pages);
			switch (rnd(4)) {
			case 0: /* a part of a page */
				a[i] += rnd(0x1000);
				l[i] = 1 +
				       rnd(0x1000 - (uint32_t)(a[i] & 0xfff));
				break;
			case 1: /* across pages, unaligned */
				a[i] += rnd(0x1000);
				l[i] = 1 + rnd(0x3000);
				break;
			default: /* one or two whole pages */
				l[i] = 0x1000 * (1 + rnd(2));
			}
			idesc(i, a[i], l[i], i + 1 < n ? F_NEXT : 0, i + 1);
		}
		for (i = 0; i < n; i++)
			for (j = 0; j < i; j++)
				if (a[i] < a[j] + l[j] && a[j] < a[i] + l[i])
					overlap = true;
		indirect_head(TABLE_GPA, n * 16);
		ck_assert_int_eq(vq__pop(&vq, &chain),
				 overlap ? VQ_BAD : VQ_CHAIN);
		ck_assert(pages_clear());
		if (overlap)
			bad_seen++;
		else
			good_seen++;
	}
	ck_assert_uint_gt(bad_seen, 200);
	ck_assert_uint_gt(good_seen, 200);
}
END_TEST

/*
 * Like Linux's 1 MiB read (in the test's 1 MiB of RAM, 200 pages): the
 * header, pages out of order, the status byte next to the header.
 */
START_TEST(test_vq_pages_block_request_out_of_order)
{
	uint16_t i;

	idesc(0, DATA_GPA + 0x40, 16, F_NEXT, 1);
	for (i = 1; i <= 200; i++)
		idesc(i, DATA_GPA + 0x1000ULL * (1 + (i * 97) % 200), 0x1000,
		      F_WRITE | F_NEXT, i + 1);
	idesc(201, DATA_GPA + 0x50, 1, F_WRITE, 0);
	indirect_head(TABLE_GPA, 202 * 16);
	ck_assert_int_eq(vq__pop(&vq, &chain), VQ_CHAIN);
	ck_assert_uint_eq(chain.n_in, 201);
	ck_assert(pages_clear());
}
END_TEST

/* The status byte inside one of the data pages (a whole page). */
START_TEST(test_vq_pages_bad_status_in_data_page)
{
	idesc(0, DATA_GPA + 0x40, 16, F_NEXT, 1);
	idesc(1, DATA_GPA + 0x3000, 0x1000, F_WRITE | F_NEXT, 2);
	idesc(2, DATA_GPA + 0x1000, 0x1000, F_WRITE | F_NEXT, 3);
	idesc(3, DATA_GPA + 0x1ff0, 1, F_WRITE, 0);
	indirect_head(TABLE_GPA, 4 * 16);
	assert_bad();
	ck_assert(pages_clear());
}
END_TEST

/* A whole page after a small buffer inside it: the page finds it. */
START_TEST(test_vq_pages_bad_page_over_earlier_part)
{
	idesc(0, DATA_GPA + 0x2800, 16, F_NEXT, 1);
	idesc(1, DATA_GPA + 0x5000, 0x1000, F_WRITE | F_NEXT, 2);
	idesc(2, DATA_GPA + 0x2000, 0x1000, F_WRITE, 0);
	indirect_head(TABLE_GPA, 3 * 16);
	assert_bad();
	ck_assert(pages_clear());
}
END_TEST

/* Two small buffers in one page that overlap (the partial-page sort). */
START_TEST(test_vq_pages_bad_parts_of_one_page)
{
	idesc(0, DATA_GPA + 0x2000, 0x100, F_NEXT, 1);
	idesc(1, DATA_GPA + 0x5000, 0x1000, F_WRITE | F_NEXT, 2);
	idesc(2, DATA_GPA + 0x20ff, 2, F_WRITE, 0);
	indirect_head(TABLE_GPA, 3 * 16);
	assert_bad();
	ck_assert(pages_clear());
}
END_TEST

START_TEST(test_vq_bad_readable_after_writable)
{
	desc(0, DATA_GPA, 16, F_WRITE | F_NEXT, 1);
	desc(1, DATA_GPA + 0x100, 16, 0, 0);
	publish(0);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_avail_idx_too_far_ahead)
{
	desc(0, DATA_GPA, 16, 0, 0);
	drv.avail->idx = htole16(QSIZE + 1);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_indirect_not_negotiated)
{
	queue(QSIZE, false, false);
	idesc(0, DATA_GPA, 16, 0, 0);
	indirect_head(TABLE_GPA, 16);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_indirect_with_next)
{
	idesc(0, DATA_GPA, 16, 0, 0);
	desc(0, TABLE_GPA, 16, F_INDIRECT | F_NEXT, 1);
	desc(1, DATA_GPA + 0x100, 16, 0, 0);
	publish(0);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_indirect_after_head)
{
	idesc(0, DATA_GPA, 16, 0, 0);
	desc(0, DATA_GPA + 0x100, 16, F_NEXT, 1);
	desc(1, TABLE_GPA, 16, F_INDIRECT, 0);
	publish(0);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_indirect_len_not_multiple_of_16)
{
	idesc(0, DATA_GPA, 16, 0, 0);
	indirect_head(TABLE_GPA, 24);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_indirect_len_zero)
{
	indirect_head(TABLE_GPA, 0);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_indirect_table_outside_ram)
{
	indirect_head(RAM_END - 16, 32);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_nested_indirect)
{
	idesc(0, TABLE_GPA + 0x100, 16, F_INDIRECT, 0);
	idesc(16, DATA_GPA, 16, 0, 0); /* the inner table, at + 0x100 */
	indirect_head(TABLE_GPA, 16);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_indirect_next_out_of_range)
{
	idesc(0, DATA_GPA, 16, F_NEXT, 2);
	idesc(1, DATA_GPA + 0x100, 16, 0, 0);
	idesc(2, DATA_GPA + 0x200, 16, 0, 0); /* past the table's end */
	indirect_head(TABLE_GPA, 2 * 16);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_indirect_loop)
{
	idesc(0, DATA_GPA, 16, F_NEXT, 1);
	idesc(1, DATA_GPA + 0x100, 16, F_NEXT, 0);
	indirect_head(TABLE_GPA, 2 * 16);
	assert_bad();
}
END_TEST

START_TEST(test_vq_bad_too_many_segs)
{
	uint16_t i;

	for (i = 0; i <= VQ_MAX_SEGS; i++)
		idesc(i, DATA_GPA + i, 1, F_NEXT, i + 1);
	idesc(VQ_MAX_SEGS, DATA_GPA + VQ_MAX_SEGS, 1, 0, 0);
	indirect_head(TABLE_GPA, (VQ_MAX_SEGS + 1) * 16);
	assert_bad();
}
END_TEST

/* vq__setup. */

/* Does vq__setup() accept these rings? */
static bool rings_ok(uint16_t size, uint64_t desc, uint64_t avail,
		     uint64_t used)
{
	struct virtqueue q;

	return vq__setup(&q, &mem, size, desc, avail, used, true, true) == 0;
}

START_TEST(test_vq_setup_accepts_good_rings)
{
	ck_assert(rings_ok(1, DESC_GPA, AVAIL_GPA, USED_GPA));
	ck_assert(rings_ok(QSIZE, DESC_GPA, AVAIL_GPA, USED_GPA));
	ck_assert(rings_ok(VQ_MAX_SIZE, DESC_GPA, AVAIL_GPA, USED_GPA));
	/* The fixture's queue points at its rings. */
	ck_assert_uint_eq(vq.size, QSIZE);
	ck_assert_ptr_eq(vq.desc, host(DESC_GPA));
	ck_assert_ptr_eq(vq.avail, host(AVAIL_GPA));
	ck_assert_ptr_eq(vq.used, host(USED_GPA));
}
END_TEST

START_TEST(test_vq_setup_accepts_rings_at_ram_end)
{
	/*
	 * Areas at the very end of RAM; the used one (70 bytes, 4-aligned)
	 * ends 2 bytes short of it.
	 */
	ck_assert(rings_ok(QSIZE, RAM_END - 16 * QSIZE, AVAIL_GPA, USED_GPA));
	ck_assert(rings_ok(QSIZE, DESC_GPA, RAM_END - 6 - 2 * QSIZE, USED_GPA));
	ck_assert(
		rings_ok(QSIZE, DESC_GPA, AVAIL_GPA, RAM_END - 8 - 8 * QSIZE));
}
END_TEST

START_TEST(test_vq_setup_rejects_bad_size)
{
	ck_assert(!rings_ok(0, DESC_GPA, AVAIL_GPA, USED_GPA));
	ck_assert(!rings_ok(3, DESC_GPA, AVAIL_GPA, USED_GPA));
	ck_assert(!rings_ok(VQ_MAX_SIZE + 1, DESC_GPA, AVAIL_GPA, USED_GPA));
	ck_assert(!rings_ok(VQ_MAX_SIZE * 2, DESC_GPA, AVAIL_GPA, USED_GPA));
}
END_TEST

START_TEST(test_vq_setup_rejects_rings_outside_ram)
{
	ck_assert(!rings_ok(QSIZE, RAM_BASE - 0x1000, AVAIL_GPA, USED_GPA));
	ck_assert(!rings_ok(QSIZE, RAM_END - 16 * QSIZE + 16, AVAIL_GPA,
			    USED_GPA));
	/* Missing only the trailing used_event. */
	ck_assert(
		!rings_ok(QSIZE, DESC_GPA, RAM_END - 4 - 2 * QSIZE, USED_GPA));
	/* Missing only the trailing avail_event. */
	ck_assert(
		!rings_ok(QSIZE, DESC_GPA, AVAIL_GPA, RAM_END - 4 - 8 * QSIZE));
	ck_assert(!rings_ok(QSIZE, DESC_GPA, AVAIL_GPA, 0xfffffffffffffff0ULL));
}
END_TEST

START_TEST(test_vq_setup_rejects_misaligned_rings)
{
	ck_assert(!rings_ok(QSIZE, DESC_GPA + 8, AVAIL_GPA, USED_GPA));
	ck_assert(!rings_ok(QSIZE, DESC_GPA, AVAIL_GPA + 1, USED_GPA));
	ck_assert(!rings_ok(QSIZE, DESC_GPA, AVAIL_GPA, USED_GPA + 2));
}
END_TEST

Suite *virtqueue_suite(void)
{
	Suite *s = suite_create("virtqueue");
	TCase *tc;

	tc = tcase_create("pop");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_vq_pop_empty);
	tcase_add_test(tc, test_vq_pop_single_readable);
	tcase_add_test(tc, test_vq_pop_readable_then_writable);
	tcase_add_test(tc, test_vq_pop_indirect);
	tcase_add_test(tc, test_vq_pop_adjacent_buffers);
	tcase_add_test(tc, test_vq_pop_buffer_ending_at_ram_end);
	tcase_add_test(tc, test_vq_pop_full_ring);
	tcase_add_test(tc, test_vq_pop_max_segs);
	tcase_add_test(tc, test_vq_pop_max_segs_out_of_order);
	tcase_add_test(tc, test_vq_push_writes_used_elem);
	tcase_add_test(tc, test_vq_indices_wrap_past_0xffff);
	tcase_add_test(tc, test_vq_many_chains_over_time);
	suite_add_tcase(s, tc);

	tc = tcase_create("notify");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_vq_notify_without_event_idx);
	tcase_add_test(tc, test_vq_notify_first_time_with_event_idx);
	tcase_add_test(tc, test_vq_notify_when_used_event_crossed);
	tcase_add_test(tc, test_vq_notify_suppressed_before_used_event);
	tcase_add_test(tc, test_vq_notify_event_idx_ignores_no_interrupt);
	tcase_add_test(tc, test_vq_enable_kicks_publishes_avail_event);
	tcase_add_test(tc, test_vq_enable_kicks_sees_new_chains);
	tcase_add_test(tc, test_vq_disable_kicks_sets_no_notify);
	tcase_add_test(tc, test_vq_disable_kicks_with_event_idx_leaves_flags);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_vq_bad_addr_below_ram);
	tcase_add_test(tc, test_vq_bad_addr_above_ram);
	tcase_add_test(tc, test_vq_bad_addr_len_wraps);
	tcase_add_test(tc, test_vq_bad_len_crosses_ram_end);
	tcase_add_test(tc, test_vq_bad_zero_length);
	tcase_add_test(tc, test_vq_bad_head_out_of_range);
	tcase_add_test(tc, test_vq_bad_next_out_of_range);
	tcase_add_test(tc, test_vq_bad_next_loop);
	tcase_add_test(tc, test_vq_bad_self_loop);
	tcase_add_test(tc, test_vq_bad_chain_longer_than_queue);
	tcase_add_test(tc, test_vq_bad_overlapping_buffers);
	tcase_add_test(tc, test_vq_bad_buffer_inside_another);
	tcase_add_test(tc, test_vq_bad_writable_aliasing_header);
	tcase_add_test(tc, test_vq_bad_same_start_shorter);
	tcase_add_test(tc, test_vq_bad_overlap_far_apart);
	tcase_add_test(tc, test_vq_bad_max_segs_first_and_last_alias);
	tcase_add_test(tc, test_vq_overlap_matches_pairwise_rule);
	tcase_add_test(tc, test_vq_page_overlap_matches_pairwise_rule);
	tcase_add_test(tc, test_vq_bad_readable_after_writable);
	tcase_add_test(tc, test_vq_bad_avail_idx_too_far_ahead);
	tcase_add_test(tc, test_vq_bad_indirect_not_negotiated);
	tcase_add_test(tc, test_vq_bad_indirect_with_next);
	tcase_add_test(tc, test_vq_bad_indirect_after_head);
	tcase_add_test(tc, test_vq_bad_indirect_len_not_multiple_of_16);
	tcase_add_test(tc, test_vq_bad_indirect_len_zero);
	tcase_add_test(tc, test_vq_bad_indirect_table_outside_ram);
	tcase_add_test(tc, test_vq_bad_nested_indirect);
	tcase_add_test(tc, test_vq_bad_indirect_next_out_of_range);
	tcase_add_test(tc, test_vq_bad_indirect_loop);
	tcase_add_test(tc, test_vq_bad_too_many_segs);
	suite_add_tcase(s, tc);

	/* The overlap rule again, checked through the page bitmaps. */
	tc = tcase_create("overlap-pages");
	tcase_add_checked_fixture(tc, setup_pages, teardown);
	tcase_add_test(tc, test_vq_pop_adjacent_buffers);
	tcase_add_test(tc, test_vq_pop_max_segs_out_of_order);
	tcase_add_test(tc, test_vq_bad_overlapping_buffers);
	tcase_add_test(tc, test_vq_bad_buffer_inside_another);
	tcase_add_test(tc, test_vq_bad_writable_aliasing_header);
	tcase_add_test(tc, test_vq_bad_same_start_shorter);
	tcase_add_test(tc, test_vq_bad_overlap_far_apart);
	tcase_add_test(tc, test_vq_bad_max_segs_first_and_last_alias);
	tcase_add_test(tc, test_vq_overlap_matches_pairwise_rule);
	tcase_add_test(tc, test_vq_page_overlap_matches_pairwise_rule);
	tcase_add_test(tc, test_vq_pages_block_request_out_of_order);
	tcase_add_test(tc, test_vq_pages_bad_status_in_data_page);
	tcase_add_test(tc, test_vq_pages_bad_page_over_earlier_part);
	tcase_add_test(tc, test_vq_pages_bad_parts_of_one_page);
	suite_add_tcase(s, tc);

	tc = tcase_create("setup");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_vq_setup_accepts_good_rings);
	tcase_add_test(tc, test_vq_setup_accepts_rings_at_ram_end);
	tcase_add_test(tc, test_vq_setup_rejects_bad_size);
	tcase_add_test(tc, test_vq_setup_rejects_rings_outside_ram);
	tcase_add_test(tc, test_vq_setup_rejects_misaligned_rings);
	suite_add_tcase(s, tc);

	return s;
}
