/* SPDX-License-Identifier: MIT */
/*
 * Resets of PCIe functions that offer no Function Level Reset, through
 * their own registers, as Linux keeps device-specific resets for them
 * (drivers/pci/quirks.c).  Without one, such a function keeps its DMA
 * state across a VM's restart: an e1000e whose receiver the last instance
 * left enabled DMAs the next packet to the old instance's ring, now the new
 * instance's memory, as soon as the new kernel turns bus mastering on and
 * before its driver resets the device.  Each entry's BAR lies in the PCIe
 * window, which EL2 maps as device memory (src/arch/arm64/mm/mmu.c).
 */
#include "core/drivers.h"
#include "core/lib.h"
#include "arch/regs.h"

typedef bool (*dev_reset_fn)(uintptr_t bar0);

/* 82574 (QEMU's e1000e): CTRL.RST resets everything but the PCI interface
 * (its config space, BARs included): receiver and transmitter off, rings
 * forgotten, interrupts masked.  The bit clears itself when done.
 * 82576 (QEMU's igb), an SR-IOV PF: the same bit resets the PF's MAC and
 * queues and tells each VF so on its mailbox (RSTI), leaving the PCI
 * interface, SR-IOV included, alone; an FLR would turn VF Enable off and
 * reset the VFs under the VMs that own them (QEMU unregisters them), so
 * tofu prefers this for a PF whose VFs are enabled (src/core/pci.c). */
static bool e1000_ctrl_reset(uintptr_t bar0)
{
    mmio_write32(bar0 + E1000_CTRL, mmio_read32(bar0 + E1000_CTRL) | E1000_CTRL_RST);
    for (unsigned i = 0; i < E1000_RST_POLLS; i++)
        if (!(mmio_read32(bar0 + E1000_CTRL) & E1000_CTRL_RST))
            return true;
    return false;
}

static const struct {
    uint16_t vendor, device;
    dev_reset_fn reset;
} dev_resets[] = {
    { PCI_VENDOR_INTEL, PCI_DEVICE_82574L, e1000_ctrl_reset },
    { PCI_VENDOR_INTEL, PCI_DEVICE_82576, e1000_ctrl_reset },
};

static dev_reset_fn dev_reset_find(uint16_t vendor, uint16_t device)
{
    for (unsigned i = 0; i < ARRAY_SIZE(dev_resets); i++)
        if (dev_resets[i].vendor == vendor && dev_resets[i].device == device)
            return dev_resets[i].reset;
    return NULL;
}

bool pci_dev_reset_known(uint16_t vendor, uint16_t device)
{
    return dev_reset_find(vendor, device) != NULL;
}

bool pci_dev_reset(uint16_t vendor, uint16_t device, uint64_t bar0)
{
    dev_reset_fn f = dev_reset_find(vendor, device);
    bool done = f && f((uintptr_t)bar0);
    dsb(sy);
    return done;
}
