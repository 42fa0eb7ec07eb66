// SPDX-License-Identifier: GPL-2.0
/* layout__plan: where the kernel, the initrd and the device tree go. */
#include <stdint.h>
#include <string.h>

#include "../../boot/layout.h"
#include "../../lib/log.h"
#include "../../vmm/platform.h"
#include "suites.h"

#define MiB(x) ((uint64_t)(x) << 20)

static struct arm64_image kernel(uint64_t text_offset, uint64_t image_size)
{
	return (struct arm64_image){
		.text_offset = text_offset,
		.image_size = image_size,
		.file_size = image_size,
		.page_size_kib = 4,
	};
}

/* The plan for img in ram bytes at RAM_BASE with an initrd, accepted. */
static struct mem_layout planned(struct arm64_image img, uint64_t ram,
				 uint64_t initrd)
{
	struct mem_layout l;
	char err[ERRBUF_LEN] = "";

	ck_assert_msg(layout__plan(RAM_BASE, ram, &img, initrd, &l, err) == 0,
		      "refused: %s", err);
	return l;
}

START_TEST(test_layout_kernel_at_ram_base_plus_text_offset)
{
	struct mem_layout l = planned(kernel(0x80000, MiB(20)), MiB(512), 0);

	ck_assert_uint_eq(l.ram_base, RAM_BASE);
	ck_assert_uint_eq(l.ram_size, MiB(512));
	ck_assert_uint_eq(l.kernel_addr, RAM_BASE + 0x80000);
}
END_TEST

START_TEST(test_layout_zero_text_offset_puts_kernel_at_base)
{
	struct mem_layout l = planned(kernel(0, MiB(20)), MiB(512), 0);

	ck_assert_uint_eq(l.kernel_addr, RAM_BASE);
}
END_TEST

START_TEST(test_layout_kernel_size_rounded_up_to_page)
{
	struct mem_layout l = planned(kernel(0, MiB(20) + 1), MiB(512), 0);

	ck_assert_uint_eq(l.kernel_size, MiB(20) + SZ_4K);
}
END_TEST

START_TEST(test_layout_dtb_at_top_of_ram)
{
	struct mem_layout l = planned(kernel(0, MiB(20)), MiB(512), MiB(8));

	ck_assert_uint_eq(l.dtb_addr, RAM_BASE + MiB(512) - LAYOUT_DTB_MAX);
	ck_assert_uint_eq(l.dtb_max, LAYOUT_DTB_MAX);
	ck_assert_uint_eq(l.dtb_addr % 8, 0);
	ck_assert_uint_eq(l.dtb_addr % SZ_4K, 0);
}
END_TEST

START_TEST(test_layout_initrd_aligned_between_kernel_and_dtb)
{
	uint64_t initrd_size = MiB(8) + 123;
	struct mem_layout l =
		planned(kernel(0x80000, MiB(20)), MiB(512), initrd_size);

	ck_assert_uint_eq(l.initrd_size, initrd_size);
	ck_assert_uint_eq(l.initrd_addr % SZ_4K, 0);
	ck_assert_uint_le(l.initrd_addr + l.initrd_size, l.dtb_addr);
	ck_assert_uint_ge(l.initrd_addr, l.kernel_addr + l.kernel_size);
}
END_TEST

/* The gap left for the kernel is as large as it can be. */
START_TEST(test_layout_initrd_ends_within_a_page_of_dtb)
{
	struct mem_layout l = planned(kernel(0, MiB(20)), MiB(512), MiB(3) + 5);

	ck_assert_uint_gt(l.initrd_addr + l.initrd_size + SZ_4K, l.dtb_addr);
}
END_TEST

START_TEST(test_layout_no_initrd_gives_zero_initrd_addr)
{
	struct mem_layout l = planned(kernel(0, MiB(20)), MiB(512), 0);

	ck_assert_uint_eq(l.initrd_addr, 0);
	ck_assert_uint_eq(l.initrd_size, 0);
}
END_TEST

START_TEST(test_layout_exactly_min_free_accepted)
{
	uint64_t ram = MiB(64);
	struct mem_layout l = planned(
		kernel(0, ram - LAYOUT_DTB_MAX - LAYOUT_MIN_FREE), ram, 0);

	ck_assert_uint_eq(l.dtb_addr - (l.kernel_addr + l.kernel_size),
			  LAYOUT_MIN_FREE);
}
END_TEST

/* Plans layout__plan must refuse, with a message. */
static const struct reject_case {
	const char *what;
	uint64_t base, ram, kernel_size, initrd_size;
	const char *err; /* what the message mentions; NULL: any message */
} rejects[] = {
	{ "RAM too small for kernel and initrd", RAM_BASE, MiB(64), MiB(40),
	  MiB(30), "cannot hold" },
	{ "kernel larger than RAM", RAM_BASE, MiB(64), MiB(128), 0,
	  "cannot hold" },
	/* 64 MiB - 64 KiB - 30 MiB initrd - 20 MiB kernel < 16 MiB */
	{ "less than the minimum left free", RAM_BASE, MiB(64), MiB(20),
	  MiB(30), "free" },
	{ "one page short of the minimum left free", RAM_BASE, MiB(64),
	  MiB(64) - LAYOUT_DTB_MAX - LAYOUT_MIN_FREE + SZ_4K, 0, "free" },
	{ "initrd larger than RAM", RAM_BASE, MiB(256), MiB(20), MiB(256) + 1,
	  "larger than guest RAM" },
	{ "initrd as large as RAM", RAM_BASE, MiB(256), MiB(20), MiB(256),
	  NULL },
	/*
	 * 2 MiB aligned, so a legal base: an initrd that fits in RAM but
	 * not below the device tree must still be refused, not wrap around
	 * zero.
	 */
	{ "initrd over the device tree at base 0", 0, MiB(64), MiB(2),
	  MiB(64) - SZ_4K, NULL },
	{ "RAM base not 2 MiB aligned", RAM_BASE + SZ_4K, MiB(512), MiB(20), 0,
	  "not 2 MiB aligned" },
	{ "RAM below 2 MiB", RAM_BASE, MiB(1), SZ_4K, 0, "too small" },
	/* RAM from 2 MiB below the top: the kernel end wraps to 2 MiB. */
	{ "RAM wrapping the address space", 0 - MiB(2), MiB(512), MiB(4), 0,
	  NULL },
};

START_TEST(test_layout_rejected)
{
	const struct reject_case *c = &rejects[_i];
	struct arm64_image img = kernel(0, c->kernel_size);
	struct mem_layout l;
	char err[ERRBUF_LEN] = "";

	ck_assert_msg(layout__plan(c->base, c->ram, &img, c->initrd_size, &l,
				   err) == -1,
		      "%s: accepted, initrd at 0x%llx..0x%llx, dtb at 0x%llx",
		      c->what, (unsigned long long)l.initrd_addr,
		      (unsigned long long)(l.initrd_addr + l.initrd_size),
		      (unsigned long long)l.dtb_addr);
	ck_assert_msg(err[0], "%s: no message", c->what);
	ck_assert_msg(!c->err || strstr(err, c->err),
		      "%s: \"%s\" does not mention \"%s\"", c->what, err,
		      c->err);
}
END_TEST

/*
 * Plan one layout; if it is accepted, check that every piece sits inside
 * RAM, aligned, with nothing overlapping. Returns whether it was accepted.
 */
static int plan_and_check(uint64_t ram, uint64_t initrd, uint64_t ksize)
{
	struct arm64_image img = kernel(0x80000, ksize);
	uint64_t ram_end = RAM_BASE + ram, kernel_end;
	struct mem_layout l;
	char err[ERRBUF_LEN] = "";

	if (layout__plan(RAM_BASE, ram, &img, initrd, &l, err)) {
		ck_assert_msg(err[0], "failed with no message");
		return 0;
	}
	kernel_end = l.kernel_addr + l.kernel_size;
	ck_assert_uint_ge(l.kernel_addr, RAM_BASE);
	ck_assert_uint_ge(l.kernel_size, ksize);
	ck_assert_uint_eq(l.dtb_addr + l.dtb_max, ram_end);
	ck_assert_uint_eq(l.dtb_addr % SZ_4K, 0);
	if (initrd) {
		ck_assert_uint_eq(l.initrd_size, initrd);
		ck_assert_uint_eq(l.initrd_addr % SZ_4K, 0);
		ck_assert_uint_ge(l.initrd_addr, kernel_end);
		ck_assert_uint_le(l.initrd_addr + l.initrd_size, l.dtb_addr);
		ck_assert_uint_ge(l.initrd_addr - kernel_end, LAYOUT_MIN_FREE);
	} else {
		ck_assert_uint_eq(l.initrd_addr, 0);
		ck_assert_uint_ge(l.dtb_addr - kernel_end, LAYOUT_MIN_FREE);
	}
	return 1;
}

START_TEST(test_layout_nothing_overlaps_for_many_sizes)
{
	static const uint64_t rams[] = {
		MiB(32), MiB(64), MiB(100), MiB(512), MiB(3072), MiB(65536),
	};
	static const uint64_t initrds[] = {
		0,	 1,	  SZ_4K - 1, SZ_4K, SZ_4K + 1, MiB(1) + 123,
		MiB(10), MiB(30), MiB(200),
	};
	static const uint64_t kernels[] = { MiB(2), MiB(20) + 1, MiB(40) };
	unsigned int r, i, k, planned = 0;

	for (r = 0; r < sizeof(rams) / sizeof(rams[0]); r++) {
		for (i = 0; i < sizeof(initrds) / sizeof(initrds[0]); i++) {
			for (k = 0; k < sizeof(kernels) / sizeof(kernels[0]);
			     k++)
				planned += plan_and_check(rams[r], initrds[i],
							  kernels[k]);
		}
	}
	/* Most of those fit: the loop must have checked something. */
	ck_assert_uint_ge(planned, 100);
}
END_TEST

Suite *layout_suite(void)
{
	Suite *s = suite_create("layout");
	TCase *tc;

	tc = tcase_create("place");
	tcase_add_test(tc, test_layout_kernel_at_ram_base_plus_text_offset);
	tcase_add_test(tc, test_layout_zero_text_offset_puts_kernel_at_base);
	tcase_add_test(tc, test_layout_kernel_size_rounded_up_to_page);
	tcase_add_test(tc, test_layout_dtb_at_top_of_ram);
	tcase_add_test(tc, test_layout_initrd_aligned_between_kernel_and_dtb);
	tcase_add_test(tc, test_layout_initrd_ends_within_a_page_of_dtb);
	tcase_add_test(tc, test_layout_no_initrd_gives_zero_initrd_addr);
	tcase_add_test(tc, test_layout_exactly_min_free_accepted);
	tcase_add_test(tc, test_layout_nothing_overlaps_for_many_sizes);
	suite_add_tcase(s, tc);

	tc = tcase_create("reject");
	tcase_add_loop_test(tc, test_layout_rejected, 0,
			    sizeof(rejects) / sizeof(rejects[0]));
	suite_add_tcase(s, tc);

	return s;
}
