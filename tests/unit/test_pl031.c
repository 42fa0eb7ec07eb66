// SPDX-License-Identifier: GPL-2.0
/* The PL031 RTC, driven through its MMIO handlers on a fake host clock. */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "../../devices/pl031.h"
#include "suites.h"

static int64_t host_now;
static struct pl031 rtc;
static int level;
static unsigned int irq_calls;
static int64_t armed_at;

static int64_t fake_now(void)
{
	return host_now;
}

static void fake_set_irq(void *ctx, int l)
{
	(void)ctx;
	level = l;
	irq_calls++;
}

static void fake_arm(void *ctx, int64_t host_sec)
{
	(void)ctx;
	armed_at = host_sec;
}

static void setup(void)
{
	host_now = 1796000000; /* late 2026 */
	level = 0;
	irq_calls = 0;
	armed_at = -2;
	pl031__init(&rtc, fake_now, fake_set_irq, fake_arm, NULL);
}

static uint32_t rd_len(uint64_t off, uint32_t len)
{
	uint8_t data[8];
	uint64_t v = 0;

	memset(data, 0xa5, sizeof(data));
	pl031__mmio_ops.read(&rtc, off, data, len);
	memcpy(&v, data, len);
	return (uint32_t)v;
}

static uint32_t rd(uint64_t off)
{
	return rd_len(off, 4);
}

static void wr(uint64_t off, uint32_t v)
{
	pl031__mmio_ops.write(&rtc, off, (const uint8_t *)&v, 4);
}

START_TEST(test_pl031_reads_host_time)
{
	ck_assert_uint_eq(rd(PL031_DR), 1796000000U);
	host_now += 7;
	ck_assert_uint_eq(rd(PL031_DR), 1796000007U);
}
END_TEST

START_TEST(test_pl031_default_clock_is_realtime)
{
	struct timespec ts;
	uint32_t dr;

	pl031__init(&rtc, NULL, NULL, NULL, NULL);
	clock_gettime(CLOCK_REALTIME, &ts);
	dr = rd(PL031_DR);
	ck_assert_int_ge((int64_t)dr, (int64_t)(uint32_t)ts.tv_sec);
	ck_assert_int_le((int64_t)dr, (int64_t)(uint32_t)ts.tv_sec + 1);
}
END_TEST

START_TEST(test_pl031_load_offsets_only_the_guest)
{
	wr(PL031_LR, 1000);
	ck_assert_uint_eq(rd(PL031_DR), 1000);
	ck_assert_uint_eq(rd(PL031_LR), 1000);
	/* The guest's counter runs on with the host's from there. */
	host_now += 5;
	ck_assert_uint_eq(rd(PL031_DR), 1005);
	/* Setting it ahead of the host works the same way. */
	wr(PL031_LR, 1796000005U + 3600);
	host_now++;
	ck_assert_uint_eq(rd(PL031_DR), 1796000006U + 3600);
}
END_TEST

START_TEST(test_pl031_dr_and_ids_are_read_only)
{
	wr(PL031_DR, 5);
	wr(PL031_RIS, 1);
	wr(PL031_MIS, 1);
	wr(PL031_ID, 0);
	ck_assert_uint_eq(rd(PL031_DR), 1796000000U);
	ck_assert_uint_eq(rd(PL031_RIS), 0);
	ck_assert_uint_eq(rd(PL031_ID), 0x31);
}
END_TEST

START_TEST(test_pl031_control_cannot_stop_it)
{
	ck_assert_uint_eq(rd(PL031_CR), 1);
	wr(PL031_CR, 0);
	ck_assert_uint_eq(rd(PL031_CR), 1);
	host_now++;
	ck_assert_uint_eq(rd(PL031_DR), 1796000001U);
}
END_TEST

START_TEST(test_pl031_primecell_ids)
{
	static const uint8_t want[8] = { 0x31, 0x10, 0x14, 0x00,
					 0x0d, 0xf0, 0x05, 0xb1 };
	unsigned int i;

	for (i = 0; i < 8; i++)
		ck_assert_uint_eq(rd(PL031_ID + 4 * i), want[i]);
}
END_TEST

START_TEST(test_pl031_odd_accesses_read_zero)
{
	ck_assert_uint_eq(rd_len(PL031_DR, 1), 0);
	ck_assert_uint_eq(rd_len(PL031_DR, 2), 0);
	ck_assert_uint_eq(rd(PL031_DR + 2), 0);
	ck_assert_uint_eq(rd(0x020), 0);
	ck_assert_uint_eq(rd(0xffc + 4), 0);
	/* A 1-byte write to LR is dropped: the clock is unchanged. */
	{
		uint8_t b = 0;

		pl031__mmio_ops.write(&rtc, PL031_LR, &b, 1);
	}
	ck_assert_uint_eq(rd(PL031_DR), 1796000000U);
}
END_TEST

START_TEST(test_pl031_alarm_fires_at_match)
{
	wr(PL031_IMSC, 1);
	wr(PL031_MR, 1796000003U);
	ck_assert_int_eq(armed_at, 1796000003);
	ck_assert_uint_eq(rd(PL031_RIS), 0);
	ck_assert_int_eq(level, 0);
	host_now += 3;
	pl031__tick(&rtc);
	ck_assert_uint_eq(rd(PL031_RIS), 1);
	ck_assert_uint_eq(rd(PL031_MIS), 1);
	ck_assert_int_eq(level, 1);
	wr(PL031_ICR, 1);
	ck_assert_uint_eq(rd(PL031_RIS), 0);
	ck_assert_int_eq(level, 0);
	/* It fired once: later ticks do not raise it again. */
	host_now += 10;
	pl031__tick(&rtc);
	ck_assert_uint_eq(rd(PL031_RIS), 0);
}
END_TEST

START_TEST(test_pl031_masked_alarm_sets_ris_only)
{
	wr(PL031_MR, 1796000001U);
	host_now += 2; /* a late tick still latches it */
	pl031__tick(&rtc);
	ck_assert_uint_eq(rd(PL031_RIS), 1);
	ck_assert_uint_eq(rd(PL031_MIS), 0);
	ck_assert_uint_eq(irq_calls, 0);
	/* Unmasking raises the line for the latched match. */
	wr(PL031_IMSC, 1);
	ck_assert_int_eq(level, 1);
	wr(PL031_IMSC, 0);
	ck_assert_int_eq(level, 0);
}
END_TEST

START_TEST(test_pl031_past_match_does_not_fire)
{
	wr(PL031_IMSC, 1);
	wr(PL031_MR, 1795999990U);
	ck_assert_int_eq(armed_at, -1);
	host_now += 100;
	pl031__tick(&rtc);
	ck_assert_uint_eq(rd(PL031_RIS), 0);
	ck_assert_int_eq(level, 0);
}
END_TEST

START_TEST(test_pl031_alarm_follows_the_guest_clock)
{
	/* The guest's clock is 100 s behind the host's. */
	wr(PL031_LR, 1796000000U - 100);
	wr(PL031_MR, 1796000000U - 90);
	ck_assert_int_eq(armed_at, 1796000010);
	/* Setting the clock past the match latches it at once. */
	wr(PL031_LR, 1796000000U - 90);
	ck_assert_uint_eq(rd(PL031_RIS), 1);
	ck_assert_int_eq(armed_at, -1);
}
END_TEST

Suite *pl031_suite(void)
{
	Suite *s = suite_create("pl031");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_pl031_reads_host_time);
	tcase_add_test(tc, test_pl031_default_clock_is_realtime);
	tcase_add_test(tc, test_pl031_load_offsets_only_the_guest);
	tcase_add_test(tc, test_pl031_dr_and_ids_are_read_only);
	tcase_add_test(tc, test_pl031_control_cannot_stop_it);
	tcase_add_test(tc, test_pl031_primecell_ids);
	tcase_add_test(tc, test_pl031_odd_accesses_read_zero);
	tcase_add_test(tc, test_pl031_alarm_fires_at_match);
	tcase_add_test(tc, test_pl031_masked_alarm_sets_ris_only);
	tcase_add_test(tc, test_pl031_past_match_does_not_fire);
	tcase_add_test(tc, test_pl031_alarm_follows_the_guest_clock);
	suite_add_tcase(s, tc);
	return s;
}
