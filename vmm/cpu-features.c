// SPDX-License-Identifier: GPL-2.0
#include "cpu-features.h"

#include <stdio.h>
#include <string.h>

static const char *const names[] = { "sve", "ptrauth", "pmu", "mte", "pvtime" };

void cpu_features__choose(unsigned int host, unsigned int off, int nested,
			  struct cpu_features *f)
{
	unsigned int want = CPU_FEAT_ALL & ~off;

	memset(f, 0, sizeof(*f));
	f->off = off & CPU_FEAT_ALL;
	f->host_lacks = want & ~host;
	f->on = want & host;
	if (nested) {
		f->nested_off = f->on & CPU_FEAT_NOT_NESTED;
		f->on &= ~CPU_FEAT_NOT_NESTED;
	}
}

void cpu_features__names(unsigned int set, char *buf, size_t len)
{
	size_t n = 0;
	unsigned int i;

	if (!len)
		return;
	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(set & (1U << i)))
			continue;
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s",
				      n ? " " : "", names[i]);
		if (n >= len)
			return;
	}
	if (!n)
		snprintf(buf, len, "none");
}

unsigned int cpu_features__sve_cap(uint64_t vls[SVE_VLS_WORDS],
				   unsigned int max_bits)
{
	unsigned int vq, top = 0;

	for (vq = 1; vq <= SVE_VLS_WORDS * 64; vq++) {
		uint64_t bit = 1ULL << ((vq - 1) % 64);
		uint64_t *w = &vls[(vq - 1) / 64];

		if (!(*w & bit))
			continue;
		if (max_bits && vq * SVE_VL_MIN_BITS > max_bits)
			*w &= ~bit;
		else
			top = vq * SVE_VL_MIN_BITS;
	}
	return top;
}
