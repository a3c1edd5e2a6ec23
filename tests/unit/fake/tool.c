/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include "tool.h"

jmp_buf tool_refused;
char tool_message[1024];

void refuse(const char *node, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(tool_message, sizeof(tool_message), "%s: ", node);
    va_start(ap, fmt);
    vsnprintf(tool_message + n, sizeof(tool_message) - (size_t)n, fmt, ap);
    va_end(ap);
    longjmp(tool_refused, 1);
}

void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tool_message, sizeof(tool_message), fmt, ap);
    va_end(ap);
    longjmp(tool_refused, 2);
}

static void own(struct owned *o, uint64_t base, uint64_t size, const char *what)
{
    *o = (struct owned){ base, size, "" };
    snprintf(o->what, sizeof(o->what), "%s", what);
}

void tool_sys_init(struct sys *s, uint64_t ram_size)
{
    memset(&plat, 0, sizeof(plat));
    plat.image_base = TEST_IMAGE_BASE;
    plat.min_pa_bits = TEST_MIN_PA_BITS;
    plat.hyp = (struct platform){
        .name = "test,board", .uart_base = TEST_UART_BASE, .uart_intid = 32 + TEST_UART_SPI,
        .gicd_base = TEST_GICD_BASE, .gicr_base = TEST_GICR_BASE, .its_base = TEST_ITS_BASE,
        .ram_base = TEST_RAM_BASE, .nr_ram_banks = 1, .ram_bank = { { TEST_RAM_BASE, ram_size } },
        .iommu_base = TEST_SMMU_BASE,
        .iommu_buses = 1, .pci_ecam_base = TEST_ECAM_BASE, .pci_mmio_base = TEST_PCI_MMIO,
        .pci_mmio_size = TEST_PCI_MMIO_SIZE, .pci_intx_intid = 32 + TEST_PCI_INTX_SPI,
    };
    own(&plat.windows[plat.nr_windows++], TEST_GICD_BASE, TEST_GICD_SIZE, "the hypervisor's GIC distributor");
    own(&plat.windows[plat.nr_windows++], TEST_GICR_BASE, TEST_GICR_SIZE, "the hypervisor's GIC redistributors");
    own(&plat.windows[plat.nr_windows++], TEST_ITS_BASE, 0x20000, "the hypervisor's GIC ITS");
    own(&plat.windows[plat.nr_windows++], TEST_UART_BASE, 0x1000, "the hypervisor's console UART");
    own(&plat.windows[plat.nr_windows++], TEST_SMMU_BASE, TEST_SMMU_SIZE, "the hypervisor's SMMU");
    own(&plat.spis[plat.nr_spis++], TEST_UART_SPI, 1, "the hypervisor's console's");
    for (unsigned i = 0; i < 4; i++)
        own(&plat.spis[plat.nr_spis++], TEST_SMMU_SPIS + i, 1, "one of the hypervisor's SMMU's");
    memset(s, 0, sizeof(*s));
    s->nr_cpus = 4;
    s->ram[s->nr_ram++] = (struct ram_range){ TEST_RAM_BASE, ram_size };
    s->ram_size = ram_size;
}

void tool_sys_add_bank(struct sys *s, uint64_t base, uint64_t size)
{
    s->ram[s->nr_ram++] = (struct ram_range){ base, size };
    s->ram_size += size;
    plat.hyp.ram_bank[plat.hyp.nr_ram_banks++] = (struct ram_range){ base, size };
}

struct vm *tool_add_vm(struct sys *s, const char *name, unsigned cpu, uint64_t ram_size)
{
    struct vm *vm = &s->vms[s->nr_vms++];
    memset(vm, 0, sizeof(*vm));
    snprintf(vm->cfg.name, sizeof(vm->cfg.name), "%s", name);
    snprintf(vm->node, sizeof(vm->node), "/vms/%s", name);
    snprintf(vm->kernel.path, sizeof(vm->kernel.path), "%s.bin", name);
    vm->cfg.nr_vcpus = 1;
    vm->cfg.vcpu_pcpu[0] = (uint8_t)cpu;
    vm->cfg.ram_size = ram_size;
    vm->kernel.size = 4096;
    return vm;
}

void tool_add_device(struct vm *vm, const char *path, int node, uint64_t pa, uint64_t size, int spi)
{
    unsigned n = vm->cfg.nr_devices++;
    vm->cfg.devices[n] = (struct vm_device){ .pa = pa, .size = size };
    if (spi >= 0)
        vm->cfg.devices[n].irqs[vm->cfg.devices[n].nr_irqs++] = 32 + (uint32_t)spi;
    vm->devices[n].node = node;
    snprintf(vm->devices[n].path, sizeof(vm->devices[n].path), "%s", path);
}

void tool_connect(struct sys *s, struct vm *a, struct vm *b)
{
    a->cfg.ipc_peers |= UINT32_C(1) << vm_id_of(s, b);
    b->cfg.ipc_peers |= UINT32_C(1) << vm_id_of(s, a);
}
