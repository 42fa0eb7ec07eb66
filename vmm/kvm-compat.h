/* SPDX-License-Identifier: GPL-2.0 */
/*
 * <linux/kvm.h>, plus the few arm64 KVM definitions that Debian 12's
 * cross headers (Linux 6.1) lack. Values are checked against Linux 7.3's
 * UAPI headers; each is defined only if the headers do not have it, so a
 * build against newer headers uses theirs.
 */
#ifndef TURTLE_KVM_COMPAT_H
#define TURTLE_KVM_COMPAT_H

#include <linux/kvm.h>

#ifndef KVM_ARM_VCPU_HAS_EL2
#define KVM_ARM_VCPU_HAS_EL2 7 /* Linux 6.10 */
#endif
#ifndef KVM_ARM_VCPU_HAS_EL2_E2H0
#define KVM_ARM_VCPU_HAS_EL2_E2H0 8 /* Linux 6.16 */
#endif
#ifndef KVM_CAP_COUNTER_OFFSET
#define KVM_CAP_COUNTER_OFFSET 227 /* Linux 6.4 */
#endif
#ifndef KVM_CAP_ARM_EL2
#define KVM_CAP_ARM_EL2 240
#endif
#ifndef KVM_CAP_ARM_EL2_E2H0
#define KVM_CAP_ARM_EL2_E2H0 241
#endif
#ifndef KVM_DEV_ARM_VGIC_GRP_MAINT_IRQ
#define KVM_DEV_ARM_VGIC_GRP_MAINT_IRQ 9
#endif

#ifndef KVM_ARM_SET_COUNTER_OFFSET
struct kvm_arm_counter_offset {
	__u64 counter_offset;
	__u64 reserved;
};
#define KVM_ARM_SET_COUNTER_OFFSET \
	_IOW(KVMIO, 0xb5, struct kvm_arm_counter_offset)
#endif

#endif
