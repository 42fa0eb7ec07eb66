// SPDX-License-Identifier: GPL-2.0
/* mmio__register and mmio__access: the MMIO bus. */
#include <stdint.h>
#include <string.h>

#include "../../lib/mmio.h"
#include "suites.h"

/* A device that records its last access and answers reads with rdata. */
struct fake_dev {
	unsigned int reads, writes;
	uint64_t offset;
	uint32_t len;
	uint8_t wdata[8];
	uint8_t rdata[8];
};

static void fake_read(void *dev, uint64_t offset, uint8_t *data, uint32_t len)
{
	struct fake_dev *d = dev;

	d->reads++;
	d->offset = offset;
	d->len = len;
	memcpy(data, d->rdata, len);
}

static void fake_write(void *dev, uint64_t offset, const uint8_t *data,
		       uint32_t len)
{
	struct fake_dev *d = dev;

	d->writes++;
	d->offset = offset;
	d->len = len;
	memcpy(d->wdata, data, len);
}

/* A device whose read handler leaves the buffer alone. */
static void silent_read(void *dev, uint64_t offset, uint8_t *data, uint32_t len)
{
	struct fake_dev *d = dev;

	(void)offset;
	(void)data;
	(void)len;
	d->reads++;
}

static const struct mmio_ops fake_ops = {
	.read = fake_read,
	.write = fake_write,
};

static const struct mmio_ops silent_ops = {
	.read = silent_read,
};

static const struct mmio_ops no_ops;

static struct mmio_bus bus;
static struct fake_dev dev_a, dev_b;

#define A_BASE 0x1000ULL
#define A_SIZE 0x100ULL
#define B_BASE 0x2000ULL
#define B_SIZE 0x1000ULL

/* Two devices with a hole between them. */
static void setup_two_devices(void)
{
	memset(&bus, 0, sizeof(bus));
	memset(&dev_a, 0, sizeof(dev_a));
	memset(&dev_b, 0, sizeof(dev_b));
	memcpy(dev_a.rdata, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	memcpy(dev_b.rdata, "\x11\x12\x13\x14\x15\x16\x17\x18", 8);
	ck_assert_int_eq(
		mmio__register(&bus, A_BASE, A_SIZE, &fake_ops, &dev_a, "a"),
		0);
	ck_assert_int_eq(
		mmio__register(&bus, B_BASE, B_SIZE, &fake_ops, &dev_b, "b"),
		0);
}

static int reg(uint64_t base, uint64_t size)
{
	return mmio__register(&bus, base, size, &fake_ops, &dev_a, "x");
}

START_TEST(test_mmio_register_records_region)
{
	memset(&bus, 0, sizeof(bus));
	ck_assert_int_eq(
		mmio__register(&bus, A_BASE, A_SIZE, &fake_ops, &dev_a, "uart"),
		0);
	ck_assert_uint_eq(bus.nr, 1);
	ck_assert_uint_eq(bus.regions[0].base, A_BASE);
	ck_assert_uint_eq(bus.regions[0].size, A_SIZE);
	ck_assert_ptr_eq(bus.regions[0].ops, &fake_ops);
	ck_assert_ptr_eq(bus.regions[0].dev, &dev_a);
	ck_assert_str_eq(bus.regions[0].name, "uart");
}
END_TEST

START_TEST(test_mmio_register_zero_size_rejected)
{
	memset(&bus, 0, sizeof(bus));
	ck_assert_int_eq(reg(A_BASE, 0), -1);
	ck_assert_uint_eq(bus.nr, 0);
}
END_TEST

START_TEST(test_mmio_register_wrapping_range_rejected)
{
	memset(&bus, 0, sizeof(bus));
	ck_assert_int_eq(reg(UINT64_MAX - 0xff, 0x200), -1);
	ck_assert_uint_eq(bus.nr, 0);
}
END_TEST

START_TEST(test_mmio_register_overlap_at_start_rejected)
{
	ck_assert_int_eq(reg(A_BASE - 0x10, 0x11), -1);
	ck_assert_uint_eq(bus.nr, 2);
}
END_TEST

START_TEST(test_mmio_register_overlap_at_end_rejected)
{
	ck_assert_int_eq(reg(A_BASE + A_SIZE - 1, 0x10), -1);
	ck_assert_uint_eq(bus.nr, 2);
}
END_TEST

START_TEST(test_mmio_register_overlap_inside_rejected)
{
	ck_assert_int_eq(reg(A_BASE + 0x10, 0x10), -1);
	ck_assert_uint_eq(bus.nr, 2);
}
END_TEST

START_TEST(test_mmio_register_overlap_covering_rejected)
{
	ck_assert_int_eq(reg(A_BASE - 0x1000, 0x10000), -1);
	ck_assert_uint_eq(bus.nr, 2);
}
END_TEST

START_TEST(test_mmio_register_same_range_rejected)
{
	ck_assert_int_eq(reg(A_BASE, A_SIZE), -1);
	ck_assert_uint_eq(bus.nr, 2);
}
END_TEST

START_TEST(test_mmio_register_adjacent_ranges_accepted)
{
	ck_assert_int_eq(reg(A_BASE + A_SIZE, 0x10), 0); /* just above a */
	ck_assert_int_eq(reg(A_BASE - 0x10, 0x10), 0);	 /* just below a */
	ck_assert_int_eq(
		reg(A_BASE + A_SIZE + 0x10, B_BASE - A_BASE - A_SIZE - 0x10),
		0); /* fills the hole up to b */
	ck_assert_uint_eq(bus.nr, 5);
}
END_TEST

START_TEST(test_mmio_register_full_bus_rejected)
{
	unsigned int i;

	memset(&bus, 0, sizeof(bus));
	for (i = 0; i < MMIO_MAX_REGIONS; i++)
		ck_assert_int_eq(reg(i * 0x1000ULL, 0x1000), 0);
	ck_assert_int_eq(reg(MMIO_MAX_REGIONS * 0x1000ULL, 0x1000), -1);
	ck_assert_uint_eq(bus.nr, MMIO_MAX_REGIONS);
}
END_TEST

START_TEST(test_mmio_read_dispatches_to_owner)
{
	uint8_t data[8];

	memset(data, 0xee, sizeof(data));
	ck_assert_int_eq(mmio__access(&bus, B_BASE + 0x18, data, 4, 0), 0);
	ck_assert_uint_eq(dev_b.reads, 1);
	ck_assert_uint_eq(dev_b.offset, 0x18);
	ck_assert_uint_eq(dev_b.len, 4);
	ck_assert_mem_eq(data, "\x11\x12\x13\x14", 4);
	ck_assert_uint_eq(dev_a.reads + dev_a.writes + dev_b.writes, 0);
	ck_assert_uint_eq(bus.unhandled, 0);
}
END_TEST

START_TEST(test_mmio_read_sizes)
{
	static const uint32_t lens[] = { 1, 2, 4, 8 };
	unsigned int i;

	for (i = 0; i < 4; i++) {
		uint8_t data[8] = { 0 };

		ck_assert_int_eq(
			mmio__access(&bus, A_BASE + 8, data, lens[i], 0), 0);
		ck_assert_uint_eq(dev_a.len, lens[i]);
		ck_assert_uint_eq(dev_a.offset, 8);
		ck_assert_mem_eq(data, dev_a.rdata, lens[i]);
	}
	ck_assert_uint_eq(dev_a.reads, 4);
}
END_TEST

START_TEST(test_mmio_write_dispatches_to_owner)
{
	uint8_t data[8] = { 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04 };

	ck_assert_int_eq(mmio__access(&bus, A_BASE + 0x40, data, 8, 1), 0);
	ck_assert_uint_eq(dev_a.writes, 1);
	ck_assert_uint_eq(dev_a.offset, 0x40);
	ck_assert_uint_eq(dev_a.len, 8);
	ck_assert_mem_eq(dev_a.wdata, data, 8);
	ck_assert_uint_eq(dev_a.reads + dev_b.reads + dev_b.writes, 0);
	ck_assert_uint_eq(bus.unhandled, 0);
}
END_TEST

START_TEST(test_mmio_access_at_region_base_has_offset_zero)
{
	uint8_t data[1] = { 0x5a };

	ck_assert_int_eq(mmio__access(&bus, B_BASE, data, 1, 1), 0);
	ck_assert_uint_eq(dev_b.offset, 0);
	ck_assert_uint_eq(dev_b.wdata[0], 0x5a);
}
END_TEST

START_TEST(test_mmio_access_ending_at_region_end_accepted)
{
	uint8_t data[8];

	ck_assert_int_eq(mmio__access(&bus, A_BASE + A_SIZE - 8, data, 8, 0),
			 0);
	ck_assert_uint_eq(dev_a.offset, A_SIZE - 8);
}
END_TEST

START_TEST(test_mmio_read_zero_fills_before_device)
{
	struct fake_dev d = { 0 };
	uint8_t data[8];

	ck_assert_int_eq(
		mmio__register(&bus, 0x9000, 0x10, &silent_ops, &d, "silent"),
		0);
	memset(data, 0xff, sizeof(data));
	ck_assert_int_eq(mmio__access(&bus, 0x9000, data, 8, 0), 0);
	ck_assert_uint_eq(d.reads, 1);
	ck_assert_mem_eq(data, "\0\0\0\0\0\0\0\0", 8);
}
END_TEST

START_TEST(test_mmio_missing_handlers_are_harmless)
{
	uint8_t data[4];

	ck_assert_int_eq(
		mmio__register(&bus, 0x9000, 0x10, &no_ops, NULL, "none"), 0);
	memset(data, 0xff, sizeof(data));
	ck_assert_int_eq(mmio__access(&bus, 0x9000, data, 4, 0), 0);
	ck_assert_mem_eq(data, "\0\0\0\0", 4);
	ck_assert_int_eq(mmio__access(&bus, 0x9000, data, 4, 1), 0);
	ck_assert_uint_eq(bus.unhandled, 0);
}
END_TEST

START_TEST(test_mmio_read_straddling_region_end_unhandled)
{
	uint8_t data[8];

	memset(data, 0xff, sizeof(data));
	ck_assert_int_eq(mmio__access(&bus, A_BASE + A_SIZE - 4, data, 8, 0),
			 -1);
	ck_assert_mem_eq(data, "\0\0\0\0\0\0\0\0", 8);
	ck_assert_uint_eq(bus.unhandled, 1);
	ck_assert_uint_eq(dev_a.reads, 0);
}
END_TEST

START_TEST(test_mmio_read_one_byte_past_region_end_unhandled)
{
	uint8_t data[8];

	memset(data, 0xff, sizeof(data));
	ck_assert_int_eq(mmio__access(&bus, A_BASE + A_SIZE - 7, data, 8, 0),
			 -1);
	ck_assert_mem_eq(data, "\0\0\0\0\0\0\0\0", 8);
	ck_assert_uint_eq(bus.unhandled, 1);
	ck_assert_uint_eq(dev_a.reads, 0);
}
END_TEST

START_TEST(test_mmio_write_straddling_region_end_unhandled)
{
	uint8_t data[4] = { 1, 2, 3, 4 };

	ck_assert_int_eq(mmio__access(&bus, B_BASE + B_SIZE - 2, data, 4, 1),
			 -1);
	ck_assert_uint_eq(bus.unhandled, 1);
	ck_assert_uint_eq(dev_b.writes, 0);
}
END_TEST

START_TEST(test_mmio_read_straddling_region_start_unhandled)
{
	uint8_t data[4];

	memset(data, 0xff, sizeof(data));
	ck_assert_int_eq(mmio__access(&bus, A_BASE - 2, data, 4, 0), -1);
	ck_assert_mem_eq(data, "\0\0\0\0", 4);
	ck_assert_uint_eq(bus.unhandled, 1);
	ck_assert_uint_eq(dev_a.reads, 0);
}
END_TEST

START_TEST(test_mmio_read_of_hole_unhandled)
{
	uint8_t data[8];

	memset(data, 0xff, sizeof(data));
	ck_assert_int_eq(mmio__access(&bus, A_BASE + A_SIZE, data, 4, 0), -1);
	ck_assert_mem_eq(data, "\0\0\0\0", 4);
	ck_assert_uint_eq(data[4], 0xff); /* only len bytes are touched */
	ck_assert_uint_eq(bus.unhandled, 1);
	ck_assert_uint_eq(dev_a.reads + dev_b.reads, 0);
}
END_TEST

START_TEST(test_mmio_write_to_hole_unhandled)
{
	uint8_t data[4] = { 1, 2, 3, 4 };

	ck_assert_int_eq(mmio__access(&bus, 0x100000, data, 4, 1), -1);
	ck_assert_int_eq(mmio__access(&bus, 0, data, 4, 1), -1);
	ck_assert_uint_eq(bus.unhandled, 2);
	ck_assert_uint_eq(dev_a.writes + dev_b.writes, 0);
}
END_TEST

START_TEST(test_mmio_empty_bus_unhandled)
{
	uint8_t data[8];

	memset(&bus, 0, sizeof(bus));
	memset(data, 0xff, sizeof(data));
	ck_assert_int_eq(mmio__access(&bus, A_BASE, data, 8, 0), -1);
	ck_assert_mem_eq(data, "\0\0\0\0\0\0\0\0", 8);
	ck_assert_uint_eq(bus.unhandled, 1);
}
END_TEST

START_TEST(test_mmio_zero_length_rejected)
{
	uint8_t data[8];

	ck_assert_int_eq(mmio__access(&bus, A_BASE, data, 0, 0), -1);
	ck_assert_int_eq(mmio__access(&bus, A_BASE, data, 0, 1), -1);
	ck_assert_uint_eq(bus.unhandled, 2);
	ck_assert_uint_eq(dev_a.reads + dev_a.writes, 0);
}
END_TEST

START_TEST(test_mmio_length_above_8_rejected)
{
	uint8_t data[16];

	memset(data, 0xff, sizeof(data));
	ck_assert_int_eq(mmio__access(&bus, A_BASE, data, 9, 1), -1);
	ck_assert_int_eq(mmio__access(&bus, A_BASE, data, 16, 0), -1);
	ck_assert_uint_eq(bus.unhandled, 2);
	ck_assert_uint_eq(dev_a.reads + dev_a.writes, 0);
}
END_TEST

Suite *mmio_suite(void)
{
	Suite *s = suite_create("mmio");
	TCase *tc;

	tc = tcase_create("register");
	tcase_add_checked_fixture(tc, setup_two_devices, NULL);
	tcase_add_test(tc, test_mmio_register_records_region);
	tcase_add_test(tc, test_mmio_register_zero_size_rejected);
	tcase_add_test(tc, test_mmio_register_wrapping_range_rejected);
	tcase_add_test(tc, test_mmio_register_overlap_at_start_rejected);
	tcase_add_test(tc, test_mmio_register_overlap_at_end_rejected);
	tcase_add_test(tc, test_mmio_register_overlap_inside_rejected);
	tcase_add_test(tc, test_mmio_register_overlap_covering_rejected);
	tcase_add_test(tc, test_mmio_register_same_range_rejected);
	tcase_add_test(tc, test_mmio_register_adjacent_ranges_accepted);
	tcase_add_test(tc, test_mmio_register_full_bus_rejected);
	suite_add_tcase(s, tc);

	tc = tcase_create("access");
	tcase_add_checked_fixture(tc, setup_two_devices, NULL);
	tcase_add_test(tc, test_mmio_read_dispatches_to_owner);
	tcase_add_test(tc, test_mmio_read_sizes);
	tcase_add_test(tc, test_mmio_write_dispatches_to_owner);
	tcase_add_test(tc, test_mmio_access_at_region_base_has_offset_zero);
	tcase_add_test(tc, test_mmio_access_ending_at_region_end_accepted);
	tcase_add_test(tc, test_mmio_read_zero_fills_before_device);
	tcase_add_test(tc, test_mmio_missing_handlers_are_harmless);
	tcase_add_test(tc, test_mmio_read_straddling_region_end_unhandled);
	tcase_add_test(tc, test_mmio_read_one_byte_past_region_end_unhandled);
	tcase_add_test(tc, test_mmio_write_straddling_region_end_unhandled);
	tcase_add_test(tc, test_mmio_read_straddling_region_start_unhandled);
	tcase_add_test(tc, test_mmio_read_of_hole_unhandled);
	tcase_add_test(tc, test_mmio_write_to_hole_unhandled);
	tcase_add_test(tc, test_mmio_empty_bus_unhandled);
	tcase_add_test(tc, test_mmio_zero_length_rejected);
	tcase_add_test(tc, test_mmio_length_above_8_rejected);
	suite_add_tcase(s, tc);

	return s;
}
