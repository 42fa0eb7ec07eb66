// SPDX-License-Identifier: GPL-2.0
#include "pl011.h"

#include <string.h>

#include "pl011-regs.h"

/* PeriphID 0-3 then PCellID 0-3: what the AMBA bus probes for. */
static const uint8_t pl011_id[8] = { 0x11, 0x10, 0x14, 0x00,
				     0x0d, 0xf0, 0x05, 0xb1 };

static void pl011__update(struct pl011 *u)
{
	int level;

	u->ris &= ~(INT_RX | INT_RT);
	if (u->rx_count)
		u->ris |= INT_RX | INT_RT;
	level = !!(u->ris & u->imsc);
	if (level != u->irq_level) {
		u->irq_level = level;
		if (u->set_irq)
			u->set_irq(u->ctx, level);
	}
}

void pl011__init(struct pl011 *u, void (*set_irq)(void *, int),
		 void (*output)(void *, const uint8_t *, size_t), void *ctx)
{
	memset(u, 0, sizeof(*u));
	pthread_mutex_init(&u->lock, NULL);
	u->set_irq = set_irq;
	u->output = output;
	u->ctx = ctx;
	u->cr = 0x300; /* TXE | RXE */
	u->ifls = 0x12;
	u->ris = INT_TX; /* the transmitter is always ready */
}

/*
 * The register at off (4-byte aligned). Reading DR takes its byte from the
 * FIFO only if pop is set: an access that includes the register's byte 0.
 */
static uint32_t pl011__read_reg(struct pl011 *u, uint64_t off, int pop)
{
	uint32_t v;

	switch (off) {
	case UARTDR:
		if (!u->rx_count)
			return 0;
		v = u->rx_fifo[u->rx_head];
		if (!pop)
			return v;
		u->rx_head = (u->rx_head + 1) % PL011_FIFO_LEN;
		u->rx_count--;
		pl011__update(u);
		return v;
	case UARTRSR:
		return 0;
	case UARTFR:
		v = FR_TXFE;
		if (!u->rx_count)
			v |= FR_RXFE;
		if (u->rx_count == PL011_FIFO_LEN)
			v |= FR_RXFF;
		return v;
	case UARTIBRD:
		return u->ibrd;
	case UARTFBRD:
		return u->fbrd;
	case UARTLCR_H:
		return u->lcr_h;
	case UARTCR:
		return u->cr;
	case UARTIFLS:
		return u->ifls;
	case UARTIMSC:
		return u->imsc;
	case UARTRIS:
		return u->ris;
	case UARTMIS:
		return u->ris & u->imsc;
	case UARTDMACR:
		return u->dmacr;
	}
	if (off >= UARTPERIPHID0 && off < UARTPERIPHID0 + 0x20 && !(off & 3))
		return pl011_id[(off - UARTPERIPHID0) / 4];
	return 0;
}

static void pl011__write_reg(struct pl011 *u, uint64_t off, uint32_t v)
{
	uint8_t ch;

	switch (off) {
	case UARTDR:
		ch = (uint8_t)v;
		if (u->output)
			u->output(u->ctx, &ch, 1);
		u->ris |= INT_TX;
		break;
	case UARTRSR: /* error clear */
		break;
	case UARTIBRD:
		u->ibrd = v & 0xffff;
		break;
	case UARTFBRD:
		u->fbrd = v & 0x3f;
		break;
	case UARTLCR_H:
		u->lcr_h = v & 0xff;
		break;
	case UARTCR:
		u->cr = v & 0xffff;
		break;
	case UARTIFLS:
		u->ifls = v & 0x3f;
		break;
	case UARTIMSC:
		u->imsc = v & INT_ALL;
		break;
	case UARTICR:
		/* TX stays raised: the FIFO is always empty. */
		u->ris &= ~(v & INT_ALL);
		u->ris |= INT_TX;
		break;
	case UARTDMACR:
		u->dmacr = v & 7;
		break;
	}
	pl011__update(u);
}

static void pl011__mmio_read(void *dev, uint64_t off, uint8_t *data,
			     uint32_t len)
{
	struct pl011 *u = dev;
	uint32_t v;

	/* Only DR has a side effect on read, and only through its byte 0. */
	pthread_mutex_lock(&u->lock);
	v = pl011__read_reg(u, off & ~3ULL, !(off & 3));
	pthread_mutex_unlock(&u->lock);
	v >>= (off & 3) * 8;
	memcpy(data, &v, len > 4 ? 4 : len);
}

static void pl011__mmio_write(void *dev, uint64_t off, const uint8_t *data,
			      uint32_t len)
{
	struct pl011 *u = dev;
	uint32_t v = 0;

	if (off & 3) /* only DR takes byte writes, at offset 0 */
		return;
	memcpy(&v, data, len > 4 ? 4 : len);
	pthread_mutex_lock(&u->lock);
	pl011__write_reg(u, off, v);
	pthread_mutex_unlock(&u->lock);
}

const struct mmio_ops pl011__mmio_ops = {
	.read = pl011__mmio_read,
	.write = pl011__mmio_write,
};

size_t pl011__rx_push(struct pl011 *u, const uint8_t *buf, size_t len)
{
	size_t n = 0;

	pthread_mutex_lock(&u->lock);
	while (n < len && u->rx_count < PL011_FIFO_LEN) {
		u->rx_fifo[(u->rx_head + u->rx_count) % PL011_FIFO_LEN] =
			buf[n++];
		u->rx_count++;
	}
	pl011__update(u);
	pthread_mutex_unlock(&u->lock);
	return n;
}

size_t pl011__rx_space(struct pl011 *u)
{
	size_t n;

	pthread_mutex_lock(&u->lock);
	n = PL011_FIFO_LEN - u->rx_count;
	pthread_mutex_unlock(&u->lock);
	return n;
}
