/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The optional vCPU features (cpu-features.h) applied through KVM, in the
 * order KVM needs:
 *
 *   vcpu_features__setup     after KVM_CREATE_VM: ask which the host
 *                            offers, choose, enable MTE (VM-wide, before
 *                            any vCPU), map the stolen-time page
 *   vcpu_features__init_bits the KVM_ARM_VCPU_INIT feature bits
 *   vcpu_features__finalize  after each vCPU's KVM_ARM_VCPU_INIT: SVE's
 *                            vector lengths and KVM_ARM_VCPU_FINALIZE,
 *                            the vCPU's stolen-time record
 *   vcpu_features__pmu_init  after the vGIC's CTRL_INIT: each vCPU's PMU
 *                            overflow PPI, then KVM_ARM_VCPU_PMU_V3_INIT
 */
#ifndef TURTLE_VCPU_FEATURES_H
#define TURTLE_VCPU_FEATURES_H

#include <linux/kvm.h>

#include "cpu-features.h"

struct vm;
struct vcpu;

/* 0, or -1 with a message. */
int vcpu_features__setup(struct vm *vm, unsigned int off,
			 unsigned int sve_max_vl);
void vcpu_features__init_bits(const struct vm *vm, struct kvm_vcpu_init *init);
int vcpu_features__finalize(struct vm *vm, struct vcpu *v);
int vcpu_features__pmu_init(struct vm *vm);

#endif
