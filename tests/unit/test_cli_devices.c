// SPDX-License-Identifier: GPL-2.0
/*
 * `turtle run`'s device options: --disk (block devices), --vsock (the
 * vsock device, its CID and socket path) and --share (shared
 * directories, their tags, read-only and cache modes).
 */
#include "../../lib/log.h"
#include "cli-args.h"
#include "suites.h"

START_TEST(test_cli_disk_plain)
{
	struct run_opts o = accepted("--kernel", "k", "--disk", "a.img");

	ck_assert_uint_eq(o.ndisks, 1);
	ck_assert_str_eq(o.disks[0].path, "a.img");
	ck_assert_int_eq(o.disks[0].read_only, 0);
	ck_assert_uint_eq(o.disks[0].queues, 0);
	ck_assert_int_eq(o.disks[0].io, BLK_IO_AUTO);
}
END_TEST

START_TEST(test_cli_disk_io_modes)
{
	struct run_opts o = accepted("--kernel", "k", "--disk", "a,io=map,ro",
				     "-d", "b,io=pread", "-d", "c,io=auto");

	ck_assert_int_eq(o.disks[0].io, BLK_IO_MAP);
	ck_assert_int_eq(o.disks[0].read_only, 1);
	ck_assert_int_eq(o.disks[1].io, BLK_IO_PREAD);
	ck_assert_int_eq(o.disks[2].io, BLK_IO_AUTO);
	refused("io must be auto, pread or map, not 'mmap'", "--kernel", "k",
		"--disk", "a,io=mmap");
	refused("io must be auto, pread or map, not ''", "--kernel", "k",
		"--disk", "a,io=");
}
END_TEST

START_TEST(test_cli_disk_options_and_repeat)
{
	struct run_opts o = accepted("--kernel", "k", "--disk", "a.img,ro",
				     "-d", "b.img,queues=4,ro");

	ck_assert_uint_eq(o.ndisks, 2);
	ck_assert_str_eq(o.disks[0].path, "a.img");
	ck_assert_int_eq(o.disks[0].read_only, 1);
	ck_assert_str_eq(o.disks[1].path, "b.img");
	ck_assert_int_eq(o.disks[1].read_only, 1);
	ck_assert_uint_eq(o.disks[1].queues, 4);
}
END_TEST

START_TEST(test_cli_disk_bad_option_rejected)
{
	refused("unknown option 'rw'", "--kernel", "k", "--disk", "a.img,rw");
}
END_TEST

START_TEST(test_cli_disk_bad_queues_rejected)
{
	const char *bad[] = { "a,queues=0", "a,queues=9", "a,queues=x",
			      "a,queues=", "a,queues=-1" };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refused("queues must be 1 to 8", "--kernel", "k", "--disk",
			bad[i]);
}
END_TEST

START_TEST(test_cli_disk_no_path_rejected)
{
	refused("no image path", "--kernel", "k", "--disk", ",ro");
}
END_TEST

START_TEST(test_cli_disk_too_many_rejected)
{
	refused("at most 8 disks", "--kernel", "k", "-d", "1", "-d", "2", "-d",
		"3", "-d", "4", "-d", "5", "-d", "6", "-d", "7", "-d", "8",
		"-d", "9");
}
END_TEST

START_TEST(test_cli_vsock_cid_and_path)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k"), CLI_OK);
	ck_assert_int_eq(o.has_vsock, 0);
	ck_assert_int_eq(
		parse(&o, err, "--kernel", "k", "--vsock", "3,/tmp/v.sock"),
		CLI_OK);
	ck_assert_int_eq(o.has_vsock, 1);
	ck_assert_uint_eq(o.vsock.guest_cid, 3);
	ck_assert_str_eq(o.vsock.uds_path, "/tmp/v.sock");
}
END_TEST

/* Without PATH the guest reaches only in-VMM services. */
START_TEST(test_cli_vsock_without_path)
{
	struct run_opts o = accepted("--kernel", "k", "--vsock", "4294967294");

	ck_assert_uint_eq(o.vsock.guest_cid, 4294967294ULL);
	ck_assert_ptr_null(o.vsock.uds_path);
}
END_TEST

/* Everything after the first comma is the path, commas included. */
START_TEST(test_cli_vsock_path_with_comma)
{
	struct run_opts o = accepted("--kernel", "k", "--vsock", "7,a,b");

	ck_assert_str_eq(o.vsock.uds_path, "a,b");
}
END_TEST

START_TEST(test_cli_vsock_bad_cid_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";
	const char *bad[] = {
		"0",	     "1",  "2",	  "4294967295", "99999999999999999999",
		"-3",	     "+3", "x",	  "",		",/tmp/v",
		"3x,/tmp/v", " 3", "0x10"
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ck_assert_msg(parse(&o, err, "--kernel", "k", "--vsock",
				    bad[i]) == CLI_ERROR,
			      "accepted --vsock '%s'", bad[i]);
		ck_assert_err_has(err, "guest CID");
	}
}
END_TEST

START_TEST(test_cli_vsock_empty_path_rejected)
{
	refused("empty socket path", "--kernel", "k", "--vsock", "3,");
}
END_TEST

START_TEST(test_cli_vsock_twice_rejected)
{
	refused("only one vsock device", "--kernel", "k", "--vsock", "3",
		"--vsock", "4");
}
END_TEST

START_TEST(test_cli_vsock_missing_value_rejected)
{
	refused("--vsock", "--kernel", "k", "--vsock");
}
END_TEST

/* --share: /tmp and / are directories everywhere; /dev/null is not. */
START_TEST(test_cli_share_default_tag)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k"), CLI_OK);
	ck_assert_uint_eq(o.nshares, 0);
	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--share", "/tmp"),
			 CLI_OK);
	ck_assert_uint_eq(o.nshares, 1);
	ck_assert_str_eq(o.shares[0].dir, "/tmp");
	ck_assert_str_eq(o.shares[0].tag, "share");
	ck_assert_int_eq(o.shares[0].read_only, 0);
}
END_TEST

START_TEST(test_cli_share_tag_ro_and_repeat)
{
	struct run_opts o =
		accepted("--kernel", "k", "--share", "/tmp,tag=scratch",
			 "--share", "/,ro,tag=host");

	ck_assert_uint_eq(o.nshares, 2);
	ck_assert_str_eq(o.shares[0].tag, "scratch");
	ck_assert_int_eq(o.shares[0].read_only, 0);
	ck_assert_str_eq(o.shares[1].dir, "/");
	ck_assert_str_eq(o.shares[1].tag, "host");
	ck_assert_int_eq(o.shares[1].read_only, 1);
}
END_TEST

START_TEST(test_cli_share_cache_modes)
{
	struct run_opts o = accepted("--kernel", "k", "--share", "/tmp",
				     "--share", "/,tag=a,cache=always",
				     "--share", "/tmp,cache=never,tag=b",
				     "--share", "/,cache=auto,tag=c");

	ck_assert_int_eq(o.shares[0].cache, FUSE_CACHE_AUTO);
	ck_assert_int_eq(o.shares[1].cache, FUSE_CACHE_ALWAYS);
	ck_assert_int_eq(o.shares[2].cache, FUSE_CACHE_NEVER);
	ck_assert_int_eq(o.shares[3].cache, FUSE_CACHE_AUTO);
	refused("cache=sometimes: use cache=auto, always or never", "--kernel",
		"k", "--share", "/tmp,cache=sometimes");
	refused("use cache=auto, always or never", "--kernel", "k", "--share",
		"/tmp,cache=");
}
END_TEST

/* security=: unset means the default (resolved by the server). */
START_TEST(test_cli_share_security_models)
{
	struct run_opts o =
		accepted("--kernel", "k", "--share", "/tmp", "--share",
			 "/,tag=a,security=mapped", "--share",
			 "/tmp,security=passthrough,tag=b");

	ck_assert_int_eq(o.shares[0].security, FUSE_SECURITY_DEFAULT);
	ck_assert_int_eq(o.shares[1].security, FUSE_SECURITY_MAPPED);
	ck_assert_int_eq(o.shares[2].security, FUSE_SECURITY_PASSTHROUGH);
	refused("security=xattr: use security=passthrough or mapped",
		"--kernel", "k", "--share", "/tmp,security=xattr");
	refused("use security=passthrough or mapped", "--kernel", "k",
		"--share", "/tmp,security=");
}
END_TEST

START_TEST(test_cli_share_duplicate_tag_rejected)
{
	refused("two shares are tagged 'share'", "--kernel", "k", "--share",
		"/tmp", "--share", "/");
}
END_TEST

START_TEST(test_cli_share_missing_dir_rejected)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--share",
			       "/nonexistent-turtle-dir"),
			 CLI_ERROR);
	ck_assert_err_has(err, "/nonexistent-turtle-dir");
	ck_assert_err_has(err, "No such file");
	refused("/dev/null is not a directory", "--kernel", "k", "--share",
		"/dev/null");
}
END_TEST

START_TEST(test_cli_share_bad_options_rejected)
{
	refused("unknown option 'rw'", "--kernel", "k", "--share", "/tmp,rw");
	refused("tag", "--kernel", "k", "--share", "/tmp,tag=");
	refused("1 to 63 characters", "--kernel", "k", "--share",
		"/tmp,tag=0123456789012345678901234567890123456789012345678901234567890123");
	refused("no directory", "--kernel", "k", "--share", ",ro");
}
END_TEST

START_TEST(test_cli_share_too_many_rejected)
{
	refused("at most 8 shared directories", "--kernel", "k", "--share",
		"/,tag=a", "--share", "/,tag=b", "--share", "/,tag=c",
		"--share", "/,tag=d", "--share", "/,tag=e", "--share",
		"/,tag=f", "--share", "/,tag=g", "--share", "/,tag=h",
		"--share", "/,tag=i");
}
END_TEST

Suite *cli_devices_suite(void)
{
	Suite *s = suite_create("cli_devices");
	TCase *tc;

	tc = tcase_create("disks");
	tcase_add_test(tc, test_cli_disk_plain);
	tcase_add_test(tc, test_cli_disk_options_and_repeat);
	tcase_add_test(tc, test_cli_disk_bad_option_rejected);
	tcase_add_test(tc, test_cli_disk_bad_queues_rejected);
	tcase_add_test(tc, test_cli_disk_io_modes);
	tcase_add_test(tc, test_cli_disk_no_path_rejected);
	tcase_add_test(tc, test_cli_disk_too_many_rejected);
	suite_add_tcase(s, tc);

	tc = tcase_create("vsock");
	tcase_add_test(tc, test_cli_vsock_cid_and_path);
	tcase_add_test(tc, test_cli_vsock_without_path);
	tcase_add_test(tc, test_cli_vsock_path_with_comma);
	tcase_add_test(tc, test_cli_vsock_bad_cid_rejected);
	tcase_add_test(tc, test_cli_vsock_empty_path_rejected);
	tcase_add_test(tc, test_cli_vsock_twice_rejected);
	tcase_add_test(tc, test_cli_vsock_missing_value_rejected);
	suite_add_tcase(s, tc);

	tc = tcase_create("share");
	tcase_add_test(tc, test_cli_share_default_tag);
	tcase_add_test(tc, test_cli_share_tag_ro_and_repeat);
	tcase_add_test(tc, test_cli_share_cache_modes);
	tcase_add_test(tc, test_cli_share_security_models);
	tcase_add_test(tc, test_cli_share_duplicate_tag_rejected);
	tcase_add_test(tc, test_cli_share_missing_dir_rejected);
	tcase_add_test(tc, test_cli_share_bad_options_rejected);
	tcase_add_test(tc, test_cli_share_too_many_rejected);
	suite_add_tcase(s, tc);

	return s;
}
