/* SPDX-License-Identifier: MIT */
#include "rt/platform.h"

#include "rt/fdt.h"
#include "rt/hw.h"
#include "rt/print.h"
#include "rt/rt.h"

/* Generic timer "interrupts": secure phys, non-secure phys, virtual, hyp. */
#define TIMER_IRQ_PHYS_INDEX 1
#define TIMER_IRQ_VIRT_INDEX 2
#define GIC_IRQ_CELLS        3   /* <type number flags> */

static struct platform platform_info;

const struct platform *platform_get(void)
{
	return &platform_info;
}

static size_t platform_strlen_until(const char *s, uint32_t max, char stop)
{
	size_t n = 0;

	while (n < max && s[n] && s[n] != stop)
		n++;
	return n;
}

/* Resolve /chosen stdout-path ("/path:opts" or "alias:opts") to a PL011 node. */
static bool platform_find_stdout(const struct fdt *fdt, struct fdt_node *out)
{
	struct fdt_node chosen, aliases;
	const char *path;
	uint32_t len;
	size_t n;

	if (!fdt_find_path(fdt, "/chosen", 7, &chosen))
		return false;
	path = fdt_prop(fdt, &chosen, "stdout-path", &len);
	if (!path)
		return false;
	n = platform_strlen_until(path, len, ':');
	if (path[0] != '/') {
		char alias[32];
		size_t i;

		if (n >= sizeof(alias) || !fdt_find_path(fdt, "/aliases", 8, &aliases))
			return false;
		for (i = 0; i < n; i++)
			alias[i] = path[i];
		alias[n] = '\0';
		path = fdt_prop(fdt, &aliases, alias, &len);
		if (!path)
			return false;
		n = platform_strlen_until(path, len, '\0');
	}
	return fdt_find_path(fdt, path, n, out) && fdt_node_is_compatible(fdt, out, "arm,pl011");
}

/* The first GIC "interrupts" entry of a device node, if it is an SPI. */
static void platform_probe_uart_irq(const struct fdt *fdt, const struct fdt_node *node)
{
	const void *irqs;
	uint32_t len;

	irqs = fdt_prop(fdt, node, "interrupts", &len);
	if (irqs && len >= 4 * GIC_IRQ_CELLS && fdt_cell(irqs, 0) == FDT_IRQ_TYPE_SPI)
		platform_info.uart_intid = GIC_SPI_BASE + fdt_cell(irqs, 1);
}

static void platform_probe_uart(const struct fdt *fdt)
{
	struct fdt_node node;
	uint64_t addr, size;

	if (platform_find_stdout(fdt, &node) && fdt_reg(fdt, &node, 0, &addr, &size)) {
		platform_info.uart_base = addr;
		platform_info.uart_source = "stdout-path";
	} else if (fdt_find_compatible(fdt, "arm,pl011", &node) &&
		   fdt_reg(fdt, &node, 0, &addr, &size)) {
		platform_info.uart_base = addr;
		platform_info.uart_source = "compatible";
	} else {
		return;
	}
	platform_probe_uart_irq(fdt, &node);
}

/* A GICv2's compatibles: QEMU virt's (gic-version=2) and a GIC-400's. */
static const char *const platform_gicv2_compatibles[] = { "arm,cortex-a15-gic", "arm,gic-400" };

/* reg[0] is the distributor; reg[1] the GICv3 redistributors or the GICv2 CPU interface. */
static void platform_probe_gic(const struct fdt *fdt)
{
	struct fdt_node node;
	uint64_t dist, dist_size, second, second_size;
	unsigned i;

	if (fdt_find_compatible(fdt, "arm,gic-v3", &node) &&
	    fdt_reg(fdt, &node, 0, &dist, &dist_size) &&
	    fdt_reg(fdt, &node, 1, &second, &second_size)) {
		platform_info.gicd_base = dist;
		platform_info.gicr_base = second;
		platform_info.gicr_size = second_size;
		platform_info.gic_from_dtb = true;
		return;
	}
	for (i = 0; i < sizeof(platform_gicv2_compatibles) / sizeof(platform_gicv2_compatibles[0]); i++) {
		if (fdt_find_compatible(fdt, platform_gicv2_compatibles[i], &node) &&
		    fdt_reg(fdt, &node, 0, &dist, &dist_size) &&
		    fdt_reg(fdt, &node, 1, &second, &second_size)) {
			platform_info.gic_version = 2;
			platform_info.gicd_base = dist;
			platform_info.gicr_base = 0;
			platform_info.gicr_size = 0;
			platform_info.gicc_base = second;
			platform_info.gic_from_dtb = true;
			return;
		}
	}
}

/* A PPI of the timer node's "interrupts" list, by index; 0 if absent. */
static uint32_t platform_timer_ppi(const void *irqs, uint32_t len, unsigned index)
{
	const unsigned first = index * GIC_IRQ_CELLS;

	if (!irqs || len % (4 * GIC_IRQ_CELLS) || len < 4 * (first + GIC_IRQ_CELLS) ||
	    fdt_cell(irqs, first) != FDT_IRQ_TYPE_PPI)
		return 0;
	return GIC_PPI_BASE + fdt_cell(irqs, first + 1);
}

static void platform_probe_timer(const struct fdt *fdt)
{
	struct fdt_node node;
	const void *irqs;
	uint32_t len, intid;

	if (!fdt_find_compatible(fdt, "arm,armv8-timer", &node))
		return;
	irqs = fdt_prop(fdt, &node, "interrupts", &len);
	intid = platform_timer_ppi(irqs, len, TIMER_IRQ_VIRT_INDEX);
	if (intid) {
		platform_info.vtimer_intid = intid;
		platform_info.vtimer_from_dtb = true;
	}
	intid = platform_timer_ppi(irqs, len, TIMER_IRQ_PHYS_INDEX);
	if (intid)
		platform_info.ptimer_intid = intid;
}

/* A PL031 RTC, if the machine (or the VM) has one. */
static void platform_probe_rtc(const struct fdt *fdt)
{
	struct fdt_node node;
	uint64_t addr, size;
	const void *irqs;
	uint32_t len;

	if (!fdt_find_compatible(fdt, "arm,pl031", &node) || !fdt_reg(fdt, &node, 0, &addr, &size))
		return;
	irqs = fdt_prop(fdt, &node, "interrupts", &len);
	if (!irqs || len < 4 * GIC_IRQ_CELLS || fdt_cell(irqs, 0) != FDT_IRQ_TYPE_SPI)
		return;
	platform_info.rtc_base = addr;
	platform_info.rtc_intid = GIC_SPI_BASE + fdt_cell(irqs, 1);
}

/* A PCIe host bridge's ECAM, if the VM has one. */
static void platform_probe_pci(const struct fdt *fdt)
{
	struct fdt_node node;
	uint64_t addr, size;

	if (fdt_find_compatible(fdt, "pci-host-ecam-generic", &node) && fdt_reg(fdt, &node, 0, &addr, &size)) {
		platform_info.pci_ecam_base = addr;
		platform_info.pci_ecam_size = size;
	}
}

static void platform_probe_misc(const struct fdt *fdt)
{
	struct fdt_node node;
	uint64_t addr, size;
	const char *method;

	if (fdt_find_path(fdt, "/memory", 7, &node) && fdt_reg(fdt, &node, 0, &addr, &size)) {
		platform_info.ram_base = addr;
		platform_info.ram_size = size;
	}
	if (fdt_find_path(fdt, "/psci", 5, &node)) {
		method = fdt_prop(fdt, &node, "method", NULL);
		platform_info.psci_method = method ? method : "(none)";
	}
}

void platform_probe(const void *dtb, uint64_t load_offset)
{
	struct fdt fdt;

	platform_info = (struct platform){
		.dtb = (uintptr_t)dtb,
		.load_offset = load_offset,
		.uart_base = VIRT_UART_BASE,
		.uart_source = "default",
		.uart_intid = VIRT_UART_INTID,
		.gic_version = 3,
		.gicd_base = VIRT_GICD_BASE,
		.gicr_base = VIRT_GICR_BASE,
		.gicr_size = VIRT_GICR_SIZE,
		.vtimer_intid = VIRT_VTIMER_INTID,
		.ptimer_intid = VIRT_PTIMER_INTID,
		.ram_base = VIRT_RAM_BASE,
	};
	if (!fdt_init(&fdt, dtb))
		return;
	platform_info.dtb_valid = true;
	platform_info.dtb_size = fdt.total_size;
	platform_probe_uart(&fdt);
	platform_probe_gic(&fdt);
	platform_probe_timer(&fdt);
	platform_probe_rtc(&fdt);
	platform_probe_pci(&fdt);
	platform_probe_misc(&fdt);
}

void platform_print(void)
{
	const struct platform *p = &platform_info;

	rt_printf("%s: dtb %lx (%s), image loaded at link address + %lx\n", rt_program_name,
		  p->dtb, p->dtb_valid ? "valid" : "INVALID, using QEMU virt defaults",
		  p->load_offset);
	rt_printf("%s: uart %lx (%s), ram %lx size %lx\n", rt_program_name, p->uart_base,
		  p->uart_source, p->ram_base, p->ram_size);
	if (p->gic_version == 2)
		rt_printf("%s: GICv2: gicd %lx gicc %lx", rt_program_name, p->gicd_base, p->gicc_base);
	else
		rt_printf("%s: gicd %lx gicr %lx size %lx", rt_program_name, p->gicd_base,
			  p->gicr_base, p->gicr_size);
	rt_printf(" (%s), vtimer INTID %u (%s), psci %s\n", p->gic_from_dtb ? "dtb" : "default",
		  p->vtimer_intid, p->vtimer_from_dtb ? "dtb" : "default",
		  p->psci_method ? p->psci_method : "(no node)");
}

const char *platform_bootargs(void)
{
	struct fdt fdt;
	struct fdt_node chosen;

	if (!platform_info.dtb_valid || !fdt_init(&fdt, (const void *)platform_info.dtb) ||
	    !fdt_find_path(&fdt, "/chosen", 7, &chosen))
		return NULL;
	return fdt_prop(&fdt, &chosen, "bootargs", NULL);
}

uint64_t platform_bootarg(const char *args, const char *key, uint64_t dflt, bool *found)
{
	unsigned n = 0;
	while (key[n])
		n++;
	for (const char *p = args; p && *p; p++) {
		bool match = (p == args || p[-1] == ' ');
		for (unsigned i = 0; match && i < n; i++)
			match = p[i] == key[i];
		if (match && p[n] == '=') {
			uint64_t v = 0;
			for (p += n + 1; *p >= '0' && *p <= '9'; p++)
				v = v * 10 + (uint64_t)(*p - '0');
			if (found)
				*found = true;
			return v;
		}
	}
	return dflt;
}
