/* SPDX-License-Identifier: MIT */
/* What the guest knows about its machine: from the DTB, else QEMU virt defaults. */
#ifndef RT_PLATFORM_H
#define RT_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

struct platform {
	uintptr_t dtb;
	bool dtb_valid;
	uint32_t dtb_size;          /* header totalsize, 0 if invalid */
	uint64_t load_offset;       /* load address - link address */
	uintptr_t uart_base;
	const char *uart_source;    /* where uart_base came from */
	uint32_t uart_intid;
	uint32_t gic_version;       /* 3 ("arm,gic-v3", the default) or 2 */
	uintptr_t gicd_base;
	uintptr_t gicr_base;        /* GICv3 only */
	uint64_t gicr_size;
	uintptr_t gicc_base;        /* GICv2 only: the CPU interface */
	bool gic_from_dtb;
	uint32_t vtimer_intid;
	bool vtimer_from_dtb;
	uint32_t ptimer_intid;      /* EL1 physical timer */
	uintptr_t rtc_base;         /* a PL031, 0 if none */
	uint32_t rtc_intid;
	uintptr_t pci_ecam_base;    /* a PCIe host bridge's ECAM (tofu's virtual one), 0 if none */
	uint64_t pci_ecam_size;
	uint64_t ram_base;
	uint64_t ram_size;          /* 0 if unknown */
	const char *psci_method;    /* "hvc", "smc", or NULL if no PSCI node */
};

void platform_probe(const void *dtb, uint64_t load_offset);
const struct platform *platform_get(void);
void platform_print(void);
/* /chosen/bootargs of the device tree, or NULL. */
const char *platform_bootargs(void);
/* The decimal value of "<key>=<n>" among space-separated `args` (NULL:
 * none); `dflt` when absent; *found (if not NULL) set when present. */
uint64_t platform_bootarg(const char *args, const char *key, uint64_t dflt, bool *found);

#endif /* RT_PLATFORM_H */
