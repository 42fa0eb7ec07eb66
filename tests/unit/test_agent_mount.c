// SPDX-License-Identifier: GPL-2.0
/* turtle-agent mount's command line (agent_mount__parse). */
#include <stdarg.h>

#include "../../agent/mount.h"
#include "../../lib/log.h"
#include "suites.h"

/* agent_mount__parse: argv as main() passes it ("mount" first). */
static int parse(struct agent_mount_opts *o, char *err, ...)
{
	char *argv[16] = { "mount" };
	int argc = 1;
	va_list ap;

	va_start(ap, err);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	return agent_mount__parse(argc, argv, o, err);
}

START_TEST(test_agent_mount_parse_defaults)
{
	struct agent_mount_opts o;
	char err[ERRBUF_LEN];

	ck_assert_int_eq(parse(&o, err, "/mnt", NULL), 0);
	ck_assert_str_eq(o.tag, "share");
	ck_assert_uint_eq(o.conns, AGENT_MOUNT_DEFAULT_CONNS);
	ck_assert_int_eq(o.read_only, 0);
	ck_assert_int_eq(o.direct, 0);
	ck_assert_str_eq(o.mountpoint, "/mnt");
}
END_TEST

START_TEST(test_agent_mount_parse_options)
{
	struct agent_mount_opts o;
	char err[ERRBUF_LEN];

	ck_assert_int_eq(parse(&o, err, "--tag", "src", "--conns", "2", "--ro",
			       "--direct", "/m", NULL),
			 0);
	ck_assert_int_eq(o.direct, 1);
	ck_assert_str_eq(o.tag, "src");
	ck_assert_uint_eq(o.conns, 2);
	ck_assert_int_eq(o.read_only, 1);
	ck_assert_str_eq(o.mountpoint, "/m");
}
END_TEST

START_TEST(test_agent_mount_parse_errors)
{
	struct agent_mount_opts o;
	char err[ERRBUF_LEN];

	ck_assert_int_eq(parse(&o, err, NULL), -1);
	ck_assert_err_has(err, "no mountpoint");
	ck_assert_int_eq(parse(&o, err, "--conns", "0", "/m", NULL), -1);
	ck_assert_err_has(err, "--conns");
	ck_assert_int_eq(parse(&o, err, "--conns", "65", "/m", NULL), -1);
	ck_assert_int_eq(parse(&o, err, "--conns", "2x", "/m", NULL), -1);
	ck_assert_int_eq(parse(&o, err, "--tag", "", "/m", NULL), -1);
	ck_assert_err_has(err, "tag");
	ck_assert_int_eq(parse(&o, err, "/a", "/b", NULL), -1);
	ck_assert_err_has(err, "'/b'");
	ck_assert_int_eq(parse(&o, err, "--bogus", "/m", NULL), -1);
	ck_assert_err_has(err, "--bogus");
	ck_assert_int_eq(parse(&o, err, "/m", "--tag", NULL), -1);
}
END_TEST

Suite *agent_mount_suite(void)
{
	Suite *s = suite_create("agent_mount");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_agent_mount_parse_defaults);
	tcase_add_test(tc, test_agent_mount_parse_options);
	tcase_add_test(tc, test_agent_mount_parse_errors);
	suite_add_tcase(s, tc);
	return s;
}
