// SPDX-License-Identifier: GPL-2.0
#include "vcpu-features.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kvm-compat.h"
#include "../lib/log.h"
#include "platform.h"
#include "vcpu.h"
#include "vm.h"

/* Memory slot 0 is RAM, 1 the virtio registers (run.c). */
#define PVTIME_SLOT 2

static int has_cap(struct vm *vm, long cap)
{
	return ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, cap) > 0;
}

static unsigned int host_features(struct vm *vm)
{
	unsigned int host = 0;

	if (has_cap(vm, KVM_CAP_ARM_SVE))
		host |= CPU_FEAT_SVE;
	if (has_cap(vm, KVM_CAP_ARM_PTRAUTH_ADDRESS) &&
	    has_cap(vm, KVM_CAP_ARM_PTRAUTH_GENERIC))
		host |= CPU_FEAT_PTRAUTH;
	if (has_cap(vm, KVM_CAP_ARM_PMU_V3))
		host |= CPU_FEAT_PMU;
	if (has_cap(vm, KVM_CAP_ARM_MTE))
		host |= CPU_FEAT_MTE;
	if (has_cap(vm, KVM_CAP_STEAL_TIME))
		host |= CPU_FEAT_PVTIME;
	return host;
}

/* The stolen-time records: a page of their own, outside RAM. */
static int pvtime_map(struct vm *vm)
{
	struct kvm_userspace_memory_region region = {
		.slot = PVTIME_SLOT,
		.guest_phys_addr = PVTIME_BASE,
		.memory_size = PVTIME_SIZE,
	};
	void *p = mmap(NULL, PVTIME_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		pr_err("stolen time: mmap: %s", strerror(errno));
		return -1;
	}
	region.userspace_addr = (uintptr_t)p;
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		pr_err("stolen time: KVM_SET_USER_MEMORY_REGION at 0x%llx: %s (--no-pvtime goes without)",
		       (unsigned long long)PVTIME_BASE, strerror(errno));
		munmap(p, PVTIME_SIZE);
		return -1;
	}
	return 0;
}

int vcpu_features__setup(struct vm *vm, unsigned int off,
			 unsigned int sve_max_vl)
{
	char on[64], lacks[64], nested[64], flags[64];
	struct cpu_features *f = &vm->features;

	cpu_features__choose(host_features(vm), off, vm->nested != NESTED_OFF,
			     f);
	vm->sve_max_vl = sve_max_vl;
	if (f->on & CPU_FEAT_MTE) {
		struct kvm_enable_cap cap = { .cap = KVM_CAP_ARM_MTE };

		if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap) < 0) {
			pr_err("KVM_CAP_ARM_MTE: %s (--no-mte goes without)",
			       strerror(errno));
			return -1;
		}
	}
	if ((f->on & CPU_FEAT_PVTIME) && pvtime_map(vm))
		return -1;
	if (sve_max_vl && !(f->on & CPU_FEAT_SVE))
		pr_info("--sve-max-vl %u: this host's KVM offers no SVE",
			sve_max_vl);

	cpu_features__names(f->on, on, sizeof(on));
	cpu_features__names(f->host_lacks, lacks, sizeof(lacks));
	cpu_features__names(f->nested_off, nested, sizeof(nested));
	cpu_features__names(f->off, flags, sizeof(flags));
	pr_debug(
		"vCPU features: %s; the host's KVM lacks: %s; left out for --nested: %s; turned off: %s",
		on, lacks, nested, flags);
	return 0;
}

void vcpu_features__init_bits(const struct vm *vm, struct kvm_vcpu_init *init)
{
	unsigned int on = vm->features.on;

	if (on & CPU_FEAT_SVE)
		init->features[0] |= 1U << KVM_ARM_VCPU_SVE;
	if (on & CPU_FEAT_PTRAUTH)
		init->features[0] |= 1U << KVM_ARM_VCPU_PTRAUTH_ADDRESS |
				     1U << KVM_ARM_VCPU_PTRAUTH_GENERIC;
	if (on & CPU_FEAT_PMU)
		init->features[0] |= 1U << KVM_ARM_VCPU_PMU_V3;
}

static int vcpu_attr(struct vcpu *v, uint32_t group, uint64_t attr, void *val)
{
	struct kvm_device_attr a = {
		.group = group,
		.attr = attr,
		.addr = (uintptr_t)val,
	};

	return ioctl(v->fd, KVM_SET_DEVICE_ATTR, &a);
}

/* The vector lengths KVM offers, capped by --sve-max-vl, then final. */
static int sve_finalize(struct vm *vm, struct vcpu *v)
{
	uint64_t vls[SVE_VLS_WORDS];
	struct kvm_one_reg reg = { .id = KVM_REG_ARM64_SVE_VLS,
				   .addr = (uintptr_t)vls };
	int what = KVM_ARM_VCPU_SVE;
	unsigned int top;

	_Static_assert(sizeof(vls) == KVM_ARM64_SVE_VLS_WORDS * 8,
		       "KVM_REG_ARM64_SVE_VLS is 512 bits");
	if (ioctl(v->fd, KVM_GET_ONE_REG, &reg) < 0) {
		pr_err("vCPU %u: reading the SVE vector lengths: %s", v->id,
		       strerror(errno));
		return -1;
	}
	top = cpu_features__sve_cap(vls, vm->sve_max_vl);
	if (!top) {
		pr_err("--sve-max-vl %u: shorter than every SVE vector length this host offers",
		       vm->sve_max_vl);
		return -1;
	}
	if (ioctl(v->fd, KVM_SET_ONE_REG, &reg) < 0 ||
	    ioctl(v->fd, KVM_ARM_VCPU_FINALIZE, &what) < 0) {
		pr_err("vCPU %u: SVE with vector lengths up to %u bits: %s",
		       v->id, top, strerror(errno));
		return -1;
	}
	if (v->id == 0)
		pr_debug("SVE: vector lengths up to %u bits", top);
	vm->sve_vl = top;
	return 0;
}

int vcpu_features__finalize(struct vm *vm, struct vcpu *v)
{
	unsigned int on = vm->features.on;

	if ((on & CPU_FEAT_SVE) && sve_finalize(vm, v))
		return -1;
	if (on & CPU_FEAT_PVTIME) {
		uint64_t ipa = PVTIME_BASE + (uint64_t)v->id * PVTIME_RECORD;

		if (vcpu_attr(v, KVM_ARM_VCPU_PVTIME_CTRL,
			      KVM_ARM_VCPU_PVTIME_IPA, &ipa) < 0) {
			pr_err("vCPU %u: stolen-time record at 0x%llx: %s",
			       v->id, (unsigned long long)ipa, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int vcpu_features__pmu_init(struct vm *vm)
{
	int irq = GIC_PPI_BASE + PPI_PMU;
	unsigned int i;

	if (!(vm->features.on & CPU_FEAT_PMU))
		return 0;
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (vcpu_attr(v, KVM_ARM_VCPU_PMU_V3_CTRL,
			      KVM_ARM_VCPU_PMU_V3_IRQ, &irq) < 0 ||
		    vcpu_attr(v, KVM_ARM_VCPU_PMU_V3_CTRL,
			      KVM_ARM_VCPU_PMU_V3_INIT, NULL) < 0) {
			pr_err("vCPU %u: PMUv3 with its interrupt on PPI %d: %s (--no-pmu goes without)",
			       v->id, PPI_PMU, strerror(errno));
			return -1;
		}
	}
	return 0;
}
