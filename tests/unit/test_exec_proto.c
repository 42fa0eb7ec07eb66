// SPDX-License-Identifier: GPL-2.0
/* The exec protocol's frames: header checks, the stream reader, strings. */
#include <endian.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../agent/exec-proto.h"
#include "../../lib/log.h"
#include "suites.h"

static int sv[2];
static struct exec_reader rd;

static void setup(void)
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(exec_reader__init(&rd, EXEC_TO_HOST), 0);
}

static void teardown(void)
{
	close(sv[0]);
	close(sv[1]);
	exec_reader__free(&rd);
}

/* Raw bytes of a header, as a peer that may lie would write them. */
static void put_hdr(int fd, uint32_t type, uint32_t len)
{
	uint32_t h[2] = { htole32(type), htole32(len) };

	ck_assert_int_eq(write(fd, h, sizeof(h)), sizeof(h));
}

START_TEST(test_exec_proto_header_is_little_endian)
{
	struct exec_frame_hdr h;
	const uint8_t want[8] = { 0x04, 0x01, 0x58, 0x45, 0x04, 0, 0, 0 };

	exec_proto__hdr(&h, EXEC_EXIT, 4);
	ck_assert_mem_eq(&h, want, sizeof(want));
}
END_TEST

START_TEST(test_exec_proto_frame_round_trip)
{
	char err[ERRBUF_LEN] = "";
	struct exec_frame f;

	ck_assert_int_eq(exec_proto__send(sv[0], EXEC_STDOUT, "hello", 5), 0);
	ck_assert_int_eq(exec_reader__fill(&rd, sv[1]), 8 + 5);
	ck_assert_int_eq(exec_reader__next(&rd, &f, err), 1);
	ck_assert_uint_eq(f.type, EXEC_STDOUT);
	ck_assert_uint_eq(f.len, 5);
	ck_assert_mem_eq(f.data, "hello", 5);
	ck_assert_int_eq(exec_reader__next(&rd, &f, err), 0);
	ck_assert_uint_eq(exec_reader__pending(&rd), 0);
}
END_TEST

/* A frame that arrives one byte at a time comes out once, whole. */
START_TEST(test_exec_proto_frame_in_pieces)
{
	char err[ERRBUF_LEN] = "", buf[16];
	struct exec_frame f;
	int i, n;

	ck_assert_int_eq(exec_proto__send_u32(sv[0], EXEC_EXIT, 141), 0);
	n = (int)read(sv[1], buf, sizeof(buf));
	ck_assert_int_eq(n, 12);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(exec_reader__next(&rd, &f, err), 0);
		ck_assert_int_eq(write(sv[0], buf + i, 1), 1);
		ck_assert_int_eq(exec_reader__fill(&rd, sv[1]), 1);
	}
	ck_assert_int_eq(exec_reader__next(&rd, &f, err), 1);
	ck_assert_uint_eq(f.type, EXEC_EXIT);
	ck_assert_uint_eq(exec_proto__u32(&f), 141);
}
END_TEST

START_TEST(test_exec_proto_frames_back_to_back)
{
	char err[ERRBUF_LEN] = "";
	struct exec_frame f;

	exec_proto__send(sv[0], EXEC_STDOUT, "a", 1);
	exec_proto__send(sv[0], EXEC_STDERR, "bc", 2);
	exec_proto__send_u32(sv[0], EXEC_EXIT, 0);
	ck_assert_int_eq(exec_reader__fill(&rd, sv[1]), 9 + 10 + 12);
	ck_assert_int_eq(exec_reader__next(&rd, &f, err), 1);
	ck_assert_uint_eq(f.type, EXEC_STDOUT);
	ck_assert_int_eq(exec_reader__next(&rd, &f, err), 1);
	ck_assert_uint_eq(f.type, EXEC_STDERR);
	ck_assert_mem_eq(f.data, "bc", 2);
	ck_assert_int_eq(exec_reader__next(&rd, &f, err), 1);
	ck_assert_uint_eq(f.type, EXEC_EXIT);
}
END_TEST

/* The largest frame fits the reader's buffer after a partial one. */
START_TEST(test_exec_proto_largest_frame)
{
	char err[ERRBUF_LEN] = "";
	struct exec_frame f;
	uint8_t *big = malloc(EXEC_FRAME_MAX);
	int status;
	pid_t pid;
	ssize_t n;

	ck_assert_ptr_nonnull(big);
	memset(big, 0x5a, EXEC_FRAME_MAX);
	big[EXEC_FRAME_MAX - 1] = 0x11;
	exec_proto__send(sv[0], EXEC_STDOUT, "x", 1);
	pid = fork(); /* a writer: the socket buffer is smaller than 1 MiB */
	if (pid == 0)
		_exit(exec_proto__send(sv[0], EXEC_STDOUT, big, EXEC_FRAME_MAX)
			      ? 1
			      : 0);
	ck_assert_int_eq(exec_reader__fill(&rd, sv[1]) > 0, 1);
	ck_assert_int_eq(exec_reader__next(&rd, &f, err), 1);
	ck_assert_uint_eq(f.len, 1);
	for (;;) {
		n = exec_reader__next(&rd, &f, err);
		ck_assert_int_ge(n, 0);
		if (n)
			break;
		ck_assert_int_gt(exec_reader__fill(&rd, sv[1]), 0);
	}
	ck_assert_uint_eq(f.len, EXEC_FRAME_MAX);
	ck_assert_int_eq(memcmp(f.data, big, EXEC_FRAME_MAX), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(status, 0);
	free(big);
}
END_TEST

START_TEST(test_exec_proto_unknown_type_rejected)
{
	char err[ERRBUF_LEN] = "";
	struct exec_frame f;

	put_hdr(sv[0], 0x12345678, 0);
	exec_reader__fill(&rd, sv[1]);
	ck_assert_int_eq(exec_reader__next(&rd, &f, err), -1);
	ck_assert_err_has(err, "unknown frame type 0x12345678");
}
END_TEST

START_TEST(test_exec_proto_wrong_direction_rejected)
{
	char err[ERRBUF_LEN] = "";
	struct exec_frame f;

	put_hdr(sv[0], EXEC_ARGV, 3);
	exec_reader__fill(&rd, sv[1]);
	ck_assert_int_eq(exec_reader__next(&rd, &f, err), -1);
	ck_assert_err_has(err, "ARGV sent the wrong way");
}
END_TEST

/* Rejected from the header alone: no waiting for 4 GiB of payload. */
START_TEST(test_exec_proto_oversized_rejected_at_once)
{
	char err[ERRBUF_LEN] = "";
	struct exec_frame f;

	put_hdr(sv[0], EXEC_STDOUT, EXEC_FRAME_MAX + 1);
	exec_reader__fill(&rd, sv[1]);
	ck_assert_int_eq(exec_reader__next(&rd, &f, err), -1);
	ck_assert_err_has(err, "STDOUT of bad length 1048577");
}
END_TEST

START_TEST(test_exec_proto_fixed_sizes_enforced)
{
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(exec_proto__check(EXEC_TO_HOST, EXEC_EXIT, 3, err),
			 -1);
	ck_assert_int_eq(exec_proto__check(EXEC_TO_HOST, EXEC_EXIT, 5, err),
			 -1);
	ck_assert_int_eq(
		exec_proto__check(EXEC_TO_AGENT, EXEC_STDIN_EOF, 1, err), -1);
	ck_assert_int_eq(exec_proto__check(EXEC_TO_AGENT, EXEC_STDIN, 0, err),
			 -1);
	ck_assert_int_eq(exec_proto__check(EXEC_TO_AGENT, EXEC_SIGNAL, 4, err),
			 0);
	ck_assert_int_eq(
		exec_proto__check(EXEC_TO_AGENT, EXEC_STDIN_EOF, 0, err), 0);
}
END_TEST

START_TEST(test_exec_proto_pack_unpack)
{
	char *in[] = { "sh", "-c", "", "echo hi" }, buf[64], **v;
	char err[ERRBUF_LEN] = "";
	struct exec_frame f = { .type = EXEC_ARGV };
	size_t len;

	len = exec_proto__pack(in, 4, buf, sizeof(buf));
	ck_assert_uint_eq(len, 3 + 3 + 1 + 8);
	f.data = (const uint8_t *)buf;
	f.len = (uint32_t)len;
	ck_assert_int_eq(exec_proto__unpack(&f, &v, err), 4);
	ck_assert_str_eq(v[0], "sh");
	ck_assert_str_eq(v[1], "-c");
	ck_assert_str_eq(v[2], "");
	ck_assert_str_eq(v[3], "echo hi");
	ck_assert_ptr_null(v[4]);
	free(v);
}
END_TEST

START_TEST(test_exec_proto_pack_too_long)
{
	char *in[] = { "abcdef" }, buf[6];

	ck_assert_uint_eq(exec_proto__pack(in, 1, buf, sizeof(buf)), 0);
	ck_assert_uint_eq(exec_proto__pack(in, 1, buf, 7), 7);
	ck_assert_uint_eq(exec_proto__pack(in, 0, buf, sizeof(buf)), 0);
}
END_TEST

START_TEST(test_exec_proto_unpack_needs_final_nul)
{
	char err[ERRBUF_LEN] = "", **v;
	struct exec_frame f = { .type = EXEC_ARGV,
				.data = (const uint8_t *)"sh\0-c",
				.len = 5 };

	ck_assert_int_eq(exec_proto__unpack(&f, &v, err), -1);
	ck_assert_err_has(err, "ARGV: strings must each end in NUL");
}
END_TEST

Suite *exec_proto_suite(void)
{
	Suite *s = suite_create("exec_proto");
	TCase *tc = tcase_create("frames");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_exec_proto_header_is_little_endian);
	tcase_add_test(tc, test_exec_proto_frame_round_trip);
	tcase_add_test(tc, test_exec_proto_frame_in_pieces);
	tcase_add_test(tc, test_exec_proto_frames_back_to_back);
	tcase_add_test(tc, test_exec_proto_largest_frame);
	suite_add_tcase(s, tc);

	tc = tcase_create("bad frames");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_exec_proto_unknown_type_rejected);
	tcase_add_test(tc, test_exec_proto_wrong_direction_rejected);
	tcase_add_test(tc, test_exec_proto_oversized_rejected_at_once);
	tcase_add_test(tc, test_exec_proto_fixed_sizes_enforced);
	suite_add_tcase(s, tc);

	tc = tcase_create("strings");
	tcase_add_test(tc, test_exec_proto_pack_unpack);
	tcase_add_test(tc, test_exec_proto_pack_too_long);
	tcase_add_test(tc, test_exec_proto_unpack_needs_final_nul);
	suite_add_tcase(s, tc);
	return s;
}
