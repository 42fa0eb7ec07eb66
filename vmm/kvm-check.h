/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `turtle kvm-check [--nested]`: can this machine run turtle's guests?
 * It opens /dev/kvm, asks its API version and whether guests may run at
 * EL2 (KVM_CAP_ARM_EL2), prints one line of facts, and exits
 *   0  KVM is usable (and, with --nested, has EL2 guests)
 *   1  no usable KVM: no /dev/kvm, no permission, not KVM
 *   2  usage error
 *   3  KVM is usable but has no EL2 guests, and --nested asked for them
 * The scripts' native host layer (tests/system/native-host.sh) runs it
 * before anything else, to fail (or skip nested work) with a clear reason.
 */
#ifndef TURTLE_VMM_KVM_CHECK_H
#define TURTLE_VMM_KVM_CHECK_H

#include <stdbool.h>
#include <stddef.h>

enum kvm_check {
	KVM_CHECK_OK = 0,
	KVM_CHECK_NO_KVM = 1,
	KVM_CHECK_USAGE = 2,
	KVM_CHECK_NO_EL2 = 3,
};

#define KVM_API_VERSION_EXPECTED 12

/* What the device answered; api < 0: the ioctl failed (errno in err). */
struct kvm_facts {
	int api;
	int el2; /* KVM_CHECK_EXTENSION(KVM_CAP_ARM_EL2) > 0 */
	int err;
};

/* The verdict on facts read from path; msg says why (or what there is). */
enum kvm_check kvm_check__judge(const char *path, const struct kvm_facts *f,
				bool nested, char *msg, size_t len);

/* Open path (a KVM device), read its facts, and judge them. */
enum kvm_check kvm_check__probe(const char *path, bool nested, char *msg,
				size_t len);

/* The subcommand: turtle kvm-check [--nested]. */
int kvm_check__main(int argc, char **argv);

#endif
