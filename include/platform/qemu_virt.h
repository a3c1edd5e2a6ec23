/* SPDX-License-Identifier: MIT */
/*
 * QEMU virt (hw/arm/virt.c memory map): where the devices the hypervisor
 * keeps for itself are, for src/platform/qemu_virt.c and for the config tool,
 * which refuses them as passed-through devices.  Plain #defines, readable by
 * freestanding and hosted C.
 */
#ifndef PLATFORM_QEMU_VIRT_H
#define PLATFORM_QEMU_VIRT_H
#include <stdint.h>

#define QEMU_VIRT_GICD_BASE     UINT64_C(0x08000000)
#define QEMU_VIRT_ITS_BASE      UINT64_C(0x08080000)   /* the GICv3 ITS (128 KiB, GITS_SIZE) */
#define QEMU_VIRT_GICR_BASE     UINT64_C(0x080a0000)
#define QEMU_VIRT_GICR_SIZE     UINT64_C(0x00f60000)   /* the redistributor region */
#define QEMU_VIRT_UART_BASE     UINT64_C(0x09000000)   /* the hypervisor's console */
#define QEMU_VIRT_UART_SPI      1                      /* INTID 33 */
#define QEMU_VIRT_RAM_BASE      UINT64_C(0x40000000)
#define QEMU_VIRT_RAM_DEFAULT   UINT64_C(0x40000000)   /* when the boot DTB says nothing */
#define QEMU_VIRT_DEVICE_BASE   UINT64_C(0x08000000)   /* GIC, UART, RTC, GPIO, virtio-mmio */
#define QEMU_VIRT_DEVICE_SIZE   UINT64_C(0x38000000)   /* up to RAM */
/* The SMMUv3 (-M virt,iommu=smmuv3): in front of the PCIe host bridge only
 * (StreamID = requester ID); its wired SPIs, edge-triggered. */
#define QEMU_VIRT_SMMU_BASE     UINT64_C(0x09050000)
#define QEMU_VIRT_SMMU_SIZE     UINT64_C(0x00020000)
#define QEMU_VIRT_SMMU_SPI_EVENTQ 74                   /* INTID 106 */
#define QEMU_VIRT_SMMU_SPI_PRIQ   75                   /* INTID 107: unused */
#define QEMU_VIRT_SMMU_SPI_SYNC   76                   /* INTID 108: unused (CMD_SYNC is polled) */
#define QEMU_VIRT_SMMU_SPI_GERROR 77                   /* INTID 109 */
/* The PCIe buses whose StreamIDs get stream table entries: the root bus
 * (QEMU assigns no bridge bus numbers; nothing else numbers them yet). */
#define QEMU_VIRT_PCI_BUSES     1
/* StreamIDs the SMMU's table holds: bus 0's 256 (bus << 8 | device << 3 | function). */
#define QEMU_VIRT_PCI_STREAMS   (QEMU_VIRT_PCI_BUSES * 256u)
/* The host bridge's (high) ECAM: 1 MiB per bus; tofu maps bus 0's at EL2 to
 * turn bus mastering off when the VM that owns the bus stops. */
#define QEMU_VIRT_ECAM_BASE     UINT64_C(0x4010000000)
#define QEMU_VIRT_ECAM_BUS_SIZE UINT64_C(0x100000)
/* The host bridge's 32-bit MMIO window, where tofu puts the BARs; its INTx
 * lines A-D are SPIs 3-6 (slot s pin p: line (s + p - 1) mod 4). */
#define QEMU_VIRT_PCI_MMIO_BASE UINT64_C(0x10000000)
#define QEMU_VIRT_PCI_MMIO_SIZE UINT64_C(0x2eff0000)
#define QEMU_VIRT_PCI_INTX_SPI  3
/* A VM given single functions sees a virtual ECAM of one bus here, where
 * QEMU virt puts its low ECAM (-M highmem=off): free in the guest's map. */
#define QEMU_VIRT_VECAM_IPA     UINT64_C(0x3f000000)
/* Where tofu is linked (src/arch/arm64/tofu.ld) and, through its Image
 * header's text_offset, loaded by QEMU's -kernel and U-Boot's booti. */
#define QEMU_VIRT_IMAGE_BASE    UINT64_C(0x40200000)
/* The smallest physical address size among the CPUs tofu runs on there
 * (Cortex-A53, ID_AA64MMFR0_EL1.PARange): a stage 2 gets no more input bits. */
#define QEMU_VIRT_MIN_PA_BITS   40

#endif
