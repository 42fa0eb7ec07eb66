// SPDX-License-Identifier: GPL-2.0
#include "vcpu.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kvm-compat.h"
#include "../lib/log.h"
#include "../sandbox/privs.h"
#include "vcpu-features.h"
#include "../lib/thread.h"
#include "vm.h"

/* Sent to a vCPU thread to make KVM_RUN return. */
#define SIG_VCPU_KICK SIGUSR2

#define CORE_REG(name)                                         \
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
	 (offsetof(struct kvm_regs, name) / sizeof(__u32)))

static int vcpu__set_reg(struct vcpu *v, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	return ioctl(v->fd, KVM_SET_ONE_REG, &reg);
}

static uint64_t vcpu__get_reg(struct vcpu *v, uint64_t id)
{
	uint64_t val = 0;
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	if (ioctl(v->fd, KVM_GET_ONE_REG, &reg) < 0)
		return ~0ULL;
	return val;
}

static int vcpu__init_one(struct vm *vm, struct vcpu *v,
			  const struct kvm_vcpu_init *proto)
{
	struct kvm_vcpu_init init = *proto;

	v->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, v->id);
	if (v->fd < 0) {
		pr_err("KVM_CREATE_VCPU %u: %s", v->id, strerror(errno));
		return -1;
	}
	kvm_stats__open(&v->kstats, v->fd);
	v->run = mmap(NULL, vm->vcpu_mmap_size, PROT_READ | PROT_WRITE,
		      MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		pr_err("mmap of vCPU %u's run area: %s", v->id,
		       strerror(errno));
		return -1;
	}
	/* Secondaries wait, powered off, for the guest's PSCI CPU_ON. */
	if (v->id > 0)
		init.features[0] |= 1U << KVM_ARM_VCPU_POWER_OFF;
	if (ioctl(v->fd, KVM_ARM_VCPU_INIT, &init) < 0) {
		pr_err("KVM_ARM_VCPU_INIT for vCPU %u (features 0x%x): %s",
		       v->id, init.features[0], strerror(errno));
		return -1;
	}
	return vcpu_features__finalize(vm, v);
}

int vcpu__create_all(struct vm *vm, unsigned int nr, uint64_t entry,
		     uint64_t dtb)
{
	struct kvm_vcpu_init init;
	unsigned int i;

	vm->vcpus = calloc(nr, sizeof(*vm->vcpus));
	if (!vm->vcpus)
		return -1;
	vm->nr_vcpus = nr;

	memset(&init, 0, sizeof(init));
	if (ioctl(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &init) < 0) {
		pr_err("KVM_ARM_PREFERRED_TARGET: %s", strerror(errno));
		return -1;
	}
	init.features[0] = 1U << KVM_ARM_VCPU_PSCI_0_2;
	if (vm->nested != NESTED_OFF)
		init.features[0] |= 1U << KVM_ARM_VCPU_HAS_EL2;
	if (vm->nested == NESTED_E2H0)
		init.features[0] |= 1U << KVM_ARM_VCPU_HAS_EL2_E2H0;
	vcpu_features__init_bits(vm, &init);

	for (i = 0; i < nr; i++) {
		vm->vcpus[i].vm = vm;
		vm->vcpus[i].id = i;
		vm->vcpus[i].fd = -1;
		if (vcpu__init_one(vm, &vm->vcpus[i], &init))
			return -1;
	}

	/* booting.rst: x0 = device tree, x1..x3 = 0, MMU off, at EL2 or EL1. */
	if (vcpu__set_reg(&vm->vcpus[0], CORE_REG(regs.pc), entry) ||
	    vcpu__set_reg(&vm->vcpus[0], CORE_REG(regs.regs[0]), dtb)) {
		pr_err("setting vCPU 0's entry registers: %s", strerror(errno));
		return -1;
	}
	pr_debug("%u vCPU%s, %s, entry 0x%llx, dtb 0x%llx", nr,
		 nr > 1 ? "s" : "",
		 vm->nested == NESTED_OFF   ? "EL1"
		 : vm->nested == NESTED_VHE ? "EL2 (VHE)"
					    : "EL2 (E2H0, nVHE)",
		 (unsigned long long)entry, (unsigned long long)dtb);
	return 0;
}

static void vcpu__handle_mmio(struct vcpu *v)
{
	struct kvm_run *run = v->run;

	/* Accesses to no device are counted by the bus itself. */
	mmio__access(&v->vm->bus, run->mmio.phys_addr, run->mmio.data,
		     run->mmio.len, run->mmio.is_write);
}

static void vcpu__handle_system_event(struct vcpu *v)
{
	struct vm *vm = v->vm;

	switch (v->run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		vm__stop(vm, VM_EXIT_POWEROFF, "guest powered off");
		break;
	case KVM_SYSTEM_EVENT_RESET:
		vm__stop(
			vm, VM_EXIT_RESET,
			"guest requested a reset (reboot, or a panic with panic=N)");
		break;
	case KVM_SYSTEM_EVENT_CRASH:
		vm__stop(vm, VM_EXIT_ERROR, "guest reported a crash (PSCI)");
		break;
	default:
		vm__stop(vm, VM_EXIT_ERROR, "vCPU %u: unknown system event %u",
			 v->id, v->run->system_event.type);
	}
}

static void vcpu__fail(struct vcpu *v, const char *what)
{
	vm__stop(v->vm, VM_EXIT_ERROR, "vCPU %u: %s at pc 0x%llx", v->id, what,
		 (unsigned long long)vcpu__get_reg(v, CORE_REG(regs.pc)));
}

static const char *pstate_mode(uint64_t pstate)
{
	switch (pstate & 0xf) { /* PSTATE.M[3:0], AArch64 */
	case 0x0:
		return "EL0t";
	case 0x4:
		return "EL1t";
	case 0x5:
		return "EL1h";
	case 0x8:
		return "EL2t";
	case 0x9:
		return "EL2h";
	default:
		return "?";
	}
}

static void vcpu__report(struct vcpu *v)
{
	uint64_t pc = vcpu__get_reg(v, CORE_REG(regs.pc));
	uint64_t pstate = vcpu__get_reg(v, CORE_REG(regs.pstate));
	unsigned int r;
	uint64_t exits = 0;
	char kvm[384];

	for (r = 0; r < VCPU_EXIT_REASONS; r++)
		exits += v->exits[r];
	kvm_stats__format(&v->kstats, kvm, sizeof(kvm));
	pr_info("t=%.1fs vcpu%u: pc=0x%llx pstate=0x%llx (%s) runs=%llu exits=%llu mmio=%llu; in KVM: %s",
		turtle__elapsed(), v->id, (unsigned long long)pc,
		(unsigned long long)pstate, pstate_mode(pstate),
		(unsigned long long)v->runs, (unsigned long long)exits,
		(unsigned long long)v->exits[KVM_EXIT_MMIO], kvm);
}

void vcpu__report_all(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (!v->started)
			continue;
		__atomic_store_n(&v->report, 1, __ATOMIC_RELEASE);
		pthread_kill(v->thread, SIG_VCPU_KICK);
	}
}

static void *vcpu__thread(void *arg)
{
	struct vcpu *v = arg;
	struct kvm_run *run = v->run;
	char what[96];
	sigset_t kick;

	snprintf(what, sizeof(what), "vcpu%u", v->id);
	/* A vCPU serves guest MMIO and needs none of the capabilities the
	 * share's workers keep (capabilities are per thread). */
	if (privs__drop_thread()) {
		vcpu__fail(v, "cannot drop its capabilities");
		return NULL;
	}
	thread__enter(THREAD_VCPU, what);
	sigemptyset(&kick);
	sigaddset(&kick, SIG_VCPU_KICK);
	pthread_sigmask(SIG_UNBLOCK, &kick, NULL);

	while (!__atomic_load_n(&v->vm->stopping, __ATOMIC_ACQUIRE)) {
		if (__atomic_exchange_n(&v->report, 0, __ATOMIC_ACQ_REL))
			vcpu__report(v);
		v->runs++;
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			snprintf(what, sizeof(what), "KVM_RUN failed: %s",
				 strerror(errno));
			vcpu__fail(v, what);
			break;
		}
		if (run->exit_reason < VCPU_EXIT_REASONS)
			v->exits[run->exit_reason]++;

		switch (run->exit_reason) {
		case KVM_EXIT_MMIO:
			vcpu__handle_mmio(v);
			break;
		case KVM_EXIT_SYSTEM_EVENT:
			vcpu__handle_system_event(v);
			break;
		case KVM_EXIT_INTR:
			break;
		case KVM_EXIT_FAIL_ENTRY:
			snprintf(what, sizeof(what),
				 "entry failed (reason 0x%llx)",
				 (unsigned long long)run->fail_entry
					 .hardware_entry_failure_reason);
			vcpu__fail(v, what);
			break;
		case KVM_EXIT_INTERNAL_ERROR:
			snprintf(what, sizeof(what), "KVM internal error %u",
				 run->internal.suberror);
			vcpu__fail(v, what);
			break;
		default:
			snprintf(what, sizeof(what),
				 "unexpected exit reason %u", run->exit_reason);
			vcpu__fail(v, what);
		}
	}
	return NULL;
}

static void vcpu__kick_handler(int sig)
{
	(void)sig;
}

int vcpu__start_all(struct vm *vm)
{
	struct sigaction sa = { .sa_handler = vcpu__kick_handler };
	unsigned int i;
	int err;

	/* No SA_RESTART: the kick must make KVM_RUN return EINTR. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIG_VCPU_KICK, &sa, NULL);
	for (i = 0; i < vm->nr_vcpus; i++) {
		err = pthread_create(&vm->vcpus[i].thread, NULL, vcpu__thread,
				     &vm->vcpus[i]);
		if (err) {
			pr_err("cannot start vCPU %u's thread: %s", i,
			       strerror(err));
			vm__stop(vm, VM_EXIT_ERROR, "vCPU threads failed");
			return -1;
		}
		vm->vcpus[i].started = 1;
	}
	return 0;
}

void vcpu__stop_all(struct vm *vm)
{
	unsigned int i;

	__atomic_store_n(&vm->stopping, 1, __ATOMIC_RELEASE);
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (!v->started)
			continue;
		/* Covers the window before the thread enters KVM_RUN. */
		v->run->immediate_exit = 1;
		pthread_kill(v->thread, SIG_VCPU_KICK);
	}
	for (i = 0; i < vm->nr_vcpus; i++) {
		if (vm->vcpus[i].started)
			pthread_join(vm->vcpus[i].thread, NULL);
		vm->vcpus[i].started = 0;
	}
}

static const char *exit_name(unsigned int r)
{
	switch (r) {
	case KVM_EXIT_MMIO:
		return "mmio";
	case KVM_EXIT_SYSTEM_EVENT:
		return "system_event";
	case KVM_EXIT_INTR:
		return "intr";
	case KVM_EXIT_FAIL_ENTRY:
		return "fail_entry";
	case KVM_EXIT_INTERNAL_ERROR:
		return "internal_error";
	default:
		return NULL;
	}
}

void vcpu__print_stats(struct vm *vm)
{
	unsigned int i, r;
	char line[512];
	int n;

	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		n = snprintf(line, sizeof(line), "stats: vcpu%u runs=%llu", i,
			     (unsigned long long)v->runs);
		for (r = 0; r < VCPU_EXIT_REASONS && n < (int)sizeof(line);
		     r++) {
			const char *name = exit_name(r);

			if (!v->exits[r])
				continue;
			if (name)
				n += snprintf(line + n, sizeof(line) - n,
					      " %s=%llu", name,
					      (unsigned long long)v->exits[r]);
			else
				n += snprintf(line + n, sizeof(line) - n,
					      " exit%u=%llu", r,
					      (unsigned long long)v->exits[r]);
		}
		pr_info("%s", line);
		kvm_stats__format(&v->kstats, line, sizeof(line));
		if (line[0])
			pr_info("stats: vcpu%u in KVM: %s", i, line);
	}
	pr_info("stats: mmio accesses to no device: %llu",
		(unsigned long long)vm->bus.unhandled);
}
