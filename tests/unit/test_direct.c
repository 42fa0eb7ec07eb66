// SPDX-License-Identifier: GPL-2.0
/*
 * The direct window's device tree side (vmm/direct.c): reading a reg,
 * finding the parent's node in a /sys/firmware/devicetree-style tree (a
 * temporary directory here), and checking it against this turtle's map.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../lib/log.h"
#include "../../vmm/direct.h"
#include "../../vmm/platform.h"
#include "suites.h"

static char root[64];

static void put_be64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static void write_file(const char *node, const char *file, const void *buf,
		       size_t len)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, node);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", root, node, file);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

/* A node with compatible compat (len bytes, NULs included) and reg. */
static void node(const char *name, const char *compat, size_t len,
		 uint64_t base, uint64_t size)
{
	uint8_t reg[16];

	put_be64(reg, base);
	put_be64(reg + 8, size);
	write_file(name, "compatible", compat, len);
	write_file(name, "reg", reg, sizeof(reg));
}

static void setup(void)
{
	snprintf(root, sizeof(root), "/tmp/turtle-direct-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_direct_parse_reg)
{
	uint8_t reg[16];
	uint64_t base, size;
	char err[ERRBUF_LEN] = "";

	put_be64(reg, 0x123456789abcULL);
	put_be64(reg + 8, 0x10000);
	ck_assert_int_eq(direct__parse_reg(reg, sizeof(reg), &base, &size, err),
			 0);
	ck_assert_uint_eq(base, 0x123456789abcULL);
	ck_assert_uint_eq(size, 0x10000);
}
END_TEST

START_TEST(test_direct_parse_reg_bad_length)
{
	uint8_t reg[24] = { 0 };
	uint64_t base, size;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(direct__parse_reg(reg, 8, &base, &size, err), -1);
	ck_assert_str_eq(
		err,
		"the direct window's reg is 8 bytes, not 16 (two address and two size cells)");
	ck_assert_int_eq(direct__parse_reg(reg, 24, &base, &size, err), -1);
}
END_TEST

START_TEST(test_direct_find_by_compatible)
{
	static const char ours[] = "turtle,direct-window";
	static const char probe[] = "turtle,exit-probe";
	uint64_t base = 0, size = 0;
	char err[ERRBUF_LEN] = "";

	node("exit-probe@9010000", probe, sizeof(probe), 0x9010000, 0x1000);
	node("direct-window@9040000", ours, sizeof(ours), DIRECT_WINDOW_BASE,
	     DIRECT_WINDOW_SIZE);
	ck_assert_int_eq(direct__find(root, &base, &size, err), 1);
	ck_assert_uint_eq(base, DIRECT_WINDOW_BASE);
	ck_assert_uint_eq(size, DIRECT_WINDOW_SIZE);
}
END_TEST

START_TEST(test_direct_find_in_compatible_list)
{
	static const char list[] = "vendor,thing\0turtle,direct-window";
	uint64_t base = 0, size = 0;
	char err[ERRBUF_LEN] = "";

	node("window@1000", list, sizeof(list), 0x1000, 0x2000);
	ck_assert_int_eq(direct__find(root, &base, &size, err), 1);
	ck_assert_uint_eq(base, 0x1000);
	ck_assert_uint_eq(size, 0x2000);
}
END_TEST

START_TEST(test_direct_find_none)
{
	static const char other[] = "turtle,direct-window-2";
	uint64_t base, size;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(direct__find(root, &base, &size, err), 0);
	/* A longer name that starts the same is not ours. */
	node("x@0", other, sizeof(other), 0, 0x1000);
	ck_assert_int_eq(direct__find(root, &base, &size, err), 0);
	ck_assert_int_eq(
		direct__find("/nonexistent-turtle-dt", &base, &size, err), 0);
}
END_TEST

START_TEST(test_direct_find_bad_reg_is_an_error)
{
	static const char ours[] = "turtle,direct-window";
	uint8_t reg[8] = { 0 };
	uint64_t base, size;
	char err[ERRBUF_LEN] = "";

	write_file("direct-window@0", "compatible", ours, sizeof(ours));
	write_file("direct-window@0", "reg", reg, sizeof(reg));
	ck_assert_int_eq(direct__find(root, &base, &size, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "not 16"));
}
END_TEST

START_TEST(test_direct_check_accepts_own_layout)
{
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(direct__check(DIRECT_WINDOW_BASE, DIRECT_WINDOW_SIZE,
				       4096, err),
			 0);
	ck_assert_int_eq(direct__check(DIRECT_WINDOW_BASE, DIRECT_WINDOW_SIZE,
				       65536, err),
			 0);
}
END_TEST

START_TEST(test_direct_check_rejects_other_place_or_size)
{
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(
		direct__check(0x9050000, DIRECT_WINDOW_SIZE, 4096, err), -1);
	ck_assert_str_eq(
		err,
		"the parent's direct window is 0x9050000+0x10000; this turtle places it at 0x9040000+0x10000 (a different turtle above?)");
	ck_assert_int_eq(direct__check(DIRECT_WINDOW_BASE, 0x1000, 4096, err),
			 -1);
}
END_TEST

START_TEST(test_direct_check_rejects_partial_pages)
{
	char err[ERRBUF_LEN] = "";

	/* A 64 KiB window on a host with larger pages cannot be mapped. */
	ck_assert_int_eq(direct__check(DIRECT_WINDOW_BASE, DIRECT_WINDOW_SIZE,
				       0x40000, err),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "not whole pages"));
}
END_TEST

START_TEST(test_direct_mode_names)
{
	ck_assert_str_eq(direct__mode_name(DIRECT_OFF), "off");
	ck_assert_str_eq(direct__mode_name(DIRECT_AUTO), "auto");
	ck_assert_str_eq(direct__mode_name(DIRECT_SERVE), "serve");
	ck_assert_str_eq(direct__mode_name(DIRECT_PASS), "pass");
}
END_TEST

Suite *direct_suite(void)
{
	Suite *s = suite_create("direct");
	TCase *tc = tcase_create("reg");

	tcase_add_test(tc, test_direct_parse_reg);
	tcase_add_test(tc, test_direct_parse_reg_bad_length);
	tcase_add_test(tc, test_direct_mode_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("find");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_direct_find_by_compatible);
	tcase_add_test(tc, test_direct_find_in_compatible_list);
	tcase_add_test(tc, test_direct_find_none);
	tcase_add_test(tc, test_direct_find_bad_reg_is_an_error);
	suite_add_tcase(s, tc);
	tc = tcase_create("check");
	tcase_add_test(tc, test_direct_check_accepts_own_layout);
	tcase_add_test(tc, test_direct_check_rejects_other_place_or_size);
	tcase_add_test(tc, test_direct_check_rejects_partial_pages);
	suite_add_tcase(s, tc);
	return s;
}
