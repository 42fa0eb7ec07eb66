// SPDX-License-Identifier: GPL-2.0
/* loader__open and loader__load: the kernel and initrd files. */
#include <dirent.h>
#include <endian.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../boot/loader.h"
#include "../../lib/log.h"
#include "../../vmm/platform.h"
#include "suites.h"

#define KERNEL_PAYLOAD 4096
#define KERNEL_FILE_SIZE (ARM64_IMAGE_HEADER_SIZE + KERNEL_PAYLOAD)
#define KERNEL_IMAGE_SIZE (2ULL << 20)
#define INITRD_SIZE 10000
#define RAM_SIZE (64ULL << 20)

/*
 * Every file a test writes lives in one directory that the (unchecked,
 * parent process) teardown removes, so files go away even when a forked
 * test dies half way.
 */
#define TMPDIR_TEMPLATE "/tmp/turtle-unit-XXXXXX"
static char tmpdir[sizeof(TMPDIR_TEMPLATE)];

static void make_tmpdir(void)
{
	memcpy(tmpdir, TMPDIR_TEMPLATE, sizeof(tmpdir));
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(tmpdir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(tmpdir);
}

/* Write len bytes to a new file; its name goes to path (PATH_MAX). */
static void temp_file(const void *data, size_t len, char *path)
{
	int fd;

	snprintf(path, PATH_MAX, "%s/file-XXXXXX", tmpdir);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* An arm64 Image: the header, then a recognisable payload. */
static void fake_kernel(uint8_t *buf)
{
	uint64_t v64;
	uint32_t v32;
	size_t i;

	memset(buf, 0, ARM64_IMAGE_HEADER_SIZE);
	v64 = htole64(KERNEL_IMAGE_SIZE);
	memcpy(buf + 16, &v64, 8);
	v64 = htole64(1ULL << ARM64_IMAGE_FLAG_PAGE_SIZE_SHIFT);
	memcpy(buf + 24, &v64, 8);
	v32 = htole32(ARM64_IMAGE_MAGIC);
	memcpy(buf + 56, &v32, 4);
	for (i = ARM64_IMAGE_HEADER_SIZE; i < KERNEL_FILE_SIZE; i++)
		buf[i] = (uint8_t)(i * 7 + 3);
}

static void kernel_file(char *path)
{
	uint8_t buf[KERNEL_FILE_SIZE];

	fake_kernel(buf);
	temp_file(buf, sizeof(buf), path);
}

static void fake_initrd(uint8_t *buf)
{
	size_t i;

	for (i = 0; i < INITRD_SIZE; i++)
		buf[i] = (uint8_t)(i * 13 + 1);
}

static void initrd_file(char *path)
{
	static uint8_t buf[INITRD_SIZE];

	fake_initrd(buf);
	temp_file(buf, sizeof(buf), path);
}

/* The lowest free descriptor: unchanged if nothing leaked. */
static int lowest_free_fd(void)
{
	int fd = open("/dev/null", O_RDONLY);

	ck_assert_int_ge(fd, 0);
	close(fd);
	return fd;
}

START_TEST(test_loader_missing_kernel_fails)
{
	char path[PATH_MAX], err[ERRBUF_LEN] = "";
	struct boot_files f;

	snprintf(path, sizeof(path), "%s/no-such-Image", tmpdir);
	ck_assert_int_eq(loader__open(path, NULL, &f, err), -1);
	ck_assert_err_has(err, "cannot open kernel");
	ck_assert_err_has(err, path);
	ck_assert_int_eq(f.kernel_fd, -1);
	ck_assert_int_eq(f.initrd_fd, -1);
}
END_TEST

START_TEST(test_loader_directory_kernel_fails)
{
	char err[ERRBUF_LEN] = "";
	struct boot_files f;

	ck_assert_int_eq(loader__open(tmpdir, NULL, &f, err), -1);
	ck_assert_err_has(err, "not a regular file");
	ck_assert_err_has(err, tmpdir);
}
END_TEST

START_TEST(test_loader_garbage_kernel_fails)
{
	char path[PATH_MAX], err[ERRBUF_LEN] = "";
	uint8_t junk[4096];
	struct boot_files f;

	memset(junk, 0xa5, sizeof(junk));
	temp_file(junk, sizeof(junk), path);
	ck_assert_int_eq(loader__open(path, NULL, &f, err), -1);
	ck_assert_err_has(err, "not an arm64 Image");
}
END_TEST

START_TEST(test_loader_empty_kernel_fails)
{
	char path[PATH_MAX], err[ERRBUF_LEN] = "";
	struct boot_files f;

	temp_file("", 0, path);
	ck_assert_int_eq(loader__open(path, NULL, &f, err), -1);
	ck_assert_err_has(err, "not an arm64 Image");
}
END_TEST

START_TEST(test_loader_valid_kernel_opens)
{
	char path[PATH_MAX], err[ERRBUF_LEN] = "";
	struct boot_files f;

	kernel_file(path);
	ck_assert_msg(loader__open(path, NULL, &f, err) == 0,
		      "loader__open failed: %s", err);
	ck_assert_int_ge(f.kernel_fd, 0);
	ck_assert_int_eq(f.initrd_fd, -1);
	ck_assert_uint_eq(f.initrd_size, 0);
	ck_assert_uint_eq(f.img.file_size, KERNEL_FILE_SIZE);
	ck_assert_uint_eq(f.img.image_size, KERNEL_IMAGE_SIZE);
	ck_assert_uint_eq(f.img.page_size_kib, 4);
	loader__close(&f);
}
END_TEST

START_TEST(test_loader_valid_kernel_and_initrd_open)
{
	char kpath[PATH_MAX], ipath[PATH_MAX], err[ERRBUF_LEN] = "";
	struct boot_files f;

	kernel_file(kpath);
	initrd_file(ipath);
	ck_assert_msg(loader__open(kpath, ipath, &f, err) == 0,
		      "loader__open failed: %s", err);
	ck_assert_int_ge(f.kernel_fd, 0);
	ck_assert_int_ge(f.initrd_fd, 0);
	ck_assert_uint_eq(f.initrd_size, INITRD_SIZE);
	loader__close(&f);
}
END_TEST

START_TEST(test_loader_empty_initrd_fails)
{
	char kpath[PATH_MAX], ipath[PATH_MAX], err[ERRBUF_LEN] = "";
	struct boot_files f;

	kernel_file(kpath);
	temp_file("", 0, ipath);
	ck_assert_int_eq(loader__open(kpath, ipath, &f, err), -1);
	ck_assert_err_has(err, "is empty");
	ck_assert_err_has(err, ipath);
	ck_assert_int_eq(f.kernel_fd, -1);
	ck_assert_int_eq(f.initrd_fd, -1);
}
END_TEST

START_TEST(test_loader_missing_initrd_fails)
{
	char kpath[PATH_MAX], ipath[PATH_MAX], err[ERRBUF_LEN] = "";
	struct boot_files f;

	kernel_file(kpath);
	snprintf(ipath, sizeof(ipath), "%s/no-such-initrd", tmpdir);
	ck_assert_int_eq(loader__open(kpath, ipath, &f, err), -1);
	ck_assert_err_has(err, "cannot open initrd");
	ck_assert_int_eq(f.kernel_fd, -1);
}
END_TEST

START_TEST(test_loader_directory_initrd_fails)
{
	char kpath[PATH_MAX], err[ERRBUF_LEN] = "";
	struct boot_files f;

	kernel_file(kpath);
	ck_assert_int_eq(loader__open(kpath, tmpdir, &f, err), -1);
	ck_assert_err_has(err, "initrd");
	ck_assert_err_has(err, "not a regular file");
}
END_TEST

START_TEST(test_loader_failed_open_leaks_no_fds)
{
	char kpath[PATH_MAX], ipath[PATH_MAX], err[ERRBUF_LEN] = "";
	struct boot_files f;
	int before;

	kernel_file(kpath);
	temp_file("", 0, ipath);
	before = lowest_free_fd();
	ck_assert_int_eq(loader__open(kpath, ipath, &f, err), -1);
	ck_assert_int_eq(loader__open(kpath, tmpdir, &f, err), -1);
	ck_assert_int_eq(loader__open(tmpdir, NULL, &f, err), -1);
	ck_assert_int_eq(loader__open(ipath, NULL, &f, err), -1);
	ck_assert_int_eq(lowest_free_fd(), before);
}
END_TEST

START_TEST(test_loader_close_releases_fds)
{
	char kpath[PATH_MAX], ipath[PATH_MAX], err[ERRBUF_LEN] = "";
	struct boot_files f;
	int before;

	kernel_file(kpath);
	initrd_file(ipath);
	before = lowest_free_fd();
	ck_assert_int_eq(loader__open(kpath, ipath, &f, err), 0);
	loader__close(&f);
	ck_assert_int_eq(f.kernel_fd, -1);
	ck_assert_int_eq(f.initrd_fd, -1);
	ck_assert_int_eq(lowest_free_fd(), before);
	loader__close(&f); /* twice is harmless */
}
END_TEST

START_TEST(test_loader_load_copies_kernel_and_initrd)
{
	char kpath[PATH_MAX], ipath[PATH_MAX], err[ERRBUF_LEN] = "";
	static uint8_t kbuf[KERNEL_FILE_SIZE], ibuf[INITRD_SIZE];
	struct boot_files f;
	struct mem_layout l;
	uint64_t koff, ioff;
	uint8_t *ram;

	fake_kernel(kbuf);
	fake_initrd(ibuf);
	kernel_file(kpath);
	initrd_file(ipath);
	ck_assert_int_eq(loader__open(kpath, ipath, &f, err), 0);
	ck_assert_msg(layout__plan(RAM_BASE, RAM_SIZE, &f.img, f.initrd_size,
				   &l, err) == 0,
		      "layout__plan: %s", err);
	ram = calloc(1, RAM_SIZE);
	ck_assert_ptr_nonnull(ram);

	ck_assert_msg(loader__load(&f, &l, ram, err) == 0,
		      "loader__load failed: %s", err);
	koff = l.kernel_addr - RAM_BASE;
	ioff = l.initrd_addr - RAM_BASE;
	ck_assert_mem_eq(ram + koff, kbuf, KERNEL_FILE_SIZE);
	ck_assert_mem_eq(ram + ioff, ibuf, INITRD_SIZE);
	/* Nothing beyond either file was written. */
	ck_assert_uint_eq(ram[koff + KERNEL_FILE_SIZE], 0);
	ck_assert_uint_eq(ram[ioff + INITRD_SIZE], 0);
	if (koff)
		ck_assert_uint_eq(ram[koff - 1], 0);
	ck_assert_uint_eq(ram[ioff - 1], 0);

	free(ram);
	loader__close(&f);
}
END_TEST

START_TEST(test_loader_load_kernel_only)
{
	char kpath[PATH_MAX], err[ERRBUF_LEN] = "";
	static uint8_t kbuf[KERNEL_FILE_SIZE];
	struct boot_files f;
	struct mem_layout l;
	uint8_t *ram;

	fake_kernel(kbuf);
	kernel_file(kpath);
	ck_assert_int_eq(loader__open(kpath, NULL, &f, err), 0);
	ck_assert_int_eq(layout__plan(RAM_BASE, RAM_SIZE, &f.img, 0, &l, err),
			 0);
	ram = calloc(1, RAM_SIZE);
	ck_assert_ptr_nonnull(ram);
	ck_assert_int_eq(loader__load(&f, &l, ram, err), 0);
	ck_assert_mem_eq(ram + (l.kernel_addr - RAM_BASE), kbuf,
			 KERNEL_FILE_SIZE);
	free(ram);
	loader__close(&f);
}
END_TEST

START_TEST(test_loader_load_fails_when_kernel_shrank)
{
	char kpath[PATH_MAX], err[ERRBUF_LEN] = "";
	struct boot_files f;
	struct mem_layout l;
	uint8_t *ram;

	kernel_file(kpath);
	ck_assert_int_eq(loader__open(kpath, NULL, &f, err), 0);
	ck_assert_int_eq(layout__plan(RAM_BASE, RAM_SIZE, &f.img, 0, &l, err),
			 0);
	ck_assert_int_eq(truncate(kpath, 100), 0);
	ram = calloc(1, RAM_SIZE);
	ck_assert_ptr_nonnull(ram);
	ck_assert_int_eq(loader__load(&f, &l, ram, err), -1);
	ck_assert_err_has(err, "kernel");
	ck_assert_err_has(err, "shrank");
	free(ram);
	loader__close(&f);
}
END_TEST

Suite *loader_suite(void)
{
	Suite *s = suite_create("loader");
	TCase *tc;

	tc = tcase_create("open");
	tcase_add_unchecked_fixture(tc, make_tmpdir, remove_tmpdir);
	tcase_add_test(tc, test_loader_missing_kernel_fails);
	tcase_add_test(tc, test_loader_directory_kernel_fails);
	tcase_add_test(tc, test_loader_garbage_kernel_fails);
	tcase_add_test(tc, test_loader_empty_kernel_fails);
	tcase_add_test(tc, test_loader_valid_kernel_opens);
	tcase_add_test(tc, test_loader_valid_kernel_and_initrd_open);
	tcase_add_test(tc, test_loader_empty_initrd_fails);
	tcase_add_test(tc, test_loader_missing_initrd_fails);
	tcase_add_test(tc, test_loader_directory_initrd_fails);
	tcase_add_test(tc, test_loader_failed_open_leaks_no_fds);
	tcase_add_test(tc, test_loader_close_releases_fds);
	suite_add_tcase(s, tc);

	tc = tcase_create("load");
	tcase_add_unchecked_fixture(tc, make_tmpdir, remove_tmpdir);
	tcase_add_test(tc, test_loader_load_copies_kernel_and_initrd);
	tcase_add_test(tc, test_loader_load_kernel_only);
	tcase_add_test(tc, test_loader_load_fails_when_kernel_shrank);
	suite_add_tcase(s, tc);

	return s;
}
