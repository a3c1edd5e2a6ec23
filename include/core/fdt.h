/* SPDX-License-Identifier: MIT */
/*
 * What tofu reads from the boot device tree: the RAM banks, the number of
 * CPUs, the boot arguments, and whether the board has its SMMUv3.  Guests' device trees are generated on the host with libfdt; this
 * reader only has to answer those two questions about the board's, safely
 * (every offset is bounds-checked; a bad blob yields "not found").
 */
#ifndef CORE_FDT_H
#define CORE_FDT_H
#include "core/types.h"
#include "core/limits.h"

struct fdt_info {
    struct ram_range ram[MAX_RAM_BANKS];   /* the /memory nodes' reg ranges, in their order */
    unsigned nr_ram;               /* 0 if none */
    unsigned ram_left_out;         /* ranges beyond MAX_RAM_BANKS */
    unsigned nr_cpus;              /* /cpus/cpu@* nodes */
    char bootargs[128];            /* /chosen/bootargs, truncated */
    char loader[64];               /* the boot loader that ran before tofu: /chosen's
                                    * u-boot,version, truncated; "" for QEMU's -kernel */
    uint64_t smmuv3_base;          /* an "arm,smmu-v3" node's first reg address; 0 if none */
    uint64_t pci_ecam_base;        /* a "pci-host-ecam-generic" node's first reg address; 0 if none */
};

#define FDT_COMPAT_SMMUV3 "arm,smmu-v3"
#define FDT_COMPAT_PCI_ECAM "pci-host-ecam-generic"
#define FDT_CHOSEN_UBOOT "u-boot,version"   /* U-Boot's fdt_chosen() adds it */

int fdt_scan(const void *blob, struct fdt_info *out);
/* The RAM to allocate from: fi's /memory ranges where they lie in `banks`
 * (those EL2 maps), in the banks' order, at most MAX_RAM_BANKS of them into
 * `out`; `banks` themselves when fi lists none.  Returns how many. */
unsigned fdt_ram_within(const struct fdt_info *fi, const struct ram_range *banks, unsigned nr_banks,
                        struct ram_range *out);
uint32_t fdt_total_size(const void *blob);

#endif
