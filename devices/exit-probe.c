// SPDX-License-Identifier: GPL-2.0
#include "exit-probe.h"

#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

uint32_t exit_probe__sum(const volatile uint32_t *w, uint64_t n)
{
	uint32_t sum = 0;
	uint64_t i;

	for (i = 0; i < n; i++)
		sum += w[i];
	return sum;
}

/* The pool's sum through guest RAM; *pages: how many lie in RAM. */
static uint32_t exit_probe__pool_sum(const struct exit_probe *p,
				     unsigned int *pages)
{
	uint32_t sum = 0;
	unsigned int i;

	*pages = 0;
	for (i = 0; p->ram && i < p->npool; i++) {
		const volatile uint32_t *w = guest_mem__ptr(
			p->ram, p->pool[i], EXIT_PROBE_POOL_PAGE);

		if (!w)
			continue;
		sum += exit_probe__sum(w, EXIT_PROBE_POOL_PAGE / 4);
		(*pages)++;
	}
	return sum;
}

static void exit_probe__read(void *dev, uint64_t offset, uint8_t *data,
			     uint32_t len)
{
	struct exit_probe *p = dev;
	uint64_t count = __atomic_add_fetch(&p->count, 1, __ATOMIC_RELAXED);
	unsigned int pages;
	uint64_t val = 0;

	if (offset == EXIT_PROBE_REG_MAGIC && len == 4)
		val = EXIT_PROBE_MAGIC;
	else if (offset == EXIT_PROBE_REG_COUNT && (len == 4 || len == 8))
		val = count;
	else if (offset == EXIT_PROBE_REG_COUNT + 4 && len == 4)
		val = count >> 32;
	else if (offset == EXIT_PROBE_REG_SUM && len == 4 && p->mem)
		val = exit_probe__sum(p->mem, p->mem_words);
	else if (offset == EXIT_PROBE_REG_POOL_SUM && len == 4)
		val = exit_probe__pool_sum(p, &pages);
	else if (offset == EXIT_PROBE_REG_POOL_PAGES && len == 4) {
		exit_probe__pool_sum(p, &pages);
		val = pages;
	}
	/* Guest byte order is little-endian, like every host turtle runs on. */
	memset(data, 0, len);
	memcpy(data, &val, len < sizeof(val) ? len : sizeof(val));
}

static void exit_probe__write(void *dev, uint64_t offset, const uint8_t *data,
			      uint32_t len)
{
	struct exit_probe *p = dev;
	volatile uint32_t *mem = (volatile uint32_t *)p->mem;

	__atomic_add_fetch(&p->count, 1, __ATOMIC_RELAXED);
	if (offset == EXIT_PROBE_REG_POOL_LO && len == 4) {
		memcpy(&p->pool_lo, data, 4);
	} else if (offset == EXIT_PROBE_REG_POOL_HI && len == 4) {
		uint32_t hi;

		memcpy(&hi, data, 4);
		if (p->npool < EXIT_PROBE_POOL_PAGES)
			p->pool[p->npool++] = (uint64_t)hi << 32 | p->pool_lo;
	} else if ((offset == EXIT_PROBE_REG_DOORBELL ||
		    offset == EXIT_PROBE_REG_DOORBELL + 4) &&
		   len == 4 && p->doorbell) {
		uint32_t val;

		memcpy(&val, data, 4);
		p->doorbell(p->doorbell_ctx, offset, val);
	} else if (offset == EXIT_PROBE_REG_ECHO && mem && p->mem_words >= 2) {
		uint32_t req = mem[0];

		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		mem[1] = req + 1;
	}
}

const struct mmio_ops exit_probe__mmio_ops = {
	.read = exit_probe__read,
	.write = exit_probe__write,
};

int exit_probe__init(struct exit_probe *p)
{
	p->count = 0;
	p->mem = NULL;
	p->mem_words = 0;
	p->ram = NULL;
	p->pool_lo = 0;
	p->npool = 0;
	p->doorbell = NULL;
	p->doorbell_ctx = NULL;
	p->kernel_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	return p->kernel_fd < 0 ? -1 : 0;
}

void exit_probe__exit(struct exit_probe *p)
{
	if (p->kernel_fd >= 0)
		close(p->kernel_fd);
	p->kernel_fd = -1;
}
