/* SPDX-License-Identifier: GPL-2.0 */
/*
 * turtle's malloc policy (glibc). Left to itself, glibc gives every
 * thread that allocates an arena of its own (up to eight per core), each
 * a 64 MiB reservation that keeps what was freed in it, and raises the
 * size above which a block gets a mapping of its own to the largest
 * block freed (up to 32 MiB): the shares' 1 MiB request and reply
 * buffers then stay in every worker's arena. With transparent huge
 * pages, each arena touched at all is 2 MiB resident. A busy guest grew
 * turtle from 1 MiB to 22 MiB that way (docs/architecture.md, memory).
 *
 * heap__bound (once, before any thread): one arena for every thread; a
 * fixed threshold of HEAP_MMAP_THRESHOLD (blocks above it, 16 MiB READ
 * replies, are unmapped when freed); a free top of the heap above
 * HEAP_TRIM_THRESHOLD goes back at once (not less: a stream of 1 MiB
 * WRITEs, several at a time, would fault its pages in again for each).
 * heap__idle (when the shares' workers have nothing to do): if the heap
 * holds more than HEAP_IDLE_FREE bytes freed, give their pages back
 * (malloc_trim) wherever they sit, but for HEAP_IDLE_FREE at its top.
 */
#ifndef TURTLE_LIB_HEAP_H
#define TURTLE_LIB_HEAP_H

#define HEAP_ARENAS 1
#define HEAP_MMAP_THRESHOLD (2u << 20)
#define HEAP_TRIM_THRESHOLD (8u << 20)
#define HEAP_IDLE_FREE (4u << 20)

void heap__bound(void);
/* 1 if it gave pages back. */
int heap__idle(void);

#endif
