// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's FUSE client's hello (fuse_client__hello): the tag it asks
 * for and the host's welcome, over one connection to a real session
 * (fuse-client-fixture.h, no mount), or over a socket whose far end
 * misbehaves.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../agent/fuse-client.h"
#include "../../fuse-vsock/proto.h"
#include "fuse-client-fixture.h"
#include "suites.h"

/* The hello alone, over a session (no mount). */
static void setup(void)
{
	fcli__links_setup(1);
}

START_TEST(test_fuse_client_hello)
{
	uint32_t flags = 7;

	ck_assert_int_eq(fuse_client__hello(client_fds[0], "ro", &flags), 0);
	ck_assert_uint_eq(flags, FUSE_VSOCK_F_RO);
}
END_TEST

START_TEST(test_fuse_client_hello_unknown_tag)
{
	uint32_t flags;

	ck_assert_int_eq(fuse_client__hello(client_fds[0], "nope", &flags),
			 -ENOENT);
}
END_TEST

START_TEST(test_fuse_client_hello_tag_too_long)
{
	char tag[FUSE_VSOCK_TAG_MAX + 1];
	uint32_t flags;

	memset(tag, 'a', sizeof(tag) - 1);
	tag[sizeof(tag) - 1] = 0;
	ck_assert_int_eq(fuse_client__hello(client_fds[0], tag, &flags),
			 -ENAMETOOLONG);
}
END_TEST

START_TEST(test_fuse_client_hello_host_closes)
{
	uint32_t flags;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	shutdown(sv[1], SHUT_WR); /* takes the hello, never answers */
	ck_assert_int_eq(fuse_client__hello(sv[0], "share", &flags),
			 -ECONNRESET);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_fuse_client_hello_not_a_welcome)
{
	struct fuse_vsock_welcome w = { .magic = FUSE_VSOCK_MAGIC + 1,
					.version = FUSE_VSOCK_VERSION };
	uint32_t flags;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(write(sv[1], &w, sizeof(w)), sizeof(w));
	ck_assert_int_eq(fuse_client__hello(sv[0], "share", &flags), -EPROTO);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

Suite *fuse_client_hello_suite(void)
{
	Suite *s = suite_create("fuse_client_hello");
	TCase *tc = tcase_create("hello");

	tcase_add_checked_fixture(tc, setup, fcli__links_teardown);
	tcase_add_test(tc, test_fuse_client_hello);
	tcase_add_test(tc, test_fuse_client_hello_unknown_tag);
	tcase_add_test(tc, test_fuse_client_hello_tag_too_long);
	tcase_add_test(tc, test_fuse_client_hello_host_closes);
	tcase_add_test(tc, test_fuse_client_hello_not_a_welcome);
	suite_add_tcase(s, tc);
	return s;
}
