// SPDX-License-Identifier: GPL-2.0
#include "pl031.h"

#include <string.h>
#include <time.h>

/* PeriphID 0-3 (part 0x031, ARM, revision 1) then PCellID 0-3. */
static const uint8_t pl031_id[8] = { 0x31, 0x10, 0x14, 0x00,
				     0x0d, 0xf0, 0x05, 0xb1 };

static int64_t pl031__realtime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec;
}

static uint32_t pl031__counter(struct pl031 *r, int64_t host)
{
	return (uint32_t)(host + r->offset);
}

static void pl031__update_irq(struct pl031 *r)
{
	int level = !!(r->ris & r->imsc & PL031_INT_ALARM);

	if (level != r->irq_level) {
		r->irq_level = level;
		if (r->set_irq)
			r->set_irq(r->ctx, level);
	}
}

/* Has the counter reached MR? Latch RIS once when it has. */
static void pl031__sync(struct pl031 *r, int64_t host)
{
	uint32_t ahead = r->mr - pl031__counter(r, host);

	/* MR at most half the counter's range ahead counts as pending. */
	if (r->alarm_pending && (ahead == 0 || ahead > 0x80000000U)) {
		r->alarm_pending = 0;
		r->ris |= PL031_INT_ALARM;
	}
	pl031__update_irq(r);
}

/* MR or the offset changed: the counter meets MR (again) in the future. */
static void pl031__rearm(struct pl031 *r, int64_t host)
{
	uint32_t ahead = r->mr - pl031__counter(r, host);

	r->alarm_pending = ahead != 0 && ahead <= 0x80000000U;
	if (ahead == 0)
		r->ris |= PL031_INT_ALARM; /* matches this very second */
	if (r->arm)
		r->arm(r->ctx, r->alarm_pending ? host + ahead : -1);
	pl031__update_irq(r);
}

static uint32_t pl031__read_reg(struct pl031 *r, uint64_t off, int64_t host)
{
	switch (off) {
	case PL031_DR:
		return pl031__counter(r, host);
	case PL031_MR:
		return r->mr;
	case PL031_LR:
		return r->lr;
	case PL031_CR:
		return 1;
	case PL031_IMSC:
		return r->imsc;
	case PL031_RIS:
		return r->ris;
	case PL031_MIS:
		return r->ris & r->imsc;
	}
	if (off >= PL031_ID && off < PL031_ID + 8 * 4)
		return pl031_id[(off - PL031_ID) / 4];
	return 0;
}

static void pl031__read(void *dev, uint64_t offset, uint8_t *data, uint32_t len)
{
	struct pl031 *r = dev;
	int64_t host;
	uint32_t v;

	memset(data, 0, len);
	if (len != 4 || (offset & 3))
		return;
	pthread_mutex_lock(&r->lock);
	host = r->now();
	pl031__sync(r, host);
	v = pl031__read_reg(r, offset, host);
	pthread_mutex_unlock(&r->lock);
	/* Guest byte order is little-endian, like every host turtle runs on. */
	memcpy(data, &v, 4);
}

static void pl031__write(void *dev, uint64_t offset, const uint8_t *data,
			 uint32_t len)
{
	struct pl031 *r = dev;
	int64_t host;
	uint32_t v;

	if (len != 4 || (offset & 3))
		return;
	memcpy(&v, data, 4);
	pthread_mutex_lock(&r->lock);
	host = r->now();
	pl031__sync(r, host);
	switch (offset) {
	case PL031_MR:
		r->mr = v;
		pl031__rearm(r, host);
		break;
	case PL031_LR:
		/* The guest's clock moves; the host's never does. */
		r->lr = v;
		r->offset = (int64_t)v - host;
		pl031__rearm(r, host);
		break;
	case PL031_IMSC:
		r->imsc = v & PL031_INT_ALARM;
		pl031__update_irq(r);
		break;
	case PL031_ICR:
		r->ris &= ~(v & PL031_INT_ALARM);
		pl031__update_irq(r);
		break;
	default:
		/* DR, CR (start cannot be cleared), RIS, MIS, the IDs. */
		break;
	}
	pthread_mutex_unlock(&r->lock);
}

const struct mmio_ops pl031__mmio_ops = {
	.read = pl031__read,
	.write = pl031__write,
};

void pl031__init(struct pl031 *r, int64_t (*now)(void),
		 void (*set_irq)(void *, int), void (*arm)(void *, int64_t),
		 void *ctx)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	r->now = now ? now : pl031__realtime;
	r->set_irq = set_irq;
	r->arm = arm;
	r->ctx = ctx;
}

void pl031__tick(struct pl031 *r)
{
	pthread_mutex_lock(&r->lock);
	pl031__sync(r, r->now());
	pthread_mutex_unlock(&r->lock);
}
