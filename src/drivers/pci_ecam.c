/* SPDX-License-Identifier: MIT */
/*
 * The PCIe host bridge's configuration space (ECAM, PCI Express Base 7.2.2):
 * bus 0's megabyte, which EL2 maps (src/arch/arm64/mm/mmu.c).  Plain
 * accesses of 1, 2 or 4 bytes; what lies outside bus 0 or is misaligned
 * reads all-ones (an absent function) and is never written.
 */
#include "core/drivers.h"
#include "core/platform.h"
#include "arch/regs.h"

static bool pci_ecam_ok(uint16_t rid, unsigned off, unsigned width)
{
    return platform.pci_ecam_base && (rid >> PCI_RID_BUS_SHIFT) == 0 && off < PCI_CFG_SIZE &&
           (width == 1 || width == 2 || width == 4) && off % width == 0;
}

static uintptr_t pci_ecam_addr(uint16_t rid, unsigned off)
{
    return (uintptr_t)platform.pci_ecam_base + ((uintptr_t)rid << PCI_ECAM_FN_SHIFT) + off;
}

uint32_t pci_ecam_read(uint16_t rid, unsigned off, unsigned width)
{
    if (!pci_ecam_ok(rid, off, width))
        return PCI_CFG_ALL_ONES;
    uintptr_t a = pci_ecam_addr(rid, off);
    if (width == 4)
        return mmio_read32(a);
    if (width == 2)
        return mmio_read16(a);
    return *(volatile uint8_t *)a;
}

void pci_ecam_write(uint16_t rid, unsigned off, unsigned width, uint32_t val)
{
    if (!pci_ecam_ok(rid, off, width))
        return;
    uintptr_t a = pci_ecam_addr(rid, off);
    if (width == 4)
        mmio_write32(a, val);
    else if (width == 2)
        mmio_write16(a, (uint16_t)val);
    else
        *(volatile uint8_t *)a = (uint8_t)val;
    dsb(sy);                            /* the device has it before what follows */
}
