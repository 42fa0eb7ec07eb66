// SPDX-License-Identifier: GPL-2.0
/*
 * Split virtqueues from the device's side: see virtqueue.h for the rules.
 *
 * The driver runs on other CPUs, so every ring index is an atomic access
 * and the orderings follow the spec: avail->idx is read with acquire before
 * the entries it publishes, used elements are written before used->idx is
 * released, and a full fence separates our writes from reading the
 * driver's suppression fields.
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "virtqueue.h"

#define DESC_SIZE sizeof(struct vring_desc)

/* A descriptor as read, once, from the guest. */
struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

static uint16_t load16(const __virtio16 *p, int order)
{
	return le16toh(__atomic_load_n(p, order));
}

static void store16(__virtio16 *p, uint16_t v, int order)
{
	__atomic_store_n(p, htole16(v), order);
}

/* used_event sits after the available ring, avail_event after the used. */
static __virtio16 *used_event(struct virtqueue *vq)
{
	return &vq->avail->ring[vq->size];
}

static __virtio16 *avail_event(struct virtqueue *vq)
{
	return (__virtio16 *)&vq->used->ring[vq->size];
}

/* Map one ring area, which must be aligned and wholly in RAM. */
static void *map_area(const struct guest_mem *mem, uint64_t gpa, uint64_t len,
		      uint64_t align)
{
	if (gpa & (align - 1))
		return NULL;
	return guest_mem__ptr(mem, gpa, len);
}

int vq__setup(struct virtqueue *vq, const struct guest_mem *mem, uint16_t size,
	      uint64_t desc_gpa, uint64_t avail_gpa, uint64_t used_gpa,
	      bool event_idx, bool indirect)
{
	memset(vq, 0, sizeof(*vq));
	if (!size || size > VQ_MAX_SIZE || (size & (size - 1)))
		return -1;
	/* Areas as in the spec, each with its trailing event field. */
	vq->desc = map_area(mem, desc_gpa, DESC_SIZE * size, 16);
	vq->avail = map_area(mem, avail_gpa, 6 + 2 * size, 2);
	vq->used = map_area(mem, used_gpa, 6 + 8 * size, 4);
	if (!vq->desc || !vq->avail || !vq->used) {
		memset(vq, 0, sizeof(*vq));
		return -1;
	}
	vq->mem = mem;
	vq->size = size;
	vq->event_idx = event_idx;
	vq->indirect = indirect;
	return 0;
}

/*
 * Copy descriptor i of a table (an indirect one need not be aligned). The
 * compiler barrier makes every later use read the copy, never the guest.
 */
static void read_desc(const void *table, unsigned int i, struct desc *d)
{
	struct vring_desc raw;

	memcpy(&raw, (const uint8_t *)table + (size_t)i * DESC_SIZE,
	       sizeof(raw));
	__asm__ __volatile__("" : : : "memory");
	d->addr = le64toh(raw.addr);
	d->len = le32toh(raw.len);
	d->flags = le16toh(raw.flags);
	d->next = le16toh(raw.next);
}

/*
 * No two buffers of a chain may overlap. What that protects: a device reads
 * a request from its readable buffers and answers into its writable ones,
 * and must never write where it has yet to read (a data buffer aliasing
 * the request header, the status byte inside the data, a write's data
 * aliasing a read's) nor hand the kernel an iovec list where one transfer
 * clobbers another. Comparing every buffer with every earlier one is
 * O(n^2): 32,640 comparisons for a 256-buffer chain. Instead:
 *
 * - add_buf() keeps the chain's end (the highest end address so far) and
 *   whether every buffer started at or after the end of all before it.
 *   Drivers lay chains out that way almost always (a header, pages in
 *   order, a status byte); such a chain cannot overlap, at O(1) a buffer.
 * - Otherwise, with the chain's page bitmaps (vq_chain__init_pages()),
 *   pages_overlap() marks each buffer's pages in two bitmaps: `touched`
 *   (some buffer has a byte in the page) and `full` (some buffer covers
 *   all of it). A buffer covering a page that is touched, or touching a
 *   page that is full, overlaps an earlier buffer: refused. Two buffers
 *   that each cover only part of one page may or may not overlap: only
 *   then are the buffers with a partial page (typically the header and
 *   the status byte, which Linux keeps side by side) sorted and compared
 *   as below. The bits set are cleared again. O(buffers + pages): a 1 MiB
 *   request of 256 pages in any order costs about a tenth of the sort.
 * - Without bitmaps, or for those partial buffers, ranges_overlap() sorts
 *   by start (heapsort in place on a copy, O(n log n), no recursion, no
 *   allocation) and compares neighbours: if buffers i and j overlap with
 *   start(i) <= start(j), every buffer sorted between them starts inside i
 *   too, so the first one after i overlaps i. Neighbours alone therefore
 *   find every overlap.
 *
 * RAM is one contiguous mapping, so host overlap is guest overlap.
 */
struct range {
	uintptr_t start, end;
};

static void sift_down(struct range *r, unsigned int i, unsigned int n)
{
	for (;;) {
		unsigned int c = 2 * i + 1;
		struct range t;

		if (c >= n)
			return;
		if (c + 1 < n && r[c + 1].start > r[c].start)
			c++;
		if (r[c].start <= r[i].start)
			return;
		t = r[i];
		r[i] = r[c];
		r[c] = t;
		i = c;
	}
}

/* Whether any two of r[0 .. n) overlap; sorts r. */
static bool ranges_overlap(struct range *r, unsigned int n)
{
	struct range t;
	unsigned int i;

	for (i = n / 2; i-- > 0;)
		sift_down(r, i, n);
	for (i = n; i-- > 1;) {
		t = r[0];
		r[0] = r[i];
		r[i] = t;
		sift_down(r, 0, i);
	}
	for (i = 1; i < n; i++)
		if (r[i].start < r[i - 1].end)
			return true;
	return false;
}

#define PAGE_SHIFT_ 12
#define PAGE_SIZE_ (1UL << PAGE_SHIFT_)

static bool bit_test_set(uint64_t *map, uint64_t i)
{
	uint64_t m = 1ULL << (i & 63), old = map[i >> 6];

	map[i >> 6] = old | m;
	return old & m;
}

static bool bit_test(const uint64_t *map, uint64_t i)
{
	return map[i >> 6] & (1ULL << (i & 63));
}

/*
 * Mark buffer [s, e) (offsets into RAM) in the bitmaps. Returns true if it
 * overlaps a buffer marked before; sets *shared if it shares a page that
 * it and an earlier buffer both cover only in part, *partial if it covers
 * some page only in part.
 */
static bool mark_buf(uint64_t *touched, uint64_t *full, uint64_t s, uint64_t e,
		     bool *shared, bool *partial)
{
	uint64_t p, last = (e - 1) >> PAGE_SHIFT_;
	uint64_t full_from = (s + PAGE_SIZE_ - 1) >> PAGE_SHIFT_;
	uint64_t full_to = e >> PAGE_SHIFT_; /* whole pages: [from, to) */

	for (p = s >> PAGE_SHIFT_; p <= last; p++) {
		if (p >= full_from && p < full_to) {
			if (bit_test_set(touched, p))
				return true;
			bit_test_set(full, p);
			continue;
		}
		*partial = true;
		if (bit_test(full, p))
			return true;
		if (bit_test_set(touched, p))
			*shared = true;
	}
	return false;
}

static bool pages_overlap(const struct vq_chain *c, const uint8_t *ram)
{
	uint64_t *touched = c->pages, *full = c->pages + (c->npages + 63) / 64;
	unsigned int i, k = 0, marked, n = c->n_out + c->n_in;
	struct range part[VQ_MAX_SEGS];
	bool bad = false, shared = false;

	for (marked = 0; marked < n && !bad; marked++) {
		uint64_t s =
			(uint64_t)((const uint8_t *)c->iov[marked].iov_base -
				   ram);
		bool partial = false;

		bad = mark_buf(touched, full, s, s + c->iov[marked].iov_len,
			       &shared, &partial);
		if (partial) {
			part[k].start = (uintptr_t)c->iov[marked].iov_base;
			part[k].end = part[k].start + c->iov[marked].iov_len;
			k++;
		}
	}
	/* Back to all clear: every page of every buffer marked (or begun). */
	for (i = 0; i < marked; i++) {
		uint64_t s =
			(uint64_t)((const uint8_t *)c->iov[i].iov_base - ram);
		uint64_t p, last = (s + c->iov[i].iov_len - 1) >> PAGE_SHIFT_;

		for (p = s >> PAGE_SHIFT_; p <= last; p++) {
			touched[p >> 6] &= ~(1ULL << (p & 63));
			full[p >> 6] &= ~(1ULL << (p & 63));
		}
	}
	return bad || (shared && ranges_overlap(part, k));
}

static bool chain_overlaps(const struct virtqueue *vq, const struct vq_chain *c)
{
	unsigned int i, n = c->n_out + c->n_in;
	struct range r[VQ_MAX_SEGS];

	if (c->pages &&
	    c->npages >= (vq->mem->size + PAGE_SIZE_ - 1) >> PAGE_SHIFT_)
		return pages_overlap(c, vq->mem->host);
	for (i = 0; i < n; i++) {
		r[i].start = (uintptr_t)c->iov[i].iov_base;
		r[i].end = r[i].start + c->iov[i].iov_len;
	}
	return ranges_overlap(r, n);
}

int vq_chain__init_pages(struct vq_chain *c, const struct guest_mem *mem)
{
	uint64_t npages = (mem->size + PAGE_SIZE_ - 1) >> PAGE_SHIFT_;

	c->pages = calloc(2 * ((npages + 63) / 64), sizeof(uint64_t));
	if (!c->pages)
		return -1;
	c->npages = npages;
	return 0;
}

void vq_chain__free_pages(struct vq_chain *c)
{
	free(c->pages);
	c->pages = NULL;
	c->npages = 0;
}

/* Append the buffer d describes to c (see above for *end and *sorted). */
static int add_buf(const struct virtqueue *vq, struct vq_chain *c,
		   const struct desc *d, uintptr_t *end, bool *sorted)
{
	unsigned int n = c->n_out + c->n_in;
	bool write = d->flags & VRING_DESC_F_WRITE;
	uint8_t *p;

	if (n == VQ_MAX_SEGS || !d->len || (!write && c->n_in))
		return -1;
	p = guest_mem__ptr(vq->mem, d->addr, d->len);
	if (!p)
		return -1;
	if ((uintptr_t)p < *end)
		*sorted = false;
	if ((uintptr_t)p + d->len > *end)
		*end = (uintptr_t)p + d->len;
	c->iov[n].iov_base = p;
	c->iov[n].iov_len = d->len;
	if (write) {
		c->n_in++;
		c->in_len += d->len;
	} else {
		c->n_out++;
		c->out_len += d->len;
	}
	return 0;
}

/* Walk the chain starting at head into c. */
static int walk_chain(const struct virtqueue *vq, struct vq_chain *c,
		      uint16_t head)
{
	const void *table = vq->desc;
	unsigned int max = vq->size, seen = 1;
	uintptr_t end = 0;
	bool sorted = true;
	struct desc d;

	c->head = head;
	c->n_out = c->n_in = 0;
	c->out_len = c->in_len = 0;
	if (head >= max)
		return -1;
	read_desc(table, head, &d);

	/* An indirect table replaces the whole chain. */
	if (d.flags & VRING_DESC_F_INDIRECT) {
		if (!vq->indirect || (d.flags & VRING_DESC_F_NEXT) || !d.len ||
		    d.len % DESC_SIZE)
			return -1;
		table = guest_mem__ptr(vq->mem, d.addr, d.len);
		if (!table)
			return -1;
		max = d.len / DESC_SIZE;
		read_desc(table, 0, &d);
	}

	for (;;) {
		if (d.flags & VRING_DESC_F_INDIRECT ||
		    add_buf(vq, c, &d, &end, &sorted))
			return -1;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return sorted || !chain_overlaps(vq, c) ? 0 : -1;
		/* No longer than its table: this ends any `next` loop. */
		if (d.next >= max || seen++ == max)
			return -1;
		read_desc(table, d.next, &d);
	}
}

static enum vq_pop_result vq_broken(struct virtqueue *vq)
{
	vq->broken = true;
	return VQ_BAD;
}

enum vq_pop_result vq__pop(struct virtqueue *vq, struct vq_chain *c)
{
	uint16_t avail, head;

	if (vq->broken)
		return VQ_BAD;
	avail = load16(&vq->avail->idx, __ATOMIC_ACQUIRE);
	if (avail == vq->last_avail)
		return VQ_EMPTY;
	if ((uint16_t)(avail - vq->last_avail) > vq->size)
		return vq_broken(vq);
	head = load16(&vq->avail->ring[vq->last_avail & (vq->size - 1)],
		      __ATOMIC_RELAXED);
	if (walk_chain(vq, c, head))
		return vq_broken(vq);
	vq->last_avail++;
	vq->chains++;
	return VQ_CHAIN;
}

void vq__push(struct virtqueue *vq, uint16_t head, uint32_t written)
{
	struct vring_used_elem *e;

	e = &vq->used->ring[vq->used_idx & (vq->size - 1)];
	__atomic_store_n(&e->id, htole32(head), __ATOMIC_RELAXED);
	__atomic_store_n(&e->len, htole32(written), __ATOMIC_RELAXED);
	vq->used_idx++;
	store16(&vq->used->idx, vq->used_idx, __ATOMIC_RELEASE);
}

bool vq__should_notify(struct virtqueue *vq)
{
	uint16_t old = vq->signalled_used, new = vq->used_idx;
	bool valid = vq->signalled_valid;

	/* Our used->idx store before the driver's flags or used_event. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!vq->event_idx)
		return !(load16(&vq->avail->flags, __ATOMIC_RELAXED) &
			 VRING_AVAIL_F_NO_INTERRUPT);
	vq->signalled_used = new;
	vq->signalled_valid = true;
	return !valid ||
	       vring_need_event(load16(used_event(vq), __ATOMIC_RELAXED), new,
				old);
}

bool vq__enable_kicks(struct virtqueue *vq)
{
	if (vq->broken)
		return false;
	if (vq->event_idx)
		store16(avail_event(vq), vq->last_avail, __ATOMIC_RELAXED);
	else
		store16(&vq->used->flags, 0, __ATOMIC_RELAXED);
	/* Publish before looking again, or a kick could be lost. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return load16(&vq->avail->idx, __ATOMIC_RELAXED) != vq->last_avail;
}

void vq__disable_kicks(struct virtqueue *vq)
{
	/* With event_idx, a stale avail_event already stops further kicks. */
	if (!vq->event_idx)
		store16(&vq->used->flags, VRING_USED_F_NO_NOTIFY,
			__ATOMIC_RELAXED);
}
