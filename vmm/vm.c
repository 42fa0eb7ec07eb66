// SPDX-License-Identifier: GPL-2.0
#include "vm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kvm-compat.h"
#include "../lib/log.h"
#include "platform.h"

/* The smallest IPA size KVM accepts, and its default without a type. */
#define IPA_BITS_MIN 32
#define IPA_BITS_DEFAULT 40

static unsigned int bits_for(uint64_t end)
{
	unsigned int bits = IPA_BITS_MIN;

	while (bits < 64 && (1ULL << bits) < end)
		bits++;
	return bits;
}

static int vm__check_host_ram(uint64_t ram_size)
{
	long pages = sysconf(_SC_PHYS_PAGES);
	long psz = sysconf(_SC_PAGESIZE);
	uint64_t host;

	if (pages <= 0 || psz <= 0)
		return 0;
	host = (uint64_t)pages * (uint64_t)psz;
	if (ram_size > host) {
		pr_err("--mem %llu MiB is more than this host's %llu MiB of RAM",
		       (unsigned long long)(ram_size >> 20),
		       (unsigned long long)(host >> 20));
		return -1;
	}
	return 0;
}

static int vm__map_ram(struct vm *vm)
{
	struct kvm_userspace_memory_region region;
	uint8_t *p;
	uint64_t slack = SZ_2M;

	/* 2 MiB alignment lets THP back guest RAM with block mappings. */
	p = mmap(NULL, vm->mem.size + slack, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		pr_err("cannot allocate %llu MiB of guest RAM: %s",
		       (unsigned long long)(vm->mem.size >> 20),
		       strerror(errno));
		return -1;
	}
	vm->mem.host = (uint8_t *)(((uintptr_t)p + slack - 1) &
				   ~(uintptr_t)(slack - 1));
	if (vm->hugepages)
		madvise(vm->mem.host, vm->mem.size, MADV_HUGEPAGE);

	region = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = vm->mem.base,
		.memory_size = vm->mem.size,
		.userspace_addr = (uintptr_t)vm->mem.host,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		pr_err("KVM_SET_USER_MEMORY_REGION (%llu MiB at 0x%llx): %s",
		       (unsigned long long)(vm->mem.size >> 20),
		       (unsigned long long)vm->mem.base, strerror(errno));
		return -1;
	}
	return 0;
}

int vm__create(struct vm *vm, uint64_t ram_size, enum nested_mode nested,
	       unsigned int ipa_bits, int hugepages)
{
	unsigned int max_ipa, need;
	unsigned long type = 0;
	int ret;

	memset(vm, 0, sizeof(*vm));
	vm->kvm_fd = vm->vm_fd = vm->gic_fd = vm->stop_efd = -1;
	vm->mem.base = RAM_BASE;
	vm->mem.size = ram_size;
	vm->nested = nested;
	vm->hugepages = hugepages;

	if (vm__check_host_ram(ram_size))
		return -1;

	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		pr_err("cannot open /dev/kvm: %s (is this an arm64 host with KVM enabled?)",
		       strerror(errno));
		return -1;
	}
	ret = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (ret != KVM_API_VERSION) {
		pr_err("/dev/kvm speaks API version %d, turtle needs %d", ret,
		       KVM_API_VERSION);
		return -1;
	}

	need = bits_for(vm->mem.base + vm->mem.size);
	if (ipa_bits) {
		if (ipa_bits < need) {
			pr_err("--ipa-bits %u: guest RAM needs at least %u bits",
			       ipa_bits, need);
			return -1;
		}
		need = ipa_bits;
	}
	ret = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);
	max_ipa = ret > 0 ? (unsigned int)ret : IPA_BITS_DEFAULT;
	if (need > max_ipa) {
		pr_err("--mem %llu MiB: guest RAM would end at 0x%llx, beyond this host's %u-bit guest physical address space",
		       (unsigned long long)(ram_size >> 20),
		       (unsigned long long)(vm->mem.base + vm->mem.size),
		       max_ipa);
		return -1;
	}
	if (ret > 0) {
		/* The smallest IPA space that fits: fewer stage-2 levels. */
		type = KVM_VM_TYPE_ARM_IPA_SIZE(need);
		vm->ipa_bits = need;
	} else {
		vm->ipa_bits = IPA_BITS_DEFAULT;
	}

	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, type);
	if (vm->vm_fd < 0) {
		pr_err("KVM_CREATE_VM (IPA %u bits): %s", vm->ipa_bits,
		       strerror(errno));
		return -1;
	}
	pr_debug("VM created: IPA %u bits (host maximum %u)", vm->ipa_bits,
		 max_ipa);

	if (nested != NESTED_OFF) {
		if (ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_EL2) <=
		    0) {
			pr_err("--nested: this host's KVM cannot run a guest at EL2 (KVM_CAP_ARM_EL2 is 0); it needs a CPU with FEAT_NV2 and a host kernel booted with kvm-arm.mode=nested");
			return -1;
		}
		if (nested == NESTED_E2H0 &&
		    ioctl(vm->vm_fd, KVM_CHECK_EXTENSION,
			  KVM_CAP_ARM_EL2_E2H0) <= 0) {
			pr_err("--nested=e2h0: this host's KVM cannot run an nVHE guest hypervisor (KVM_CAP_ARM_EL2_E2H0 is 0); use --nested=vhe");
			return -1;
		}
	}

	vm->vcpu_mmap_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->vcpu_mmap_size <= 0) {
		pr_err("KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
		return -1;
	}
	vm->stop_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->stop_efd < 0) {
		pr_err("eventfd: %s", strerror(errno));
		return -1;
	}
	return vm__map_ram(vm);
}

static int gic_set_attr(struct vm *vm, uint32_t group, uint64_t attr, void *val,
			const char *what)
{
	struct kvm_device_attr a = {
		.group = group,
		.attr = attr,
		.addr = (uintptr_t)val,
	};

	if (ioctl(vm->gic_fd, KVM_SET_DEVICE_ATTR, &a) < 0) {
		pr_err("vGICv3: setting %s: %s", what, strerror(errno));
		return -1;
	}
	return 0;
}

int vm__gic_create(struct vm *vm)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	uint64_t dist = GIC_DIST_BASE, redist = GIC_REDIST_BASE;

	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &dev) < 0) {
		pr_err("cannot create the in-kernel GICv3: %s (turtle needs a host with a GICv3)",
		       strerror(errno));
		return -1;
	}
	vm->gic_fd = dev.fd;
	if (gic_set_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR,
			 KVM_VGIC_V3_ADDR_TYPE_DIST, &dist,
			 "distributor base") ||
	    gic_set_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR,
			 KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist,
			 "redistributor base"))
		return -1;
	return 0;
}

int vm__gic_init(struct vm *vm)
{
	uint32_t nr_irqs = GIC_NR_IRQS;
	uint32_t maint = GIC_PPI_BASE + PPI_MAINT;

	if (gic_set_attr(vm, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs,
			 "number of interrupts"))
		return -1;
	/* A guest hypervisor's own vGIC signals through this PPI. */
	if (vm->nested != NESTED_OFF &&
	    gic_set_attr(vm, KVM_DEV_ARM_VGIC_GRP_MAINT_IRQ, 0, &maint,
			 "maintenance interrupt"))
		return -1;
	return gic_set_attr(vm, KVM_DEV_ARM_VGIC_GRP_CTRL,
			    KVM_DEV_ARM_VGIC_CTRL_INIT, NULL, "CTRL_INIT");
}

void vm__set_counter_offset(struct vm *vm)
{
	struct kvm_arm_counter_offset off = { .counter_offset = 0 };

	/*
	 * Offset 0: the guest reads the host's counter. Every level then
	 * shares one timeline (timestamps compare across levels), and no
	 * per-vCPU CNTVOFF has to be computed and kept in step.
	 */
	if (ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_COUNTER_OFFSET) <=
	    0) {
		pr_debug(
			"no KVM_CAP_COUNTER_OFFSET: KVM keeps per-vCPU counter offsets");
		return;
	}
	if (ioctl(vm->vm_fd, KVM_ARM_SET_COUNTER_OFFSET, &off) < 0)
		pr_err("KVM_ARM_SET_COUNTER_OFFSET: %s (continuing)",
		       strerror(errno));
	else
		pr_debug(
			"counter offset 0: the guest shares the host's timeline");
}

int vm__irq_line(struct vm *vm, unsigned int spi, int level)
{
	struct kvm_irq_level irq = {
		.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) |
		       (GIC_SPI_BASE + spi),
		.level = level,
	};

	return ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq);
}

int vm__ioeventfd(struct vm *vm, uint64_t addr, uint32_t datamatch, int fd)
{
	struct kvm_ioeventfd io = {
		.datamatch = datamatch,
		.addr = addr,
		.len = 4,
		.fd = fd,
		.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
	};

	if (ioctl(vm->vm_fd, KVM_IOEVENTFD, &io) < 0) {
		pr_err("KVM_IOEVENTFD at 0x%llx: %s", (unsigned long long)addr,
		       strerror(errno));
		return -1;
	}
	return 0;
}

int vm__set_halt_poll(struct vm *vm, unsigned long ns)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_HALT_POLL,
		.args = { ns },
	};

	if (ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_HALT_POLL) <= 0) {
		pr_err("--halt-poll: this host's KVM cannot set halt polling per VM (no KVM_CAP_HALT_POLL; use /sys/module/kvm/parameters/halt_poll_ns)");
		return -1;
	}
	if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap) < 0) {
		pr_err("--halt-poll %lu: %s", ns, strerror(errno));
		return -1;
	}
	return 0;
}

int vm__readonly_region(struct vm *vm, unsigned int slot, uint64_t gpa,
			uint64_t size, void *hva)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot,
		.flags = KVM_MEM_READONLY,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	if (ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_READONLY_MEM) <= 0)
		return -1;
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		pr_debug("read-only memory at 0x%llx: %s",
			 (unsigned long long)gpa, strerror(errno));
		return -1;
	}
	return 0;
}

int vm__memory_region(struct vm *vm, unsigned int slot, uint64_t gpa,
		      uint64_t size, void *hva, uint32_t flags)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		pr_err("KVM_SET_USER_MEMORY_REGION (slot %u, 0x%llx+0x%llx): %s",
		       slot, (unsigned long long)gpa, (unsigned long long)size,
		       strerror(errno));
		return -1;
	}
	return 0;
}

int vm__irqfd(struct vm *vm, unsigned int spi, int fd)
{
	/* The vGIC's default routing maps GSI n to SPI n (INTID 32 + n). */
	struct kvm_irqfd irqfd = { .fd = (uint32_t)fd, .gsi = spi };

	if (ioctl(vm->vm_fd, KVM_IRQFD, &irqfd) < 0) {
		pr_err("KVM_IRQFD for SPI %u: %s", spi, strerror(errno));
		return -1;
	}
	return 0;
}

void vm__stop(struct vm *vm, int status, const char *fmt, ...)
{
	uint64_t one = 1;
	va_list ap;

	if (__atomic_exchange_n(&vm->stopping, 1, __ATOMIC_ACQ_REL))
		return;
	vm->exit_status = status;
	va_start(ap, fmt);
	vsnprintf(vm->exit_reason, sizeof(vm->exit_reason), fmt, ap);
	va_end(ap);
	if (write(vm->stop_efd, &one, sizeof(one)) < 0)
		pr_err("cannot signal the VM's stop: %s", strerror(errno));
}

void vm__destroy(struct vm *vm)
{
	if (vm->gic_fd >= 0)
		close(vm->gic_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	if (vm->stop_efd >= 0)
		close(vm->stop_efd);
}
