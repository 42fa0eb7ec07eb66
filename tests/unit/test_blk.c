// SPDX-License-Identifier: GPL-2.0
/*
 * blk__request: virtio-blk requests against a temporary 1 MiB image whose
 * every byte holds pat(offset), driven by hand-built chains, over
 * preadv/pwritev and over the mapped image (blk-map.h). blk__create's
 * failure path: test_blk_map.c.
 */
#include <endian.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../lib/log.h"
#include "../../virtio/blk-map.h"
#include "../../virtio/blk-req.h"
#include "../../virtio/blk.h"
#include "suites.h"

#define DISK_SIZE (1 << 20)
#define DISK_SECTORS (DISK_SIZE / BLK_SECTOR_SIZE)
#define SERIAL "turtle-test-serial"

static struct blk_backend be;
static struct vq_chain ch;
static struct virtio_blk_outhdr hdr;
static uint8_t status;

static uint8_t pat(uint64_t off)
{
	return (uint8_t)(off * 7 + (off >> 9));
}

static void fill_pattern(uint8_t *buf, uint64_t off, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = pat(off + i);
}

/*
 * The image file, every byte pat(offset), and an empty chain. The file is
 * unlinked at once, so a test that fails (and skips teardown) leaves none.
 */
static void setup(void)
{
	static uint8_t img[DISK_SIZE];
	char path[] = "/tmp/turtle-blk-XXXXXX";

	be.fd = mkstemp(path);
	ck_assert_int_ge(be.fd, 0);
	unlink(path);
	fill_pattern(img, 0, DISK_SIZE);
	ck_assert_int_eq(pwrite(be.fd, img, DISK_SIZE, 0), DISK_SIZE);
	be.capacity = DISK_SECTORS;
	be.read_only = false;
	memset(be.serial, 0, sizeof(be.serial));
	memcpy(be.serial, SERIAL, strlen(SERIAL));
	memset(&ch, 0, sizeof(ch));
	status = 0xee;
}

static void teardown(void)
{
	close(be.fd);
}

static void set_hdr(uint32_t type, uint64_t sector)
{
	hdr.type = htole32(type);
	hdr.ioprio = 0;
	hdr.sector = htole64(sector);
}

/* Append a device-readable buffer; all of them come first. */
static void add_out(void *p, size_t len)
{
	ck_assert_uint_eq(ch.n_in, 0);
	ch.iov[ch.n_out].iov_base = p;
	ch.iov[ch.n_out++].iov_len = len;
	ch.out_len += len;
}

static void add_in(void *p, size_t len)
{
	ch.iov[ch.n_out + ch.n_in].iov_base = p;
	ch.iov[ch.n_out + ch.n_in++].iov_len = len;
	ch.in_len += len;
}

/* A read or write of len bytes of buf at sector, status apart. */
static int64_t rw(uint32_t type, uint64_t sector, void *buf, size_t len)
{
	set_hdr(type, sector);
	add_out(&hdr, sizeof(hdr));
	if (type == VIRTIO_BLK_T_OUT)
		add_out(buf, len);
	else
		add_in(buf, len);
	add_in(&status, 1);
	return blk__request(&be, &ch);
}

/* A DISCARD or WRITE_ZEROES with n segments in one buffer. */
static int64_t ranges(uint32_t type,
		      struct virtio_blk_discard_write_zeroes *seg,
		      unsigned int n)
{
	set_hdr(type, 0);
	add_out(&hdr, sizeof(hdr));
	add_out(seg, n * sizeof(*seg));
	add_in(&status, 1);
	return blk__request(&be, &ch);
}

static void set_seg(struct virtio_blk_discard_write_zeroes *seg,
		    uint64_t sector, uint32_t num, uint32_t flags)
{
	seg->sector = htole64(sector);
	seg->num_sectors = htole32(num);
	seg->flags = htole32(flags);
}

/* The file holds pat() over [off, off + len). */
static bool file_has_pattern(uint64_t off, size_t len)
{
	static uint8_t got[DISK_SIZE], want[DISK_SIZE];

	if (pread(be.fd, got, len, (off_t)off) != (ssize_t)len)
		return false;
	fill_pattern(want, off, len);
	return memcmp(got, want, len) == 0;
}

static bool file_is_zero(uint64_t off, size_t len)
{
	static uint8_t got[DISK_SIZE], zero[DISK_SIZE];

	return pread(be.fd, got, len, (off_t)off) == (ssize_t)len &&
	       memcmp(got, zero, len) == 0;
}

static bool file_unchanged(void)
{
	struct stat st;

	return fstat(be.fd, &st) == 0 && st.st_size == DISK_SIZE &&
	       file_has_pattern(0, DISK_SIZE);
}

/* A DISCARD or WRITE_ZEROES of one segment: the request's status. */
static uint8_t one_range(uint32_t type, uint64_t sector, uint32_t num,
			 uint32_t flags)
{
	struct virtio_blk_discard_write_zeroes seg;

	set_seg(&seg, sector, num, flags);
	ck_assert_int_eq(ranges(type, &seg, 1), 1);
	return status;
}

/* Sectors [sector, sector + num) read as zeros, the others unchanged. */
static void assert_zeroed_only(uint64_t sector, uint32_t num)
{
	uint64_t end = (sector + num) * 512;

	ck_assert(file_is_zero(sector * 512, num * 512));
	ck_assert(file_has_pattern(0, sector * 512));
	ck_assert(file_has_pattern(end, DISK_SIZE - end));
}

START_TEST(test_blk_read_returns_file_content)
{
	uint8_t buf[1024], want[1024];

	ck_assert_int_eq(rw(VIRTIO_BLK_T_IN, 3, buf, sizeof(buf)), 1025);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_OK);
	fill_pattern(want, 3 * 512, sizeof(want));
	ck_assert_mem_eq(buf, want, sizeof(buf));
}
END_TEST

START_TEST(test_blk_write_lands_in_file)
{
	uint8_t buf[512];

	memset(buf, 0xab, sizeof(buf));
	ck_assert_int_eq(rw(VIRTIO_BLK_T_OUT, 5, buf, sizeof(buf)), 1);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_OK);
	memset(buf, 0, sizeof(buf));
	ck_assert_int_eq(pread(be.fd, buf, sizeof(buf), 5 * 512), 512);
	ck_assert_uint_eq(buf[0], 0xab);
	ck_assert_uint_eq(buf[511], 0xab);
	ck_assert(file_has_pattern(0, 5 * 512));
	ck_assert(file_has_pattern(6 * 512, DISK_SIZE - 6 * 512));
}
END_TEST

START_TEST(test_blk_header_split_across_three_iovecs)
{
	uint8_t buf[512], want[512];

	set_hdr(VIRTIO_BLK_T_IN, 9);
	add_out(&hdr, 5);
	add_out((uint8_t *)&hdr + 5, 7);
	add_out((uint8_t *)&hdr + 12, 4);
	add_in(buf, sizeof(buf));
	add_in(&status, 1);
	ck_assert_int_eq(blk__request(&be, &ch), 513);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_OK);
	fill_pattern(want, 9 * 512, sizeof(want));
	ck_assert_mem_eq(buf, want, sizeof(buf));
}
END_TEST

/* Data in three pieces, the status sharing the last; guards stay intact. */
START_TEST(test_blk_read_data_split_across_iovecs)
{
	uint8_t mem[1200], want[1024], got[1024];

	memset(mem, 0x5a, sizeof(mem));
	set_hdr(VIRTIO_BLK_T_IN, 1);
	add_out(&hdr, sizeof(hdr));
	add_in(mem + 10, 100);
	add_in(mem + 120, 700);
	add_in(mem + 830, 225);
	ck_assert_int_eq(blk__request(&be, &ch), 1025);
	ck_assert_uint_eq(mem[830 + 224], VIRTIO_BLK_S_OK);
	memcpy(got, mem + 10, 100);
	memcpy(got + 100, mem + 120, 700);
	memcpy(got + 800, mem + 830, 224);
	fill_pattern(want, 512, sizeof(want));
	ck_assert_mem_eq(got, want, sizeof(got));
	ck_assert_uint_eq(mem[9], 0x5a);
	ck_assert_uint_eq(mem[110], 0x5a);
	ck_assert_uint_eq(mem[820], 0x5a);
	ck_assert_uint_eq(mem[830 + 225], 0x5a);
}
END_TEST

/* The header and the first data bytes share a buffer. */
START_TEST(test_blk_write_data_split_across_iovecs)
{
	uint8_t mem[16 + 1024], want[1024];

	set_hdr(VIRTIO_BLK_T_OUT, 2);
	memcpy(mem, &hdr, sizeof(hdr));
	memset(mem + 16, 0xc3, 1024);
	add_out(mem, 16 + 300);
	add_out(mem + 316, 212);
	add_out(mem + 528, 512);
	add_in(&status, 1);
	ck_assert_int_eq(blk__request(&be, &ch), 1);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_OK);
	ck_assert_int_eq(pread(be.fd, want, sizeof(want), 2 * 512), 1024);
	ck_assert_mem_eq(want, mem + 16, sizeof(want));
	ck_assert(file_has_pattern(4 * 512, 512));
}
END_TEST

/* Past the end of a short (or sparse) image the disk reads as zeroes. */
START_TEST(test_blk_read_past_eof_zero_fills)
{
	uint8_t buf[1024], want[512], zero[512] = { 0 };

	ck_assert_int_eq(ftruncate(be.fd, DISK_SIZE / 2), 0);
	memset(buf, 0xff, sizeof(buf));
	ck_assert_int_eq(
		rw(VIRTIO_BLK_T_IN, DISK_SECTORS / 2 - 1, buf, sizeof(buf)),
		1025);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_OK);
	fill_pattern(want, DISK_SIZE / 2 - 512, sizeof(want));
	ck_assert_mem_eq(buf, want, 512);
	ck_assert_mem_eq(buf + 512, zero, 512);
}
END_TEST

START_TEST(test_blk_flush_ok)
{
	set_hdr(VIRTIO_BLK_T_FLUSH, 0);
	add_out(&hdr, sizeof(hdr));
	add_in(&status, 1);
	ck_assert_int_eq(blk__request(&be, &ch), 1);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_OK);
}
END_TEST

START_TEST(test_blk_flush_read_only_ok)
{
	be.read_only = true;
	set_hdr(VIRTIO_BLK_T_FLUSH, 0);
	add_out(&hdr, sizeof(hdr));
	add_in(&status, 1);
	ck_assert_int_eq(blk__request(&be, &ch), 1);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_OK);
}
END_TEST

/* VIRTIO_BLK_ID_BYTES of serial, however large the buffer. */
START_TEST(test_blk_get_id_returns_serial)
{
	uint8_t id[32];

	memset(id, 0xff, sizeof(id));
	ck_assert_int_eq(rw(VIRTIO_BLK_T_GET_ID, 0, id, sizeof(id)), 21);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_OK);
	ck_assert_mem_eq(id, be.serial, VIRTIO_BLK_ID_BYTES);
	ck_assert_uint_eq(id[VIRTIO_BLK_ID_BYTES], 0xff);
}
END_TEST

/* A buffer shorter than VIRTIO_BLK_ID_BYTES gets what fits, no more. */
START_TEST(test_blk_get_id_truncates_to_buffer)
{
	uint8_t id[12];

	memset(id, 0xff, sizeof(id));
	ck_assert_int_eq(rw(VIRTIO_BLK_T_GET_ID, 0, id, 8), 9);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_OK);
	ck_assert_mem_eq(id, SERIAL, 8);
	ck_assert_uint_eq(id[8], 0xff);
}
END_TEST

START_TEST(test_blk_discard_zeroes_range)
{
	ck_assert_uint_eq(one_range(VIRTIO_BLK_T_DISCARD, 16, 16, 0),
			  VIRTIO_BLK_S_OK);
	assert_zeroed_only(16, 16);
}
END_TEST

START_TEST(test_blk_write_zeroes_zeroes_range)
{
	ck_assert_uint_eq(one_range(VIRTIO_BLK_T_WRITE_ZEROES, 3, 5, 0),
			  VIRTIO_BLK_S_OK);
	assert_zeroed_only(3, 5);
}
END_TEST

START_TEST(test_blk_write_zeroes_unmap_zeroes_range)
{
	ck_assert_uint_eq(one_range(VIRTIO_BLK_T_WRITE_ZEROES, 8, 24,
				    VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP),
			  VIRTIO_BLK_S_OK);
	assert_zeroed_only(8, 24);
}
END_TEST

/* Two segments, the first of them split across three buffers. */
START_TEST(test_blk_write_zeroes_segments_split_across_iovecs)
{
	struct virtio_blk_discard_write_zeroes seg[2];

	set_seg(&seg[0], 1, 1, 0);
	set_seg(&seg[1], 4, 2, 0);
	set_hdr(VIRTIO_BLK_T_WRITE_ZEROES, 0);
	add_out(&hdr, sizeof(hdr));
	add_out(seg, 3);
	add_out((uint8_t *)seg + 3, 10);
	add_out((uint8_t *)seg + 13, sizeof(seg) - 13);
	add_in(&status, 1);
	ck_assert_int_eq(blk__request(&be, &ch), 1);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_OK);
	ck_assert(file_is_zero(512, 512));
	ck_assert(file_has_pattern(2 * 512, 2 * 512));
	ck_assert(file_is_zero(4 * 512, 2 * 512));
}
END_TEST

/* tmpfs has no FALLOC_FL_ZERO_RANGE: zeroes are then written. */
START_TEST(test_blk_write_zeroes_without_zero_range)
{
	char shm[] = "/dev/shm/turtle-blk-XXXXXX";
	int fd = mkstemp(shm);
	uint8_t after;

	if (fd < 0)
		return; /* no tmpfs here: nothing to try */
	unlink(shm);
	close(be.fd);
	be.fd = fd;
	ck_assert_int_eq(ftruncate(fd, DISK_SIZE), 0);
	ck_assert_int_eq(pwrite(fd, "\xff\xff\xff\xff", 4, 200 * 512 - 2), 4);
	ck_assert_uint_eq(one_range(VIRTIO_BLK_T_WRITE_ZEROES, 2, 198, 0),
			  VIRTIO_BLK_S_OK);
	ck_assert(file_is_zero(2 * 512, 198 * 512));
	ck_assert_int_eq(pread(fd, &after, 1, 200 * 512), 1);
	ck_assert_uint_eq(after, 0xff);
}
END_TEST

START_TEST(test_blk_read_past_end_ioerr)
{
	uint8_t buf[1024];

	ck_assert_int_eq(
		rw(VIRTIO_BLK_T_IN, DISK_SECTORS - 1, buf, sizeof(buf)), 1);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_IOERR);
}
END_TEST

START_TEST(test_blk_write_past_end_ioerr_unchanged)
{
	uint8_t buf[1024];

	memset(buf, 0xab, sizeof(buf));
	ck_assert_int_eq(
		rw(VIRTIO_BLK_T_OUT, DISK_SECTORS - 1, buf, sizeof(buf)), 1);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_IOERR);
	ck_assert(file_unchanged());
}
END_TEST

/* Sectors whose byte offset or end wraps around 64 bits. */
START_TEST(test_blk_sector_overflow_ioerr)
{
	static const uint64_t bad[] = { UINT64_MAX, UINT64_MAX - 1, 1ULL << 55,
					(1ULL << 55) - 1 };
	uint8_t buf[1024];
	unsigned int i;

	memset(buf, 0xab, sizeof(buf));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&ch, 0, sizeof(ch));
		status = 0xee;
		ck_assert_int_eq(rw(VIRTIO_BLK_T_OUT, bad[i], buf, sizeof(buf)),
				 1);
		ck_assert_uint_eq(status, VIRTIO_BLK_S_IOERR);
		memset(&ch, 0, sizeof(ch));
		status = 0xee;
		ck_assert_int_eq(rw(VIRTIO_BLK_T_IN, bad[i], buf, sizeof(buf)),
				 1);
		ck_assert_uint_eq(status, VIRTIO_BLK_S_IOERR);
	}
	ck_assert(file_unchanged());
}
END_TEST

START_TEST(test_blk_read_partial_sector_ioerr)
{
	uint8_t buf[700];

	ck_assert_int_eq(rw(VIRTIO_BLK_T_IN, 0, buf, sizeof(buf)), 1);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_IOERR);
}
END_TEST

START_TEST(test_blk_write_partial_sector_ioerr_unchanged)
{
	uint8_t buf[700];

	memset(buf, 0xab, sizeof(buf));
	ck_assert_int_eq(rw(VIRTIO_BLK_T_OUT, 0, buf, sizeof(buf)), 1);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_IOERR);
	ck_assert(file_unchanged());
}
END_TEST

START_TEST(test_blk_write_read_only_ioerr_unchanged)
{
	uint8_t buf[512];

	be.read_only = true;
	memset(buf, 0xab, sizeof(buf));
	ck_assert_int_eq(rw(VIRTIO_BLK_T_OUT, 0, buf, sizeof(buf)), 1);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_IOERR);
	ck_assert(file_unchanged());
}
END_TEST

START_TEST(test_blk_discard_read_only_ioerr_unchanged)
{
	be.read_only = true;
	ck_assert_uint_eq(one_range(VIRTIO_BLK_T_DISCARD, 0, 8, 0),
			  VIRTIO_BLK_S_IOERR);
	ck_assert(file_unchanged());
}
END_TEST

START_TEST(test_blk_write_zeroes_read_only_ioerr_unchanged)
{
	be.read_only = true;
	ck_assert_uint_eq(one_range(VIRTIO_BLK_T_WRITE_ZEROES, 0, 8, 0),
			  VIRTIO_BLK_S_IOERR);
	ck_assert(file_unchanged());
}
END_TEST

START_TEST(test_blk_discard_flags_unsupp)
{
	ck_assert_uint_eq(one_range(VIRTIO_BLK_T_DISCARD, 0, 8,
				    VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP),
			  VIRTIO_BLK_S_UNSUPP);
	ck_assert(file_unchanged());
}
END_TEST

START_TEST(test_blk_write_zeroes_unknown_flag_unsupp)
{
	ck_assert_uint_eq(one_range(VIRTIO_BLK_T_WRITE_ZEROES, 0, 8, 2),
			  VIRTIO_BLK_S_UNSUPP);
	ck_assert(file_unchanged());
}
END_TEST

START_TEST(test_blk_discard_too_many_segments_ioerr)
{
	struct virtio_blk_discard_write_zeroes seg[BLK_MAX_DISCARD_SEG + 1];
	unsigned int i;

	for (i = 0; i < BLK_MAX_DISCARD_SEG + 1; i++)
		set_seg(&seg[i], i, 1, 0);
	ck_assert_int_eq(
		ranges(VIRTIO_BLK_T_WRITE_ZEROES, seg, BLK_MAX_DISCARD_SEG + 1),
		1);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_IOERR);
	ck_assert(file_unchanged());
}
END_TEST

START_TEST(test_blk_discard_no_segment_ioerr)
{
	ck_assert_int_eq(ranges(VIRTIO_BLK_T_DISCARD, NULL, 0), 1);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_IOERR);
}
END_TEST

/* 20 bytes: one segment and a piece of another. */
START_TEST(test_blk_discard_partial_segment_ioerr)
{
	struct virtio_blk_discard_write_zeroes seg[2];

	set_seg(&seg[0], 0, 8, 0);
	set_seg(&seg[1], 8, 8, 0);
	set_hdr(VIRTIO_BLK_T_WRITE_ZEROES, 0);
	add_out(&hdr, sizeof(hdr));
	add_out(seg, 20);
	add_in(&status, 1);
	ck_assert_int_eq(blk__request(&be, &ch), 1);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_IOERR);
	ck_assert(file_unchanged());
}
END_TEST

/* The second segment is bad: the first, valid, one is not executed. */
START_TEST(test_blk_segment_past_end_ioerr_nothing_done)
{
	struct virtio_blk_discard_write_zeroes seg[2];

	set_seg(&seg[0], 0, 8, 0);
	set_seg(&seg[1], DISK_SECTORS - 4, 8, 0);
	ck_assert_int_eq(ranges(VIRTIO_BLK_T_WRITE_ZEROES, seg, 2), 1);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_IOERR);
	ck_assert(file_unchanged());
}
END_TEST

START_TEST(test_blk_segment_too_long_ioerr)
{
	be.capacity = 4ULL * BLK_MAX_DISCARD_SECTORS;
	ck_assert_uint_eq(one_range(VIRTIO_BLK_T_DISCARD, 0,
				    BLK_MAX_DISCARD_SECTORS + 1, 0),
			  VIRTIO_BLK_S_IOERR);
	ck_assert(file_unchanged());
}
END_TEST

START_TEST(test_blk_short_header_ioerr)
{
	set_hdr(VIRTIO_BLK_T_FLUSH, 0);
	add_out(&hdr, 8);
	add_out((uint8_t *)&hdr + 8, 7);
	add_in(&status, 1);
	ck_assert_int_eq(blk__request(&be, &ch), 1);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_IOERR);
}
END_TEST

START_TEST(test_blk_unknown_type_unsupp)
{
	static const uint32_t types[] = { 2, 3, VIRTIO_BLK_T_SECURE_ERASE,
					  0x80000000, 99 };
	unsigned int i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		memset(&ch, 0, sizeof(ch));
		status = 0xee;
		set_hdr(types[i], 0);
		add_out(&hdr, sizeof(hdr));
		add_in(&status, 1);
		ck_assert_int_eq(blk__request(&be, &ch), 1);
		ck_assert_uint_eq(status, VIRTIO_BLK_S_UNSUPP);
	}
}
END_TEST

START_TEST(test_blk_no_writable_byte_fails)
{
	set_hdr(VIRTIO_BLK_T_FLUSH, 0);
	add_out(&hdr, sizeof(hdr));
	ck_assert_int_eq(blk__request(&be, &ch), -1);
	add_in(&status, 0);
	ck_assert_int_eq(blk__request(&be, &ch), -1);
	ck_assert_uint_eq(status, 0xee);
}
END_TEST

/* Reads report data and status, everything else the status alone. */
START_TEST(test_blk_bytes_written)
{
	uint8_t buf[2048];

	memset(buf, 0, sizeof(buf));
	ck_assert_int_eq(rw(VIRTIO_BLK_T_IN, 0, buf, sizeof(buf)), 2049);
	memset(&ch, 0, sizeof(ch));
	ck_assert_int_eq(rw(VIRTIO_BLK_T_OUT, 0, buf, sizeof(buf)), 1);
	memset(&ch, 0, sizeof(ch));
	ck_assert_int_eq(rw(VIRTIO_BLK_T_IN, DISK_SECTORS, buf, 512), 1);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_IOERR);
}
END_TEST

/* The same requests over the mapped image (blk-map.h). */
static void setup_map(void)
{
	char err[ERRBUF_LEN];

	setup();
	ck_assert_int_eq(blk_map__setup(&be, BLK_IO_MAP, "test.img", err), 0);
	ck_assert_ptr_eq(be.io, &blk_io_map);
}

static void teardown_map(void)
{
	blk_map__teardown(&be);
	teardown();
}

static const struct {
	const char *suffix;
	void (*setup)(void), (*teardown)(void);
} paths[] = { { "", setup, teardown }, { "-map", setup_map, teardown_map } };

/* A test case named KIND plus path i's suffix, with its fixture. */
static TCase *path_tcase(Suite *s, unsigned int i, unsigned int k,
			 const char *kind)
{
	static char names[2][3][16]; /* Check keeps the pointer */
	TCase *tc;

	snprintf(names[i][k], sizeof(names[i][k]), "%s%s", kind,
		 paths[i].suffix);
	tc = tcase_create(names[i][k]);
	tcase_add_checked_fixture(tc, paths[i].setup, paths[i].teardown);
	suite_add_tcase(s, tc);
	return tc;
}

Suite *blk_suite(void)
{
	Suite *s = suite_create("blk");
	unsigned int i;
	TCase *tc;

	for (i = 0; i < 2; i++) {
		tc = path_tcase(s, i, 0, "io");
		tcase_add_test(tc, test_blk_read_returns_file_content);
		tcase_add_test(tc, test_blk_write_lands_in_file);
		tcase_add_test(tc, test_blk_header_split_across_three_iovecs);
		tcase_add_test(tc, test_blk_read_data_split_across_iovecs);
		tcase_add_test(tc, test_blk_write_data_split_across_iovecs);
		/* A mapped image that shrank: test_blk_map.c. */
		if (i == 0)
			tcase_add_test(tc, test_blk_read_past_eof_zero_fills);
		tcase_add_test(tc, test_blk_flush_ok);
		tcase_add_test(tc, test_blk_flush_read_only_ok);
		tcase_add_test(tc, test_blk_get_id_returns_serial);
		tcase_add_test(tc, test_blk_get_id_truncates_to_buffer);
		tcase_add_test(tc, test_blk_bytes_written);

		tc = path_tcase(s, i, 1, "ranges");
		tcase_add_test(tc, test_blk_discard_zeroes_range);
		tcase_add_test(tc, test_blk_write_zeroes_zeroes_range);
		tcase_add_test(tc, test_blk_write_zeroes_unmap_zeroes_range);
		tcase_add_test(
			tc, test_blk_write_zeroes_segments_split_across_iovecs);
		tcase_add_test(tc, test_blk_write_zeroes_without_zero_range);

		tc = path_tcase(s, i, 2, "rejected");
		tcase_add_test(tc, test_blk_read_past_end_ioerr);
		tcase_add_test(tc, test_blk_write_past_end_ioerr_unchanged);
		tcase_add_test(tc, test_blk_sector_overflow_ioerr);
		tcase_add_test(tc, test_blk_read_partial_sector_ioerr);
		tcase_add_test(tc,
			       test_blk_write_partial_sector_ioerr_unchanged);
		tcase_add_test(tc, test_blk_write_read_only_ioerr_unchanged);
		tcase_add_test(tc, test_blk_discard_read_only_ioerr_unchanged);
		tcase_add_test(tc,
			       test_blk_write_zeroes_read_only_ioerr_unchanged);
		tcase_add_test(tc, test_blk_discard_flags_unsupp);
		tcase_add_test(tc, test_blk_write_zeroes_unknown_flag_unsupp);
		tcase_add_test(tc, test_blk_discard_too_many_segments_ioerr);
		tcase_add_test(tc, test_blk_discard_no_segment_ioerr);
		tcase_add_test(tc, test_blk_discard_partial_segment_ioerr);
		tcase_add_test(tc,
			       test_blk_segment_past_end_ioerr_nothing_done);
		tcase_add_test(tc, test_blk_segment_too_long_ioerr);
		tcase_add_test(tc, test_blk_short_header_ioerr);
		tcase_add_test(tc, test_blk_unknown_type_unsupp);
		tcase_add_test(tc, test_blk_no_writable_byte_fails);
	}
	return s;
}
