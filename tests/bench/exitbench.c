// SPDX-License-Identifier: GPL-2.0
/*
 * exitbench: what one exit from this guest to its VMM costs, measured from
 * inside the guest at whatever level it runs. It needs turtle's exit probe
 * (turtle run --exit-probe, devices/exit-probe.h), found in the device
 * tree and mapped through /dev/mem.
 *
 *   exitbench [--seconds S] [--direct]
 *
 * --direct: time the probe in the direct window instead (turtle run
 * --direct-window, vmm/direct.h): the probe of the turtle at the top of the
 * chain, which this guest's accesses reach without the levels in between.
 * Every line's name then starts with "direct-" (EXIT direct-mmio-kernel,
 * ..., EXIT direct-done). Then it tries the window's shared memory (at
 * 0x8000, 32 KiB of the top turtle's memory): whether what this guest
 * writes is what the top turtle reads (the probe's sum register), what 4
 * KiB of stores and of loads cost there and in this guest's own RAM, and
 * whether an unaligned load works there (device memory faults it):
 *
 *   EXIT direct-mem coherent=0|1 sum=N top_sum=N
 *   EXIT direct-mem-write med_ns=N ...    (4 KiB of 8-byte stores)
 *   EXIT direct-mem-read med_ns=N ...     (4 KiB of 8-byte loads)
 *   EXIT direct-ram-write med_ns=N ...    (the same in this guest's RAM)
 *   EXIT direct-ram-read med_ns=N ...
 *   EXIT direct-mem unaligned=ok|signal-N
 *   EXIT direct-handshake med_ns=N ...    (a request in the shared
 *        memory, a write to the probe's 0x28, the reply read back: the
 *        top turtle serves it within the exit)
 *   EXIT direct-mem handshake_errors=N    (replies that were not right)
 *
 * And when the turtle that runs this guest gave it a pool of its own RAM
 * ("turtle,direct-pool", vmm/direct.h), whether what this guest writes
 * there is what the top turtle reads through the pages the pool's turtle
 * published, and what 4 KiB of stores cost there:
 *
 *   EXIT direct-pool coherent=0|1 pages=N sum=N top_sum=N   (or none)
 *   EXIT direct-pool-write med_ns=N ...
 *
 * Four measurements, each repeated in batches of BATCH for S seconds
 * (default 0.5; at least 5 batches), reporting the median and mean time of
 * one operation:
 *
 *   syscall      getppid(): a system call, no exit (the baseline)
 *   mmio-kernel  a 32-bit write of EXIT_PROBE_KERNEL_VALUE to the probe's
 *                0x18: the exit ends in the host kernel (KVM_IOEVENTFD),
 *                as a virtqueue kick does
 *   mmio-user    a 32-bit write to 0x10: the exit returns to turtle and
 *                turtle resumes the vCPU (KVM_EXIT_MMIO, KVM_RUN again), as
 *                an interrupt acknowledgement does
 *   mmio-read    a 32-bit read of 0x00: the same, with a value to return
 *
 * Then it checks the probe's own count of accesses that reached turtle:
 * every mmio-user and mmio-read access, and no mmio-kernel one.
 *
 * Output, one line per measurement on stdout:
 *
 *   EXIT info probe=0xADDR seconds=S
 *   EXIT syscall med_ns=N avg_ns=N ops=N
 *   EXIT mmio-kernel med_ns=N avg_ns=N ops=N
 *   EXIT mmio-user med_ns=N avg_ns=N ops=N
 *   EXIT mmio-read med_ns=N avg_ns=N ops=N
 *   EXIT counted to_turtle=N expected=N
 *   EXIT done
 *
 * Exit status: 0 done, 1 no probe, no /dev/mem or a wrong count, 2 a
 * command-line error.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../devices/exit-probe.h"

#define BATCH 10
#define MIN_BATCHES 5
#define MAX_BATCHES 100000
#define PROBE_MAP_SIZE 4096
#define WINDOW_MAP_SIZE 0x10000 /* vmm/direct.h */
#define WINDOW_MEM_OFFSET 0x8000
#define WINDOW_MEM_SIZE 0x8000
#define MEM_OP_BYTES 4096

static const char *pfx = ""; /* "direct-" with --direct */

static const char *const dt_roots[] = { "/sys/firmware/devicetree/base",
					"/proc/device-tree" };

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/*
 * The probe's guest physical address, from the reg of the device tree node
 * whose name starts with prefix ("exit-probe@", or "direct-window@", whose
 * probe is at its offset 0).
 */
static int find_probe(const char *prefix, uint64_t *base)
{
	unsigned int i;

	for (i = 0; i < sizeof(dt_roots) / sizeof(dt_roots[0]); i++) {
		DIR *d = opendir(dt_roots[i]);
		struct dirent *e;

		if (!d)
			continue;
		while ((e = readdir(d))) {
			unsigned char reg[16];
			char path[512];
			FILE *f;
			size_t n;

			if (strncmp(e->d_name, prefix, strlen(prefix)))
				continue;
			snprintf(path, sizeof(path), "%s/%s/reg", dt_roots[i],
				 e->d_name);
			f = fopen(path, "rb");
			if (!f)
				continue;
			n = fread(reg, 1, sizeof(reg), f);
			fclose(f);
			if (n != sizeof(reg))
				continue;
			*base = 0;
			for (n = 0; n < 8; n++) /* big-endian, 2 cells */
				*base = *base << 8 | reg[n];
			closedir(d);
			return 0;
		}
		closedir(d);
	}
	return -1;
}

/*
 * Plain single-register loads and stores: KVM can only emulate an MMIO
 * access whose syndrome describes it (no pairs, no writeback).
 */
static inline void mmio_write32(volatile void *addr, uint32_t val)
{
	asm volatile("str %w0, [%1]" : : "r"(val), "r"(addr) : "memory");
}

static inline uint32_t mmio_read32(volatile void *addr)
{
	uint32_t val;

	asm volatile("ldr %w0, [%1]" : "=r"(val) : "r"(addr) : "memory");
	return val;
}

enum op {
	OP_SYSCALL,
	OP_KERNEL,
	OP_USER,
	OP_READ,
	OP_MEMW,
	OP_MEMR,
	OP_HANDSHAKE
};

static uint32_t hs_seq, hs_errors;

/* One request and reply through the window (probe: the window's base). */
static void handshake(volatile uint8_t *win)
{
	volatile uint32_t *m = (volatile uint32_t *)(win + WINDOW_MEM_OFFSET);

	m[0] = ++hs_seq;
	asm volatile("dmb sy" : : : "memory");
	mmio_write32(win + EXIT_PROBE_REG_ECHO, 0);
	asm volatile("dmb sy" : : : "memory");
	if (m[1] != hs_seq + 1)
		hs_errors++;
}

/* Aligned 8-byte stores or loads over MEM_OP_BYTES at p. */
static void mem_op(volatile uint64_t *p, int write)
{
	uint64_t sink = 0;
	unsigned int i;

	for (i = 0; i < MEM_OP_BYTES / 8; i++) {
		if (write)
			p[i] = i;
		else
			sink += p[i];
	}
	asm volatile("" : : "r"(sink));
}

static void run_batch(enum op op, volatile uint8_t *probe)
{
	unsigned int i;

	for (i = 0; i < BATCH; i++) {
		switch (op) {
		case OP_HANDSHAKE:
			handshake(probe);
			break;
		case OP_MEMW:
		case OP_MEMR:
			mem_op((volatile uint64_t *)probe, op == OP_MEMW);
			break;
		case OP_SYSCALL:
			getppid();
			break;
		case OP_KERNEL:
			mmio_write32(probe + EXIT_PROBE_REG_KERNEL,
				     EXIT_PROBE_KERNEL_VALUE);
			break;
		case OP_USER:
			mmio_write32(probe + EXIT_PROBE_REG_USER, 0);
			break;
		case OP_READ:
			mmio_read32(probe + EXIT_PROBE_REG_MAGIC);
			break;
		}
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Time batches of op for secs seconds; print its line; return its ops. */
static uint64_t measure(const char *name, enum op op, volatile uint8_t *probe,
			double secs, double *lat)
{
	double start = now_ns(), sum = 0;
	unsigned int n = 0;

	while (n < MAX_BATCHES &&
	       (n < MIN_BATCHES || now_ns() - start < secs * 1e9)) {
		double t0 = now_ns();

		run_batch(op, probe);
		lat[n] = (now_ns() - t0) / BATCH;
		sum += lat[n++];
	}
	qsort(lat, n, sizeof(*lat), cmp_double);
	printf("EXIT %s%s med_ns=%.0f avg_ns=%.0f ops=%u\n", pfx, name,
	       lat[n / 2], sum / n, n * BATCH);
	fflush(stdout);
	return (uint64_t)n * BATCH;
}

static uint64_t probe_count(volatile uint8_t *probe)
{
	uint64_t lo = mmio_read32(probe + EXIT_PROBE_REG_COUNT);

	return lo | (uint64_t)mmio_read32(probe + EXIT_PROBE_REG_COUNT + 4)
			    << 32;
}

/*
 * The window's shared memory: coherence with the top turtle, the cost of
 * stores and loads against this guest's RAM, an unaligned load.
 */
#define POOL_MAP_SIZE 0x10000 /* DIRECT_POOL_SIZE */

/* The pool from the level above's RAM, seen from the top turtle. */
static void direct_pool(volatile uint8_t *win, int fd, double secs, double *lat)
{
	volatile uint32_t *w;
	uint32_t sum = 0, top, pages;
	uint64_t base;
	unsigned int i;
	void *m;

	if (find_probe("direct-pool@", &base)) {
		printf("EXIT direct-pool none\n");
		return;
	}
	m = mmap(NULL, POOL_MAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)base);
	if (m == MAP_FAILED) {
		printf("EXIT direct-pool none (mapping 0x%llx: %s)\n",
		       (unsigned long long)base, strerror(errno));
		return;
	}
	w = m;
	for (i = 0; i < POOL_MAP_SIZE / 4; i++) {
		w[i] = i * 40503u + (uint32_t)getpid();
		sum += i * 40503u + (uint32_t)getpid();
	}
	asm volatile("dmb sy" : : : "memory");
	top = mmio_read32(win + EXIT_PROBE_REG_POOL_SUM);
	pages = mmio_read32(win + EXIT_PROBE_REG_POOL_PAGES);
	printf("EXIT direct-pool coherent=%d pages=%u sum=%u top_sum=%u\n",
	       sum == top && pages == POOL_MAP_SIZE / EXIT_PROBE_POOL_PAGE,
	       pages, sum, top);
	fflush(stdout);
	measure("pool-write", OP_MEMW, m, secs, lat);
	munmap(m, POOL_MAP_SIZE);
}

static void direct_mem(volatile uint8_t *win, int fd, double secs, double *lat)
{
	volatile uint32_t *w = (volatile uint32_t *)(win + WINDOW_MEM_OFFSET);
	uint32_t sum = 0, top;
	static uint64_t ram[MEM_OP_BYTES / 8];
	unsigned int i;
	int status;
	pid_t pid;

	for (i = 0; i < WINDOW_MEM_SIZE / 4; i++) {
		w[i] = i * 2654435761u + (uint32_t)getpid();
		sum += i * 2654435761u + (uint32_t)getpid();
	}
	top = mmio_read32(win + EXIT_PROBE_REG_SUM);
	printf("EXIT direct-mem coherent=%d sum=%u top_sum=%u\n", sum == top,
	       sum, top);
	fflush(stdout);
	measure("mem-write", OP_MEMW, win + WINDOW_MEM_OFFSET, secs, lat);
	measure("mem-read", OP_MEMR, win + WINDOW_MEM_OFFSET, secs, lat);
	measure("ram-write", OP_MEMW, (volatile uint8_t *)ram, secs, lat);
	measure("ram-read", OP_MEMR, (volatile uint8_t *)ram, secs, lat);
	measure("handshake", OP_HANDSHAKE, win, secs, lat);
	printf("EXIT direct-mem handshake_errors=%u\n", hs_errors);
	direct_pool(win, fd, secs, lat);
	/* Device memory takes no unaligned access: try it in a child. */
	pid = fork();
	if (pid == 0) {
		uint64_t v;

		asm volatile("ldr %0, [%1]"
			     : "=r"(v)
			     : "r"(win + WINDOW_MEM_OFFSET + 1)
			     : "memory");
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		printf("EXIT direct-mem unaligned=unknown\n");
	else if (WIFSIGNALED(status))
		printf("EXIT direct-mem unaligned=signal-%d\n",
		       WTERMSIG(status));
	else
		printf("EXIT direct-mem unaligned=ok\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	uint64_t base, before, after, expected;
	volatile uint8_t *probe;
	const char *node = "exit-probe@";
	double secs = 0.5;
	double *lat;
	char *end;
	int fd, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--direct")) {
			node = "direct-window@";
			pfx = "direct-";
		} else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
			secs = strtod(argv[++i], &end);
			if (*end || secs <= 0 || secs > 3600) {
				fprintf(stderr,
					"exitbench: --seconds: '%s' is not a time from 0 to 3600\n",
					argv[i]);
				return 2;
			}
		} else {
			fprintf(stderr,
				"usage: exitbench [--seconds S] [--direct]\n");
			return 2;
		}
	}
	if (find_probe(node, &base)) {
		fprintf(stderr,
			"exitbench: no %s node in the device tree (run the guest with turtle run %s)\n",
			*pfx ? "direct-window" : "exit-probe",
			*pfx ? "--direct-window" : "--exit-probe");
		return 1;
	}
	fd = open("/dev/mem", O_RDWR | O_SYNC | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr,
			"exitbench: /dev/mem: %s (the kernel needs CONFIG_DEVMEM)\n",
			strerror(errno));
		return 1;
	}
	probe = mmap(NULL, *pfx ? WINDOW_MAP_SIZE : PROBE_MAP_SIZE,
		     PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)base);
	if (probe == MAP_FAILED) {
		fprintf(stderr, "exitbench: mapping the probe at 0x%llx: %s\n",
			(unsigned long long)base, strerror(errno));
		return 1;
	}
	if (mmio_read32(probe + EXIT_PROBE_REG_MAGIC) != EXIT_PROBE_MAGIC) {
		fprintf(stderr, "exitbench: no exit probe answers at 0x%llx\n",
			(unsigned long long)base);
		return 1;
	}
	lat = calloc(MAX_BATCHES, sizeof(*lat));
	if (!lat)
		return 1;

	printf("EXIT %sinfo probe=0x%llx seconds=%g\n", pfx,
	       (unsigned long long)base, secs);
	measure("syscall", OP_SYSCALL, probe, secs, lat);
	before = probe_count(probe);
	measure("mmio-kernel", OP_KERNEL, probe, secs, lat);
	expected = measure("mmio-user", OP_USER, probe, secs, lat);
	expected += measure("mmio-read", OP_READ, probe, secs, lat);
	after = probe_count(probe);
	/* And two reads of probe_count(): before's high half, after's low. */
	expected += 2;
	printf("EXIT %scounted to_turtle=%llu expected=%llu\n", pfx,
	       (unsigned long long)(after - before),
	       (unsigned long long)expected);
	if (*pfx)
		direct_mem(probe, fd, secs, lat);
	printf("EXIT %sdone\n", pfx);
	return after - before == expected ? 0 : 1;
}
