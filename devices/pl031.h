/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ARM PrimeCell PL031 real-time clock: the guest's wall clock at boot
 * (Linux's rtc-pl031 and RTC_HCTOSYS set the system time from it).
 *
 * The counter is the host's CLOCK_REALTIME in whole seconds plus an offset
 * that belongs to this guest alone: writing the load register (a guest's
 * `hwclock -w`, or the kernel's periodic RTC sync) moves the offset, so a
 * guest can set its own clock but never the host's.
 *
 *   0x000  DR    R   the counter: host seconds + offset (32 bits)
 *   0x004  MR    RW  match: the alarm interrupt fires when DR reaches it
 *   0x008  LR    RW  load: a write sets the counter (the offset); reads
 *                    return the last value written
 *   0x00c  CR    RW  bit 0, start: always 1, the counter cannot be stopped
 *   0x010  IMSC  RW  bit 0, the alarm interrupt is enabled
 *   0x014  RIS   R   bit 0, the counter reached MR since the last clear
 *   0x018  MIS   R   RIS & IMSC: the interrupt line
 *   0x01c  ICR   W   a 1 in bit 0 clears RIS
 *   0xfe0  PeriphID0-3, PCellID0-3: what the AMBA bus probes
 *
 * Accesses other than 32-bit ones, to other offsets, or writes to
 * read-only registers are ignored (reads return 0).
 *
 * The alarm: writing MR (or moving the counter with LR) asks the owner,
 * through arm(), to call pl031__tick() at the host second when DR will
 * equal MR (-1: no alarm pending). Registers are also brought up to date
 * on every access, so RIS is right even if a tick comes late.
 */
#ifndef TURTLE_DEVICES_PL031_H
#define TURTLE_DEVICES_PL031_H

#include <pthread.h>
#include <stdint.h>

#include "../lib/mmio.h"

#define PL031_DR 0x000
#define PL031_MR 0x004
#define PL031_LR 0x008
#define PL031_CR 0x00c
#define PL031_IMSC 0x010
#define PL031_RIS 0x014
#define PL031_MIS 0x018
#define PL031_ICR 0x01c
#define PL031_ID 0xfe0 /* 8 registers, one byte each */
#define PL031_INT_ALARM 1U

struct pl031 {
	pthread_mutex_t lock;
	int64_t offset; /* guest seconds minus host seconds */
	uint32_t mr, lr, imsc, ris;
	int alarm_pending; /* MR is ahead of the counter */
	int irq_level;

	/* The host's wall clock in seconds (CLOCK_REALTIME by default). */
	int64_t (*now)(void);
	/* Called with the lock held. */
	void (*set_irq)(void *ctx, int level);
	void (*arm)(void *ctx, int64_t host_sec);
	void *ctx;
};

extern const struct mmio_ops pl031__mmio_ops;

/* now NULL: CLOCK_REALTIME; set_irq and arm may be NULL. */
void pl031__init(struct pl031 *r, int64_t (*now)(void),
		 void (*set_irq)(void *, int), void (*arm)(void *, int64_t),
		 void *ctx);

/* The alarm's host second has come: raise RIS if DR has reached MR. */
void pl031__tick(struct pl031 *r);

#endif
