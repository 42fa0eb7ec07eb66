// SPDX-License-Identifier: GPL-2.0
/*
 * vsock-tool's data: pseudo-random bytes by position, so that a reader can
 * check any piece of a stream, and a checksum over a whole stream, so that
 * two ends (or another program in between) can compare what they carried.
 */
#include <string.h>

#include "vsock-tool.h"

uint64_t data__mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/*
 * The stream's bytes and its checksum cost a few instructions per 16
 * bytes: throughput benchmarks run in instruction time, where a costlier
 * generator (a data__mix() per word, once 360 us per 64 KiB) measured the tool
 * rather than the transport. Word i of stream key (bytes 8i to 8i+7,
 * little-endian) is key ^ (i * STEP); the checksum is a two-lane
 * Fletcher sum over the words (lane i % 2: a += word, b += a), mixed with
 * the length at the end: it sees every word's value and position.
 */
#define STEP 0x9e3779b97f4a7c15ULL

static uint64_t word_at(uint64_t key, uint64_t i)
{
	return key ^ (i * STEP);
}

void data__gen(uint64_t key, uint64_t off, uint8_t *buf, size_t len)
{
	uint64_t i = off / 8, w;
	size_t skip = off % 8, n;
	u64x2 x, k = { key, key }, step = { 2 * STEP, 2 * STEP };

	if (skip) {
		w = word_at(key, i++);
		n = 8 - skip < len ? 8 - skip : len;
		memcpy(buf, (uint8_t *)&w + skip, n);
		buf += n;
		len -= n;
	}
	x = (u64x2){ i * STEP, (i + 1) * STEP };
	for (; len >= 16; buf += 16, len -= 16, i += 2) {
		u64x2 v = x ^ k;

		memcpy(buf, &v, 16);
		x += step;
	}
	if (len) {
		w = word_at(key, i);
		memcpy(buf, &w, len < 8 ? len : 8);
		if (len > 8) {
			w = word_at(key, i + 1);
			memcpy(buf + 8, &w, len - 8);
		}
	}
}

static void sum_word(struct sum *s, uint64_t w)
{
	unsigned int j = (unsigned int)(s->n / 8 - 1) & 1; /* n counts w */

	s->a[j] += w;
	s->b[j] += s->a[j];
}

void sum__add(struct sum *s, const uint8_t *p, size_t len)
{
	uint64_t w;
	u64x2 v;

	while (len && s->ntail) {
		s->tail[s->ntail++] = *p++;
		len--;
		s->n++;
		if (s->ntail == 8) {
			memcpy(&w, s->tail, 8);
			sum_word(s, w);
			s->ntail = 0;
		}
	}
	if (len >= 8 && (s->n / 8) & 1) { /* the next word is lane 1's */
		memcpy(&w, p, 8);
		s->n += 8;
		sum_word(s, w);
		p += 8;
		len -= 8;
	}
	if (len >= 16) { /* in locals: p may alias *s for all gcc knows */
		u64x2 a = s->a, b = s->b;
		size_t blk = len & ~(size_t)15;

		for (; len >= 16; p += 16, len -= 16) {
			memcpy(&v, p, 16);
			a += v;
			b += a;
		}
		s->a = a;
		s->b = b;
		s->n += blk;
	}
	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		s->n += 8;
		sum_word(s, w);
	}
	while (len--) {
		s->tail[s->ntail++] = *p++;
		s->n++;
	}
}

uint64_t sum__final(struct sum *s)
{
	uint64_t w = 0;

	memcpy(&w, s->tail, s->ntail);
	return data__mix(data__mix(s->a[0] ^ data__mix(s->b[0])) ^
			 data__mix(s->a[1] ^ data__mix(s->b[1])) ^ w ^
			 data__mix(s->n));
}
