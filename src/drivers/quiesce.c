/* SPDX-License-Identifier: MIT */
/*
 * Passed-through devices handed back by a stopped VM: how tofu quiets each
 * kind before the VM's memory is reused and its next run starts.  core
 * (src/core/vm.c) calls dev_quiesce() with the device's SPIs already off
 * at the distributor, and clears their pending and active state after it.
 *
 * One entry per compatible string (a device tree's most specific one).  A
 * quiesce function masks and clears the device's interrupts and stops
 * whatever it could start on its own (DMA, timers); it keeps what is not
 * the last run's (an RTC's time).  It touches only the device's registers,
 * which must lie in the device window EL2 maps (src/arch/arm64/mm/mmu.c).
 * A device without an entry is left as the guest left it, its interrupts
 * masked at the GIC only; vm.c says so once, when the VM is created.
 */
#include "core/drivers.h"
#include "core/lib.h"
#include "core/platform.h"
#include "arch/regs.h"

typedef void (*quiesce_fn)(uintptr_t base);

/* PL031: the alarm interrupt masked and cleared.  The count (the wall
 * clock) runs on, and the match register is the guest's to set again. */
static void pl031_quiesce(uintptr_t base)
{
    mmio_write32(base + PL031_IMSC, 0);
    mmio_write32(base + PL031_ICR, PL031_INT_ALARM);
}

/* A PCIe host bridge's ECAM (the VM owned the bus): Bus Master Enable off
 * in every function of bus 0, the bus EL2 maps, so that no DMA the last run
 * started lands in the next one's RAM (or faults against it).  The rest of
 * the config space stays: the next run enumerates the bus again. */
static void pci_ecam_quiesce(uintptr_t base)
{
    bool in_device_window = base >= platform.device_base &&
                            base + platform.pci_ecam_bus_size <= platform.device_base + platform.device_size;
    if (base != platform.pci_ecam_base && !in_device_window)
        return;                         /* not mapped at EL2 (src/arch/arm64/mm/mmu.c) */
    for (unsigned fn = 0; fn < PCI_ECAM_FNS; fn++) {
        uintptr_t cfg = base + ((uintptr_t)fn << PCI_ECAM_FN_SHIFT);
        if (mmio_read16(cfg + PCI_VENDOR_ID) == PCI_VENDOR_NONE)
            continue;
        uint16_t cmd = mmio_read16(cfg + PCI_COMMAND);
        if (cmd & PCI_COMMAND_MASTER)
            mmio_write16(cfg + PCI_COMMAND, (uint16_t)(cmd & ~PCI_COMMAND_MASTER));
    }
}

/* The bridge's MMIO and I/O windows: the BARs in them belong to the
 * functions that the ECAM's entry quiets; the windows have nothing of their own. */
static void pci_window_quiesce(uintptr_t base)
{
    (void)base;
}

static const struct {
    const char *compatible;
    quiesce_fn quiesce;
} quiesce_table[] = {
    { "arm,pl031", pl031_quiesce },
    { "pci-host-ecam-generic", pci_ecam_quiesce },
    { "tofu,pcie-mmio-window", pci_window_quiesce },
    { "tofu,pcie-io-window", pci_window_quiesce },
};

static quiesce_fn quiesce_find(const char *compatible)
{
    for (unsigned i = 0; compatible && i < ARRAY_SIZE(quiesce_table); i++)
        if (!strcmp(quiesce_table[i].compatible, compatible))
            return quiesce_table[i].quiesce;
    return NULL;
}

bool dev_quiesce_known(const char *compatible)
{
    return quiesce_find(compatible) != NULL;
}

void dev_quiesce(const char *compatible, uint64_t pa)
{
    quiesce_fn f = quiesce_find(compatible);
    if (f) {
        f((uintptr_t)pa);
        dsb(sy);            /* the device has seen it before its SPIs are cleared */
    }
}
