// SPDX-License-Identifier: GPL-2.0
/*
 * A share's cache mode (--share ...,cache=auto, always or never) as
 * fuse_server__handle tells it to the guest: entry and attribute
 * timeouts, open flags, the writeback cache at INIT.
 */
#include <fcntl.h>

#include "fuse-server-fixture.h"
#include "suites.h"

static void setup_cache_always(void)
{
	cur_cache = FUSE_CACHE_ALWAYS;
	fsrv__setup_ro(0);
	cur_cache = FUSE_CACHE_AUTO;
}

static void setup_cache_never(void)
{
	cur_cache = FUSE_CACHE_NEVER;
	fsrv__setup_ro(0);
	cur_cache = FUSE_CACHE_AUTO;
}

/*
 * What the share's cache mode tells the guest: the timeouts of LOOKUP,
 * GETATTR and CREATE, the open flags of OPEN, CREATE and OPENDIR.
 */
static void expect_cache(uint64_t valid, uint32_t fopen, uint32_t fdir)
{
	struct fuse_getattr_in ga = { 0 };
	struct fuse_entry_out *e;
	uint64_t fh;
	int64_t id;

	host_write("f", "x");
	ck_assert_int_eq(req(FUSE_LOOKUP, 1, NULL, 0, "f", NULL), 0);
	e = body();
	ck_assert_uint_eq(e->entry_valid, valid);
	ck_assert_uint_eq(e->attr_valid, valid);
	id = (int64_t)e->nodeid;
	ck_assert_int_eq(
		req(FUSE_GETATTR, (uint64_t)id, &ga, sizeof(ga), NULL, NULL),
		0);
	ck_assert_uint_eq(((struct fuse_attr_out *)body())->attr_valid, valid);
	ck_assert_int_gt(open_((uint64_t)id, O_RDONLY, FUSE_OPEN), 0);
	ck_assert_uint_eq(((struct fuse_open_out *)body())->open_flags, fopen);
	ck_assert_int_gt(create_(1, "g", O_WRONLY, &fh), 0);
	e = body();
	ck_assert_uint_eq(e->entry_valid, valid);
	ck_assert_uint_eq(((struct fuse_open_out *)(e + 1))->open_flags, fopen);
	ck_assert_int_gt(open_(1, O_RDONLY | O_DIRECTORY, FUSE_OPENDIR), 0);
	ck_assert_uint_eq(((struct fuse_open_out *)body())->open_flags, fdir);
}

START_TEST(test_fuse_server_cache_auto)
{
	expect_cache(1, 0, 0);
	ck_assert(init_flags & FUSE_WRITEBACK_CACHE);
}
END_TEST

START_TEST(test_fuse_server_cache_always)
{
	expect_cache(86400, FOPEN_KEEP_CACHE,
		     FOPEN_CACHE_DIR | FOPEN_KEEP_CACHE);
	ck_assert(init_flags & FUSE_WRITEBACK_CACHE);
}
END_TEST

START_TEST(test_fuse_server_cache_never)
{
	expect_cache(0, FOPEN_DIRECT_IO, 0);
	ck_assert(!(init_flags & FUSE_WRITEBACK_CACHE));
}
END_TEST

Suite *fuse_cache_suite(void)
{
	Suite *s = suite_create("fuse_cache");
	TCase *tc;

	tc = tcase_create("cache");
	tcase_add_checked_fixture(tc, fsrv__setup, fsrv__teardown);
	tcase_add_test(tc, test_fuse_server_cache_auto);
	suite_add_tcase(s, tc);
	tc = tcase_create("cache-always");
	tcase_add_checked_fixture(tc, setup_cache_always, fsrv__teardown);
	tcase_add_test(tc, test_fuse_server_cache_always);
	suite_add_tcase(s, tc);
	tc = tcase_create("cache-never");
	tcase_add_checked_fixture(tc, setup_cache_never, fsrv__teardown);
	tcase_add_test(tc, test_fuse_server_cache_never);
	suite_add_tcase(s, tc);
	return s;
}
