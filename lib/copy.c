// SPDX-License-Identifier: GPL-2.0
/* See copy.h. */
#include "copy.h"

#include <string.h>

#ifdef __aarch64__
#include <sys/auxv.h>

#ifndef HWCAP2_MOPS
#define HWCAP2_MOPS (1UL << 43) /* Linux 6.5's asm/hwcap.h */
#endif

/* -1: not asked yet; the answer never changes, so a race is harmless. */
static int mops = -1;

bool copy__has_mops(void)
{
	if (mops < 0)
		mops = (getauxval(AT_HWCAP2) & HWCAP2_MOPS) != 0;
	return mops;
}

/*
 * The forward-only copy (CPYF*: the buffers never overlap): the prologue,
 * main and epilogue instructions, each updating the three registers.
 */
void copy__mops(void *dst, const void *src, size_t n)
{
	__asm__ volatile(".arch_extension mops\n\t"
			 "cpyfp [%0]!, [%1]!, %2!\n\t"
			 "cpyfm [%0]!, [%1]!, %2!\n\t"
			 "cpyfe [%0]!, [%1]!, %2!"
			 : "+r"(dst), "+r"(src), "+r"(n)
			 :
			 : "memory", "cc");
}

void copy__mem(void *dst, const void *src, size_t n)
{
	if (copy__has_mops())
		copy__mops(dst, src, n);
	else
		memcpy(dst, src, n);
}

#else

bool copy__has_mops(void)
{
	return false;
}

void copy__mops(void *dst, const void *src, size_t n)
{
	memcpy(dst, src, n);
}

void copy__mem(void *dst, const void *src, size_t n)
{
	memcpy(dst, src, n);
}

#endif
