// SPDX-License-Identifier: GPL-2.0
/* turtle's malloc policy (see heap.h). */
#include "heap.h"

#include <malloc.h>

void heap__bound(void)
{
	mallopt(M_ARENA_MAX, HEAP_ARENAS);
	mallopt(M_MMAP_THRESHOLD, HEAP_MMAP_THRESHOLD);
	mallopt(M_TRIM_THRESHOLD, HEAP_TRIM_THRESHOLD);
}

int heap__idle(void)
{
	struct mallinfo2 mi = mallinfo2();

	if (mi.fordblks <= HEAP_IDLE_FREE)
		return 0;
	return malloc_trim(HEAP_IDLE_FREE);
}
