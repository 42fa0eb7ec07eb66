/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Byte ranges of scatter-gather lists (a chain's buffers as host iovecs):
 * the devices read headers and write status through these, so a buffer
 * split across descriptors anywhere is handled in one place, and nothing
 * outside the list is ever touched.
 */
#ifndef TURTLE_VIRTIO_IOV_H
#define TURTLE_VIRTIO_IOV_H

#include <stddef.h>
#include <sys/uio.h>

/*
 * Point dst[0 .. max) at bytes [off, off + len) of src[0 .. n), leaving
 * out empty pieces. Returns the entries filled; bytes src does not have
 * (or that need more than max entries) are not covered.
 */
int iov__slice(struct iovec *dst, int max, const struct iovec *src, int n,
	       size_t off, size_t len);
/* Copy bytes [off, off + len) of iov into buf; returns the bytes copied. */
size_t iov__to_buf(void *buf, const struct iovec *iov, int n, size_t off,
		   size_t len);
/* Copy buf into bytes [off, off + len) of iov; returns the bytes copied. */
size_t iov__from_buf(const struct iovec *iov, int n, size_t off,
		     const void *buf, size_t len);

#endif
