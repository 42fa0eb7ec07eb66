// SPDX-License-Identifier: GPL-2.0
/*
 * Bulk writes through the guest's FUSE client (fuse-client-fixture.h):
 * the mount's writeback tuning, and parallel writers over its NCONN
 * connections, each file checked byte for byte through the host.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../../agent/fuse-client.h"
#include "fuse-client-fixture.h"
#include "suites.h"

START_TEST(test_fuse_client_tune_bdi)
{
	char path[96];

	if (skip)
		return;
	snprintf(path, sizeof(path), "/sys/class/bdi/%u:%u/strict_limit",
		 major(mnt_dev), minor(mnt_dev));
	if (access(path, F_OK)) {
		fprintf(stderr, "fuse_client: no %s, skipped\n", path);
		return;
	}
	ck_assert_str_eq(get(path), "1\n"); /* FUSE's default */
	ck_assert_int_eq(fuse_client__tune_bdi(mnt_dev), 0);
	ck_assert_str_eq(get(path), "0\n");
	path[strlen(path) - strlen("strict_limit")] = 0;
	strcat(path, "max_ratio");
	ck_assert_str_eq(get(path), "100\n");
	path[strlen(path) - strlen("max_ratio")] = 0;
	strcat(path, "read_ahead_kb");
	ck_assert_str_eq(get(path), "1024\n");
}
END_TEST

/* 16 writers of 8 MiB at once, each file checked through the host. */
#define WRITERS 16
#define WRITE_BYTES (8u << 20)
#define CHUNK 300000u

static uint64_t fill(uint8_t *b, size_t len, uint64_t x)
{
	size_t i;

	for (i = 0; i < len; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		b[i] = (uint8_t)(x >> 56);
	}
	return x;
}

static uint64_t fnv(uint64_t hash, const uint8_t *b, size_t len)
{
	while (len--)
		hash = (hash ^ *b++) * 0x100000001b3ull;
	return hash;
}

static uint64_t sums[WRITERS];

static void *writer(void *arg)
{
	unsigned int id = (unsigned int)(uintptr_t)arg;
	uint8_t *chunk = malloc(CHUNK);
	uint64_t x = id + 1, hash = 0xcbf29ce484222325ull;
	size_t done = 0, n;
	char path[160];
	int fd;

	/* Not m(): its few static buffers are shared by all the writers. */
	snprintf(path, sizeof(path), "%s/w%u", mnt, id);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	while (fd >= 0 && chunk && done < WRITE_BYTES) {
		n = WRITE_BYTES - done;
		if (n > CHUNK - id * 1000)
			n = CHUNK - id * 1000; /* odd sizes */
		x = fill(chunk, n, x);
		hash = fnv(hash, chunk, n);
		if (write(fd, chunk, n) != (ssize_t)n)
			break;
		done += n;
	}
	free(chunk);
	sums[id] = hash;
	if (fd < 0 || close(fd) || done < WRITE_BYTES)
		return (void *)1;
	return NULL;
}

static uint64_t host_sum(const char *path, size_t *len)
{
	static uint8_t buf[1 << 16];
	uint64_t hash = 0xcbf29ce484222325ull;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	*len = 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		hash = fnv(hash, buf, (size_t)n);
		*len += (size_t)n;
	}
	close(fd);
	return hash;
}

START_TEST(test_fuse_client_parallel_writers)
{
	pthread_t t[WRITERS];
	char name[16];
	unsigned int i;
	size_t len;
	void *ret;

	if (skip)
		return;
	for (i = 0; i < WRITERS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, writer,
						(void *)(uintptr_t)i),
				 0);
	for (i = 0; i < WRITERS; i++) {
		pthread_join(t[i], &ret);
		ck_assert_msg(ret == NULL, "writer %u failed", i);
	}
	for (i = 0; i < WRITERS; i++) {
		snprintf(name, sizeof(name), "w%u", i);
		ck_assert_msg(host_sum(h(name), &len) == sums[i],
			      "file %s differs on the host", name);
		ck_assert_uint_eq(len, WRITE_BYTES);
	}
}
END_TEST

Suite *fuse_client_writes_suite(void)
{
	Suite *s = suite_create("fuse_client_writes");
	TCase *tc;

	tc = fcli__tcase(s, "writes", fcli__setup);
	tcase_add_test(tc, test_fuse_client_tune_bdi);
	tcase_add_test(tc, test_fuse_client_parallel_writers);
	return s;
}
