// SPDX-License-Identifier: GPL-2.0
/*
 * Permission semantics in passthrough that FUSE's one uid and gid per
 * request would otherwise break: a create in a directory the caller may
 * write through a supplementary group (the FUSE_EXT_GROUPS extension the
 * kernel sends with FUSE_CREATE_SUPP_GROUP), and chown by the owner to a
 * group it holds as a supplementary one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../fuse-vsock/fuse-compat.h"
#include "fuse-server-fixture.h"
#include "suites.h"

/* A directory root:4321 0770 on the host, and its nodeid. */
static uint64_t group_dir(void)
{
	char p[160];
	int64_t d;

	snprintf(p, sizeof(p), "%s/g", share);
	ck_assert_int_eq(mkdir(p, 0770), 0);
	ck_assert_int_eq(chown(p, 0, 4321), 0);
	ck_assert_int_eq(chmod(p, 0770), 0);
	d = lookup(1, "g");
	ck_assert_int_gt(d, 1);
	return (uint64_t)d;
}

/*
 * MKNOD of a regular file name in dir as 1000:1000, with the kernel's
 * supplementary-group extension naming group (none if 0); ext_units
 * overrides total_extlen when not 0 (a malformed one).
 */
static int mknod_groups(uint64_t dir, const char *name, uint32_t group,
			uint16_t ext_units)
{
	struct fuse_mknod_in in = { .mode = S_IFREG | 0644, .umask = 022 };
	struct fuse_in_header *h = (void *)msg;
	struct fuse_ext_header eh = { .size = 16, .type = FUSE_EXT_GROUPS };
	uint32_t sg[2] = { 1, group };
	size_t len;

	len = fmsg__build(msg, FUSE_MKNOD, ++unique_ctr, dir, 1000, 1000, &in,
			  sizeof(in), name, NULL);
	if (group) {
		/* right after the name: the kernel does not pad */
		memcpy(msg + len, &eh, sizeof(eh));
		memcpy(msg + len + sizeof(eh), sg, sizeof(sg));
		len += sizeof(eh) + sizeof(sg);
		h->total_extlen = 2;
	}
	if (ext_units)
		h->total_extlen = ext_units;
	h->len = (uint32_t)len;
	return send_raw(len);
}

START_TEST(test_fuse_init_offers_supp_group)
{
	struct fuse_init_in in = { .major = 7,
				   .minor = 39,
				   .max_readahead = 65536,
				   .flags = FUSE_INIT_EXT |
					    FUSE_HANDLE_KILLPRIV_V2,
				   .flags2 = FUSE_CREATE_SUPP_GROUP >> 32 };
	struct fuse_init_out *o;

	ck_assert_int_eq(req(FUSE_INIT, 0, &in, sizeof(in), NULL, NULL), 0);
	o = body();
	ck_assert(o->flags & FUSE_INIT_EXT);
	ck_assert(o->flags2 & (FUSE_CREATE_SUPP_GROUP >> 32));
	ck_assert(o->flags & FUSE_HANDLE_KILLPRIV_V2);
}
END_TEST

START_TEST(test_fuse_create_with_supp_group)
{
	uint64_t d = group_dir();
	struct stat st;

	/* without the extension, 1000:1000 may not write there */
	ck_assert_int_eq(mknod_groups(d, "no", 0, 0), -EACCES);
	ck_assert_int_eq(mknod_groups(d, "yes", 4321, 0), 0);
	ck_assert_int_eq(host_stat("g/yes", &st), 0);
	ck_assert_uint_eq(st.st_uid, 1000);
	/* the thread is back to turtle's groups: no lasting 4321 */
	ck_assert_int_eq(mknod_groups(d, "no", 0, 0), -EACCES);
}
END_TEST

START_TEST(test_fuse_bad_extension_refused)
{
	uint64_t d = group_dir();

	/* longer than the message */
	ck_assert_int_eq(mknod_groups(d, "x", 0, 200), -EINVAL);
}
END_TEST

START_TEST(test_fuse_chown_to_supp_group)
{
	struct fuse_setattr_in in = { .valid = FATTR_GID, .gid = 4321 };
	struct stat st;
	int64_t f;
	uint64_t fh;

	cur_uid = 1000;
	cur_gid = 1000;
	f = create_(1, "mine", O_RDWR, &fh);
	ck_assert_int_gt(f, 1);
	ck_assert_int_eq(release(fh, FUSE_RELEASE), 0);
	/* the guest kernel has checked that 1000 is in 4321 */
	ck_assert_int_eq(
		req(FUSE_SETATTR, (uint64_t)f, &in, sizeof(in), NULL, NULL), 0);
	ck_assert_int_eq(host_stat("mine", &st), 0);
	ck_assert_uint_eq(st.st_gid, 4321);
	/* not the owner: still refused by the host */
	cur_uid = 1001;
	in.gid = 1000;
	ck_assert_int_eq(
		req(FUSE_SETATTR, (uint64_t)f, &in, sizeof(in), NULL, NULL),
		-EPERM);
}
END_TEST

Suite *fuse_perms_suite(void)
{
	Suite *s = suite_create("fuse_perms");
	TCase *tc = tcase_create("passthrough");

	tcase_add_checked_fixture(tc, fsrv__setup_passthrough, fsrv__teardown);
	tcase_add_test(tc, test_fuse_init_offers_supp_group);
	tcase_add_test(tc, test_fuse_create_with_supp_group);
	tcase_add_test(tc, test_fuse_bad_extension_refused);
	tcase_add_test(tc, test_fuse_chown_to_supp_group);
	suite_add_tcase(s, tc);
	return s;
}
