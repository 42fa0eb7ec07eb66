// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk request execution (see blk-req.h). The chain's buffer lengths
 * are summed here from its iovecs, never taken on trust, and every guest
 * buffer is reached through iov__slice(), so nothing outside them is touched.
 * A request whose status is not OK reports only the status byte as written.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "blk-req.h"
#include "iov.h"

#define HDR_SIZE sizeof(struct virtio_blk_outhdr)
#define SEG_SIZE sizeof(struct virtio_blk_discard_write_zeroes)

static char zero_buf[64 << 10]; /* WRITE_ZEROES without fallocate */

/*
 * Read or write all of v[0 .. n) at off, retrying partial transfers and
 * EINTR. A read that meets the end of the file zero-fills the rest (a short
 * or sparse image reads as zeroes up to the capacity). Consumes v.
 */
static int rw_all(int fd, struct iovec *v, unsigned int n, off_t off,
		  bool write)
{
	while (n) {
		ssize_t r = write ? pwritev(fd, v, (int)n, off)
				  : preadv(fd, v, (int)n, off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || (r == 0 && write))
			return -1;
		if (r == 0) {
			for (; n; n--, v++)
				memset(v->iov_base, 0, v->iov_len);
			return 0;
		}
		off += r;
		for (; n && (size_t)r >= v->iov_len; n--, v++)
			r -= (ssize_t)v->iov_len;
		if (n) {
			v->iov_base = (char *)v->iov_base + r;
			v->iov_len -= (size_t)r;
		}
	}
	return 0;
}

static int pread_rw(const struct blk_backend *b, struct iovec *v,
		    unsigned int n, uint64_t off, bool write)
{
	return rw_all(b->fd, v, n, (off_t)off, write);
}

/* fdatasync, retried on EINTR; also the mapped backend's second step. */
int blk__fdatasync(int fd)
{
	while (fdatasync(fd) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return 0;
}

static int pread_flush(const struct blk_backend *b)
{
	return blk__fdatasync(b->fd);
}

const struct blk_io_ops blk_io_pread = {
	.name = "pread",
	.rw = pread_rw,
	.flush = pread_flush,
};

/* Sectors [sector, sector + n) lie on the disk, at offsets an off_t holds. */
static bool range_ok(const struct blk_backend *b, uint64_t sector, uint64_t n)
{
	return b->capacity <= (uint64_t)INT64_MAX >> BLK_SECTOR_SHIFT &&
	       sector <= b->capacity && n <= b->capacity - sector;
}

/* IN or OUT: len bytes at offset off of iov[0 .. n), to or from sector. */
static uint8_t blk_rw(const struct blk_backend *b, const struct iovec *iov,
		      unsigned int n, uint64_t off, uint64_t len,
		      uint64_t sector, bool write)
{
	struct iovec v[VQ_MAX_SEGS];
	unsigned int k;

	if ((write && b->read_only) || len % BLK_SECTOR_SIZE ||
	    !range_ok(b, sector, len >> BLK_SECTOR_SHIFT))
		return VIRTIO_BLK_S_IOERR;
	k = iov__slice(v, VQ_MAX_SEGS, iov, (int)n, off, len);
	if ((b->io ? b->io : &blk_io_pread)
		    ->rw(b, v, k, sector << BLK_SECTOR_SHIFT, write))
		return VIRTIO_BLK_S_IOERR;
	return VIRTIO_BLK_S_OK;
}

/* Store len zero bytes at off with plain writes. */
static int write_zeroes(int fd, off_t off, off_t len)
{
	struct iovec v;

	for (; len; off += (off_t)v.iov_len, len -= (off_t)v.iov_len) {
		v.iov_base = zero_buf;
		v.iov_len = len < (off_t)sizeof(zero_buf) ? (size_t)len
							  : sizeof(zero_buf);
		if (rw_all(fd, &v, 1, off, true))
			return -1;
	}
	return 0;
}

/* One DISCARD or WRITE_ZEROES segment, already checked. */
static int blk_zero(int fd, uint32_t type, bool unmap, off_t off, off_t len)
{
	int mode = FALLOC_FL_KEEP_SIZE;

	if (type == VIRTIO_BLK_T_DISCARD || unmap)
		mode |= FALLOC_FL_PUNCH_HOLE;
	else
		mode |= FALLOC_FL_ZERO_RANGE;
	while (len && fallocate(fd, mode, off, len) < 0) {
		if (errno == EINTR)
			continue;
		if (errno != EOPNOTSUPP && errno != ENOSYS)
			return -1;
		/* A discard is only a hint; zeroes must be there. */
		if (type == VIRTIO_BLK_T_DISCARD)
			return 0;
		return write_zeroes(fd, off, len);
	}
	return 0;
}

/* DISCARD or WRITE_ZEROES: len bytes of segments follow the header. */
static uint8_t blk_ranges(const struct blk_backend *b, const struct vq_chain *c,
			  uint32_t type, uint64_t len)
{
	struct virtio_blk_discard_write_zeroes seg[BLK_MAX_DISCARD_SEG];
	uint32_t allowed = type == VIRTIO_BLK_T_WRITE_ZEROES
				   ? VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP
				   : 0;
	unsigned int i, n = (unsigned int)(len / SEG_SIZE);

	if (b->read_only || !len || len % SEG_SIZE || len > sizeof(seg))
		return VIRTIO_BLK_S_IOERR;
	iov__to_buf(seg, c->iov, (int)c->n_out, HDR_SIZE, len);
	for (i = 0; i < n; i++) {
		uint32_t num = le32toh(seg[i].num_sectors);

		if (le32toh(seg[i].flags) & ~allowed)
			return VIRTIO_BLK_S_UNSUPP;
		if (num > BLK_MAX_DISCARD_SECTORS ||
		    !range_ok(b, le64toh(seg[i].sector), num))
			return VIRTIO_BLK_S_IOERR;
	}
	for (i = 0; i < n; i++) {
		off_t off = (off_t)(le64toh(seg[i].sector) << BLK_SECTOR_SHIFT);
		off_t bytes = (off_t)le32toh(seg[i].num_sectors)
			      << BLK_SECTOR_SHIFT;
		bool unmap = le32toh(seg[i].flags) &
			     VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP;

		if (blk_zero(b->fd, type, unmap, off, bytes))
			return VIRTIO_BLK_S_IOERR;
	}
	return VIRTIO_BLK_S_OK;
}

int64_t blk__request(const struct blk_backend *b, const struct vq_chain *c)
{
	const struct iovec *in = c->iov + c->n_out;
	struct virtio_blk_outhdr hdr;
	uint64_t out_len = 0, in_len = 0, len;
	struct iovec st;
	int64_t written = 1;
	uint8_t status;
	unsigned int i;

	if (c->n_out > VQ_MAX_SEGS || c->n_in > VQ_MAX_SEGS - c->n_out)
		return -1;
	for (i = 0; i < c->n_out; i++)
		out_len += c->iov[i].iov_len;
	for (i = 0; i < c->n_in; i++)
		in_len += in[i].iov_len;
	if (!in_len || !iov__slice(&st, 1, in, (int)c->n_in, in_len - 1, 1))
		return -1;
	len = in_len - 1; /* device-writable bytes before the status */

	if (out_len < HDR_SIZE) {
		status = VIRTIO_BLK_S_IOERR;
		goto done;
	}
	iov__to_buf(&hdr, c->iov, (int)c->n_out, 0, HDR_SIZE);

	switch (le32toh(hdr.type)) {
	case VIRTIO_BLK_T_IN:
		status = blk_rw(b, in, c->n_in, 0, len, le64toh(hdr.sector),
				false);
		if (status == VIRTIO_BLK_S_OK)
			written += (int64_t)len;
		break;
	case VIRTIO_BLK_T_OUT:
		status = blk_rw(b, c->iov, c->n_out, HDR_SIZE,
				out_len - HDR_SIZE, le64toh(hdr.sector), true);
		break;
	case VIRTIO_BLK_T_FLUSH:
		/* Nothing to flush on a disk turtle never writes. */
		status = VIRTIO_BLK_S_OK;
		if (!b->read_only && (b->io ? b->io : &blk_io_pread)->flush(b))
			status = VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_GET_ID:
		if (len > VIRTIO_BLK_ID_BYTES)
			len = VIRTIO_BLK_ID_BYTES;
		iov__from_buf(in, (int)c->n_in, 0, b->serial, len);
		written += (int64_t)len;
		status = VIRTIO_BLK_S_OK;
		break;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		status =
			blk_ranges(b, c, le32toh(hdr.type), out_len - HDR_SIZE);
		break;
	default:
		status = VIRTIO_BLK_S_UNSUPP;
	}
done:
	*(uint8_t *)st.iov_base = status;
	return written;
}
