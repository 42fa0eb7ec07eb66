// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk's mapped I/O path (blk-map.h): the choice of path for
 * io=auto, pread and map; what io=map refuses; and what only a mapping
 * does: a read-only mapping, zeroes after a discard seen through the
 * mapping, an image that shrinks under turtle (its requests past the new
 * end fail with IOERR, turtle does not crash, the rest still works) or
 * grows (the capacity stays), a guest buffer that faults (IOERR); io=auto
 * leaves a read-only image with holes unmapped, whose reads would allocate
 * memory through a mapping.
 * The ordinary requests run over the mapping in test_blk.c ("io-map").
 * And blk__create: its failure path on both paths, a FIFO, bad sizes.
 */
#include <endian.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "../../lib/log.h"
#include "../../virtio/blk-map.h"
#include "../../virtio/blk.h"
#include "cut-map.h"
#include "fds.h"
#include "suites.h"

#define SIZE (256 << 10)

static struct blk_backend be;
static char err[ERRBUF_LEN];

/*
 * A SIZE-byte image in dir, unlinked, its byte i = i * 3, or (sparse) one
 * hole; -1 if dir lacks.
 */
static int new_image(const char *dir, bool ro, bool sparse)
{
	static uint8_t img[SIZE];
	char path[64];
	int fd, i;

	snprintf(path, sizeof(path), "%s/turtle-blkmap-XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	for (i = 0; i < SIZE; i++)
		img[i] = (uint8_t)(i * 3);
	if (sparse)
		ck_assert_int_eq(ftruncate(fd, SIZE), 0);
	else
		ck_assert_int_eq(pwrite(fd, img, SIZE, 0), SIZE);
	if (ro) {
		close(fd);
		fd = open(path, O_RDONLY);
	}
	unlink(path);
	memset(&be, 0, sizeof(be));
	be.fd = fd;
	be.capacity = SIZE / BLK_SECTOR_SIZE;
	be.read_only = ro;
	return fd;
}

static int make_image(const char *dir, bool ro)
{
	return new_image(dir, ro, false);
}

static void map_image(bool ro)
{
	ck_assert_int_ge(make_image("/tmp", ro), 0);
	ck_assert_int_eq(blk_map__setup(&be, BLK_IO_MAP, "t.img", err), 0);
	ck_assert_ptr_eq(be.io, &blk_io_map);
}

static void unmap_image(void)
{
	blk_map__teardown(&be);
	close(be.fd);
}

/* One IN or OUT request of len bytes at sector: its status. */
static uint8_t req(uint32_t type, uint64_t sector, void *buf, size_t len)
{
	struct virtio_blk_outhdr h = { .type = htole32(type),
				       .sector = htole64(sector) };
	struct vq_chain c = { 0 };
	uint8_t st = 0xee;

	c.iov[c.n_out++] = (struct iovec){ &h, sizeof(h) };
	if (type == VIRTIO_BLK_T_OUT)
		c.iov[c.n_out++] = (struct iovec){ buf, len };
	else if (len)
		c.iov[c.n_out + c.n_in++] = (struct iovec){ buf, len };
	c.iov[c.n_out + c.n_in++] = (struct iovec){ &st, 1 };
	ck_assert_int_ge(blk__request(&be, &c), 1);
	return st;
}

static bool fs_in_memory(const char *dir)
{
	struct statfs fs;

	return statfs(dir, &fs) == 0 &&
	       (fs.f_type == 0x01021994 || fs.f_type == 0x858458f6);
}

/* Writable, or read-only (_i) with no hole to fill: auto maps it. */
START_TEST(test_blk_map_auto_maps_tmpfs)
{
	if (!fs_in_memory("/dev/shm"))
		return; /* no tmpfs at /dev/shm here */
	ck_assert_int_ge(make_image("/dev/shm", _i), 0);
	ck_assert_int_eq(blk_map__setup(&be, BLK_IO_AUTO, "t.img", err), 0);
	ck_assert_ptr_eq(be.io, &blk_io_map);
	unmap_image();
}
END_TEST

/*
 * A read-only image on tmpfs that is all hole: the guest reads every byte
 * (zeroes), and the file still takes no memory. Through a mapping, each
 * page read would have been allocated, which no write could have done.
 */
START_TEST(test_blk_map_auto_sparse_read_only_allocates_nothing)
{
	static uint8_t buf[SIZE], zero[SIZE];
	struct stat st;

	if (!fs_in_memory("/dev/shm"))
		return;
	ck_assert_int_ge(new_image("/dev/shm", true, true), 0);
	ck_assert_int_eq(blk_map__setup(&be, BLK_IO_AUTO, "t.img", err), 0);
	memset(buf, 0xee, sizeof(buf));
	ck_assert_uint_eq(req(VIRTIO_BLK_T_IN, 0, buf, sizeof(buf)),
			  VIRTIO_BLK_S_OK);
	ck_assert_mem_eq(buf, zero, sizeof(buf));
	ck_assert_int_eq(fstat(be.fd, &st), 0);
	ck_assert_int_eq(st.st_blocks, 0);
	unmap_image();
}
END_TEST

START_TEST(test_blk_map_auto_preads_elsewhere)
{
	/* The build directory: on a disk, wherever the tests run. */
	if (fs_in_memory("."))
		return;
	ck_assert_int_ge(make_image(".", false), 0);
	ck_assert_int_eq(blk_map__setup(&be, BLK_IO_AUTO, "t.img", err), 0);
	ck_assert_ptr_eq(be.io, &blk_io_pread);
	ck_assert_ptr_null(be.map);
	close(be.fd);
}
END_TEST

START_TEST(test_blk_map_pread_never_maps)
{
	if (make_image("/dev/shm", false) < 0)
		ck_assert_int_ge(make_image("/tmp", false), 0);
	ck_assert_int_eq(blk_map__setup(&be, BLK_IO_PREAD, "t.img", err), 0);
	ck_assert_ptr_eq(be.io, &blk_io_pread);
	close(be.fd);
}
END_TEST

START_TEST(test_blk_map_refuses_non_regular_file)
{
	memset(&be, 0, sizeof(be));
	be.fd = open("/dev/null", O_RDWR);
	be.capacity = 8;
	ck_assert_int_eq(blk_map__setup(&be, BLK_IO_MAP, "/dev/null", err), -1);
	ck_assert_err_has(err, "io=map needs a regular file");
	/* auto: the pread path, as before */
	ck_assert_int_eq(blk_map__setup(&be, BLK_IO_AUTO, "/dev/null", err), 0);
	ck_assert_ptr_eq(be.io, &blk_io_pread);
	close(be.fd);
}
END_TEST

START_TEST(test_blk_map_refuses_writable_map_of_read_only_fd)
{
	ck_assert_int_ge(make_image("/tmp", true), 0);
	be.read_only = false; /* a writable disk on an O_RDONLY fd */
	ck_assert_int_eq(blk_map__setup(&be, BLK_IO_MAP, "t.img", err), -1);
	ck_assert_err_has(err, "cannot map the image");
	ck_assert_ptr_eq(be.io, &blk_io_pread);
	close(be.fd);
}
END_TEST

START_TEST(test_blk_map_refuses_huge_image)
{
	ck_assert_int_ge(make_image("/tmp", false), 0);
	be.capacity = 1ULL << 50; /* 512 PiB: more than the address space */
	ck_assert_int_eq(blk_map__setup(&be, BLK_IO_MAP, "t.img", err), -1);
	ck_assert_err_has(err, "io=map");
	ck_assert_ptr_null(be.map);
	close(be.fd);
}
END_TEST

START_TEST(test_blk_map_read_only)
{
	uint8_t buf[1024];

	map_image(true);
	ck_assert_uint_eq(req(VIRTIO_BLK_T_IN, 1, buf, sizeof(buf)),
			  VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(buf[0], (uint8_t)(512 * 3));
	memset(buf, 0x55, sizeof(buf));
	ck_assert_uint_eq(req(VIRTIO_BLK_T_OUT, 1, buf, sizeof(buf)),
			  VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(req(VIRTIO_BLK_T_FLUSH, 0, NULL, 0), VIRTIO_BLK_S_OK);
	unmap_image();
}
END_TEST

START_TEST(test_blk_map_write_read_back_and_flush)
{
	uint8_t buf[4096], got[4096];

	map_image(false);
	memset(buf, 0xa5, sizeof(buf));
	buf[7] = 1;
	ck_assert_uint_eq(req(VIRTIO_BLK_T_OUT, 9, buf, sizeof(buf)),
			  VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(req(VIRTIO_BLK_T_FLUSH, 0, NULL, 0), VIRTIO_BLK_S_OK);
	ck_assert_int_eq(pread(be.fd, got, sizeof(got), 9 * 512), sizeof(got));
	ck_assert_mem_eq(got, buf, sizeof(buf));
	memset(got, 0, sizeof(got));
	ck_assert_uint_eq(req(VIRTIO_BLK_T_IN, 9, got, sizeof(got)),
			  VIRTIO_BLK_S_OK);
	ck_assert_mem_eq(got, buf, sizeof(buf));
	unmap_image();
}
END_TEST

START_TEST(test_blk_map_discard_reads_zeroes)
{
	struct virtio_blk_discard_write_zeroes seg = { .sector = htole64(8),
						       .num_sectors =
							       htole32(16) };
	struct virtio_blk_outhdr h = { .type = htole32(VIRTIO_BLK_T_DISCARD) };
	uint8_t buf[16 * 512], zero[16 * 512] = { 0 }, st = 0xee;
	struct vq_chain c = { .n_out = 2, .n_in = 1 };

	map_image(false);
	c.iov[0] = (struct iovec){ &h, sizeof(h) };
	c.iov[1] = (struct iovec){ &seg, sizeof(seg) };
	c.iov[2] = (struct iovec){ &st, 1 };
	ck_assert_int_eq(blk__request(&be, &c), 1);
	ck_assert_uint_eq(st, VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(req(VIRTIO_BLK_T_IN, 8, buf, sizeof(buf)),
			  VIRTIO_BLK_S_OK);
	ck_assert_mem_eq(buf, zero, sizeof(buf));
	unmap_image();
}
END_TEST

START_TEST(test_blk_map_truncated_image_ioerr)
{
	uint8_t buf[8192];
	int i;

	map_image(false);
	ck_assert_int_eq(ftruncate(be.fd, SIZE / 2), 0);
	/* Twice each way: the guard holds after a fault. */
	for (i = 0; i < 2; i++) {
		memset(buf, 0x11, sizeof(buf));
		ck_assert_uint_eq(
			req(VIRTIO_BLK_T_IN, SIZE / 1024, buf, sizeof(buf)),
			VIRTIO_BLK_S_IOERR);
		ck_assert_uint_eq(req(VIRTIO_BLK_T_OUT, SIZE / 512 - 16, buf,
				      sizeof(buf)),
				  VIRTIO_BLK_S_IOERR);
	}
	/* Straddling the new end, and wholly before it. */
	ck_assert_uint_eq(
		req(VIRTIO_BLK_T_IN, SIZE / 1024 - 8, buf, sizeof(buf)),
		VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(req(VIRTIO_BLK_T_IN, 2, buf, sizeof(buf)),
			  VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(buf[0], (uint8_t)(1024 * 3));
	/* The file back at its size: the same mapping works again. */
	ck_assert_int_eq(ftruncate(be.fd, SIZE), 0);
	ck_assert_uint_eq(
		req(VIRTIO_BLK_T_IN, SIZE / 512 - 16, buf, sizeof(buf)),
		VIRTIO_BLK_S_OK);
	unmap_image();
}
END_TEST

/* The file grows: the disk keeps the capacity (and mapping) it had. */
START_TEST(test_blk_map_grown_image_keeps_capacity)
{
	uint8_t buf[4096];

	map_image(false);
	ck_assert_int_eq(ftruncate(be.fd, 4 * SIZE), 0);
	ck_assert_uint_eq(req(VIRTIO_BLK_T_IN, SIZE / 512, buf, sizeof(buf)),
			  VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(req(VIRTIO_BLK_T_OUT, SIZE / 512, buf, sizeof(buf)),
			  VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(
		req(VIRTIO_BLK_T_IN, SIZE / 512 - 8, buf, sizeof(buf)),
		VIRTIO_BLK_S_OK);
	unmap_image();
}
END_TEST

/*
 * A guest buffer whose page faults (guest RAM that cannot be supplied,
 * here a page past the end of a file): IOERR both ways, no crash, the
 * image unchanged.
 */
START_TEST(test_blk_map_guest_memory_fault_ioerr)
{
	uint8_t *bad = cut_map__make() + CUT_MAP_PAGE, got[CUT_MAP_PAGE];

	map_image(false);
	ck_assert_uint_eq(req(VIRTIO_BLK_T_IN, 8, bad, CUT_MAP_PAGE),
			  VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(req(VIRTIO_BLK_T_OUT, 8, bad, CUT_MAP_PAGE),
			  VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(req(VIRTIO_BLK_T_IN, 8, got, sizeof(got)),
			  VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(got[0], (uint8_t)(8 * 512 * 3));
	unmap_image();
}
END_TEST

/* Lines of /proc/self/maps that name path. */
static int mappings_of(const char *path)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	int n = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		n += strstr(line, path) != NULL;
	fclose(f);
	return n;
}

/*
 * A device that cannot get all its eventfds leaves nothing open and
 * nothing mapped, on either path (_i: BLK_IO_PREAD, BLK_IO_MAP).
 */
START_TEST(test_blk_create_failure_closes_fds)
{
	char path[] = "/tmp/turtle-blk-XXXXXX", err[256] = "";
	struct blk_opts o = { .path = path, .io = (enum blk_io_mode)_i };
	struct guest_mem mem = { 0 };
	struct rlimit old;
	int fd, before;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 4096), 0);
	close(fd);
	before = fds__count();
	/* The image and the stop eventfd fit, the transport's do not. */
	fds__leave_free(2, &old);
	ck_assert_ptr_null(blk__create(&o, 0, &mem, err));
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
	ck_assert_int_eq(mappings_of(path), 0);
	unlink(path);
	ck_assert_err_has(err, "cannot set up the device");
	ck_assert_int_eq(fds__count(), before);
}
END_TEST

/*
 * --disk on a FIFO, read-only (_i 1) or not: refused at once. A plain
 * O_RDONLY open of a FIFO waits for a writer, for ever.
 */
START_TEST(test_blk_create_refuses_fifo)
{
	struct blk_opts o = { .read_only = _i };
	struct guest_mem mem = { 0 };
	char path[64], err[256] = "";

	snprintf(path, sizeof(path), "/tmp/turtle-blk-fifo-%d", (int)getpid());
	unlink(path);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	o.path = path;
	ck_assert_ptr_null(blk__create(&o, 0, &mem, err));
	unlink(path);
	ck_assert_err_has(err, "is not a regular file or block device");
}
END_TEST

/*
 * An image of 0 bytes, or not a whole number of sectors, is refused
 * before anything is mapped: capacity and mapping never disagree.
 */
START_TEST(test_blk_create_refuses_bad_size)
{
	static const off_t sizes[] = { 0, 700, 4097 };
	char path[] = "/tmp/turtle-blk-XXXXXX", err[256] = "";
	struct blk_opts o = { .path = path, .io = BLK_IO_MAP };
	struct guest_mem mem = { 0 };
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, sizes[_i]), 0);
	close(fd);
	ck_assert_ptr_null(blk__create(&o, 0, &mem, err));
	ck_assert_int_eq(mappings_of(path), 0);
	unlink(path);
	ck_assert_err_has(err, "is not a non-zero multiple of 512");
}
END_TEST

Suite *blk_map_suite(void)
{
	Suite *s = suite_create("blk_map");
	TCase *tc = tcase_create("create");

	tcase_add_loop_test(tc, test_blk_create_failure_closes_fds,
			    BLK_IO_PREAD, BLK_IO_MAP + 1);
	tcase_add_loop_test(tc, test_blk_create_refuses_fifo, 0, 2);
	tcase_add_loop_test(tc, test_blk_create_refuses_bad_size, 0, 3);
	suite_add_tcase(s, tc);

	tc = tcase_create("choice");

	tcase_add_loop_test(tc, test_blk_map_auto_maps_tmpfs, 0, 2);
	tcase_add_test(tc,
		       test_blk_map_auto_sparse_read_only_allocates_nothing);
	tcase_add_test(tc, test_blk_map_auto_preads_elsewhere);
	tcase_add_test(tc, test_blk_map_pread_never_maps);
	tcase_add_test(tc, test_blk_map_refuses_non_regular_file);
	tcase_add_test(tc, test_blk_map_refuses_writable_map_of_read_only_fd);
	tcase_add_test(tc, test_blk_map_refuses_huge_image);
	suite_add_tcase(s, tc);

	tc = tcase_create("requests");
	tcase_add_test(tc, test_blk_map_read_only);
	tcase_add_test(tc, test_blk_map_write_read_back_and_flush);
	tcase_add_test(tc, test_blk_map_discard_reads_zeroes);
	tcase_add_test(tc, test_blk_map_truncated_image_ioerr);
	tcase_add_test(tc, test_blk_map_grown_image_keeps_capacity);
	tcase_add_test(tc, test_blk_map_guest_memory_fault_ioerr);
	suite_add_tcase(s, tc);
	return s;
}
