// SPDX-License-Identifier: GPL-2.0
/*
 * The vsock layer's parsing: copies and slices of iovecs (iov.h), and
 * the "CONNECT <port>\n" line a host program opens with
 * (vsock_unix__parse_connect).
 */
#include <stdint.h>
#include <string.h>

#include "../../virtio/iov.h"
#include "../../virtio/vsock-unix.h"
#include "suites.h"

START_TEST(test_vconn_iov_copy_across_segments)
{
	uint8_t a[3] = { 1, 2, 3 }, b[5] = { 4, 5, 6, 7, 8 }, out[6];
	struct iovec v[2] = { { a, 3 }, { b, 5 } };
	struct iovec h[4];

	ck_assert_uint_eq(iov__to_buf(out, v, 2, 1, 6), 6);
	ck_assert_mem_eq(out, ((uint8_t[]){ 2, 3, 4, 5, 6, 7 }), 6);
	ck_assert_uint_eq(iov__to_buf(out, v, 2, 6, 6), 2);
	ck_assert_int_eq(iov__slice(h, 4, v, 2, 2, 3), 2);
	ck_assert_ptr_eq(h[0].iov_base, a + 2);
	ck_assert_uint_eq(h[0].iov_len, 1);
	ck_assert_uint_eq(h[1].iov_len, 2);
}
END_TEST

static int parse(const char *s, uint32_t *port)
{
	return vsock_unix__parse_connect(s, strlen(s), port);
}

START_TEST(test_vconn_connect_line_good)
{
	uint32_t port = 0;

	ck_assert_int_eq(parse("CONNECT 52\n", &port), 11);
	ck_assert_uint_eq(port, 52);
	ck_assert_int_eq(parse("CONNECT 0\n", &port), 10);
	ck_assert_uint_eq(port, 0);
	ck_assert_int_eq(parse("CONNECT 4294967294\n", &port), 19);
	ck_assert_uint_eq(port, 4294967294U);
	/* Stream bytes may follow the line. */
	ck_assert_int_eq(parse("CONNECT 7\nhello", &port), 10);
	ck_assert_uint_eq(port, 7);
}
END_TEST

START_TEST(test_vconn_connect_line_incomplete)
{
	uint32_t port;

	ck_assert_int_eq(parse("", &port), 0);
	ck_assert_int_eq(parse("CONN", &port), 0);
	ck_assert_int_eq(parse("CONNECT ", &port), 0);
	ck_assert_int_eq(parse("CONNECT 52", &port), 0);
}
END_TEST

START_TEST(test_vconn_connect_line_garbage)
{
	static const char *const bad[] = {
		"connect 52\n",	  "CONNECT\n",	      "CONNECT \n",
		"CONNECT -1\n",	  "CONNECT 5 2\n",    "CONNECT 52\r\n",
		"CONNECT 0x10\n", "GET / HTTP/1.0\n", "XCONNECT 1\n",
		"CONNECT  52\n",  "CONNECT +5\n",
	};
	uint32_t port;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(parse(bad[i], &port) == -1, "accepted '%s'",
			      bad[i]);
}
END_TEST

START_TEST(test_vconn_connect_line_port_out_of_range)
{
	uint32_t port;

	ck_assert_int_eq(parse("CONNECT 4294967295\n", &port), -1);
	ck_assert_int_eq(parse("CONNECT 99999999999\n", &port), -1);
}
END_TEST

/* No newline within VSOCK_UNIX_LINE_MAX bytes: refused, not waited for. */
START_TEST(test_vconn_connect_line_overlong)
{
	char line[VSOCK_UNIX_LINE_MAX + 8];
	uint32_t port;

	memset(line, '0', sizeof(line));
	memcpy(line, "CONNECT ", 8);
	ck_assert_int_eq(
		vsock_unix__parse_connect(line, VSOCK_UNIX_LINE_MAX, &port),
		-1);
	ck_assert_int_eq(vsock_unix__parse_connect(line, 12, &port), 0);
}
END_TEST

Suite *vsock_parse_suite(void)
{
	Suite *s = suite_create("vsock_parse");
	TCase *tc;

	tc = tcase_create("parsing");
	tcase_add_test(tc, test_vconn_iov_copy_across_segments);
	tcase_add_test(tc, test_vconn_connect_line_good);
	tcase_add_test(tc, test_vconn_connect_line_incomplete);
	tcase_add_test(tc, test_vconn_connect_line_garbage);
	tcase_add_test(tc, test_vconn_connect_line_port_out_of_range);
	tcase_add_test(tc, test_vconn_connect_line_overlong);
	suite_add_tcase(s, tc);

	return s;
}
