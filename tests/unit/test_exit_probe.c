// SPDX-License-Identifier: GPL-2.0
/* The exit probe: what its registers read, and that it counts accesses. */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>

#include "../../devices/exit-probe.h"
#include "suites.h"

static uint64_t rd(struct exit_probe *p, uint64_t off, uint32_t len)
{
	uint8_t data[8];
	uint64_t v = 0;

	memset(data, 0xa5, sizeof(data));
	exit_probe__mmio_ops.read(p, off, data, len);
	memcpy(&v, data, len);
	return v;
}

static void wr(struct exit_probe *p, uint64_t off, uint32_t val)
{
	exit_probe__mmio_ops.write(p, off, (const uint8_t *)&val, 4);
}

START_TEST(test_exit_probe_reads_magic)
{
	struct exit_probe p;

	ck_assert_int_eq(exit_probe__init(&p), 0);
	ck_assert_uint_eq(rd(&p, EXIT_PROBE_REG_MAGIC, 4), EXIT_PROBE_MAGIC);
	exit_probe__exit(&p);
}
END_TEST

START_TEST(test_exit_probe_counts_every_access)
{
	struct exit_probe p;

	ck_assert_int_eq(exit_probe__init(&p), 0);
	wr(&p, EXIT_PROBE_REG_USER, 7);
	wr(&p, EXIT_PROBE_REG_USER, 0);
	/* The kernel register's other values reach turtle too. */
	wr(&p, EXIT_PROBE_REG_KERNEL, 2);
	rd(&p, EXIT_PROBE_REG_MAGIC, 4);
	/* This read is the fifth access, and counts itself. */
	ck_assert_uint_eq(rd(&p, EXIT_PROBE_REG_COUNT, 8), 5);
	ck_assert_uint_eq(rd(&p, EXIT_PROBE_REG_COUNT, 4), 6);
	ck_assert_uint_eq(rd(&p, EXIT_PROBE_REG_COUNT + 4, 4), 0);
	exit_probe__exit(&p);
}
END_TEST

START_TEST(test_exit_probe_count_high_half)
{
	struct exit_probe p;

	ck_assert_int_eq(exit_probe__init(&p), 0);
	p.count = 0x500000000ULL - 1;
	ck_assert_uint_eq(rd(&p, EXIT_PROBE_REG_COUNT + 4, 4), 5);
	exit_probe__exit(&p);
}
END_TEST

START_TEST(test_exit_probe_other_reads_are_zero)
{
	struct exit_probe p;

	ck_assert_int_eq(exit_probe__init(&p), 0);
	/* Wrong sizes and offsets read zeroes, every byte of them. */
	ck_assert_uint_eq(rd(&p, EXIT_PROBE_REG_MAGIC, 1), 0);
	ck_assert_uint_eq(rd(&p, EXIT_PROBE_REG_MAGIC, 8), 0);
	ck_assert_uint_eq(rd(&p, EXIT_PROBE_REG_USER, 4), 0);
	ck_assert_uint_eq(rd(&p, 0xff8, 8), 0);
	exit_probe__exit(&p);
}
END_TEST

START_TEST(test_exit_probe_exit_closes_its_eventfd)
{
	struct exit_probe p;
	int fd;

	ck_assert_int_eq(exit_probe__init(&p), 0);
	fd = p.kernel_fd;
	ck_assert_int_ge(fcntl(fd, F_GETFD), 0);
	exit_probe__exit(&p);
	ck_assert_int_eq(fcntl(fd, F_GETFD), -1);
	ck_assert_int_eq(p.kernel_fd, -1);
}
END_TEST

START_TEST(test_exit_probe_sums_watched_memory)
{
	uint32_t mem[4] = { 1, 2, 0xfffffffe, 40 };
	struct exit_probe p;

	ck_assert_int_eq(exit_probe__init(&p), 0);
	/* Nothing to watch: the register reads 0. */
	ck_assert_uint_eq(rd(&p, EXIT_PROBE_REG_SUM, 4), 0);
	p.mem = mem;
	p.mem_words = 4;
	ck_assert_uint_eq(rd(&p, EXIT_PROBE_REG_SUM, 4), 41); /* wraps */
	/* Read at the time of the access: a later write is seen. */
	mem[3] = 41;
	ck_assert_uint_eq(rd(&p, EXIT_PROBE_REG_SUM, 4), 42);
	exit_probe__exit(&p);
}
END_TEST

START_TEST(test_exit_probe_echo_replies_in_memory)
{
	uint32_t mem[4] = { 41, 0, 7, 7 };
	struct exit_probe p;

	ck_assert_int_eq(exit_probe__init(&p), 0);
	/* Without memory the write is only counted. */
	wr(&p, EXIT_PROBE_REG_ECHO, 0);
	ck_assert_uint_eq(rd(&p, EXIT_PROBE_REG_COUNT, 8), 2);
	p.mem = mem;
	p.mem_words = 4;
	wr(&p, EXIT_PROBE_REG_ECHO, 0);
	ck_assert_uint_eq(mem[1], 42);
	mem[0] = 0xffffffff; /* wraps */
	wr(&p, EXIT_PROBE_REG_ECHO, 0);
	ck_assert_uint_eq(mem[1], 0);
	/* Only word 1 is written. */
	ck_assert_uint_eq(mem[2], 7);
	ck_assert_uint_eq(mem[3], 7);
	/* Another register writes nothing. */
	mem[0] = 5;
	wr(&p, EXIT_PROBE_REG_USER, 0);
	ck_assert_uint_eq(mem[1], 0);
	exit_probe__exit(&p);
}
END_TEST

static void publish(struct exit_probe *p, uint64_t pa)
{
	wr(p, EXIT_PROBE_REG_POOL_LO, (uint32_t)pa);
	wr(p, EXIT_PROBE_REG_POOL_HI, (uint32_t)(pa >> 32));
}

START_TEST(test_exit_probe_pool_sums_published_pages)
{
	static uint32_t ram_words[4 * EXIT_PROBE_POOL_PAGE / 4];
	struct guest_mem ram = { .host = (uint8_t *)ram_words,
				 .base = 0x40000000,
				 .size = sizeof(ram_words) };
	struct exit_probe p;

	ck_assert_int_eq(exit_probe__init(&p), 0);
	p.ram = &ram;
	ck_assert_uint_eq(rd(&p, EXIT_PROBE_REG_POOL_PAGES, 4), 0);
	/* Pages 2 and 0 of RAM, in that order, and one outside RAM. */
	publish(&p, 0x40000000 + 2 * EXIT_PROBE_POOL_PAGE);
	publish(&p, 0x40000000);
	publish(&p, 0x1000);
	ram_words[0] = 5;
	ram_words[2 * EXIT_PROBE_POOL_PAGE / 4 + 7] = 6;
	ram_words[EXIT_PROBE_POOL_PAGE / 4] =
		1000; /* page 1: not in the pool */
	ck_assert_uint_eq(rd(&p, EXIT_PROBE_REG_POOL_SUM, 4), 11);
	ck_assert_uint_eq(rd(&p, EXIT_PROBE_REG_POOL_PAGES, 4), 2);
	exit_probe__exit(&p);
}
END_TEST

START_TEST(test_exit_probe_pool_table_is_bounded)
{
	static uint32_t ram_words[EXIT_PROBE_POOL_PAGE / 4];
	struct guest_mem ram = { .host = (uint8_t *)ram_words,
				 .base = 0x40000000,
				 .size = sizeof(ram_words) };
	struct exit_probe p;
	unsigned int i;

	ck_assert_int_eq(exit_probe__init(&p), 0);
	p.ram = &ram;
	/* A page's high half above 4 GiB is kept whole. */
	publish(&p, 0x140000000ULL);
	ck_assert_uint_eq(p.pool[0], 0x140000000ULL);
	for (i = 1; i < EXIT_PROBE_POOL_PAGES + 4; i++)
		publish(&p, 0x40000000);
	ck_assert_uint_eq(p.npool, EXIT_PROBE_POOL_PAGES);
	ram_words[1] = 1;
	/* 15 pages in RAM (the first is not), each summing to 1. */
	ck_assert_uint_eq(rd(&p, EXIT_PROBE_REG_POOL_SUM, 4),
			  EXIT_PROBE_POOL_PAGES - 1);
	exit_probe__exit(&p);
}
END_TEST

Suite *exit_probe_suite(void)
{
	Suite *s = suite_create("exit_probe");
	TCase *tc = tcase_create("registers");

	tcase_add_test(tc, test_exit_probe_reads_magic);
	tcase_add_test(tc, test_exit_probe_counts_every_access);
	tcase_add_test(tc, test_exit_probe_count_high_half);
	tcase_add_test(tc, test_exit_probe_other_reads_are_zero);
	tcase_add_test(tc, test_exit_probe_exit_closes_its_eventfd);
	tcase_add_test(tc, test_exit_probe_sums_watched_memory);
	tcase_add_test(tc, test_exit_probe_echo_replies_in_memory);
	tcase_add_test(tc, test_exit_probe_pool_sums_published_pages);
	tcase_add_test(tc, test_exit_probe_pool_table_is_bounded);
	suite_add_tcase(s, tc);
	return s;
}
