// SPDX-License-Identifier: GPL-2.0
/* fdt__build: the guest's device tree, read back with libfdt. */
#include <endian.h>
#include <libfdt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../boot/fdt.h"
#include "../../lib/log.h"
#include "../../vmm/platform.h"
#include "suites.h"

#define FDT_BUF_SIZE 0x10000
#define BOOTARGS "console=ttyAMA0 earlycon rdinit=/init quiet"
#define INITRD_START (RAM_BASE + 0x1e000000ULL)
#define INITRD_END (INITRD_START + 0x123456ULL)
#define RAM_SIZE (512ULL << 20)

/* DT interrupt specifier values (dt-bindings/interrupt-controller). */
#define SPI 0
#define PPI 1
#define EDGE_RISING 1
#define LEVEL_HIGH 4

/* libfdt wants the blob 8-byte aligned. */
static uint64_t fdt_buf[FDT_BUF_SIZE / sizeof(uint64_t)];

static void params(struct fdt_params *p, unsigned int ncpus, int el2)
{
	unsigned int i;

	memset(p, 0, sizeof(*p));
	p->ram_base = RAM_BASE;
	p->ram_size = RAM_SIZE;
	p->ncpus = ncpus;
	p->el2 = el2;
	p->gic_dist_base = GIC_DIST_BASE;
	p->gic_dist_size = GIC_DIST_SIZE;
	p->gic_redist_base = GIC_REDIST_BASE;
	p->gic_redist_size = ncpus * GIC_REDIST_SIZE_PER_CPU;
	p->uart_base = UART_BASE;
	p->uart_size = UART_SIZE;
	p->uart_spi = UART_SPI;
	p->rtc_base = RTC_BASE;
	p->rtc_size = RTC_SIZE;
	p->rtc_spi = RTC_SPI;
	p->bootargs = BOOTARGS;
	p->initrd_start = INITRD_START;
	p->initrd_end = INITRD_END;
	p->nvirtio = 2;
	for (i = 0; i < p->nvirtio; i++) {
		p->virtio[i].base = VIRTIO_MMIO_BASE + i * VIRTIO_MMIO_SLOT;
		p->virtio[i].size = VIRTIO_MMIO_SLOT;
		p->virtio[i].spi = VIRTIO_MMIO_SPI_BASE + i;
	}
}

static const void *build(const struct fdt_params *p)
{
	char err[ERRBUF_LEN] = "";

	memset(fdt_buf, 0xa5, sizeof(fdt_buf));
	ck_assert_msg(fdt__build(p, fdt_buf, sizeof(fdt_buf), err) == 0,
		      "fdt__build failed: %s", err);
	ck_assert_int_eq(fdt_check_header(fdt_buf), 0);
	return fdt_buf;
}

/* The EL1 guest: 2 vCPUs, an initrd, bootargs, two virtio devices. */
static const void *build_el1(void)
{
	struct fdt_params p;

	params(&p, 2, 0);
	return build(&p);
}

/* The EL2 guest: 1 vCPU at EL2. */
static const void *build_el2(void)
{
	struct fdt_params p;

	params(&p, 1, 1);
	return build(&p);
}

static uint32_t cell32(const void *prop, int i)
{
	uint32_t v;

	memcpy(&v, (const uint8_t *)prop + 4 * i, sizeof(v));
	return be32toh(v);
}

static uint64_t cell64(const void *prop, int i)
{
	uint64_t v;

	memcpy(&v, (const uint8_t *)prop + 8 * i, sizeof(v));
	return be64toh(v);
}

static int path(const void *fdt, const char *p)
{
	int off = fdt_path_offset(fdt, p);

	ck_assert_msg(off >= 0, "no node %s: %s", p, fdt_strerror(off));
	return off;
}

static int compatible(const void *fdt, const char *compat)
{
	int off = fdt_node_offset_by_compatible(fdt, -1, compat);

	ck_assert_msg(off >= 0, "no node compatible with %s: %s", compat,
		      fdt_strerror(off));
	return off;
}

/* The property, which must be len bytes long (len < 0: any length). */
static const void *prop(const void *fdt, int node, const char *name, int len)
{
	const void *v;
	int l;

	v = fdt_getprop(fdt, node, name, &l);
	ck_assert_msg(v != NULL, "%s has no %s: %s",
		      fdt_get_name(fdt, node, NULL), name, fdt_strerror(l));
	if (len >= 0)
		ck_assert_msg(l == len, "%s %s is %d bytes, not %d",
			      fdt_get_name(fdt, node, NULL), name, l, len);
	return v;
}

static uint32_t prop_u32(const void *fdt, int node, const char *name)
{
	return cell32(prop(fdt, node, name, 4), 0);
}

static void assert_prop_str(const void *fdt, int node, const char *name,
			    const char *want)
{
	const char *v = prop(fdt, node, name, -1);

	ck_assert_str_eq(v, want);
}

static void assert_irq(const void *irqs, int i, uint32_t type, uint32_t nr,
		       uint32_t flags)
{
	ck_assert_uint_eq(cell32(irqs, 3 * i), type);
	ck_assert_uint_eq(cell32(irqs, 3 * i + 1), nr);
	ck_assert_uint_eq(cell32(irqs, 3 * i + 2), flags);
}

/* How many direct children of parent have a name starting with prefix. */
static int count_subnodes(const void *fdt, int parent, const char *prefix)
{
	int node, n = 0;

	fdt_for_each_subnode(node, fdt, parent)
	{
		if (!strncmp(fdt_get_name(fdt, node, NULL), prefix,
			     strlen(prefix)))
			n++;
	}
	return n;
}

START_TEST(test_fdt_el1_tree_is_valid)
{
	const void *fdt = build_el1();

	ck_assert_uint_le(fdt_totalsize(fdt), FDT_BUF_SIZE);
	ck_assert_int_eq(fdt_path_offset(fdt, "/"), 0);
}
END_TEST

START_TEST(test_fdt_root_cells_are_two)
{
	const void *fdt = build_el1();

	ck_assert_uint_eq(prop_u32(fdt, 0, "#address-cells"), 2);
	ck_assert_uint_eq(prop_u32(fdt, 0, "#size-cells"), 2);
	ck_assert_int_eq(fdt_address_cells(fdt, 0), 2);
	ck_assert_int_eq(fdt_size_cells(fdt, 0), 2);
}
END_TEST

START_TEST(test_fdt_memory_node_reg_and_type)
{
	const void *fdt = build_el1();
	int node = path(fdt, "/memory@40000000");
	const void *reg = prop(fdt, node, "reg", 16);

	ck_assert_uint_eq(cell64(reg, 0), RAM_BASE);
	ck_assert_uint_eq(cell64(reg, 1), RAM_SIZE);
	assert_prop_str(fdt, node, "device_type", "memory");
}
END_TEST

START_TEST(test_fdt_cpus_one_node_per_vcpu)
{
	const void *fdt = build_el1();
	int cpus = path(fdt, "/cpus");
	unsigned int i;

	ck_assert_uint_eq(prop_u32(fdt, cpus, "#address-cells"), 1);
	ck_assert_uint_eq(prop_u32(fdt, cpus, "#size-cells"), 0);
	ck_assert_int_eq(count_subnodes(fdt, cpus, "cpu@"), 2);
	for (i = 0; i < 2; i++) {
		char name[32];
		int cpu;

		snprintf(name, sizeof(name), "/cpus/cpu@%x", i);
		cpu = path(fdt, name);
		assert_prop_str(fdt, cpu, "device_type", "cpu");
		ck_assert_uint_eq(prop_u32(fdt, cpu, "reg"), i);
	}
}
END_TEST

START_TEST(test_fdt_smp_cpus_use_psci_enable_method)
{
	const void *fdt = build_el1();

	assert_prop_str(fdt, path(fdt, "/cpus/cpu@0"), "enable-method", "psci");
	assert_prop_str(fdt, path(fdt, "/cpus/cpu@1"), "enable-method", "psci");
}
END_TEST

START_TEST(test_fdt_single_cpu_has_no_enable_method)
{
	const void *fdt = build_el2();
	int cpus = path(fdt, "/cpus");

	ck_assert_int_eq(count_subnodes(fdt, cpus, "cpu@"), 1);
	ck_assert_ptr_null(fdt_getprop(fdt, path(fdt, "/cpus/cpu@0"),
				       "enable-method", NULL));
}
END_TEST

START_TEST(test_fdt_cpu_reg_is_mpidr_past_16_cpus)
{
	struct fdt_params p;
	const void *fdt;
	int node;

	params(&p, 20, 0);
	fdt = build(&p);
	ck_assert_int_eq(count_subnodes(fdt, path(fdt, "/cpus"), "cpu@"), 20);
	ck_assert_uint_eq(prop_u32(fdt, path(fdt, "/cpus/cpu@f"), "reg"), 0xf);
	ck_assert_uint_eq(prop_u32(fdt, path(fdt, "/cpus/cpu@100"), "reg"),
			  0x100);
	node = path(fdt, "/cpus/cpu@101"); /* the 18th vCPU, cpu 17 */
	ck_assert_uint_eq(prop_u32(fdt, node, "reg"), 0x101);
	ck_assert_int_lt(fdt_path_offset(fdt, "/cpus/cpu@10"), 0);
}
END_TEST

START_TEST(test_fdt_psci_el1_uses_hvc)
{
	const void *fdt = build_el1();
	int node = path(fdt, "/psci");

	ck_assert_int_eq(fdt_node_check_compatible(fdt, node, "arm,psci-0.2"),
			 0);
	assert_prop_str(fdt, node, "method", "hvc");
}
END_TEST

START_TEST(test_fdt_psci_el2_uses_smc)
{
	const void *fdt = build_el2();
	int node = path(fdt, "/psci");

	ck_assert_int_eq(fdt_node_check_compatible(fdt, node, "arm,psci-0.2"),
			 0);
	assert_prop_str(fdt, node, "method", "smc");
}
END_TEST

START_TEST(test_fdt_gic_v3_node)
{
	const void *fdt = build_el1();
	int gic = compatible(fdt, "arm,gic-v3");
	const void *reg;

	prop(fdt, gic, "interrupt-controller", 0);
	ck_assert_uint_eq(prop_u32(fdt, gic, "#interrupt-cells"), 3);
	reg = prop(fdt, gic, "reg", 4 * 8);
	ck_assert_uint_eq(cell64(reg, 0), GIC_DIST_BASE);
	ck_assert_uint_eq(cell64(reg, 1), GIC_DIST_SIZE);
	ck_assert_uint_eq(cell64(reg, 2), GIC_REDIST_BASE);
	ck_assert_uint_eq(cell64(reg, 3), 2 * GIC_REDIST_SIZE_PER_CPU);
}
END_TEST

START_TEST(test_fdt_gic_maintenance_interrupt)
{
	const void *fdt = build_el1();
	int gic = compatible(fdt, "arm,gic-v3");

	assert_irq(prop(fdt, gic, "interrupts", 12), 0, PPI, 9, LEVEL_HIGH);
}
END_TEST

START_TEST(test_fdt_gic_is_root_interrupt_parent)
{
	const void *fdt = build_el1();
	int gic = compatible(fdt, "arm,gic-v3");
	uint32_t phandle = fdt_get_phandle(fdt, gic);

	ck_assert_uint_ne(phandle, 0);
	ck_assert_uint_eq(prop_u32(fdt, 0, "interrupt-parent"), phandle);
	ck_assert_int_eq(fdt_node_offset_by_phandle(fdt, phandle), gic);
}
END_TEST

START_TEST(test_fdt_el1_timer_has_four_ppis)
{
	static const uint32_t want[] = { 13, 14, 11, 10 };
	const void *fdt = build_el1();
	int timer = compatible(fdt, "arm,armv8-timer");
	const void *irqs = prop(fdt, timer, "interrupts", 4 * 12);
	int i;

	for (i = 0; i < 4; i++)
		assert_irq(irqs, i, PPI, want[i], LEVEL_HIGH);
}
END_TEST

START_TEST(test_fdt_el2_timer_adds_hyp_virtual_ppi)
{
	static const uint32_t want[] = { 13, 14, 11, 10, 12 };
	const void *fdt = build_el2();
	int timer = compatible(fdt, "arm,armv8-timer");
	const void *irqs = prop(fdt, timer, "interrupts", 5 * 12);
	int i;

	for (i = 0; i < 5; i++)
		assert_irq(irqs, i, PPI, want[i], LEVEL_HIGH);
}
END_TEST

START_TEST(test_fdt_pl011_reg_and_interrupt)
{
	const void *fdt = build_el1();
	int uart = compatible(fdt, "arm,pl011");
	const void *reg = prop(fdt, uart, "reg", 16);

	ck_assert_uint_eq(cell64(reg, 0), UART_BASE);
	ck_assert_uint_eq(cell64(reg, 1), UART_SIZE);
	assert_irq(prop(fdt, uart, "interrupts", 12), 0, SPI, UART_SPI,
		   LEVEL_HIGH);
}
END_TEST

START_TEST(test_fdt_pl011_clocks_reference_fixed_clock)
{
	const void *fdt = build_el1();
	int uart = compatible(fdt, "arm,pl011");
	int clk = compatible(fdt, "fixed-clock");
	uint32_t phandle = fdt_get_phandle(fdt, clk);
	int len, i;
	const void *clocks = fdt_getprop(fdt, uart, "clocks", &len);

	ck_assert_uint_ne(phandle, 0);
	ck_assert_uint_ne(phandle,
			  fdt_get_phandle(fdt, compatible(fdt, "arm,gic-v3")));
	ck_assert_ptr_nonnull(clocks);
	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(len % 4, 0);
	for (i = 0; i < len / 4; i++)
		ck_assert_uint_eq(cell32(clocks, i), phandle);
	ck_assert_uint_eq(prop_u32(fdt, clk, "#clock-cells"), 0);
}
END_TEST

START_TEST(test_fdt_pl031_node)
{
	const void *fdt = build_el1();
	int rtc = compatible(fdt, "arm,pl031");
	const void *reg = prop(fdt, rtc, "reg", 16);
	int clk = compatible(fdt, "fixed-clock");

	ck_assert_str_eq(fdt_get_name(fdt, rtc, NULL), "pl031@9020000");
	/* The AMBA bus binds it only as a primecell, with its apb_pclk. */
	ck_assert_int_eq(fdt_node_check_compatible(fdt, rtc, "arm,primecell"),
			 0);
	ck_assert_uint_eq(cell64(reg, 0), RTC_BASE);
	ck_assert_uint_eq(cell64(reg, 1), RTC_SIZE);
	assert_irq(prop(fdt, rtc, "interrupts", 12), 0, SPI, RTC_SPI,
		   LEVEL_HIGH);
	ck_assert_uint_eq(prop_u32(fdt, rtc, "clocks"),
			  fdt_get_phandle(fdt, clk));
	assert_prop_str(fdt, rtc, "clock-names", "apb_pclk");
}
END_TEST

START_TEST(test_fdt_no_pl031_without_base)
{
	struct fdt_params p;

	params(&p, 1, 0);
	p.rtc_base = 0;
	ck_assert_int_eq(
		fdt_node_offset_by_compatible(build(&p), -1, "arm,pl031"),
		-FDT_ERR_NOTFOUND);
}
END_TEST

START_TEST(test_fdt_pmu_node_and_ppi)
{
	struct fdt_params p;
	const void *fdt;
	int pmu;

	params(&p, 2, 1);
	p.pmu = 1;
	p.pmu_ppi = PPI_PMU;
	fdt = build(&p);
	pmu = compatible(fdt, "arm,armv8-pmuv3");
	assert_irq(prop(fdt, pmu, "interrupts", 12), 0, PPI, 7, LEVEL_HIGH);
}
END_TEST

START_TEST(test_fdt_no_pmu_node_by_default)
{
	ck_assert_int_eq(fdt_node_offset_by_compatible(build_el1(), -1,
						       "arm,armv8-pmuv3"),
			 -FDT_ERR_NOTFOUND);
}
END_TEST

START_TEST(test_fdt_chosen_bootargs)
{
	const void *fdt = build_el1();

	assert_prop_str(fdt, path(fdt, "/chosen"), "bootargs", BOOTARGS);
}
END_TEST

START_TEST(test_fdt_chosen_null_bootargs_is_empty)
{
	struct fdt_params p;
	const void *fdt;

	params(&p, 1, 0);
	p.bootargs = NULL;
	fdt = build(&p);
	assert_prop_str(fdt, path(fdt, "/chosen"), "bootargs", "");
}
END_TEST

START_TEST(test_fdt_chosen_stdout_path_is_pl011)
{
	const void *fdt = build_el1();
	const char *stdout_path =
		prop(fdt, path(fdt, "/chosen"), "stdout-path", -1);
	int node = fdt_path_offset(fdt, stdout_path);
	int uart = compatible(fdt, "arm,pl011");
	char uart_path[64];

	ck_assert_msg(node >= 0, "stdout-path \"%s\" names no node",
		      stdout_path);
	ck_assert_int_eq(node, uart);
	/* The full path, unit address included, as Linux matches it. */
	ck_assert_int_eq(fdt_get_path(fdt, uart, uart_path, sizeof(uart_path)),
			 0);
	ck_assert_str_eq(stdout_path, uart_path);
}
END_TEST

START_TEST(test_fdt_chosen_initrd_range)
{
	const void *fdt = build_el1();
	int chosen = path(fdt, "/chosen");

	ck_assert_uint_eq(cell64(prop(fdt, chosen, "linux,initrd-start", 8), 0),
			  INITRD_START);
	ck_assert_uint_eq(cell64(prop(fdt, chosen, "linux,initrd-end", 8), 0),
			  INITRD_END);
}
END_TEST

START_TEST(test_fdt_chosen_without_initrd_has_no_initrd_props)
{
	struct fdt_params p;
	const void *fdt;
	int chosen, len;

	params(&p, 1, 0);
	p.initrd_start = p.initrd_end = 0;
	fdt = build(&p);
	chosen = path(fdt, "/chosen");
	ck_assert_ptr_null(
		fdt_getprop(fdt, chosen, "linux,initrd-start", &len));
	ck_assert_int_eq(len, -FDT_ERR_NOTFOUND);
	ck_assert_ptr_null(fdt_getprop(fdt, chosen, "linux,initrd-end", &len));
	ck_assert_int_eq(len, -FDT_ERR_NOTFOUND);
}
END_TEST

START_TEST(test_fdt_virtio_mmio_nodes)
{
	struct fdt_params p;
	const void *fdt;
	unsigned int i, n = 0;
	int node;

	params(&p, 2, 0);
	fdt = build(&p);
	for (node = fdt_node_offset_by_compatible(fdt, -1, "virtio,mmio");
	     node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, "virtio,mmio")) {
		const void *reg = prop(fdt, node, "reg", 16);

		for (i = 0; i < p.nvirtio; i++)
			if (cell64(reg, 0) == p.virtio[i].base)
				break;
		ck_assert_msg(i < p.nvirtio, "unexpected virtio base 0x%llx",
			      (unsigned long long)cell64(reg, 0));
		ck_assert_uint_eq(cell64(reg, 1), p.virtio[i].size);
		assert_irq(prop(fdt, node, "interrupts", 12), 0, SPI,
			   p.virtio[i].spi, EDGE_RISING);
		n++;
	}
	ck_assert_uint_eq(n, 2);
}
END_TEST

START_TEST(test_fdt_no_virtio_nodes_when_nvirtio_zero)
{
	struct fdt_params p;
	const void *fdt;

	params(&p, 1, 0);
	p.nvirtio = 0;
	fdt = build(&p);
	ck_assert_int_eq(fdt_node_offset_by_compatible(fdt, -1, "virtio,mmio"),
			 -FDT_ERR_NOTFOUND);
}
END_TEST

START_TEST(test_fdt_exit_probe_node)
{
	const fdt64_t *reg;
	struct fdt_params p;
	const void *fdt;
	int node, len;

	params(&p, 1, 0);
	p.exit_probe_base = EXIT_PROBE_BASE;
	p.exit_probe_size = EXIT_PROBE_SIZE;
	fdt = build(&p);
	node = fdt_node_offset_by_compatible(fdt, -1, "turtle,exit-probe");
	ck_assert_int_ge(node, 0);
	ck_assert_str_eq(fdt_get_name(fdt, node, NULL), "exit-probe@9010000");
	reg = fdt_getprop(fdt, node, "reg", &len);
	ck_assert_ptr_nonnull(reg);
	ck_assert_int_eq(len, 16);
	ck_assert_uint_eq(fdt64_to_cpu(reg[0]), EXIT_PROBE_BASE);
	ck_assert_uint_eq(fdt64_to_cpu(reg[1]), EXIT_PROBE_SIZE);
	/* No interrupt: nothing for a driver to bind to. */
	ck_assert_ptr_null(fdt_getprop(fdt, node, "interrupts", NULL));
}
END_TEST

START_TEST(test_fdt_direct_window_node)
{
	struct fdt_params p;
	const void *fdt;
	const void *reg;
	int node;

	params(&p, 1, 1);
	p.direct_base = DIRECT_WINDOW_BASE;
	p.direct_size = DIRECT_WINDOW_SIZE;
	fdt = build(&p);
	node = compatible(fdt, "turtle,direct-window");
	ck_assert_str_eq(fdt_get_name(fdt, node, NULL),
			 "direct-window@9040000");
	reg = prop(fdt, node, "reg", 16);
	ck_assert_uint_eq(cell64(reg, 0), DIRECT_WINDOW_BASE);
	ck_assert_uint_eq(cell64(reg, 1), DIRECT_WINDOW_SIZE);
	/* No interrupt and no driver: the guest's turtle may map it. */
	ck_assert_ptr_null(fdt_getprop(fdt, node, "interrupts", NULL));
}
END_TEST

START_TEST(test_fdt_direct_pool_node)
{
	struct fdt_params p;
	const void *fdt;
	const void *reg;
	int node;

	params(&p, 1, 0);
	p.direct_base = DIRECT_WINDOW_BASE;
	p.direct_size = DIRECT_WINDOW_SIZE;
	p.direct_pool_base = DIRECT_POOL_BASE;
	p.direct_pool_size = DIRECT_POOL_SIZE;
	fdt = build(&p);
	node = compatible(fdt, "turtle,direct-pool");
	ck_assert_str_eq(fdt_get_name(fdt, node, NULL), "direct-pool@30000000");
	reg = prop(fdt, node, "reg", 16);
	ck_assert_uint_eq(cell64(reg, 0), DIRECT_POOL_BASE);
	ck_assert_uint_eq(cell64(reg, 1), DIRECT_POOL_SIZE);
	/* Not RAM: the guest's kernel must not allocate from it. */
	ck_assert_ptr_null(fdt_getprop(fdt, node, "device_type", NULL));
}
END_TEST

START_TEST(test_fdt_no_direct_window_by_default)
{
	ck_assert_int_eq(fdt_node_offset_by_compatible(build_el1(), -1,
						       "turtle,direct-window"),
			 -FDT_ERR_NOTFOUND);
	ck_assert_int_eq(fdt_node_offset_by_compatible(build_el1(), -1,
						       "turtle,direct-pool"),
			 -FDT_ERR_NOTFOUND);
}
END_TEST

START_TEST(test_fdt_no_exit_probe_by_default)
{
	ck_assert_int_eq(fdt_node_offset_by_compatible(build_el1(), -1,
						       "turtle,exit-probe"),
			 -FDT_ERR_NOTFOUND);
}
END_TEST

START_TEST(test_fdt_small_buffer_fails)
{
	static uint64_t small[256 / sizeof(uint64_t)];
	struct fdt_params p;
	char err[ERRBUF_LEN] = "";

	params(&p, 2, 0);
	ck_assert_int_eq(fdt__build(&p, small, sizeof(small), err), -1);
	ck_assert_err_has(err, "device tree");
}
END_TEST

START_TEST(test_fdt_zero_cpus_fails)
{
	struct fdt_params p;
	char err[ERRBUF_LEN] = "";

	params(&p, 1, 0);
	p.ncpus = 0;
	ck_assert_int_eq(fdt__build(&p, fdt_buf, sizeof(fdt_buf), err), -1);
	ck_assert_err_has(err, "device tree");
}
END_TEST

START_TEST(test_fdt_too_many_virtio_fails)
{
	struct fdt_params p;
	char err[ERRBUF_LEN] = "";

	params(&p, 1, 0);
	p.nvirtio = FDT_MAX_VIRTIO + 1;
	ck_assert_int_eq(fdt__build(&p, fdt_buf, sizeof(fdt_buf), err), -1);
	ck_assert_err_has(err, "device tree");
}
END_TEST

Suite *fdt_suite(void)
{
	Suite *s = suite_create("fdt");
	TCase *tc;

	tc = tcase_create("nodes");
	tcase_add_test(tc, test_fdt_el1_tree_is_valid);
	tcase_add_test(tc, test_fdt_root_cells_are_two);
	tcase_add_test(tc, test_fdt_memory_node_reg_and_type);
	tcase_add_test(tc, test_fdt_cpus_one_node_per_vcpu);
	tcase_add_test(tc, test_fdt_smp_cpus_use_psci_enable_method);
	tcase_add_test(tc, test_fdt_single_cpu_has_no_enable_method);
	tcase_add_test(tc, test_fdt_cpu_reg_is_mpidr_past_16_cpus);
	tcase_add_test(tc, test_fdt_psci_el1_uses_hvc);
	tcase_add_test(tc, test_fdt_psci_el2_uses_smc);
	tcase_add_test(tc, test_fdt_gic_v3_node);
	tcase_add_test(tc, test_fdt_gic_maintenance_interrupt);
	tcase_add_test(tc, test_fdt_gic_is_root_interrupt_parent);
	tcase_add_test(tc, test_fdt_el1_timer_has_four_ppis);
	tcase_add_test(tc, test_fdt_el2_timer_adds_hyp_virtual_ppi);
	tcase_add_test(tc, test_fdt_pl011_reg_and_interrupt);
	tcase_add_test(tc, test_fdt_pl011_clocks_reference_fixed_clock);
	tcase_add_test(tc, test_fdt_pl031_node);
	tcase_add_test(tc, test_fdt_no_pl031_without_base);
	tcase_add_test(tc, test_fdt_pmu_node_and_ppi);
	tcase_add_test(tc, test_fdt_no_pmu_node_by_default);
	tcase_add_test(tc, test_fdt_chosen_bootargs);
	tcase_add_test(tc, test_fdt_chosen_null_bootargs_is_empty);
	tcase_add_test(tc, test_fdt_chosen_stdout_path_is_pl011);
	tcase_add_test(tc, test_fdt_chosen_initrd_range);
	tcase_add_test(tc, test_fdt_chosen_without_initrd_has_no_initrd_props);
	tcase_add_test(tc, test_fdt_virtio_mmio_nodes);
	tcase_add_test(tc, test_fdt_no_virtio_nodes_when_nvirtio_zero);
	tcase_add_test(tc, test_fdt_exit_probe_node);
	tcase_add_test(tc, test_fdt_no_exit_probe_by_default);
	tcase_add_test(tc, test_fdt_direct_window_node);
	tcase_add_test(tc, test_fdt_no_direct_window_by_default);
	tcase_add_test(tc, test_fdt_direct_pool_node);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, test_fdt_small_buffer_fails);
	tcase_add_test(tc, test_fdt_zero_cpus_fails);
	tcase_add_test(tc, test_fdt_too_many_virtio_fails);
	suite_add_tcase(s, tc);

	return s;
}
