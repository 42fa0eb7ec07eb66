// SPDX-License-Identifier: GPL-2.0
/*
 * The host fds a guest can make turtle hold (issue 12, row 5): inodes,
 * open files and POSIX lock owners each keep a host fd, and together they
 * stay below RLIMIT_NOFILE less a reserve. Past the bound a LOOKUP fails
 * with ENFILE, a new lock owner with ENOLCK, turtle itself never hits
 * EMFILE, and what the guest gives back is usable again.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <stdio.h>
#include <sys/resource.h>

#include "../../fuse-vsock/server-int.h"
#include "fuse-server-fixture.h"
#include "suites.h"

#define LIMIT 256 /* RLIMIT_NOFILE for the test: at most 192 for the guest */
#define FILES 300

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n - 2; /* . and .. */
}

static int64_t lookup_f(int i)
{
	char name[16];

	snprintf(name, sizeof(name), "f%d", i);
	return lookup(1, name);
}

START_TEST(test_fuse_fds_bounded)
{
	struct fuse_forget_in f = { .nlookup = 1 };
	struct rlimit old, low;
	static int64_t ids[FILES];
	int i, n, owners, err = 0;
	uint64_t fh;
	int64_t id;
	char name[16];

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = LIMIT;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
	fsrv__setup(); /* the server reads the limit */
	for (i = 0; i < FILES; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		host_write(name, "x");
	}

	/* Inodes: ENFILE before turtle runs out of fds. */
	for (n = 0; n < FILES; n++) {
		ids[n] = lookup_f(n);
		if (ids[n] < 0) {
			err = (int)ids[n];
			break;
		}
	}
	ck_assert_int_eq(err, -ENFILE);
	ck_assert_int_gt(n, LIMIT / 2);
	ck_assert_int_lt(n, LIMIT - FUSE_FDS_RESERVE);
	ck_assert_int_lt(open_fds(), LIMIT - FUSE_FDS_RESERVE / 2);
	/* What the guest knows still works: no new fd for it. */
	ck_assert_int_eq(lookup_f(0), ids[0]);
	ck_assert_int_eq(lookup_f(n), -ENFILE);

	/* FORGET gives fds back: room for a file, its handle, lock owners. */
	for (i = 1; i <= 20; i++)
		ck_assert_int_eq(req(FUSE_FORGET, (uint64_t)ids[i], &f,
				     sizeof(f), NULL, NULL),
				 1);
	id = create_(1, "locked", O_RDWR, &fh);
	ck_assert_int_gt(id, 0);
	for (owners = 0; owners < 40; owners++) {
		err = lk(FUSE_SETLK, fh, 1000 + (uint64_t)owners, F_WRLCK,
			 (uint64_t)owners, (uint64_t)owners, 0);
		if (err)
			break;
	}
	ck_assert_int_eq(err, -ENOLCK);
	ck_assert_int_gt(owners, 0);
	ck_assert_int_lt(owners, 20);
	ck_assert_int_lt(open_fds(), LIMIT - FUSE_FDS_RESERVE / 2);
	/* A known owner needs no new fd: it still locks. */
	ck_assert_int_eq(lk(FUSE_SETLK, fh, 1000, F_UNLCK, 0, 0, 0), 0);

	/* Released, the handle's owners go too: lookups work again. */
	ck_assert_int_eq(release(fh, FUSE_RELEASE), 0);
	for (i = 21; i <= 40; i++)
		ck_assert_int_eq(req(FUSE_FORGET, (uint64_t)ids[i], &f,
				     sizeof(f), NULL, NULL),
				 1);
	ck_assert_int_gt(lookup_f(FILES - 1), 0);
	fsrv__teardown();
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
}
END_TEST

Suite *fuse_fds_suite(void)
{
	Suite *s = suite_create("fuse_fds");
	TCase *tc = tcase_create("fds");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_fuse_fds_bounded);
	suite_add_tcase(s, tc);
	return s;
}
