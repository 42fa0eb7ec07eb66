// SPDX-License-Identifier: GPL-2.0
/* turtle kvm-check (vmm/kvm-check.c): the verdict on what /dev/kvm says. */
#include <errno.h>

#include "../../vmm/kvm-check.h"
#include "suites.h"

static char msg[512];

START_TEST(test_kvm_check_el2_host_passes_nested)
{
	struct kvm_facts f = { .api = 12, .el2 = 1 };

	ck_assert_int_eq(
		kvm_check__judge("/dev/kvm", &f, true, msg, sizeof(msg)),
		KVM_CHECK_OK);
	ck_assert_str_eq(msg, "/dev/kvm: KVM API 12, guests at EL2: yes");
}
END_TEST

START_TEST(test_kvm_check_no_el2_fails_only_nested)
{
	struct kvm_facts f = { .api = 12, .el2 = 0 };

	ck_assert_int_eq(
		kvm_check__judge("/dev/kvm", &f, false, msg, sizeof(msg)),
		KVM_CHECK_OK);
	ck_assert_str_eq(msg, "/dev/kvm: KVM API 12, guests at EL2: no");
	ck_assert_int_eq(
		kvm_check__judge("/dev/kvm", &f, true, msg, sizeof(msg)),
		KVM_CHECK_NO_EL2);
	ck_assert_ptr_nonnull(strstr(msg, "no KVM_CAP_ARM_EL2"));
}
END_TEST

START_TEST(test_kvm_check_wrong_api_is_no_kvm)
{
	struct kvm_facts f = { .api = 11, .el2 = 1 };

	ck_assert_int_eq(
		kvm_check__judge("/dev/kvm", &f, false, msg, sizeof(msg)),
		KVM_CHECK_NO_KVM);
	ck_assert_str_eq(msg, "/dev/kvm: KVM API version 11, turtle needs 12");
}
END_TEST

START_TEST(test_kvm_check_missing_device)
{
	ck_assert_int_eq(
		kvm_check__probe("/nonexistent/kvm", false, msg, sizeof(msg)),
		KVM_CHECK_NO_KVM);
	ck_assert_ptr_nonnull(strstr(msg, "no /nonexistent/kvm: "));
}
END_TEST

/* A device that is not KVM: its ioctl fails, and the message says so. */
START_TEST(test_kvm_check_not_a_kvm_device)
{
	ck_assert_int_eq(kvm_check__probe("/dev/null", true, msg, sizeof(msg)),
			 KVM_CHECK_NO_KVM);
	ck_assert_ptr_nonnull(strstr(msg, "/dev/null is not a KVM device"));
}
END_TEST

Suite *kvm_check_suite(void)
{
	Suite *s = suite_create("kvm_check");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_kvm_check_el2_host_passes_nested);
	tcase_add_test(tc, test_kvm_check_no_el2_fails_only_nested);
	tcase_add_test(tc, test_kvm_check_wrong_api_is_no_kvm);
	tcase_add_test(tc, test_kvm_check_missing_device);
	tcase_add_test(tc, test_kvm_check_not_a_kvm_device);
	suite_add_tcase(s, tc);
	return s;
}
