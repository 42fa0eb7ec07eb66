// SPDX-License-Identifier: GPL-2.0
#include "fdt.h"

#include <libfdt.h>
#include <stdio.h>

#include "../lib/log.h"
#include "../vmm/platform.h"

/* dt-bindings/interrupt-controller/arm-gic.h */
#define DT_GIC_SPI 0
#define DT_GIC_PPI 1
#define DT_IRQ_EDGE_RISING 1
#define DT_IRQ_LEVEL_HIGH 4

#define PHANDLE_GIC 1
#define PHANDLE_CLK 2

#define UART_CLOCK_HZ 24000000

/* Every libfdt call returns <0 on error; bail out with the first one. */
#define FDT_TRY(x)                 \
	do {                       \
		int __r = (x);     \
		if (__r < 0) {     \
			ret = __r; \
			goto fail; \
		}                  \
	} while (0)

static int prop_reg(void *fdt, uint64_t base, uint64_t size)
{
	fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

	return fdt_property(fdt, "reg", reg, sizeof(reg));
}

static int prop_irq(void *fdt, uint32_t type, uint32_t nr, uint32_t flags)
{
	fdt32_t irq[3] = { cpu_to_fdt32(type), cpu_to_fdt32(nr),
			   cpu_to_fdt32(flags) };

	return fdt_property(fdt, "interrupts", irq, sizeof(irq));
}

static int node_cpus(void *fdt, const struct fdt_params *p)
{
	char name[32];
	unsigned int i;
	int ret;

	FDT_TRY(fdt_begin_node(fdt, "cpus"));
	FDT_TRY(fdt_property_u32(fdt, "#address-cells", 1));
	FDT_TRY(fdt_property_u32(fdt, "#size-cells", 0));
	for (i = 0; i < p->ncpus; i++) {
		/* KVM's vCPU MPIDR: 16 vCPUs per Aff0 cluster. */
		uint32_t mpidr = (i & 0xf) | ((i >> 4) << 8);

		snprintf(name, sizeof(name), "cpu@%x", mpidr);
		FDT_TRY(fdt_begin_node(fdt, name));
		FDT_TRY(fdt_property_string(fdt, "device_type", "cpu"));
		FDT_TRY(fdt_property_string(fdt, "compatible", "arm,arm-v8"));
		FDT_TRY(fdt_property_u32(fdt, "reg", mpidr));
		if (p->ncpus > 1)
			FDT_TRY(fdt_property_string(fdt, "enable-method",
						    "psci"));
		FDT_TRY(fdt_end_node(fdt));
	}
	FDT_TRY(fdt_end_node(fdt));
	return 0;
fail:
	return ret;
}

static int node_psci(void *fdt, const struct fdt_params *p)
{
	static const char compat[] = "arm,psci-0.2\0arm,psci";
	int ret;

	FDT_TRY(fdt_begin_node(fdt, "psci"));
	FDT_TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	/*
	 * A guest at EL2 owns HVC for its own guests: it must call PSCI
	 * firmware with SMC, which KVM traps and handles the same way.
	 */
	FDT_TRY(fdt_property_string(fdt, "method", p->el2 ? "smc" : "hvc"));
	FDT_TRY(fdt_end_node(fdt));
	return 0;
fail:
	return ret;
}

static int node_gic(void *fdt, const struct fdt_params *p)
{
	fdt64_t reg[4] = {
		cpu_to_fdt64(p->gic_dist_base),
		cpu_to_fdt64(p->gic_dist_size),
		cpu_to_fdt64(p->gic_redist_base),
		cpu_to_fdt64(p->gic_redist_size),
	};
	char name[40];
	int ret;

	snprintf(name, sizeof(name), "intc@%llx",
		 (unsigned long long)p->gic_dist_base);
	FDT_TRY(fdt_begin_node(fdt, name));
	FDT_TRY(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
	FDT_TRY(fdt_property_u32(fdt, "#interrupt-cells", 3));
	FDT_TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	FDT_TRY(fdt_property_u32(fdt, "#redistributor-regions", 1));
	FDT_TRY(fdt_property(fdt, "reg", reg, sizeof(reg)));
	/* The maintenance interrupt: a guest hypervisor's vGIC needs it. */
	FDT_TRY(prop_irq(fdt, DT_GIC_PPI, PPI_MAINT, DT_IRQ_LEVEL_HIGH));
	FDT_TRY(fdt_property_u32(fdt, "phandle", PHANDLE_GIC));
	FDT_TRY(fdt_end_node(fdt));
	return 0;
fail:
	return ret;
}

static int node_timer(void *fdt, const struct fdt_params *p)
{
	static const uint32_t ppis[] = { PPI_TIMER_SEC_PHYS, PPI_TIMER_PHYS,
					 PPI_TIMER_VIRT, PPI_TIMER_HYP_PHYS,
					 PPI_TIMER_HYP_VIRT };
	static const char compat[] = "arm,armv8-timer\0arm,armv7-timer";
	fdt32_t irqs[5 * 3];
	unsigned int i, n = p->el2 ? 5 : 4;
	int ret;

	for (i = 0; i < n; i++) {
		irqs[i * 3] = cpu_to_fdt32(DT_GIC_PPI);
		irqs[i * 3 + 1] = cpu_to_fdt32(ppis[i]);
		irqs[i * 3 + 2] = cpu_to_fdt32(DT_IRQ_LEVEL_HIGH);
	}
	FDT_TRY(fdt_begin_node(fdt, "timer"));
	FDT_TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	FDT_TRY(fdt_property(fdt, "interrupts", irqs, n * 3 * sizeof(fdt32_t)));
	FDT_TRY(fdt_property(fdt, "always-on", NULL, 0));
	FDT_TRY(fdt_end_node(fdt));
	return 0;
fail:
	return ret;
}

static int node_uart(void *fdt, const struct fdt_params *p, char *path,
		     size_t pathlen)
{
	static const char compat[] = "arm,pl011\0arm,primecell";
	static const char clk_names[] = "uartclk\0apb_pclk";
	fdt32_t clks[2] = { cpu_to_fdt32(PHANDLE_CLK),
			    cpu_to_fdt32(PHANDLE_CLK) };
	int ret;

	FDT_TRY(fdt_begin_node(fdt, "apb-pclk"));
	FDT_TRY(fdt_property_string(fdt, "compatible", "fixed-clock"));
	FDT_TRY(fdt_property_u32(fdt, "#clock-cells", 0));
	FDT_TRY(fdt_property_u32(fdt, "clock-frequency", UART_CLOCK_HZ));
	FDT_TRY(fdt_property_string(fdt, "clock-output-names", "clk24mhz"));
	FDT_TRY(fdt_property_u32(fdt, "phandle", PHANDLE_CLK));
	FDT_TRY(fdt_end_node(fdt));

	snprintf(path, pathlen, "/pl011@%llx",
		 (unsigned long long)p->uart_base);
	FDT_TRY(fdt_begin_node(fdt, path + 1));
	FDT_TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	FDT_TRY(prop_reg(fdt, p->uart_base, p->uart_size));
	FDT_TRY(prop_irq(fdt, DT_GIC_SPI, p->uart_spi, DT_IRQ_LEVEL_HIGH));
	FDT_TRY(fdt_property(fdt, "clocks", clks, sizeof(clks)));
	FDT_TRY(fdt_property(fdt, "clock-names", clk_names, sizeof(clk_names)));
	FDT_TRY(fdt_end_node(fdt));
	return 0;
fail:
	return ret;
}

static int node_rtc(void *fdt, const struct fdt_params *p)
{
	static const char compat[] = "arm,pl031\0arm,primecell";
	fdt32_t clk = cpu_to_fdt32(PHANDLE_CLK);
	char name[40];
	int ret;

	snprintf(name, sizeof(name), "pl031@%llx",
		 (unsigned long long)p->rtc_base);
	FDT_TRY(fdt_begin_node(fdt, name));
	FDT_TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	FDT_TRY(prop_reg(fdt, p->rtc_base, p->rtc_size));
	FDT_TRY(prop_irq(fdt, DT_GIC_SPI, p->rtc_spi, DT_IRQ_LEVEL_HIGH));
	FDT_TRY(fdt_property(fdt, "clocks", &clk, sizeof(clk)));
	FDT_TRY(fdt_property_string(fdt, "clock-names", "apb_pclk"));
	FDT_TRY(fdt_end_node(fdt));
	return 0;
fail:
	return ret;
}

/* PMUv3: KVM's emulated counters, one overflow PPI on every vCPU. */
static int node_pmu(void *fdt, const struct fdt_params *p)
{
	int ret;

	FDT_TRY(fdt_begin_node(fdt, "pmu"));
	FDT_TRY(fdt_property_string(fdt, "compatible", "arm,armv8-pmuv3"));
	FDT_TRY(prop_irq(fdt, DT_GIC_PPI, p->pmu_ppi, DT_IRQ_LEVEL_HIGH));
	FDT_TRY(fdt_end_node(fdt));
	return 0;
fail:
	return ret;
}

static int node_virtio(void *fdt, const struct fdt_virtio_mmio *v)
{
	char name[40];
	int ret;

	snprintf(name, sizeof(name), "virtio_mmio@%llx",
		 (unsigned long long)v->base);
	FDT_TRY(fdt_begin_node(fdt, name));
	FDT_TRY(fdt_property_string(fdt, "compatible", "virtio,mmio"));
	FDT_TRY(prop_reg(fdt, v->base, v->size));
	FDT_TRY(prop_irq(fdt, DT_GIC_SPI, v->spi, DT_IRQ_EDGE_RISING));
	FDT_TRY(fdt_property(fdt, "dma-coherent", NULL, 0));
	FDT_TRY(fdt_end_node(fdt));
	return 0;
fail:
	return ret;
}

/* A node with a compatible and a reg alone, named NAME@base. */
static int node_plain(void *fdt, const char *name, const char *compatible,
		      uint64_t base, uint64_t size)
{
	char node[48];
	int ret;

	snprintf(node, sizeof(node), "%s@%llx", name, (unsigned long long)base);
	FDT_TRY(fdt_begin_node(fdt, node));
	FDT_TRY(fdt_property_string(fdt, "compatible", compatible));
	FDT_TRY(prop_reg(fdt, base, size));
	FDT_TRY(fdt_end_node(fdt));
	return 0;
fail:
	return ret;
}

static int node_exit_probe(void *fdt, const struct fdt_params *p)
{
	return node_plain(fdt, "exit-probe", "turtle,exit-probe",
			  p->exit_probe_base, p->exit_probe_size);
}

/*
 * The direct window: "turtle,direct-window", which no driver claims, so
 * that the guest's turtle may map it into its own guest (vmm/direct.h).
 */
static int node_direct(void *fdt, const struct fdt_params *p)
{
	return node_plain(fdt, "direct-window", "turtle,direct-window",
			  p->direct_base, p->direct_size);
}

/* The direct pool: memory, but not the guest's RAM (vmm/direct.h). */
static int node_direct_pool(void *fdt, const struct fdt_params *p)
{
	return node_plain(fdt, "direct-pool", "turtle,direct-pool",
			  p->direct_pool_base, p->direct_pool_size);
}

static int node_chosen(void *fdt, const struct fdt_params *p,
		       const char *uart_path)
{
	char stdout_path[64];
	int ret;

	FDT_TRY(fdt_begin_node(fdt, "chosen"));
	FDT_TRY(fdt_property_string(fdt, "bootargs",
				    p->bootargs ? p->bootargs : ""));
	snprintf(stdout_path, sizeof(stdout_path), "%s", uart_path);
	FDT_TRY(fdt_property_string(fdt, "stdout-path", stdout_path));
	if (p->initrd_end > p->initrd_start) {
		FDT_TRY(fdt_property_u64(fdt, "linux,initrd-start",
					 p->initrd_start));
		FDT_TRY(fdt_property_u64(fdt, "linux,initrd-end",
					 p->initrd_end));
	}
	FDT_TRY(fdt_end_node(fdt));
	return 0;
fail:
	return ret;
}

int fdt__build(const struct fdt_params *p, void *buf, size_t size, char *err)
{
	char uart_path[40];
	char mem_name[40];
	unsigned int i;
	int ret;

	if (p->ncpus == 0 || p->nvirtio > FDT_MAX_VIRTIO) {
		errbuf_set(err, "device tree: bad parameters");
		return -1;
	}

	FDT_TRY(fdt_create(buf, (int)size));
	FDT_TRY(fdt_finish_reservemap(buf));
	FDT_TRY(fdt_begin_node(buf, ""));
	FDT_TRY(fdt_property_string(buf, "compatible", "linux,dummy-virt"));
	FDT_TRY(fdt_property_string(buf, "model", "turtle"));
	FDT_TRY(fdt_property_u32(buf, "#address-cells", 2));
	FDT_TRY(fdt_property_u32(buf, "#size-cells", 2));
	FDT_TRY(fdt_property_u32(buf, "interrupt-parent", PHANDLE_GIC));

	FDT_TRY(node_cpus(buf, p));
	FDT_TRY(node_psci(buf, p));

	snprintf(mem_name, sizeof(mem_name), "memory@%llx",
		 (unsigned long long)p->ram_base);
	FDT_TRY(fdt_begin_node(buf, mem_name));
	FDT_TRY(fdt_property_string(buf, "device_type", "memory"));
	FDT_TRY(prop_reg(buf, p->ram_base, p->ram_size));
	FDT_TRY(fdt_end_node(buf));

	FDT_TRY(node_gic(buf, p));
	FDT_TRY(node_timer(buf, p));
	if (p->pmu)
		FDT_TRY(node_pmu(buf, p));
	FDT_TRY(node_uart(buf, p, uart_path, sizeof(uart_path)));
	if (p->rtc_base)
		FDT_TRY(node_rtc(buf, p));
	for (i = 0; i < p->nvirtio; i++)
		FDT_TRY(node_virtio(buf, &p->virtio[i]));
	if (p->exit_probe_base)
		FDT_TRY(node_exit_probe(buf, p));
	if (p->direct_base)
		FDT_TRY(node_direct(buf, p));
	if (p->direct_pool_base)
		FDT_TRY(node_direct_pool(buf, p));
	FDT_TRY(node_chosen(buf, p, uart_path));

	FDT_TRY(fdt_end_node(buf));
	FDT_TRY(fdt_finish(buf));
	return 0;
fail:
	errbuf_set(err, "device tree: %s", fdt_strerror(ret));
	return -1;
}
