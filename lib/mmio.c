// SPDX-License-Identifier: GPL-2.0
#include "mmio.h"

#include <string.h>

int mmio__register(struct mmio_bus *bus, uint64_t base, uint64_t size,
		   const struct mmio_ops *ops, void *dev, const char *name)
{
	unsigned int i;

	if (bus->nr >= MMIO_MAX_REGIONS || size == 0 || base + size < base)
		return -1;
	for (i = 0; i < bus->nr; i++) {
		struct mmio_region *r = &bus->regions[i];

		if (base < r->base + r->size && r->base < base + size)
			return -1;
	}
	bus->regions[bus->nr++] = (struct mmio_region){
		.base = base,
		.size = size,
		.ops = ops,
		.dev = dev,
		.name = name,
	};
	return 0;
}

static struct mmio_region *mmio__find(struct mmio_bus *bus, uint64_t addr,
				      uint32_t len)
{
	unsigned int i;

	for (i = 0; i < bus->nr; i++) {
		struct mmio_region *r = &bus->regions[i];

		if (addr >= r->base && addr - r->base < r->size &&
		    len <= r->size - (addr - r->base))
			return r;
	}
	return NULL;
}

int mmio__access(struct mmio_bus *bus, uint64_t addr, uint8_t *data,
		 uint32_t len, int is_write)
{
	struct mmio_region *r;

	if (len == 0 || len > 8)
		goto unhandled;
	r = mmio__find(bus, addr, len);
	if (!r)
		goto unhandled;
	if (is_write) {
		if (r->ops->write)
			r->ops->write(r->dev, addr - r->base, data, len);
	} else {
		memset(data, 0, len);
		if (r->ops->read)
			r->ops->read(r->dev, addr - r->base, data, len);
	}
	return 0;
unhandled:
	__atomic_add_fetch(&bus->unhandled, 1, __ATOMIC_RELAXED);
	if (!is_write && len <= 8)
		memset(data, 0, len);
	return -1;
}
