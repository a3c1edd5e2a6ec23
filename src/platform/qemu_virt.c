/* SPDX-License-Identifier: MIT */
/* QEMU `virt` (hw/arm/virt.c memory map, in platform/qemu_virt.h). */
#include "core/platform.h"
#include "arch/regs.h"
#include "platform/qemu_virt.h"

const struct platform platform = {
    .name = "qemu-virt",
    .uart_base = QEMU_VIRT_UART_BASE,
    .uart_intid = GIC_SPI_BASE_ID + QEMU_VIRT_UART_SPI,
    .gicd_base = QEMU_VIRT_GICD_BASE,
    .gicr_base = QEMU_VIRT_GICR_BASE,
    .its_base = QEMU_VIRT_ITS_BASE,
    .ram_base = QEMU_VIRT_RAM_BASE,
    .ram_size = QEMU_VIRT_RAM_DEFAULT,
    .device_base = QEMU_VIRT_DEVICE_BASE,
    .device_size = QEMU_VIRT_DEVICE_SIZE,
    .iommu_base = QEMU_VIRT_SMMU_BASE,
    .iommu_event_intid = GIC_SPI_BASE_ID + QEMU_VIRT_SMMU_SPI_EVENTQ,
    .iommu_gerror_intid = GIC_SPI_BASE_ID + QEMU_VIRT_SMMU_SPI_GERROR,
    .iommu_buses = QEMU_VIRT_PCI_BUSES,
    .pci_ecam_base = QEMU_VIRT_ECAM_BASE,
    .pci_ecam_bus_size = QEMU_VIRT_ECAM_BUS_SIZE,
    .pci_mmio_base = QEMU_VIRT_PCI_MMIO_BASE,
    .pci_mmio_size = QEMU_VIRT_PCI_MMIO_SIZE,
    .pci_intx_intid = GIC_SPI_BASE_ID + QEMU_VIRT_PCI_INTX_SPI,
    .ram_zero_at_power_on = true,     /* guest RAM is anonymous memory of QEMU's */
};
