// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU features: the flags that turn them off, which are chosen from what
 * the host offers (alone and with --nested), and the SVE length cap.
 */
#include <string.h>

#include "../../vmm/cpu-features.h"
#include "../../lib/log.h"
#include "cli-args.h"
#include "suites.h"

START_TEST(test_features_all_on_by_default)
{
	struct run_opts o = accepted("--kernel", "k");

	ck_assert_uint_eq(o.features_off, 0);
	ck_assert_uint_eq(o.sve_max_vl, 0);
}
END_TEST

START_TEST(test_features_each_flag_turns_one_off)
{
	static const struct {
		const char *flag;
		unsigned int bit;
	} flags[] = {
		{ "--no-sve", CPU_FEAT_SVE },
		{ "--no-ptrauth", CPU_FEAT_PTRAUTH },
		{ "--no-pmu", CPU_FEAT_PMU },
		{ "--no-mte", CPU_FEAT_MTE },
		{ "--no-pvtime", CPU_FEAT_PVTIME },
	};
	struct run_opts o;
	char err[ERRBUF_LEN] = "";
	unsigned int i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		ck_assert_int_eq(parse(&o, err, "--kernel", "k", flags[i].flag),
				 CLI_OK);
		ck_assert_uint_eq(o.features_off, flags[i].bit);
	}
	ck_assert_int_eq(parse(&o, err, "--no-pmu", "--kernel", "k", "--no-sve",
			       "--no-pmu"),
			 CLI_OK);
	ck_assert_uint_eq(o.features_off, CPU_FEAT_PMU | CPU_FEAT_SVE);
}
END_TEST

START_TEST(test_features_sve_max_vl)
{
	struct run_opts o;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--sve-max-vl", "512"),
			 CLI_OK);
	ck_assert_uint_eq(o.sve_max_vl, 512);
	ck_assert_int_eq(parse(&o, err, "--kernel", "k", "--sve-max-vl=128"),
			 CLI_OK);
	ck_assert_uint_eq(o.sve_max_vl, 128);
	ck_assert_int_eq(
		parse(&o, err, "--kernel", "k", "--sve-max-vl", "2048"),
		CLI_OK);
	ck_assert_uint_eq(o.sve_max_vl, 2048);
}
END_TEST

START_TEST(test_features_sve_max_vl_bad_rejected)
{
	const char *bad[] = {
		"0", "64", "129", "2176", "-128", "", "256b", "x"
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refused("--sve-max-vl", "--kernel", "k", "--sve-max-vl",
			bad[i]);
	refused("needs a value", "--kernel", "k", "--sve-max-vl");
}
END_TEST

START_TEST(test_features_sve_max_vl_with_no_sve_rejected)
{
	refused("contradict", "--kernel", "k", "--no-sve", "--sve-max-vl",
		"256");
}
END_TEST

START_TEST(test_features_choose_what_the_host_offers)
{
	struct cpu_features f;

	cpu_features__choose(CPU_FEAT_SVE | CPU_FEAT_PMU, 0, 0, &f);
	ck_assert_uint_eq(f.on, CPU_FEAT_SVE | CPU_FEAT_PMU);
	ck_assert_uint_eq(f.host_lacks, CPU_FEAT_ALL & ~f.on);
	ck_assert_uint_eq(f.off, 0);
	ck_assert_uint_eq(f.nested_off, 0);
}
END_TEST

START_TEST(test_features_choose_flags_win)
{
	struct cpu_features f;

	cpu_features__choose(CPU_FEAT_ALL, CPU_FEAT_SVE | CPU_FEAT_PTRAUTH, 0,
			     &f);
	ck_assert_uint_eq(f.on, CPU_FEAT_PMU | CPU_FEAT_MTE | CPU_FEAT_PVTIME);
	ck_assert_uint_eq(f.off, CPU_FEAT_SVE | CPU_FEAT_PTRAUTH);
	/* What a flag turned off is not reported as the host's refusal. */
	cpu_features__choose(CPU_FEAT_PMU, CPU_FEAT_SVE, 0, &f);
	ck_assert_uint_eq(f.host_lacks & CPU_FEAT_SVE, 0);
}
END_TEST

START_TEST(test_features_choose_nested_drops_mte_only)
{
	struct cpu_features f;

	cpu_features__choose(CPU_FEAT_ALL, 0, 1, &f);
	ck_assert_uint_eq(f.on, CPU_FEAT_SVE | CPU_FEAT_PTRAUTH | CPU_FEAT_PMU |
					CPU_FEAT_PVTIME);
	ck_assert_uint_eq(f.nested_off, CPU_FEAT_MTE);
	/* A host without MTE: nothing is left out for nesting. */
	cpu_features__choose(CPU_FEAT_ALL & ~CPU_FEAT_MTE, 0, 1, &f);
	ck_assert_uint_eq(f.nested_off, 0);
	ck_assert_uint_eq(f.host_lacks, CPU_FEAT_MTE);
}
END_TEST

START_TEST(test_features_names)
{
	char buf[64];

	cpu_features__names(CPU_FEAT_SVE | CPU_FEAT_PMU | CPU_FEAT_PVTIME, buf,
			    sizeof(buf));
	ck_assert_str_eq(buf, "sve pmu pvtime");
	cpu_features__names(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "none");
	/* A short buffer is cut, still terminated. */
	cpu_features__names(CPU_FEAT_ALL, buf, 6);
	ck_assert_str_eq(buf, "sve p");
}
END_TEST

START_TEST(test_features_sve_cap_keeps_lengths_up_to_max)
{
	/* 128, 256, 512 and 2048 bits: vq 1, 2, 4, 16. */
	uint64_t vls[SVE_VLS_WORDS] = { 0x800b };

	ck_assert_uint_eq(cpu_features__sve_cap(vls, 512), 512);
	ck_assert_uint_eq(vls[0], 0xb);
	/* A cap between two lengths keeps the shorter. */
	ck_assert_uint_eq(cpu_features__sve_cap(vls, 384), 256);
	ck_assert_uint_eq(vls[0], 0x3);
}
END_TEST

START_TEST(test_features_sve_cap_zero_keeps_all)
{
	uint64_t vls[SVE_VLS_WORDS] = { 0x800b };

	ck_assert_uint_eq(cpu_features__sve_cap(vls, 0), 2048);
	ck_assert_uint_eq(vls[0], 0x800b);
	/* Lengths past 64 * 128 bits live in the next words. */
	memset(vls, 0, sizeof(vls));
	vls[1] = 1;
	ck_assert_uint_eq(cpu_features__sve_cap(vls, 0), 65 * 128);
}
END_TEST

START_TEST(test_features_sve_cap_below_all_lengths)
{
	uint64_t vls[SVE_VLS_WORDS] = { 0x8 }; /* 512 bits only */

	ck_assert_uint_eq(cpu_features__sve_cap(vls, 256), 0);
	ck_assert_uint_eq(vls[0], 0);
}
END_TEST

Suite *cpu_features_suite(void)
{
	Suite *s = suite_create("cpu_features");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_features_all_on_by_default);
	tcase_add_test(tc, test_features_each_flag_turns_one_off);
	tcase_add_test(tc, test_features_sve_max_vl);
	tcase_add_test(tc, test_features_sve_max_vl_bad_rejected);
	tcase_add_test(tc, test_features_sve_max_vl_with_no_sve_rejected);
	tcase_add_test(tc, test_features_choose_what_the_host_offers);
	tcase_add_test(tc, test_features_choose_flags_win);
	tcase_add_test(tc, test_features_choose_nested_drops_mte_only);
	tcase_add_test(tc, test_features_names);
	tcase_add_test(tc, test_features_sve_cap_keeps_lengths_up_to_max);
	tcase_add_test(tc, test_features_sve_cap_zero_keeps_all);
	tcase_add_test(tc, test_features_sve_cap_below_all_lengths);
	suite_add_tcase(s, tc);
	return s;
}
