// SPDX-License-Identifier: GPL-2.0
/* The direct window's KVM side: serve it at the top, pass it on below. */
#include "direct.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../devices/exit-probe.h"
#include "../lib/log.h"
#include "platform.h"
#include "vm.h"

static struct exit_probe probe = { .kernel_fd = -1 };
static int serving;

static int direct__serve(struct vm *vm, unsigned int slot)
{
	uint64_t base = DIRECT_WINDOW_BASE + DIRECT_PROBE_OFFSET;
	void *mem;

	if (exit_probe__init(&probe)) {
		pr_err("--direct-window: eventfd: %s", strerror(errno));
		return -1;
	}
	serving = 1;
	mem = mmap(NULL, DIRECT_MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		pr_err("--direct-window: the shared memory: %s",
		       strerror(errno));
		return -1;
	}
	if (vm__memory_region(vm, slot, DIRECT_WINDOW_BASE + DIRECT_MEM_OFFSET,
			      DIRECT_MEM_SIZE, mem, 0))
		return -1;
	probe.mem = mem;
	probe.mem_words = DIRECT_MEM_SIZE / sizeof(uint32_t);
	if (mmio__register(&vm->bus, base, DIRECT_PROBE_SIZE,
			   &exit_probe__mmio_ops, &probe, "direct-probe"))
		return -1;
	if (vm__ioeventfd(vm, base + EXIT_PROBE_REG_KERNEL,
			  EXIT_PROBE_KERNEL_VALUE, probe.kernel_fd))
		return -1;
	pr_debug("direct window: served here at 0x%llx+0x%llx",
		 DIRECT_WINDOW_BASE, DIRECT_WINDOW_SIZE);
	return 0;
}

static int direct__pass(struct vm *vm, unsigned int slot)
{
	char err[ERRBUF_LEN];
	uint64_t base, size;
	void *hva;
	int fd, found;

	found = direct__find(DIRECT_DT_ROOT, &base, &size, err);
	if (found < 0) {
		pr_err("--direct-window=pass: %s", err);
		return -1;
	}
	if (!found) {
		pr_err("--direct-window=pass: this machine has no direct window (no \"%s\" node under %s): the turtle above was not given --direct-window",
		       DIRECT_COMPATIBLE, DIRECT_DT_ROOT);
		return -1;
	}
	if (direct__check(base, size, (uint64_t)sysconf(_SC_PAGESIZE), err)) {
		pr_err("--direct-window=pass: %s", err);
		return -1;
	}
	fd = open("/dev/mem", O_RDWR | O_SYNC | O_CLOEXEC);
	if (fd < 0) {
		pr_err("--direct-window=pass: cannot open /dev/mem: %s (it needs root, and a kernel with CONFIG_DEVMEM)",
		       strerror(errno));
		return -1;
	}
	hva = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   (off_t)base);
	close(fd);
	if (hva == MAP_FAILED) {
		pr_err("--direct-window=pass: mapping 0x%llx+0x%llx of /dev/mem: %s (the kernel refuses it if a driver claimed the range or it is RAM)",
		       (unsigned long long)base, (unsigned long long)size,
		       strerror(errno));
		return -1;
	}
	if (vm__memory_region(vm, slot, base, size, hva, 0)) {
		munmap(hva, size);
		return -1;
	}
	pr_debug(
		"direct window: the parent's 0x%llx+0x%llx passed on as slot %u",
		(unsigned long long)base, (unsigned long long)size, slot);
	return 0;
}

int direct__attach(struct vm *vm, enum direct_mode mode, unsigned int slot)
{
	switch (mode) {
	case DIRECT_SERVE:
		return direct__serve(vm, slot);
	case DIRECT_PASS:
		return direct__pass(vm, slot);
	default:
		return 0;
	}
}

uint64_t direct__served_count(void)
{
	return serving ? __atomic_load_n(&probe.count, __ATOMIC_RELAXED) : 0;
}

int direct__serving(void)
{
	return serving;
}

void direct__detach(void)
{
	if (serving)
		exit_probe__exit(&probe);
	serving = 0;
}
