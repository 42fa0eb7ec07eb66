/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A memory copy that uses the CPU's memory-copy instructions (FEAT_MOPS:
 * CPYFP, CPYFM, CPYFE) when the kernel says the CPU has them (AT_HWCAP2),
 * and the C library's memcpy otherwise (and on every other architecture).
 * The three instructions copy any length, any alignment, in a loop the CPU
 * runs itself: for the mapped disk images, 1 MiB in one sequence.
 * Source and destination must not overlap.
 */
#ifndef TURTLE_LIB_COPY_H
#define TURTLE_LIB_COPY_H

#include <stdbool.h>
#include <stddef.h>

/* The CPU has FEAT_MOPS and copy__mem() uses it. */
bool copy__has_mops(void);

void copy__mem(void *dst, const void *src, size_t n);

/*
 * The FEAT_MOPS sequence itself, for the unit tests: only where
 * copy__has_mops() (elsewhere it is memcpy).
 */
void copy__mops(void *dst, const void *src, size_t n);

#endif
