// SPDX-License-Identifier: GPL-2.0
/*
 * Malformed requests to fuse_server__handle get an error, never a crash:
 * short headers, lengths that do not add up, unknown opcodes, nodeids and
 * handles, names without their NUL.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuse-server-fixture.h"
#include "suites.h"

START_TEST(test_fuse_short_header)
{
	memset(msg, 0, 64);
	ck_assert_int_eq(send_raw(20), -EINVAL);
	ck_assert_int_eq(send_raw(0), -EINVAL);
}
END_TEST

/*
 * A message shorter than its header, ending just before an unmapped page:
 * the server reads nothing past it (its unique only from 16 bytes on).
 */
START_TEST(test_fuse_short_header_read_stays_inside)
{
	const size_t lens[] = { 0, 8, 15, 16, 39 };
	long pg = sysconf(_SC_PAGESIZE);
	struct fuse_in_header h = { .unique = 77 };
	uint8_t *map;
	unsigned int i;

	map = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(map, MAP_FAILED);
	ck_assert_int_eq(mprotect(map + pg, (size_t)pg, PROT_NONE), 0);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		uint8_t *m = map + pg - lens[i];

		memcpy(m, &h, lens[i]);
		rlen = fuse_server__handle(srv, m, lens[i], &out, NULL);
		ck_assert_uint_eq(rlen, sizeof(struct fuse_out_header));
		ck_assert_int_eq(oh()->error, -EINVAL);
		ck_assert_uint_eq(oh()->unique, lens[i] >= 16 ? 77 : 0);
	}
	munmap(map, (size_t)pg * 2);
}
END_TEST

START_TEST(test_fuse_length_mismatch)
{
	struct fuse_getattr_in in = { 0 };
	size_t n;

	n = fmsg__build(msg, FUSE_GETATTR, 5, 1, 0, 0, &in, sizeof(in), NULL,
			NULL);
	((struct fuse_in_header *)msg)->len = (uint32_t)n + 4;
	ck_assert_int_eq(send_raw(n), -EINVAL);
	/* the opcode's struct cut short */
	ck_assert_int_eq(req(FUSE_GETATTR, 1, &in, 4, NULL, NULL), -EINVAL);
	ck_assert_int_eq(req(FUSE_READ, 1, &in, 4, NULL, NULL), -EINVAL);
	ck_assert_int_eq(req(FUSE_STATFS, 1, &in, 4, NULL, NULL), -EINVAL);
	ck_assert_int_eq(req(FUSE_MKDIR, 1, &in, 4, NULL, NULL), -EINVAL);
}
END_TEST

START_TEST(test_fuse_unknown_opcode)
{
	ck_assert_int_eq(req(9999, 1, NULL, 0, NULL, NULL), -ENOSYS);
	ck_assert_int_eq(req(FUSE_IOCTL, 1, NULL, 0, NULL, NULL), -ENOSYS);
	ck_assert_int_eq(req(0, 1, NULL, 0, NULL, NULL), -ENOSYS);
}
END_TEST

START_TEST(test_fuse_bad_nodeid_and_fh)
{
	struct fuse_attr a;

	ck_assert_int_eq(getattr(424242, &a), -ENOENT);
	ck_assert_int_eq(lookup(424242, "x"), -ENOENT);
	ck_assert_int_eq(mkdir_(0, "x", 0755), -ENOENT);
	ck_assert_int_eq(read_(31337, 0, 10), -EBADF);
	ck_assert_int_eq(write_(31337, 0, "x", 1), -EBADF);
	ck_assert_int_eq(release(31337, FUSE_RELEASE), -EBADF);
	ck_assert_int_eq(lk(FUSE_SETLK, 31337, 1, F_WRLCK, 0, 1, 0), -EBADF);
}
END_TEST

START_TEST(test_fuse_name_not_terminated)
{
	struct fuse_mkdir_in mk = { .mode = 0755 };
	size_t n;

	n = fmsg__build(msg, FUSE_LOOKUP, 5, 1, 0, 0, "abc", 3, NULL, NULL);
	ck_assert_int_eq(send_raw(n), -EINVAL);
	n = fmsg__build(msg, FUSE_MKDIR, 5, 1, 0, 0, &mk, sizeof(mk), NULL,
			NULL);
	memcpy(msg + n, "dd", 2);
	((struct fuse_in_header *)msg)->len = (uint32_t)n + 2;
	ck_assert_int_eq(send_raw(n + 2), -EINVAL);
	/* a NUL inside: "a\0b" is not one name */
	n = fmsg__build(msg, FUSE_LOOKUP, 5, 1, 0, 0, "a\0b", 4, NULL, NULL);
	ck_assert_int_eq(send_raw(n), -EINVAL);
	/* SYMLINK missing its second name */
	ck_assert_int_eq(req(FUSE_SYMLINK, 1, NULL, 0, "s", NULL), -EINVAL);
}
END_TEST

START_TEST(test_fuse_write_size_mismatch)
{
	struct fuse_write_in in = { .size = 100 };
	uint64_t fh;

	create_(1, "f", O_RDWR, &fh);
	in.fh = fh;
	ck_assert_int_eq(req(FUSE_WRITE, 2, &in, sizeof(in), "short", NULL),
			 -EINVAL);
}
END_TEST

START_TEST(test_fuse_batch_forget_count_beyond_message)
{
	struct fuse_batch_forget_in in = { .count = 1000000 };
	struct fuse_attr a;

	ck_assert_int_eq(req(FUSE_BATCH_FORGET, 0, &in, sizeof(in), NULL, NULL),
			 1);
	ck_assert_int_eq(getattr(1, &a), 0);
}
END_TEST

Suite *fuse_malformed_suite(void)
{
	Suite *s = suite_create("fuse_malformed");
	TCase *tc;

	tc = tcase_create("malformed");
	tcase_add_checked_fixture(tc, fsrv__setup, fsrv__teardown);
	tcase_add_test(tc, test_fuse_short_header);
	tcase_add_test(tc, test_fuse_short_header_read_stays_inside);
	tcase_add_test(tc, test_fuse_length_mismatch);
	tcase_add_test(tc, test_fuse_unknown_opcode);
	tcase_add_test(tc, test_fuse_bad_nodeid_and_fh);
	tcase_add_test(tc, test_fuse_name_not_terminated);
	tcase_add_test(tc, test_fuse_write_size_mismatch);
	tcase_add_test(tc, test_fuse_batch_forget_count_beyond_message);
	suite_add_tcase(s, tc);
	return s;
}
