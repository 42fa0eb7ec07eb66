// SPDX-License-Identifier: GPL-2.0
/* Byte ranges of iovec lists (see iov.h). */
#include "iov.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

int iov__slice(struct iovec *dst, int max, const struct iovec *src, int n,
	       size_t off, size_t len)
{
	int i, k = 0;

	for (i = 0; i < n && len && k < max; i++) {
		size_t l = src[i].iov_len;

		if (off >= l) {
			off -= l;
			continue;
		}
		l -= off;
		if (l > len)
			l = len;
		dst[k].iov_base = (uint8_t *)src[i].iov_base + off;
		dst[k++].iov_len = l;
		len -= l;
		off = 0;
	}
	return k;
}

static size_t iov_copy(uint8_t *buf, const struct iovec *iov, int n, size_t off,
		       size_t len, bool to_iov)
{
	size_t done = 0;
	int i;

	for (i = 0; i < n && done < len; i++) {
		size_t l = iov[i].iov_len;
		uint8_t *p = iov[i].iov_base;

		if (off >= l) {
			off -= l;
			continue;
		}
		p += off;
		l -= off;
		off = 0;
		if (l > len - done)
			l = len - done;
		if (to_iov)
			memcpy(p, buf + done, l);
		else
			memcpy(buf + done, p, l);
		done += l;
	}
	return done;
}

size_t iov__to_buf(void *buf, const struct iovec *iov, int n, size_t off,
		   size_t len)
{
	return iov_copy(buf, iov, n, off, len, false);
}

size_t iov__from_buf(const struct iovec *iov, int n, size_t off,
		     const void *buf, size_t len)
{
	return iov_copy((uint8_t *)buf, iov, n, off, len, true);
}
