/* SPDX-License-Identifier: MIT */
/* Boot: CPU 0 from boot.S with the MMU on, then the secondaries. */
#include "core/vm.h"
#include "core/sched.h"
#include "core/mem.h"
#include "core/pcpu.h"
#include "core/fdt.h"
#include "core/pci.h"
#include "core/console.h"
#include "core/drivers.h"
#include "core/printf.h"
#include "core/panic.h"
#include "core/lib.h"
#include "core/iommu.h"
#include "arch/cpu.h"
#include "arch/mmu.h"
#include "arch/regs.h"
#include "arch/vgic_hw.h"

#define SECONDARY_WAIT_SPINS 100000000ull

uint8_t hyp_stacks[MAX_PCPUS][HYP_STACK_SIZE] __attribute__((aligned(16)));
struct palloc hyp_mem;
static uint64_t hyp_mem_bitmap[HYP_MEM_BITMAP_WORDS];

extern char __image_start[], __image_end[];
void hyp_main(const void *dtb);
void secondary_main(unsigned cpu);

uint64_t mem_alloc_zeroed(uint64_t pages, uint64_t align_pages)
{
    uint64_t pa = palloc_alloc(&hyp_mem, pages, align_pages);
    if (pa)
        memset(pa_to_ptr(pa_of(pa)), 0, pages * PAGE_SIZE);
    return pa;
}

uint64_t *mem_alloc_table(void *ctx)
{
    UNUSED(ctx);
    uint64_t pa = mem_alloc_zeroed(1, 1);
    return pa ? pa_to_ptr(pa_of(pa)) : NULL;
}

static bool panic_halts;          /* tofu.panic=halt on the command line */

void panic(const char *fmt, ...)
{
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    printf_raw("\nPANIC on CPU %u: %s\n", cpu_id(), msg);
    /* Fail-stop: a hypervisor that found its own state broken guarantees no
     * VM anything any more, so the whole machine resets (docs/failure.md);
     * tofu.panic=halt keeps it for a debugger instead. */
    if (!panic_halts) {
        printf_raw("resetting the machine\n");
        fw_psci_system_reset();
    }
    for (;;)
        __asm__ volatile("msr daifset, #0xf; wfi");
}

void hyp_power_off(const char *why)
{
    printf("%s\n", why);
    console_flush();
    fw_psci_system_off();
}

static void per_cpu_init(unsigned cpu)
{
    gic_init_cpu(cpu);
    arch_cpu_init();
    if (!vgic_nr_lrs)
        vgic_nr_lrs = vgic_hw_nr_lrs();
#if GIC_VERSION == 2
    vgic_hw_by_eoi = platform.gic_hw_lr_no_refire;
#endif
}

/* The CPU is the one the board's description says it is: its MPIDR is the
 * target of SPIs and SGIs for its index.  A mismatch is the description's
 * fault, and said once. */
static void check_mpidr(unsigned cpu)
{
    uint64_t mpidr = read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
    if (mpidr != platform.cpu_mpidr[cpu])
        printf("CPU %u: MPIDR %#lx, not %#lx as the board's description (cpu-mpidrs) says: "
               "its interrupts go astray\n", cpu, mpidr, platform.cpu_mpidr[cpu]);
}

void secondary_main(unsigned cpu)
{
    check_mpidr(cpu);
    per_cpu_init(cpu);
    pcpus[cpu].online = true;
    dsb(ish);
    sev();
    pcpu_loop();
}

static void start_secondaries(void)
{
    for (unsigned cpu = 1; cpu < nr_pcpus; cpu++) {
        if (!gic_cpu_present(cpu)) {
            printf("CPU %u (MPIDR %#lx): no redistributor has its affinity: not started\n", cpu,
                   platform.cpu_mpidr[cpu]);
            continue;
        }
        int64_t rc = fw_cpu_on(cpu);
        if (rc) {
            printf("CPU %u: PSCI CPU_ON failed (%ld)\n", cpu, rc);
            continue;
        }
        for (uint64_t i = 0; i < SECONDARY_WAIT_SPINS && !pcpus[cpu].online; i++)
            wfe();
        /* A released CPU that has not come may yet read the spin table's
         * index: no other CPU is released after it. */
        if (!pcpus[cpu].online && platform.cpu_enable_method == PLATFORM_CPU_SPIN_TABLE) {
            printf("CPU %u: not started from its spin table; CPUs after it not released\n", cpu);
            break;
        }
    }
}

static void banner(void)
{
    unsigned online = 0;
    for (unsigned i = 0; i < nr_pcpus; i++)
        online += pcpus[i].online;
    printf("CPUs: %u online of %u (MIDR %#lx), GICv%u, %u list registers, PA %u bits\n", online,
           nr_pcpus, read_sysreg(midr_el1), GIC_VERSION, vgic_nr_lrs, arch_pa_bits());
    printf("RAM:");
    for (unsigned i = 0; i < hyp_mem.nr_banks; i++) {
        const struct palloc_bank *b = &hyp_mem.bank[i];
        printf("%s %#lx-%#lx (%lu MiB)", i ? "," : "", b->base, b->base + b->npages * PAGE_SIZE - 1,
               (b->npages * PAGE_SIZE) >> 20);
    }
    printf("; hypervisor %#lx-%#lx, %lu MiB free\n", (uint64_t)(uintptr_t)__image_start,
           (uint64_t)(uintptr_t)__image_end - 1, (hyp_mem.free_pages * PAGE_SIZE) >> 20);
    printf("config '%s': %u VM%s\n", config_name, config_nr_vms, config_nr_vms == 1 ? "" : "s");
    for (unsigned i = 0; i < config_nr_vms; i++) {
        const struct vm_config *c = &config_vms[i];
        printf("  VM %u '%s': %u vCPU%s on CPU", i + 1, c->name, c->nr_vcpus, c->nr_vcpus > 1 ? "s" : "");
        for (unsigned j = 0; j < c->nr_vcpus; j++)
            printf("%s%u", j ? "," : " ", c->vcpu_pcpu[j]);
        printf(", %lu MiB RAM at IPA %#lx\n", c->ram_size >> 20, c->ram_ipa);
    }
}

/* The RAM tofu allocates from: the boot DTB's /memory ranges where they lie
 * in the banks EL2 maps (platform.ram_bank, the config's memory), or those
 * banks when the DTB lists none; in the banks' order.  What the DTB lists
 * outside them is said and left alone. */
static unsigned ram_banks(const struct fdt_info *fi, struct ram_range *out)
{
    unsigned n = fdt_ram_within(fi, platform.ram_bank, platform.nr_ram_banks, out);
    for (unsigned j = 0; j < fi->nr_ram; j++) {
        uint64_t inside = 0;
        const struct ram_range *r = &fi->ram[j];
        for (unsigned i = 0; i < n; i++)
            if (out[i].base >= r->base && out[i].base - r->base < r->size)
                inside += out[i].size;
        if (inside < r->size)
            printf("RAM %#lx-%#lx (boot DTB): %lu MiB of it outside the banks tofu was built for "
                   "(the config's memory): not used\n", r->base, r->base + r->size - 1, (r->size - inside) >> 20);
    }
    if (fi->ram_left_out)
        printf("boot DTB: %u more RAM ranges than the %u tofu takes: not used\n", fi->ram_left_out, MAX_RAM_BANKS);
    return n;
}

static void mem_init(const struct fdt_info *fi)
{
    struct ram_range banks[MAX_RAM_BANKS];
    unsigned n = ram_banks(fi, banks);
    uint64_t total = 0;
    for (unsigned i = 0; i < n; i++)
        total += banks[i].size / PAGE_SIZE;
    uint64_t managed = palloc_init_banks(&hyp_mem, banks, n, hyp_mem_bitmap, ARRAY_SIZE(hyp_mem_bitmap));
    if (managed < total)
        printf("RAM: %lu MiB, of which tofu allocates the first %lu MiB (HYP_MEM_MAX), bank by bank\n",
               (total * PAGE_SIZE) >> 20, (managed * PAGE_SIZE) >> 20);
    palloc_reserve(&hyp_mem, (uint64_t)(uintptr_t)__image_start,
                   (uint64_t)(uintptr_t)(__image_end - __image_start));
    const uint64_t kept = platform_ram_kept(&platform, (uint64_t)(uintptr_t)__image_start);
    if (kept)
        palloc_reserve(&hyp_mem, platform.ram_base, kept);
}

void hyp_main(const void *dtb)
{
    struct fdt_info fi;

    uart_init(platform.uart_base);
    bool dtb_ok = fdt_scan(dtb, &fi) == E_OK && fi.nr_ram && fi.nr_cpus;
    /* Boot arguments come through the boot DTB (QEMU's -append). */
    console_init(dtb_ok && strstr(fi.bootargs, "tofu.color=1"));
    panic_halts = dtb_ok && strstr(fi.bootargs, "tofu.panic=halt");
    printf("tofu hypervisor for ARMv8-A (EL%lu), platform %s\n",
           (read_sysreg(CurrentEL) >> 2) & 3, platform.name);
    if (!dtb_ok) {
        printf("boot device tree at %p unreadable: using platform defaults\n", dtb);
        fi.nr_ram = 0;                  /* the board's banks */
        /* The board's CPUs, as its description names them (a board whose
         * loader passes no device tree: the Raspberry Pi's, the ZCU102's). */
        fi.nr_cpus = platform.nr_cpus;
    }
    /* The CPUs the boot DTB lists, as far as the board's description names them. */
    nr_pcpus = fi.nr_cpus > platform.nr_cpus ? platform.nr_cpus : fi.nr_cpus;
    check_mpidr(0);
    mem_init(&fi);

    gic_init_dist();
    if (!gic_cpu_present(0))
        hyp_power_off("the boot CPU has no redistributor of its affinity (the board's cpu-mpidrs?)");
    /* Before any CPU's redistributor: their LPIs use its tables. */
    if (gic_its_init() == E_OK)
        printf("ITS at %#lx: the MSIs of devices given to VMs with an ITS\n", platform.its_base);
    per_cpu_init(0);
    /* Before any VM: no DMA bypasses the IOMMU from here on.  One that cannot
     * confine DMA is not worked around: tofu does not run. */
    if (iommu_init(&fi) != E_OK) {
        hyp_power_off("refusing to run: DMA from devices could not be confined");
    }
    pci_init(fi.pci_ecam_base);         /* bus 0 enumerated, BARs assigned: before the VMs */
    pcpus[0].online = true;
    start_secondaries();
    /* The boot DTB is not needed any more: its pages may be allocated. */
    /* What the loader wrote into RAM before tofu ran: QEMU's -kernel, its
     * boot stub below the image and the boot DTB; a boot loader (U-Boot
     * names itself in /chosen), anywhere, so all of it, as when the DTB is
     * unreadable. */
    const bool loader_ran = !dtb_ok || fi.loader[0];
    const struct ram_range written[] = {
        { platform.ram_base, (uint64_t)(uintptr_t)__image_start - platform.ram_base },
        loader_ran ? (struct ram_range){ 0, ~UINT64_C(0) }
                   : (struct ram_range){ (uint64_t)(uintptr_t)dtb, fdt_total_size(dtb) },
    };
    if (fi.loader[0])
        printf("booted by U-Boot %s: each VM's RAM is cleared before its first start\n", fi.loader);
    sched_init();
    unsigned created = vm_create_all(written, ARRAY_SIZE(written));
    banner();
    /* The console's drainer and input: a CPU no vCPU is pinned to, if any. */
    unsigned con_cpu = 0;
    for (unsigned i = nr_pcpus; i-- > 1;)
        if (pcpus[i].online && !pcpus[i].vcpu) {
            con_cpu = i;
            break;
        }
    /* The UART's mask before the drainer owns it (it sets the TX bit). */
    uart_enable_rx_irq();
    console_start_async(con_cpu);
    gic_enable_spi(platform.uart_intid, con_cpu);
    /* Each VM is loaded by its vCPU 0's CPU, all at once. */
    for (unsigned i = 0; i < nr_vms; i++)
        if (vms[i].state == VM_STOPPED)
            vm_start_async(&vms[i]);
    if (!created)
        hyp_power_off("no VM could be created: powering off");
    pcpu_loop();
}
