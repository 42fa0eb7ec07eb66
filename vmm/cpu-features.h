/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Optional vCPU features: on by default where the host's KVM offers them,
 * each with a flag to turn it off (the names follow kvmtool's):
 *
 *   sve      KVM_ARM_VCPU_SVE, vector lengths through KVM_REG_ARM64_SVE_VLS
 *            (--sve-max-vl caps them), then KVM_ARM_VCPU_FINALIZE  --no-sve
 *   ptrauth  KVM_ARM_VCPU_PTRAUTH_ADDRESS and _GENERIC together --no-ptrauth
 *   pmu      KVM_ARM_VCPU_PMU_V3, overflow interrupt on PPI 7, an
 *            arm,armv8-pmuv3 node in the device tree               --no-pmu
 *   mte      KVM_CAP_ARM_MTE on the VM, before any vCPU exists     --no-mte
 *   pvtime   stolen-time accounting (KVM_ARM_VCPU_PVTIME_CTRL): a
 *            page of 64-byte records the guest finds by SMCCC     --no-pvtime
 *
 * Which the host offers is asked of the VM (KVM_CHECK_EXTENSION on the VM
 * fd). With --nested, Linux 7.3's KVM accepts SVE, pointer authentication
 * and PMUv3 together with KVM_ARM_VCPU_HAS_EL2, but hides MTE from a guest
 * hypervisor (its ID_AA64PFR1_EL1.MTE reads 0, arch/arm64/kvm/nested.c),
 * so turtle does not pay for tags that guest cannot see.
 *
 * The choice is pure so the unit tests can drive it.
 */
#ifndef TURTLE_CPU_FEATURES_H
#define TURTLE_CPU_FEATURES_H

#include <stddef.h>
#include <stdint.h>

enum cpu_feature {
	CPU_FEAT_SVE = 1U << 0,
	CPU_FEAT_PTRAUTH = 1U << 1,
	CPU_FEAT_PMU = 1U << 2,
	CPU_FEAT_MTE = 1U << 3,
	CPU_FEAT_PVTIME = 1U << 4,
};
#define CPU_FEAT_ALL 0x1fU

/* Features KVM refuses or hides next to KVM_ARM_VCPU_HAS_EL2. */
#define CPU_FEAT_NOT_NESTED CPU_FEAT_MTE

/* SVE: vector lengths are multiples of 128 bits, up to 2048. */
#define SVE_VL_MIN_BITS 128
#define SVE_VL_MAX_BITS 2048
#define SVE_VLS_WORDS 8 /* KVM_ARM64_SVE_VLS_WORDS */

struct cpu_features {
	unsigned int on;	 /* enabled */
	unsigned int off;	 /* turned off by a flag */
	unsigned int host_lacks; /* wanted, but the host's KVM lacks them */
	unsigned int nested_off; /* wanted, offered, left out for --nested */
};

/*
 * host: the features the host's KVM offers; off: those the flags turn
 * off; nested: the vCPUs have KVM_ARM_VCPU_HAS_EL2.
 */
void cpu_features__choose(unsigned int host, unsigned int off, int nested,
			  struct cpu_features *f);

/* "sve ptrauth pmu", or "none", into buf. */
void cpu_features__names(unsigned int set, char *buf, size_t len);

/*
 * Keep only the SVE vector lengths up to max_bits (0: keep all) in vls
 * (bit vq - 1 of the 64-bit words: a length of vq * 128 bits). Returns
 * the largest length left, in bits, or 0 if none is.
 */
unsigned int cpu_features__sve_cap(uint64_t vls[SVE_VLS_WORDS],
				   unsigned int max_bits);

#endif
