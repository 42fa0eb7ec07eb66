// SPDX-License-Identifier: GPL-2.0
/* The direct window's KVM side: serve it at the top, pass it on below. */
#include "direct.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../devices/exit-probe.h"
#include "../fuse-vsock/window.h"
#include "../lib/log.h"
#include "platform.h"
#include "vm.h"

static struct exit_probe probe = { .kernel_fd = -1 };
static int serving, pool_given;
static struct fuse_window *fuse_win;
static uint8_t *window_mem;

_Static_assert(FUSE_WINDOW_MEM == DIRECT_MEM_SIZE, "the FUSE area");
_Static_assert(FUSE_WINDOW_REG_CALL == EXIT_PROBE_REG_DOORBELL &&
		       FUSE_WINDOW_REG_HELLO == EXIT_PROBE_REG_DOORBELL + 4,
	       "the FUSE doorbells");

#define POOL_SLOT_OFFSET 1 /* the pool's slot: the window's + 1 */
#define PAGEMAP_PRESENT (1ULL << 63)
#define PAGEMAP_PFN_MASK ((1ULL << 55) - 1)

/*
 * The physical address of each of n pages at mem (this process's, present
 * and pinned) from /proc/self/pagemap, into pa. 0, or -1 with a message.
 */
static int direct__phys(const uint8_t *mem, uint64_t n, uint64_t *pa)
{
	uint64_t entry, i, page = EXIT_PROBE_POOL_PAGE;
	int fd, ret = 0;

	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		pr_info("direct pool: /proc/self/pagemap: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < n && !ret; i++) {
		if (pread(fd, &entry, sizeof(entry),
			  (off_t)(((uintptr_t)mem / page + i) * 8)) !=
			    sizeof(entry) ||
		    !(entry & PAGEMAP_PRESENT) || !(entry & PAGEMAP_PFN_MASK)) {
			pr_info("direct pool: no physical address for page %llu (pagemap shows frame numbers only to CAP_SYS_ADMIN)",
				(unsigned long long)i);
			ret = -1;
		}
		pa[i] = (entry & PAGEMAP_PFN_MASK) * page;
	}
	close(fd);
	return ret;
}

/*
 * The pool (direct.h): 64 KiB of this turtle's memory, pinned, given to
 * the guest at DIRECT_POOL_BASE, each page's physical address published
 * to the window's registers at win. 0, or -1 with a message (the window
 * is passed on without it).
 */
static int direct__pool(struct vm *vm, unsigned int slot, volatile uint8_t *win)
{
	uint64_t pa[DIRECT_POOL_SIZE / EXIT_PROBE_POOL_PAGE], i;
	uint8_t *mem;

	if (sysconf(_SC_PAGESIZE) != EXIT_PROBE_POOL_PAGE) {
		pr_info("direct pool: only on hosts with 4 KiB pages");
		return -1;
	}
	mem = mmap(NULL, DIRECT_POOL_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return -1;
	/* No huge page may replace these pages behind the published table. */
	madvise(mem, DIRECT_POOL_SIZE, MADV_NOHUGEPAGE);
	memset(mem, 0, DIRECT_POOL_SIZE);
	if (mlock(mem, DIRECT_POOL_SIZE)) {
		pr_info("direct pool: mlock: %s", strerror(errno));
		goto fail;
	}
	if (direct__phys(mem, DIRECT_POOL_SIZE / EXIT_PROBE_POOL_PAGE, pa) ||
	    vm__memory_region(vm, slot + POOL_SLOT_OFFSET, DIRECT_POOL_BASE,
			      DIRECT_POOL_SIZE, mem, 0))
		goto fail;
	/* Published only once all is in place: never half a table. */
	for (i = 0; i < DIRECT_POOL_SIZE / EXIT_PROBE_POOL_PAGE; i++) {
		*(volatile uint32_t *)(win + EXIT_PROBE_REG_POOL_LO) =
			(uint32_t)pa[i];
		*(volatile uint32_t *)(win + EXIT_PROBE_REG_POOL_HI) =
			(uint32_t)(pa[i] >> 32);
	}
	pool_given = 1;
	pr_debug(
		"direct pool: 64 KiB of this turtle's memory at 0x%llx, its pages published to the window",
		DIRECT_POOL_BASE);
	return 0;
fail:
	munmap(mem, DIRECT_POOL_SIZE);
	return -1;
}

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
	window_mem = mem;
	probe.mem = mem;
	probe.ram = &vm->mem;
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
	if (direct__pool(vm, slot, hva))
		pr_info("direct pool: none; the window is passed on without it");
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

static void direct__doorbell(void *ctx, uint64_t reg, uint32_t val)
{
	fuse_window__ring(ctx, reg, val);
}

int direct__serve_shares(struct fuse_pool *pool, struct fuse_budget *budget,
			 struct fuse_server **shares, unsigned int n)
{
	if (!serving || !n)
		return 0;
	fuse_win = fuse_window__create(window_mem, pool, budget, shares, n);
	if (!fuse_win) {
		pr_err("--direct-window: out of memory");
		return -1;
	}
	probe.doorbell_ctx = fuse_win;
	probe.doorbell = direct__doorbell;
	pr_debug(
		"direct window: serving %u share%s by tag at its FUSE doorbell",
		n, n == 1 ? "" : "s");
	return 0;
}

uint64_t direct__served_count(void)
{
	return serving ? __atomic_load_n(&probe.count, __ATOMIC_RELAXED) : 0;
}

int direct__has_pool(void)
{
	return pool_given;
}

int direct__serving(void)
{
	return serving;
}

void direct__abort(void)
{
	if (fuse_win)
		fuse_window__abort(fuse_win);
}

void direct__detach(void)
{
	if (fuse_win)
		fuse_window__close(fuse_win);
	if (serving)
		exit_probe__exit(&probe);
	serving = 0;
}
