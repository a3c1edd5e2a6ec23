/* SPDX-License-Identifier: MIT */
/* QEMU `virt` (hw/arm/virt.c memory map). */
#include "core/platform.h"

const struct platform platform = {
    .name = "qemu-virt",
    .uart_base = 0x09000000,
    .uart_intid = 33,          /* SPI 1 */
    .gicd_base = 0x08000000,
    .gicr_base = 0x080a0000,
    .ram_base = 0x40000000,
    .ram_size = 0x40000000,
    .device_base = 0x08000000,
    .device_size = 0x38000000, /* up to RAM: GIC, UART, RTC, GPIO, virtio-mmio */
};
