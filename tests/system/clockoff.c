// SPDX-License-Identifier: GPL-2.0
/*
 * clockoff: this level's wall clock minus the generic timer's virtual
 * counter, in seconds. turtle gives every VM a counter offset of 0, so all
 * levels read the same counter: two levels' clockoff differ by exactly how
 * far apart their wall clocks are, however late their output is read.
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

static uint64_t cntvct(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

int main(void)
{
	struct timespec a, b;
	uint64_t freq, cnt;
	double wall;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	if (!freq) {
		fprintf(stderr, "clockoff: CNTFRQ_EL0 is 0\n");
		return 1;
	}
	clock_gettime(CLOCK_REALTIME, &a);
	cnt = cntvct();
	clock_gettime(CLOCK_REALTIME, &b);
	wall = (a.tv_sec + b.tv_sec) / 2.0 + (a.tv_nsec + b.tv_nsec) / 2e9;
	printf("%.6f\n", wall - (double)cnt / (double)freq);
	return 0;
}
