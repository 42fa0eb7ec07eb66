// SPDX-License-Identifier: GPL-2.0
/*
 * The workers' reply buffers (fuse-vsock/reply-buf.c): which requests
 * need more than the FUSE_SERVER_BUF_KEEP bytes a worker keeps, and how
 * many (what a session charges to its budget); that the server grows a
 * buffer to exactly that; and that it shrinks back afterwards.
 */
#include <fcntl.h>
#include <linux/fuse.h>
#include <stdlib.h>
#include <string.h>

#include "fuse-server-fixture.h"
#include "suites.h"

/* opcode with arg: what reply_need says of the whole message. */
static size_t need(uint32_t opcode, const void *arg, size_t alen)
{
	static uint8_t m[256];
	size_t len = fmsg__build(m, opcode, 1, 1, 0, 0, arg, alen, NULL, NULL);

	return fuse_server__reply_need(m, len);
}

START_TEST(test_fuse_reply_buf_need)
{
	const size_t hdr = sizeof(struct fuse_out_header);
	struct fuse_read_in rd = { .size = 1u << 20 };
	struct fuse_getxattr_in gx = { .size = 65536 };
	struct fuse_getattr_in ga = { 0 };

	ck_assert_uint_eq(need(FUSE_READ, &rd, sizeof(rd)), hdr + (1u << 20));
	ck_assert_uint_eq(need(FUSE_READDIRPLUS, &rd, sizeof(rd)),
			  hdr + (1u << 20));
	ck_assert_uint_eq(need(FUSE_GETXATTR, &gx, sizeof(gx)), hdr + 65536);
	ck_assert_uint_eq(need(FUSE_LISTXATTR, &gx, sizeof(gx)), hdr + 65536);
	/* What fits in the kept buffer needs nothing more. */
	rd.size = 4096;
	ck_assert_uint_eq(need(FUSE_READ, &rd, sizeof(rd)), 0);
	gx.size = 0; /* only the length */
	ck_assert_uint_eq(need(FUSE_GETXATTR, &gx, sizeof(gx)), 0);
	ck_assert_uint_eq(need(FUSE_GETATTR, &ga, sizeof(ga)), 0);
	/* Beyond MAX_REPLY the server refuses it: an error reply. */
	rd.size = FUSE_SERVER_MAX_REPLY;
	ck_assert_uint_eq(need(FUSE_READ, &rd, sizeof(rd)), 0);
	/* Too short to name a size: refused too. */
	ck_assert_uint_eq(need(FUSE_READ, &rd, 8), 0);
}
END_TEST

START_TEST(test_fuse_reply_buf_grows_to_need_then_shrinks)
{
	static char data[256 << 10];
	const struct fuse_in_header *in = (const void *)msg;
	uint64_t fh;
	void *kept, *big;

	memset(data, 'x', sizeof(data));
	ck_assert_int_gt(create_(FUSE_ROOT_ID, "f", O_RDWR, &fh), 0);
	ck_assert_int_eq(write_(fh, 0, data, sizeof(data)), sizeof(data));
	fuse_server__buf_shrink(&out);
	ck_assert_uint_eq(out.cap, FUSE_SERVER_BUF_KEEP);
	kept = out.p;
	fuse_server__buf_shrink(&out); /* already its size: kept */
	ck_assert_ptr_eq(out.p, kept);

	ck_assert_int_eq(read_(fh, 0, sizeof(data)), sizeof(data));
	ck_assert_uint_eq(fuse_server__reply_need(msg, in->len),
			  sizeof(struct fuse_out_header) + sizeof(data));
	/* Up to a 1 MiB READ's: a buffer of that size, to be kept. */
	ck_assert_uint_eq(out.cap, FUSE_SERVER_BUF_SIZE);
	ck_assert_mem_eq(body(), data, sizeof(data));
	big = out.p;
	fuse_server__buf_shrink(&out);
	ck_assert_uint_eq(out.cap, FUSE_SERVER_BUF_KEEP);
	ck_assert_ptr_nonnull(out.p);
	/* A small read fits as it is. */
	ck_assert_int_eq(read_(fh, 0, 4096), 4096);
	ck_assert_uint_eq(out.cap, FUSE_SERVER_BUF_KEEP);
	/* The next large one gets the spare: no fresh pages. */
	ck_assert_int_eq(read_(fh, 4096, 65536), 65536);
	ck_assert_ptr_eq(out.p, big);
	ck_assert_mem_eq(body(), data, 65536);
	fuse_server__buf_shrink(&out);
	ck_assert_uint_eq(out.cap, FUSE_SERVER_BUF_KEEP);
}
END_TEST

Suite *fuse_reply_buf_suite(void)
{
	Suite *s = suite_create("fuse_reply_buf");
	TCase *tc = tcase_create("need");

	tcase_add_test(tc, test_fuse_reply_buf_need);
	suite_add_tcase(s, tc);
	tc = tcase_create("server");
	tcase_add_checked_fixture(tc, fsrv__setup, fsrv__teardown);
	tcase_add_test(tc, test_fuse_reply_buf_grows_to_need_then_shrinks);
	suite_add_tcase(s, tc);
	return s;
}
