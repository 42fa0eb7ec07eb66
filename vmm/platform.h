/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest physical memory map of turtle's "virt" machine.
 *
 *   0x0800_0000  GICv3 distributor          64 KiB
 *   0x080a_0000  GICv3 redistributors       128 KiB per vCPU (up to 123)
 *   0x0900_0000  PL011 UART                 4 KiB, SPI 1
 *   0x0901_0000  exit probe (--exit-probe)  4 KiB
 *   0x0902_0000  PL031 RTC                  4 KiB, SPI 2
 *   0x0903_0000  stolen-time records        64 KiB, 64 bytes per vCPU
 *   0x0904_0000  direct window (--direct-window) 64 KiB
 *   0x0a00_0000  virtio-mmio slots          512 B each, SPI 16 upwards
 *   0x3000_0000  direct pool (--direct-window, passed on) 64 KiB
 *   0x4000_0000  RAM                        up to the IPA limit
 *
 * It follows QEMU's virt board, so a kernel developer's earlycon and
 * debugging habits carry over.
 */
#ifndef TURTLE_PLATFORM_H
#define TURTLE_PLATFORM_H

#define SZ_4K 0x1000ULL
#define SZ_64K 0x10000ULL
#define SZ_2M 0x200000ULL
#define SZ_1M 0x100000ULL

#define GIC_DIST_BASE 0x08000000ULL
#define GIC_DIST_SIZE 0x10000ULL
#define GIC_REDIST_BASE 0x080a0000ULL
#define GIC_REDIST_SIZE_PER_CPU 0x20000ULL
#define GIC_REDIST_LIMIT 0x09000000ULL

#define UART_BASE 0x09000000ULL
#define UART_SIZE SZ_4K
#define UART_SPI 1

#define EXIT_PROBE_BASE 0x09010000ULL
#define EXIT_PROBE_SIZE SZ_4K

#define RTC_BASE 0x09020000ULL
#define RTC_SIZE SZ_4K
#define RTC_SPI 2

#define PVTIME_BASE 0x09030000ULL
#define PVTIME_SIZE SZ_64K /* a whole page at any host page size */
#define PVTIME_RECORD 64

/* direct.h: served by the top turtle, passed down by every level below. */
#define DIRECT_WINDOW_BASE 0x09040000ULL
#define DIRECT_WINDOW_SIZE SZ_64K /* a whole page at any host page size */
/* The pool a passing turtle gives its guest from its own RAM (direct.h). */
#define DIRECT_POOL_BASE 0x30000000ULL
#define DIRECT_POOL_SIZE SZ_64K

#define VIRTIO_MMIO_BASE 0x0a000000ULL
#define VIRTIO_MMIO_SLOT 0x200ULL
#define VIRTIO_MMIO_SPI_BASE 16

#define RAM_BASE 0x40000000ULL

/* GIC interrupt numbering */
#define GIC_SPI_BASE 32
#define GIC_PPI_BASE 16
#define GIC_NR_IRQS 128 /* SGIs + PPIs + 96 SPIs */

/* PPIs (numbered from 0, as device trees do) */
#define PPI_PMU 7
#define PPI_MAINT 9
#define PPI_TIMER_HYP_PHYS 10
#define PPI_TIMER_VIRT 11
#define PPI_TIMER_HYP_VIRT 12
#define PPI_TIMER_SEC_PHYS 13
#define PPI_TIMER_PHYS 14

#define MAX_CPUS \
	((GIC_REDIST_LIMIT - GIC_REDIST_BASE) / GIC_REDIST_SIZE_PER_CPU)

#endif
