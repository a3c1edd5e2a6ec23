/* SPDX-License-Identifier: MIT */
/*
 * What no single node shows.  Runs on the model after layout_vms() (which
 * gives every VM its address map), before the boot-time allocation:
 *   - a physical CPU holds at most PCPU_MAX_VCPUS vCPUs;
 *   - devices are compared by address, never by node: not the hypervisor's
 *     own GIC, UART or RAM, not over the VM's RAM or emulated windows, not
 *     over another device of any VM;
 *   - a device's SPIs fit the vGIC, are not the hypervisor's, belong to one
 *     VM only;
 *   - memory-address lies in RAM, beyond the hypervisor, apart from other VMs;
 *   - a CPU's fixed schedule has a window for each VM there, only for
 *     those, and none of them with a budget; a CPU's budgets come to 100%
 *     of its time at most;
 *   - the share table's slots are divided into per-VM quotas.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "arch/regs.h"
#include "tofu_config.h"

struct window {
    uint64_t base, size;
    const char *what;
};

/* A physical CPU may hold several vCPUs, of one VM or several
 * (docs/scheduling.md), as many as its run queue holds. */
static void check_cpus(const struct sys *s, const struct vm *vm)
{
    const struct vm_config *c = &vm->cfg;
    for (unsigned i = 0; i < c->nr_vcpus; i++) {
        unsigned cpu = c->vcpu_pcpu[i], here = 0;
        for (const struct vm *o = s->vms; o <= vm; o++)
            for (unsigned j = 0; j < (o == vm ? i + 1 : o->cfg.nr_vcpus); j++)
                here += o->cfg.vcpu_pcpu[j] == cpu;
        if (here > PCPU_MAX_VCPUS)
            refuse(vm->node, "physical CPU %u is given to more than %d vCPUs (its run queue's length)", cpu,
                   PCPU_MAX_VCPUS);
    }
}

/* How many of the VM's vCPUs are pinned to physical CPU `cpu`. */
static unsigned vcpus_on(const struct vm *vm, unsigned cpu)
{
    unsigned n = 0;
    for (unsigned i = 0; i < vm->cfg.nr_vcpus; i++)
        n += vm->cfg.vcpu_pcpu[i] == cpu;
    return n;
}

/*
 * A CPU's fixed schedule (/schedule; parse.c checked its windows): a
 * window's VM has a vCPU there, every VM with a vCPU there has a window (it
 * would never run else), and none of them has a budget (budgets and windows
 * do not mix on one CPU).
 */
static void check_schedules(const struct sys *s)
{
    for (unsigned i = 0; i < s->nr_schedules; i++) {
        const struct sched_cpu_config *sc = &s->schedules[i];
        const char *node = s->schedule_nodes[i];
        for (unsigned j = 0; j < sc->nr_windows; j++) {
            const struct vm *vm = &s->vms[sc->windows[j].vm];
            if (!vcpus_on(vm, sc->cpu))
                refuse(node, "windows: VM '%s' has a window on physical CPU %u, but none of its vCPUs is there "
                       "(its cpus)", vm->cfg.name, sc->cpu);
        }
        for (const struct vm *vm = s->vms; vm < s->vms + s->nr_vms; vm++) {
            if (!vcpus_on(vm, sc->cpu))
                continue;
            if (vm->cfg.budget_us)
                refuse(vm->node, "budget-us: its vCPU on physical CPU %u runs in the windows of %s, and budgets and "
                       "windows do not mix on one CPU", sc->cpu, node);
            bool windowed = false;
            for (unsigned j = 0; j < sc->nr_windows; j++)
                windowed |= sc->windows[j].vm == (uint32_t)(vm - s->vms);
            if (!windowed)
                refuse(node, "VM '%s' has a vCPU on physical CPU %u but no window there: it would never run",
                       vm->cfg.name, sc->cpu);
        }
    }
}

/*
 * A CPU's utilisation, sum(budget / period) over its vCPUs with a budget,
 * exactly: as the fraction num / den, den the product of their periods, in
 * integers of UTIL_WORDS 32-bit words.  With n terms, den < 2^(32n) and
 * num <= n * den (each budget <= its period): PCPU_MAX_VCPUS + 1 words hold
 * both.
 */
#define UTIL_WORDS (PCPU_MAX_VCPUS + 1)
struct util_num {
    uint32_t w[UTIL_WORDS];         /* little-endian */
};

static void util_mul(struct util_num *a, uint32_t m)
{
    uint64_t carry = 0;
    for (unsigned i = 0; i < UTIL_WORDS; i++) {
        carry += (uint64_t)a->w[i] * m;
        a->w[i] = (uint32_t)carry;
        carry >>= 32;
    }
}

static void util_add(struct util_num *a, const struct util_num *b)
{
    uint64_t carry = 0;
    for (unsigned i = 0; i < UTIL_WORDS; i++) {
        carry += (uint64_t)a->w[i] + b->w[i];
        a->w[i] = (uint32_t)carry;
        carry >>= 32;
    }
}

static bool util_greater(const struct util_num *a, const struct util_num *b)
{
    for (unsigned i = UTIL_WORDS; i-- > 0;)
        if (a->w[i] != b->w[i])
            return a->w[i] > b->w[i];
    return false;
}

/* No CPU's budgets come to more than all of its time (after check_cpus:
 * at most PCPU_MAX_VCPUS vCPUs a CPU). */
static void check_budgets(const struct sys *s)
{
    for (unsigned cpu = 0; cpu < s->nr_cpus; cpu++) {
        struct util_num num = { { 0 } }, den = { { 1 } };
        const struct vm *last = NULL;
        for (const struct vm *vm = s->vms; vm < s->vms + s->nr_vms; vm++) {
            if (!vm->cfg.budget_us)
                continue;
            for (unsigned k = vcpus_on(vm, cpu); k; k--) {     /* num/den += budget/period */
                struct util_num term = den;
                util_mul(&term, vm->cfg.budget_us);
                util_mul(&num, vm->cfg.period_us);
                util_add(&num, &term);
                util_mul(&den, vm->cfg.period_us);
                last = vm;
            }
        }
        if (!util_greater(&num, &den))
            continue;
        char list[MAX_VMS * 128] = "";     /* one VM's entry: under 128 characters */
        for (const struct vm *vm = s->vms; vm <= last; vm++) {
            unsigned k = vcpus_on(vm, cpu);
            if (!vm->cfg.budget_us || !k)
                continue;
            size_t n = strlen(list);
            snprintf(list + n, sizeof(list) - n, "%sVM '%.*s' %u us every %u us", n ? ", " : "", VM_NAME_MAX,
                     vm->cfg.name, vm->cfg.budget_us, vm->cfg.period_us);
            n = strlen(list);
            if (k > 1)
                snprintf(list + n, sizeof(list) - n, " (each of its %u vCPUs there)", k);
        }
        refuse(last->node, "physical CPU %u: its vCPUs' budgets come to more than 100%% of its time (%s)", cpu, list);
    }
}

/* "<vm>: device <node> (<range>) <problem>" */
static void __attribute__((noreturn, format(printf, 3, 4)))
refuse_device(const struct vm *vm, unsigned i, const char *fmt, ...)
{
    char problem[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(problem, sizeof(problem), fmt, ap);
    va_end(ap);
    const struct vm_device *d = &vm->cfg.devices[i];
    refuse(vm->node, "device %s (%#" PRIx64 "+%#" PRIx64 ") %s", vm->devices[i].path, d->pa, d->size, problem);
}

static void check_irqs(const struct sys *s, const struct vm *vm, unsigned i)
{
    const struct vm_device *d = &vm->cfg.devices[i];
    for (unsigned k = 0; k < d->nr_irqs; k++) {
        uint32_t intid = d->irqs[k], spi = intid - GIC_SPI_BASE_ID;
        if (spi >= VGIC_MAX_SPIS)
            refuse_device(vm, i, "has SPI %u; a VM's virtual GIC holds SPIs 0..%d", spi, VGIC_MAX_SPIS - 1);
        for (unsigned h = 0; h < plat.nr_spis; h++)      /* what the board's description keeps */
            if (spi == plat.spis[h].base)
                refuse_device(vm, i, "has SPI %u, %s", spi, plat.spis[h].what);
        if (spi == DOORBELL_SPI)
            refuse_device(vm, i, "has SPI %u, the IPC doorbell's", spi);
        for (const struct vm *o = s->vms; o <= vm; o++)
            for (unsigned j = 0; j < (o == vm ? i + 1 : o->cfg.nr_devices); j++)
                for (unsigned m = 0; m < (o == vm && j == i ? k : o->cfg.devices[j].nr_irqs); m++)
                    if (o->cfg.devices[j].irqs[m] == intid)
                        refuse_device(vm, i, "has SPI %u, already given to %s%s%s by %s", spi,
                                    o == vm ? "this VM" : "VM '", o == vm ? "" : o->cfg.name,
                                    o == vm ? "" : "'", o->devices[j].path);
    }
}

/* The VM's own address map: a device mapped 1:1 must stay clear of it
 * (at most VM_WINDOWS_MAX windows). */
#define VM_WINDOWS_MAX 12
static unsigned vm_windows(const struct sys *s, const struct vm *vm, struct window *w)
{
    const struct vm_config *c = &vm->cfg;
    const struct virtio_config *vpci = NULL;
    unsigned n = 0, nr_vpci = virtio_pci_fns(s, vm, &vpci);
    w[n++] = (struct window){ c->ram_ipa, c->ram_size, "the VM's RAM" };
    if (c->gicc_ipa) {
        w[n++] = (struct window){ c->gicd_ipa, GICD_V2_SIZE, "the VM's virtual GIC distributor" };
        w[n++] = (struct window){ c->gicc_ipa, GICV_SIZE, "the VM's GIC CPU interface" };
    } else {
        w[n++] = (struct window){ c->gicd_ipa, GICD_SIZE, "the VM's virtual GIC distributor" };
        w[n++] = (struct window){ c->gicr_ipa, (uint64_t)c->nr_vcpus * GICR_FRAME_SIZE,
                                  "the VM's virtual GIC redistributors" };
    }
    w[n++] = (struct window){ c->uart_ipa, UART_SIZE, "the VM's virtual UART" };
    w[n++] = (struct window){ c->steal_ipa, PAGE_SIZE, "the VM's stolen-time page" };
    if (c->share_window_size)
        w[n++] = (struct window){ c->share_window_ipa, c->share_window_size, "the VM's IPC share window" };
    if (c->wdog_clk_hz)
        w[n++] = (struct window){ c->wdog_ipa, WDOG_SIZE, "the VM's virtual SP805 watchdog" };
    if (c->nr_pci_fns)
        w[n++] = (struct window){ c->vecam_ipa, PCI_ECAM_BUS_SIZE, "the VM's virtual ECAM" };
    if (c->its_ipa)
        w[n++] = (struct window){ c->its_ipa, GITS_SIZE, "the VM's virtual ITS" };
    if (nr_vpci) {                      /* its virtio-pci functions: the ECAM, their BARs in a run */
        w[n++] = (struct window){ vpci->ecam_ipa, PCI_ECAM_BUS_SIZE, "the VM's virtual ECAM" };
        w[n++] = (struct window){ vpci->mmio_ipa, (uint64_t)nr_vpci * VIRTIO_PCI_BAR_SIZE,
                                  "the VM's virtio-pci BARs" };
    }
    return n;
}

static void check_device_address(const struct sys *s, const struct vm *vm, unsigned i)
{
    const struct vm_device *d = &vm->cfg.devices[i];
    struct window w[VM_WINDOWS_MAX];
    for (unsigned k = 0; k < plat.nr_windows; k++)
        if (ranges_overlap(d->pa, d->size, plat.windows[k].base, plat.windows[k].size))
            refuse_device(vm, i, "is %s", plat.windows[k].what);
    unsigned n = vm_windows(s, vm, w);
    for (unsigned k = 0; k < n; k++)
        if (ranges_overlap(d->pa, d->size, w[k].base, w[k].size))
            refuse_device(vm, i, "overlaps %s (IPA %#" PRIx64 "-%#" PRIx64 ")", w[k].what, w[k].base,
                        w[k].base + w[k].size - 1);
    for (unsigned k = 0; k < s->nr_ram; k++)
        if (ranges_overlap(d->pa, d->size, s->ram[k].base, s->ram[k].size))
            refuse_device(vm, i, "is in the platform's RAM (%#" PRIx64 "-%#" PRIx64 "), which the hypervisor allocates",
                          s->ram[k].base, s->ram[k].base + s->ram[k].size - 1);
    for (const struct vm *o = s->vms; o <= vm; o++)
        for (unsigned j = 0; j < (o == vm ? i : o->cfg.nr_devices); j++) {
            const struct vm_device *e = &o->cfg.devices[j];
            if (!ranges_overlap(d->pa, d->size, e->pa, e->size))
                continue;
            if (o == vm)
                refuse_device(vm, i, "overlaps device %s of this VM", o->devices[j].path);
            if (o->devices[j].node == vm->devices[i].node)
                refuse_device(vm, i, "is already given to VM '%s'", o->cfg.name);
            refuse_device(vm, i, "is already given to VM '%s' as %s", o->cfg.name, o->devices[j].path);
        }
}

static void check_memory(const struct sys *s, const struct vm *vm, const struct hyp_image *hyp)
{
    const struct vm_config *c = &vm->cfg;
    if (c->share_window_size && ranges_overlap(c->ram_ipa, c->ram_size, c->share_window_ipa, c->share_window_size))
        refuse(vm->node, "memory-size %" PRIu64 " MiB reaches the VM's IPC share window at IPA %#" PRIx64,
             c->ram_size >> 20, c->share_window_ipa);
    if (!c->ram_pa)
        return;
    uint64_t end = c->ram_pa + c->ram_size;
    const struct ram_range *bank = NULL;
    for (unsigned k = 0; k < s->nr_ram; k++)
        if (c->ram_pa >= s->ram[k].base && end <= s->ram[k].base + s->ram[k].size && end > c->ram_pa)
            bank = &s->ram[k];
    if (!bank) {
        for (unsigned k = 0; k < s->nr_ram; k++)
            if (ranges_overlap(c->ram_pa, c->ram_size, s->ram[k].base, s->ram[k].size))
                refuse(vm->node, "memory-address %#" PRIx64 "+%#" PRIx64 " runs out of the platform's RAM bank "
                       "%#" PRIx64 "-%#" PRIx64 ": a VM's RAM is one run in one bank", c->ram_pa, c->ram_size,
                       s->ram[k].base, s->ram[k].base + s->ram[k].size - 1);
        refuse(vm->node, "memory-address %#" PRIx64 "+%#" PRIx64 " is outside the platform's RAM", c->ram_pa, c->ram_size);
    }
    if (bank == s->ram && c->ram_pa < hyp->end)
        refuse(vm->node, "memory-address %#" PRIx64 " overlaps the hypervisor (%#" PRIx64 "-%#" PRIx64 ", %s)",
             c->ram_pa, s->ram[0].base, hyp->end - 1, hyp_image_what(hyp));
    for (const struct vm *o = s->vms; o < vm; o++)
        if (o->cfg.ram_pa && ranges_overlap(c->ram_pa, c->ram_size, o->cfg.ram_pa, o->cfg.ram_size))
            refuse(vm->node, "memory %#" PRIx64 "+%#" PRIx64 " overlaps VM '%s'", c->ram_pa, c->ram_size, o->cfg.name);
}

/* Explicit quotas first; the slots they leave go evenly to the VMs on a
 * channel that give none. */
static void check_shares(struct sys *s)
{
    uint32_t given = 0, defaults = 0;
    for (struct vm *vm = s->vms; vm < s->vms + s->nr_vms; vm++) {
        if (!vm->quota_given) {
            defaults += vm->cfg.ipc_peers != 0;
            continue;
        }
        if (vm->cfg.share_quota && !vm->cfg.ipc_peers)
            refuse(vm->node, "ipc-shares = %u, but the VM is on no channel", vm->cfg.share_quota);
        if (vm->cfg.share_quota > SHARE_SLOTS - given)
            refuse(vm->node, "ipc-shares = %u: the quotas come to %" PRIu64 ", more than the share table's %d slots",
                 vm->cfg.share_quota, (uint64_t)given + vm->cfg.share_quota, SHARE_SLOTS);
        given += vm->cfg.share_quota;
    }
    for (struct vm *vm = s->vms; vm < s->vms + s->nr_vms; vm++) {
        if (vm->quota_given || !vm->cfg.ipc_peers)
            continue;
        vm->cfg.share_quota = (SHARE_SLOTS - given) / defaults;
        if (!vm->cfg.share_quota)
            refuse(vm->node, "ipc-shares is not given, and the other VMs' quotas leave it none of the share table's %d slots",
                 SHARE_SLOTS);
    }
}

static bool owns_bridge(const struct vm *vm)
{
    for (unsigned i = 0; i < vm->cfg.nr_devices; i++)
        if (is_compat(&vm->cfg.devices[i], PCIE_ECAM_COMPAT))
            return true;
    return false;
}

/*
 * iommu-streams: the VM that can program the bus's devices is the VM whose
 * stage 2 their DMA goes through.  A PCIe window without StreamIDs is
 * refused (the devices it reaches would only fault: a config mistake), and
 * StreamIDs without the ECAM (another VM, the ECAM's owner, could aim those
 * devices at this VM's memory).  Ranges lie in the SMMU's table, apart.
 */
static void check_streams(const struct sys *s, const struct vm *vm)
{
    const struct vm_config *c = &vm->cfg;
    for (unsigned i = 0; i < c->nr_devices; i++)
        if (is_pcie_window(&c->devices[i]) && !c->nr_streams)
            refuse_device(vm, i, "lets the VM program PCIe devices, but it owns no StreamIDs: "
                          "give it theirs (iommu-streams = <first count>), or their DMA only faults");
    if (!c->nr_streams)
        return;
    uint64_t first = c->stream_first, end = first + c->nr_streams;
    uint64_t streams = (uint64_t)plat.hyp.iommu_buses << PCI_RID_BUS_SHIFT;
    if (end > streams)
        refuse(vm->node, "iommu-streams = <0x%03" PRIx64 " %u> reaches StreamID 0x%03" PRIx64 "; the SMMU's table "
               "holds bus 0's only (0x000-0x%03" PRIx64 ")", first, c->nr_streams, end - 1, streams - 1);
    for (const struct vm *o = s->vms; o < vm; o++)
        if (o->cfg.nr_streams && ranges_overlap(first, c->nr_streams, o->cfg.stream_first, o->cfg.nr_streams))
            refuse(vm->node, "iommu-streams 0x%03" PRIx64 "-0x%03" PRIx64 " overlap those of VM '%s' (0x%03x-0x%03x)",
                   first, end - 1, o->cfg.name, o->cfg.stream_first, o->cfg.stream_first + o->cfg.nr_streams - 1);
    if (!owns_bridge(vm))
        refuse(vm->node, "iommu-streams without the PCIe ECAM (&pcie_ecam) in devices: the VM that owns a "
               "device's DMA must be the one that programs it");
}

/* QEMU virt's swizzle for INTA, the pin the tool assumes (the hypervisor
 * reads the real one at boot and withholds a function whose line is
 * another VM's): slot s uses line s mod 4, SPI 3 + that. */
static unsigned inta_spi(uint16_t rid)
{
    return plat.hyp.pci_intx_intid - GIC_SPI_BASE_ID + ((rid >> PCI_RID_DEV_SHIFT) & PCI_RID_DEV_MASK) % PCI_INTX_LINES;
}

/* Is pci_fns[i] of the VM one of its pci-vfs (they come last)? */
static bool is_vf(const struct vm *vm, unsigned i)
{
    return i >= vm->cfg.nr_pci_fns - vm->nr_vfs;
}

/* The VM given the function `rid` by pci-functions, or NULL. */
static const struct vm *pci_fn_owner(const struct sys *s, uint16_t rid)
{
    for (const struct vm *o = s->vms; o < s->vms + s->nr_vms; o++)
        for (unsigned j = 0; j < o->cfg.nr_pci_fns - o->nr_vfs; j++)
            if (o->cfg.pci_fns[j] == rid)
                return o;
    return NULL;
}

/*
 * pci-vfs (docs/pci.md, "SR-IOV virtual functions"): a VF interrupts by
 * MSI-X only, so its VM needs an ITS; its physical function must be
 * driven by another VM (igbvf's reset waits for the PF driver's mailbox
 * reply; the PF's VM sees the VFs it enables as IDs only, so it cannot own
 * one too), which needs an ITS as well (Linux's igb enables VFs only with
 * MSI-X); a VF is one VM's.
 */
static void check_pci_vfs(const struct sys *s, const struct vm *vm)
{
    for (unsigned i = 0; i < vm->nr_vfs; i++) {
        const struct pci_vf *v = &vm->vfs[i];
        unsigned dev = v->pf >> PCI_RID_DEV_SHIFT, fn = v->pf & PCI_RID_FN_MASK;
        if (!vm->its)
            refuse(vm->node, "pci-vfs: VF %u of 00:%02x.%u interrupts by MSI-X only (a VF has no INTx): the VM "
                   "needs a virtual ITS (its;)", v->index, dev, fn);
        const struct vm *pf = pci_fn_owner(s, v->pf);
        if (!pf)
            refuse(vm->node, "pci-vfs: VF %u of 00:%02x.%u, whose physical function no VM is given: its VFs work "
                   "only while a driver runs the PF (give 00:%02x.%u to a VM by pci-functions)", v->index, dev, fn,
                   dev, fn);
        if (pf == vm)
            refuse(vm->node, "pci-vfs: VF %u of 00:%02x.%u goes to the VM that owns the physical function, which "
                   "sees the VFs it enables as IDs only: give VFs to other VMs", v->index, dev, fn);
        if (!pf->its)
            refuse(pf->node, "pci-functions: 00:%02x.%u has VFs given to VMs (pci-vfs of VM '%s'), and its driver "
                   "enables them only with MSI-X: the VM needs a virtual ITS (its;)", dev, fn, vm->cfg.name);
        for (const struct vm *o = s->vms; o < vm; o++)
            for (unsigned j = 0; j < o->nr_vfs; j++)
                if (o->vfs[j].pf == v->pf && o->vfs[j].index == v->index)
                    refuse(vm->node, "pci-vfs: VF %u of 00:%02x.%u is already given to VM '%s'", v->index, dev, fn,
                           o->cfg.name);
    }
}

/*
 * pci-functions: a function belongs to one VM; a bus given whole
 * (&pcie_ecam) has no functions to give besides; and no two VMs' functions
 * share an INTx line (a level line is one VM's: the guest's EOI deactivates
 * the physical interrupt).
 */
static void check_pci_functions(const struct sys *s, const struct vm *vm)
{
    const struct vm_config *c = &vm->cfg;
    if (!c->nr_pci_fns)
        return;
    if (owns_bridge(vm))
        refuse(vm->node, "pci-functions beside &pcie_ecam in devices: the VM owns the whole bus already; "
               "give it either the bus or single functions");
    for (unsigned i = 0; i < c->nr_devices; i++)
        if (is_compat(&c->devices[i], PCIE_MMIO_COMPAT) || is_compat(&c->devices[i], PCIE_IO_COMPAT))
            refuse_device(vm, i, "is a window of every function's BARs, other VMs' too: a VM with "
                          "pci-functions gets its own functions' BAR pages, not the window");
    for (const struct vm *o = s->vms; o < s->vms + s->nr_vms; o++)
        if (o != vm && owns_bridge(o))
            refuse(vm->node, "pci-functions: the PCIe bus is given whole to VM '%s' (&pcie_ecam), so none of its "
                   "functions can go to another VM", o->cfg.name);
    check_pci_vfs(s, vm);
    for (unsigned i = 0; i < c->nr_pci_fns; i++) {
        uint16_t rid = c->pci_fns[i];
        for (const struct vm *o = s->vms; o < vm; o++)
            for (unsigned j = 0; j < o->cfg.nr_pci_fns; j++) {
                uint16_t orid = o->cfg.pci_fns[j];
                if (orid == rid)
                    refuse(vm->node, "pci-functions: 00:%02x.%u is already given to VM '%s'",
                           (rid >> PCI_RID_DEV_SHIFT) & PCI_RID_DEV_MASK, rid & PCI_RID_FN_MASK, o->cfg.name);
                if (is_vf(vm, i) || is_vf(o, j))
                    continue;           /* a VF has no INTx */
                if (inta_spi(orid) == inta_spi(rid))
                    refuse(vm->node, "pci-functions: 00:%02x.%u would share INTx line SPI %u (INTA of its slot, by "
                           "QEMU virt's swizzle) with 00:%02x.%u of VM '%s': a line can be one VM's only",
                           (rid >> PCI_RID_DEV_SHIFT) & PCI_RID_DEV_MASK, rid & PCI_RID_FN_MASK, inta_spi(rid),
                           (orid >> PCI_RID_DEV_SHIFT) & PCI_RID_DEV_MASK, orid & PCI_RID_FN_MASK, o->cfg.name);
            }
    }
}

/* QEMU's devices on the bus (/platform nvme-disk, e1000e-nics) need a VM that
 * owns the bus: with none, nothing drives them and their DMA only faults. */
static void check_bus_devices(const struct sys *s)
{
    if (!s->nvme_disk && !s->e1000e_nics && !s->igb_nic)
        return;
    for (const struct vm *vm = s->vms; vm < s->vms + s->nr_vms; vm++)
        if (owns_bridge(vm) || vm->cfg.nr_pci_fns)
            return;
    if (s->nvme_disk)
        refuse("/platform", "nvme-disk = \"%s\" puts a disk on the PCIe bus, but no VM owns the bus "
               "(&pcie_ecam in its devices) or any of its functions (pci-functions)", s->nvme_disk);
    if (s->e1000e_nics)
        refuse("/platform", "e1000e-nics = <%u> puts NICs on the PCIe bus, but no VM owns the bus "
               "(&pcie_ecam in its devices) or any of its functions (pci-functions)", s->e1000e_nics);
    refuse("/platform", "igb-nic puts a NIC on the PCIe bus, but no VM owns the bus (&pcie_ecam in its devices) "
           "or any of its functions (pci-functions)");
}

void check_system(struct sys *s, const struct hyp_image *hyp)
{
    check_bus_devices(s);
    for (const struct vm *vm = s->vms; vm < s->vms + s->nr_vms; vm++)
        check_pci_functions(s, vm);
    for (const struct vm *vm = s->vms; vm < s->vms + s->nr_vms; vm++)
        check_streams(s, vm);           /* before devices: two VMs' streams are compared first */
    if (hyp->end > s->ram[0].base + s->ram[0].size)
        refuse("/platform", "memory ends at %#" PRIx64 ", inside the hypervisor image (to %#" PRIx64 ", %s)",
             s->ram[0].base + s->ram[0].size - 1, hyp->end - 1, hyp_image_what(hyp));
    for (const struct vm *vm = s->vms; vm < s->vms + s->nr_vms; vm++) {
        if (vm->its && plat.hyp.gic_version == 2)
            refuse(vm->node, "its: the board has a GICv2, which has no LPIs: a VM cannot have a virtual ITS");
        check_cpus(s, vm);
        for (unsigned i = 0; i < vm->cfg.nr_devices; i++) {
            check_device_address(s, vm, i);
            check_irqs(s, vm, i);
            if (vm->devices[i].dma_unprotected)
                refuse_device(vm, i, "can master DMA and is not behind the SMMU (which covers PCIe only): "
                              "the VM could aim it at any memory, the hypervisor's included");
        }
        check_memory(s, vm, hyp);
    }
    check_schedules(s);
    check_budgets(s);
    check_shares(s);
    check_virtio(s);
}
