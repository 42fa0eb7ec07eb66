/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ARM PrimeCell PL011 UART, the console of the "virt" machine.
 *
 * Transmit is immediate: every byte the guest writes to DR goes straight to
 * the output callback, the TX FIFO is never full and the TX interrupt is
 * always raised, so the guest's driver never waits. Receive has a 32-byte
 * FIFO filled by pl011__rx_push() from the host's input.
 */
#ifndef TURTLE_DEVICES_PL011_H
#define TURTLE_DEVICES_PL011_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/mmio.h"

#define PL011_FIFO_LEN 32

struct pl011 {
	pthread_mutex_t lock;
	uint8_t rx_fifo[PL011_FIFO_LEN];
	unsigned int rx_head, rx_count;
	uint32_t cr, lcr_h, ibrd, fbrd, ifls, imsc, ris, dmacr;
	int irq_level;

	/* Called with the lock held. */
	void (*set_irq)(void *ctx, int level);
	void (*output)(void *ctx, const uint8_t *buf, size_t len);
	void *ctx;
};

extern const struct mmio_ops pl011__mmio_ops;

void pl011__init(struct pl011 *u, void (*set_irq)(void *, int),
		 void (*output)(void *, const uint8_t *, size_t), void *ctx);

/* Queue host input; returns how many bytes fit (the rest must wait). */
size_t pl011__rx_push(struct pl011 *u, const uint8_t *buf, size_t len);

/* Bytes of free space in the receive FIFO. */
size_t pl011__rx_space(struct pl011 *u);

#endif
