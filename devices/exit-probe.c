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

static void exit_probe__read(void *dev, uint64_t offset, uint8_t *data,
			     uint32_t len)
{
	struct exit_probe *p = dev;
	uint64_t count = __atomic_add_fetch(&p->count, 1, __ATOMIC_RELAXED);
	uint64_t val = 0;

	if (offset == EXIT_PROBE_REG_MAGIC && len == 4)
		val = EXIT_PROBE_MAGIC;
	else if (offset == EXIT_PROBE_REG_COUNT && (len == 4 || len == 8))
		val = count;
	else if (offset == EXIT_PROBE_REG_COUNT + 4 && len == 4)
		val = count >> 32;
	else if (offset == EXIT_PROBE_REG_SUM && len == 4 && p->mem)
		val = exit_probe__sum(p->mem, p->mem_words);
	/* Guest byte order is little-endian, like every host turtle runs on. */
	memset(data, 0, len);
	memcpy(data, &val, len < sizeof(val) ? len : sizeof(val));
}

static void exit_probe__write(void *dev, uint64_t offset, const uint8_t *data,
			      uint32_t len)
{
	struct exit_probe *p = dev;
	volatile uint32_t *mem = (volatile uint32_t *)p->mem;

	(void)data;
	(void)len;
	__atomic_add_fetch(&p->count, 1, __ATOMIC_RELAXED);
	if (offset == EXIT_PROBE_REG_ECHO && mem && p->mem_words >= 2) {
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
	p->kernel_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	return p->kernel_fd < 0 ? -1 : 0;
}

void exit_probe__exit(struct exit_probe *p)
{
	if (p->kernel_fd >= 0)
		close(p->kernel_fd);
	p->kernel_fd = -1;
}
