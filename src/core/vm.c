/* SPDX-License-Identifier: MIT */
/*
 * VM lifecycle: create from the config at boot, load (zero RAM, copy the
 * images), start, stop, restart.  A VM stops when its vCPUs have all left
 * guest context; the last one out finishes the stop.
 */
#include "core/vm.h"
#include "core/sched.h"
#include "core/iommu.h"
#include "core/pci.h"
#include "core/virtio.h"
#include "core/steal.h"
#include "core/vm_layout.h"
#include "core/mem.h"
#include "core/pcpu.h"
#include "core/printf.h"
#include "core/panic.h"
#include "core/console.h"
#include "core/platform.h"
#include "core/lib.h"
#include "core/drivers.h"
#include "arch/cpu.h"
#include "arch/mmu.h"
#include "arch/regs.h"

#define VM_LOG_BURST     32     /* guest-caused lines per vCPU and kind, at once */
#define VM_LOG_PER_SEC   1      /* then this many a second */
#define VM_EVENT_BURST   12     /* lifecycle lines per VM, at once */
#define VM_EVENT_PER_SEC 4

extern const struct mmio_ops vgic_dist_ops, vgic_redist_ops;

struct vm vms[MAX_VMS];
unsigned nr_vms;
struct vm *vm_hw_irq_owner[HW_IRQ_MAX];

static const char *const stop_reason_name[] = {
    [VM_STOP_NONE] = "-",
    [VM_STOP_POWEROFF] = "guest powered off (PSCI SYSTEM_OFF)",
    [VM_STOP_RESET] = "guest reset (PSCI SYSTEM_RESET)",
    [VM_STOP_FATAL] = "guest fault",
    [VM_STOP_CONSOLE] = "stopped from the console",
    [VM_STOP_STORM] = "fault storm",
    [VM_STOP_WATCHDOG] = "watchdog expired",
    [VM_STOP_PANIC] = "guest panic",
};

const char *vm_stop_reason_name(const struct vm *vm)
{
    return stop_reason_name[vm->stop_reason];
}

const char *vm_state_name(enum vm_state s)
{
    return s == VM_RUNNING ? "running" : s == VM_STOPPING ? "stopping" :
           s == VM_ABSENT ? "not created" : s == VM_FAILED ? "failed" : "stopped";
}

static const char *const log_kind_name[VM_LOG_KINDS] = {
    [VM_LOG_ABORT] = "abort", [VM_LOG_UNDEF] = "UNDEF", [VM_LOG_GIC] = "GIC",
    [VM_LOG_VIRTIO] = "virtio",
};

/*
 * Print `line` for `vm` (and vCPU `vcpu`, or -1) if bucket `r` allows it.
 * The buckets are refilled by time and survive restarts; each vCPU has one
 * per kind, so a noisy start (a test suite probing the GIC) cannot silence
 * the abort a later fault logs.
 */
static void log_limited(struct vm *vm, struct ratelimit *r, int vcpu, const char *kind,
                        uint32_t burst, uint64_t per_sec, const char *line)
{
    char who[24] = "";
    uint32_t dropped;

    if (vcpu >= 0)
        snprintf(who, sizeof(who), " vcpu%d", vcpu);
    spin_lock(&vm->log_lock);
    bool ok = ratelimit_take(r, arch_counter(), arch_counter_freq() / per_sec, burst, &dropped);
    spin_unlock(&vm->log_lock);
    if (ok && dropped)
        printf("vm %s%s: %u %s line%s suppressed\n", vm->cfg->name, who, dropped, kind,
               dropped == 1 ? "" : "s");
    if (ok)
        printf("vm %s%s: %s\n", vm->cfg->name, who, line);
    else if (r->dropped == 1)
        printf("vm %s%s: further %s lines suppressed for a while\n", vm->cfg->name, who, kind);
}

void vm_log(struct vcpu *v, enum vm_log_kind kind, const char *fmt, ...)
{
    char line[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);     /* one piece: lines do not interleave */
    va_end(ap);
    log_limited(v->vm, &v->log[kind], (int)v->id, log_kind_name[kind], VM_LOG_BURST,
                VM_LOG_PER_SEC, line);
}

/* Starts, stops, restarts and fatal faults: rate-limited per VM, so that a
 * VM resetting itself in a loop cannot flood the console either. */
static void __attribute__((format(printf, 2, 3))) vm_event(struct vm *vm, const char *fmt, ...)
{
    char line[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    log_limited(vm, &vm->event_log, -1, "lifecycle", VM_EVENT_BURST, VM_EVENT_PER_SEC, line);
}

/*
 * Stage-2 tables: those of RAM and devices come from hyp_mem when the VM is
 * created; after that (share mappings) from the VM's own pool, so that no VM
 * can spend the table memory of another.  A table may be given back to
 * either.
 */
static uint64_t *vm_table_alloc(void *ctx)
{
    struct vm *vm = ctx;
    if (vm->pci_pool_on) {              /* its functions' BARs: from the run taken for them */
        if (vm->pci_pool_used == VM_PCI_TABLES)
            return NULL;
        uint64_t *t = pa_to_ptr(pa_of(vm->pci_pool + vm->pci_pool_used++ * PAGE_SIZE));
        memset(t, 0, PAGE_SIZE);
        return t;
    }
    if (!vm->s2_pool)
        return mem_alloc_table(NULL);
    for (unsigned i = 0; i < VM_SHARE_TABLES; i++) {
        uint64_t bit = 1ull << i;
        if (!(vm->s2_pool_busy & bit)) {
            vm->s2_pool_busy |= bit;
            uint64_t *t = pa_to_ptr(pa_of(vm->s2_pool + i * PAGE_SIZE));
            memset(t, 0, PAGE_SIZE);
            return t;
        }
    }
    return NULL;
}

unsigned vm_share_tables_used(const struct vm *vm)
{
    return popcount64(vm->s2_pool_busy);
}

static void vm_table_free(void *ctx, uint64_t *table)
{
    struct vm *vm = ctx;
    uint64_t pa = ptr_to_pa(table).bits;
    if (vm->s2_pool && pa >= vm->s2_pool && pa < vm->s2_pool + VM_SHARE_TABLES * PAGE_SIZE)
        vm->s2_pool_busy &= ~(1ull << ((pa - vm->s2_pool) / PAGE_SIZE));
    else
        palloc_free(&hyp_mem, pa, 1);
}

/*
 * What the compiled config asks that this hypervisor cannot give: the tool
 * refuses all of it, so this only guards against a config built for
 * another hypervisor or platform.  NULL when the VM can be created.
 */
static const char *config_problem(const struct vm_config *c, unsigned ipa_bits)
{
    if (!c->nr_vcpus || c->nr_vcpus > VM_MAX_VCPUS)
        return "bad number of vCPUs";
    if (c->nr_devices > VM_MAX_DEVICES)
        return "too many devices";
    if (c->nr_pci_fns > VM_MAX_PCI_FNS)
        return "too many PCI functions";
    if (c->nr_spis > VGIC_MAX_SPIS)
        return "more SPIs than the virtual GIC holds";
    if (!c->ram_size || !IS_ALIGNED(c->ram_ipa | c->ram_size | c->ram_pa, PAGE_SIZE))
        return "RAM not page-aligned";
    if (ipa_bits > arch_pa_bits() || ipa_bits > VM_MAX_IPA_BITS)
        return "IPA space larger than this CPU supports";
    for (unsigned i = 0; i < c->nr_vcpus; i++) {
        unsigned cpu = c->vcpu_pcpu[i];
        if (cpu >= nr_pcpus || !pcpus[cpu].online)
            return "a vCPU is pinned to a CPU that is not online";
        unsigned here = pcpus[cpu].nr_vcpus;
        for (unsigned j = 0; j < i; j++)
            here += c->vcpu_pcpu[j] == cpu;
        if (here >= PCPU_MAX_VCPUS)
            return "more vCPUs pinned to one CPU than its run queue holds";
    }
    for (unsigned i = 0; i < c->nr_devices; i++) {
        const struct vm_device *d = &c->devices[i];
        if (d->nr_irqs > VM_DEVICE_MAX_IRQS)
            return "a device has too many interrupts";
        for (unsigned j = 0; j < d->nr_irqs; j++) {
            uint32_t irq = d->irqs[j];
            if (irq < GIC_SPI_BASE_ID || irq - GIC_SPI_BASE_ID >= MIN(c->nr_spis, VGIC_MAX_SPIS) ||
                irq >= HW_IRQ_MAX)
                return "a device interrupt the virtual GIC cannot hold";
            if (vm_hw_irq_owner[irq])
                return "a device interrupt another VM has";
        }
    }
    return NULL;
}

/* Give back what a VM creation took; the VM was never run and stays absent. */
static void vm_destroy(struct vm *vm)
{
    const struct vm_config *c = vm->cfg;
    unsigned id = vm->id;
    iommu_detach(vm);                   /* no stream may walk tables about to be freed */
    vm_pci_release(vm);
    pt_destroy(&vm->s2);
    if (vm->s2_pool)
        palloc_free(&hyp_mem, vm->s2_pool, VM_SHARE_TABLES);
    if (vm->ram_pa.bits)
        palloc_free(&hyp_mem, vm->ram_pa.bits, c->ram_size / PAGE_SIZE);
    memset(vm, 0, sizeof(*vm));
    vm->id = id;
    vm->cfg = c;
    vm->state = VM_ABSENT;
}

/* Each VM's vPL011 register page (mapped read-only into it). */
static uint32_t uart_shadow[MAX_VMS][UART_SIZE / sizeof(uint32_t)] __attribute__((aligned(PAGE_SIZE)));

void vm_shadow_publish(const void *p, uint64_t len)
{
    arch_clean_dcache(p, len);
}

void vm_shadow_map(struct vm *vm, uint64_t *pte, bool on)
{
    s2_page_set_valid(pte, on, vm->vttbr);
}

int vm_reg_page_map(struct vm *vm, uint64_t ipa, const void *page)
{
    return pt_map(&vm->s2, ipa, ptr_to_pa(page).bits, PAGE_SIZE, s2_attrs_shared(false));
}

/* Build the VM's stage 2 and emulated devices; nothing is shared with other
 * VMs until it has all succeeded. */
static const char *vm_build(struct vm *vm, const struct vm_config *c, unsigned ipa_bits)
{
    uint64_t npages = c->ram_size / PAGE_SIZE;
    uint64_t align = vm_ram_align(c);
    uint64_t pa = c->ram_pa ? palloc_alloc_at(&hyp_mem, c->ram_pa, npages)
                            : palloc_alloc(&hyp_mem, npages, align / PAGE_SIZE);
    if (!pa)
        return c->ram_pa ? "cannot allocate its RAM at the configured address" : "cannot allocate its RAM";
    vm->ram_pa = pa_of(pa);
    if (s2_init(&vm->s2, ipa_bits, vm_table_alloc, vm_table_free, vm) != E_OK ||
        pt_map(&vm->s2, c->ram_ipa, pa, c->ram_size, s2_attrs_ram()) != E_OK)
        return "no memory for its stage-2 tables";
    for (unsigned i = 0; i < c->nr_devices; i++) {
        const struct vm_device *d = &c->devices[i];
        int rc = pt_map(&vm->s2, d->pa, d->pa, d->size, s2_attrs_device());
        if (rc == E_NOMEM)
            return "no memory for its stage-2 tables";
        if (rc != E_OK)
            return "a device overlaps its RAM or another device";
    }
#if GIC_VERSION == 2
    /* The virtual CPU interface is the hardware's GICV, where the VM sees
     * its GICC; the distributor is emulated (vdev/vgic_dist_v2.c). */
    int grc = pt_map(&vm->s2, c->gicc_ipa, platform.gicv_base, GICV_SIZE, s2_attrs_device());
    if (grc != E_OK)
        return grc == E_NOMEM ? "no memory for its stage-2 tables" : "its GIC CPU interface overlaps its RAM or a device";
    if (mmio_add(vm, c->gicd_ipa, GICD_V2_SIZE, &vgic_dist_ops, &vm->vgic) ||
#else
    if (mmio_add(vm, c->gicd_ipa, GICD_SIZE, &vgic_dist_ops, &vm->vgic) ||
        mmio_add(vm, c->gicr_ipa, (uint64_t)c->nr_vcpus * GICR_FRAME_SIZE, &vgic_redist_ops, vm) ||
#endif
        mmio_add(vm, c->uart_ipa, UART_SIZE, &vpl011_ops, &vm->uart) ||
        (c->wdog_clk_hz && mmio_add(vm, c->wdog_ipa, WDOG_SIZE, &vsp805_ops, &vm->sp805)))
        return "its emulated devices overlap";
    if (c->its_ipa) {
        const char *why = vgic_its_build(vm);
        if (!why)
            why = msi_vm_build(vm);
        if (why)
            return why;
    }
    for (unsigned i = 0; i < vm->nr_mmio; i++)
        if (pt_lookup(&vm->s2, vm->mmio[i].base, NULL, NULL, NULL) == E_OK)
            return "an emulated device overlaps its RAM or a device";
    /* The vPL011's registers, read without a trap (tools/config/layout.c
     * maps the same page, for the tables it takes). */
    uint32_t *page = uart_shadow[vm - vms];
    int rc = vm_reg_page_map(vm, c->uart_ipa, page);
    if (rc != E_OK)
        return rc == E_NOMEM ? "no memory for its stage-2 tables" : "its UART overlaps its RAM or a device";
    vpl011_attach_shadow(&vm->uart, page, pt_page_entry(&vm->s2, c->uart_ipa));
    /* Its virtio windows, each an emulated device with a register page
     * (mapped by its pt_map: refused where something is mapped already). */
    const char *virtio_why = virtio_vm_build(vm);
    if (virtio_why)
        return virtio_why;
    const char *steal_why = steal_vm_build(vm);
    if (steal_why)
        return steal_why;
    vm->mmio_ro = mmio_find(vm, c->uart_ipa);   /* the array is complete: its address stays */
    vm->vtcr = s2_vtcr(ipa_bits);
    vm->vttbr = ((uint64_t)vm->id << VTTBR_VMID_SHIFT) | (uint64_t)(uintptr_t)vm->s2.root;
    /* Its PCIe streams translate through its stage 2 from now on, across
     * restarts (the tables stay; vm_load() invalidates the SMMU's TLB). */
    if (c->nr_streams) {
        static char why[96];            /* boot time, one CPU */
        rc = iommu_attach(vm, c->stream_first, c->nr_streams);
        if (rc != E_OK) {
            snprintf(why, sizeof(why), "StreamIDs %#x-%#x not given its stage 2 (error %d)", c->stream_first,
                     c->stream_first + c->nr_streams - 1, rc);
            return why;
        }
    }
    if (c->nr_pci_fns) {
        const char *why = vm_pci_build(vm);
        if (why)
            return why;
    }
    if (c->share_window_size) {
        uint64_t pool = palloc_alloc(&hyp_mem, VM_SHARE_TABLES, 1);
        if (!pool)
            return "no memory for its share-mapping tables";
        vm->s2_pool = pool;
    }
    return NULL;
}

/* Each vCPU's EL1, PMU and debug context (struct vcpu points at its own). */
static struct vcpu_sysregs vcpu_ctxs[MAX_VMS][VM_MAX_VCPUS];

static int vm_create(struct vm *vm, const struct vm_config *c, unsigned id)
{
    unsigned ipa_bits = vm_ipa_bits(c);

    vm->id = id;
    vm->cfg = c;
    const char *why = config_problem(c, ipa_bits);
    if (!why)
        why = vm_build(vm, c, ipa_bits);
    if (why)
        vm_destroy(vm);
    console_src_init(&vm->con, c->name, 1 + (id - 1) % 6);
    if (why) {
        printf("vm %s: not created: %s\n", c->name, why);
        return E_INVAL;
    }
    vm->state = VM_STOPPED;
    if (c->nr_streams)
        printf("vm %s: PCIe StreamIDs %#x-%#x: their DMA goes through its stage 2 (VMID %u)\n", c->name,
               c->stream_first, c->stream_first + c->nr_streams - 1, id);

    vm->nr_vcpus = c->nr_vcpus;
    for (unsigned i = 0; i < c->nr_vcpus; i++) {
        struct vcpu *v = &vm->vcpus[i];
        v->vm = vm;
        v->id = i;
        v->pcpu = c->vcpu_pcpu[i];
        v->vmpidr = MPIDR_RES1 | ((uint64_t)i << MPIDR_AFF0_SHIFT);
        v->ctx = &vcpu_ctxs[vm - vms][i];
        sched_add(v);
    }
    for (unsigned i = 0; i < vm->vpci.nr; i++) {
        const struct pci_fn *f = vm->vpci.fn[i].pf;
        if (f->intid)
            vm_hw_irq_owner[f->intid] = vm;
        if (f->pf)
            printf("vm %s: PCI " PCI_BDF_FMT " given (VF %u of " PCI_BDF_FMT ", StreamID %#x, MSI-X only%s)\n", c->name,
                   PCI_BDF_ARGS(f->rid), f->vf_index, PCI_BDF_ARGS(f->pf->rid), f->rid,
                   f->flr ? ", FLR at stop" : ", no reset: bus mastering off at stop");
        else
            printf("vm %s: PCI " PCI_BDF_FMT " given (StreamID %#x, INTx INTID %u%s%s)\n", c->name, PCI_BDF_ARGS(f->rid),
                   f->rid, f->intid, f->dev_reset ? ", reset by its registers at stop" : f->flr ? ", FLR at stop"
                                                              : ", no reset: bus mastering off at stop",
                   f->nr_vfs ? ", SR-IOV PF" : "");
    }
    for (unsigned i = 0; i < c->nr_devices; i++) {
        const struct vm_device *d = &c->devices[i];
        for (unsigned j = 0; j < d->nr_irqs; j++)
            vm_hw_irq_owner[d->irqs[j]] = vm;
        if (!dev_quiesce_known(d->compatible))
            printf("vm %s: device %s (%s): tofu knows no reset for it; when the VM stops, "
                   "only its interrupts are masked and cleared\n", c->name, d->name, d->compatible);
    }
    return E_OK;
}

static void copy_image(struct vm *vm, const struct vm_image *img)
{
    if (!img->size)
        return;
    void *dst = vm_ipa_to_ptr(vm, img->load_ipa, img->size);
    if (!dst)               /* the config tool places images inside RAM */
        return;
    memcpy(dst, img->data, img->size);
    arch_clean_dcache(dst, img->size);
}

/* A VM's RAM is cleared in chunks by all of its CPUs (idle while it is
 * stopped): each zeroes one and cleans it to the point of coherency, for a
 * guest that starts with its caches off. */
#define CLEAR_CHUNK (UINT64_C(2) << 20)

static void clear_chunks(struct vm *vm)
{
    uint8_t *ram = pa_to_ptr(vm->ram_pa);
    uint64_t size = vm->cfg->ram_size;
    unsigned i;

    /* Acquire: a CPU that claims a chunk of this job sees the job's
     * clear_done = 0 (clear_ram) before it counts its chunk. */
    while ((i = __atomic_fetch_add(&vm->clear_next, 1, __ATOMIC_ACQUIRE)) < vm->clear_chunks) {
        uint64_t off = (uint64_t)i * CLEAR_CHUNK;
        uint64_t n = size - off < CLEAR_CHUNK ? size - off : CLEAR_CHUNK;
        arch_zero_tagged(ram + off, n);   /* no tag survives a restart */
        arch_clean_dcache(ram + off, n);
        __atomic_fetch_add(&vm->clear_done, 1, __ATOMIC_RELEASE);
        dsb(ishst);                     /* the count visible before the event: SEV is no store */
        sev();
    }
}

static void clear_ram(struct vm *vm)
{
    if (vm->ram_clean) {                /* untouched since a cold boot: zero already */
        vm->ram_clean = false;
        return;
    }
    vm->clear_chunks = (unsigned)((vm->cfg->ram_size + CLEAR_CHUNK - 1) / CLEAR_CHUNK);
    /* A helper late from the last job may claim a chunk of this one as
     * soon as it sees clear_next = 0: its count must land after the reset. */
    __atomic_store_n(&vm->clear_done, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&vm->clear_next, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&vm->clearing, true, __ATOMIC_RELEASE);
    dsb(ish);
    for (unsigned i = 1; i < vm->nr_vcpus; i++)
        vcpu_kick(&vm->vcpus[i]);
    clear_chunks(vm);
    while (__atomic_load_n(&vm->clear_done, __ATOMIC_ACQUIRE) < vm->clear_chunks)
        wfe();
    __atomic_store_n(&vm->clearing, false, __ATOMIC_RELAXED);
}

/* Fresh state: zeroed RAM, pristine images, vCPU 0 at the entry point. */
static void vm_load(struct vm *vm)
{
    const struct vm_config *c = vm->cfg;

    clear_ram(vm);
    copy_image(vm, &c->kernel);
    copy_image(vm, &c->initrd);
    copy_image(vm, &c->dtb);
    arch_icache_invalidate_all();
    s2_flush_vmid(vm->vttbr);
    iommu_s2_changed(vm);

    vgic_vm_init(vm, c->nr_spis, c->its_ipa ? VITS_MAX_LPIS : 0);
    vgic_its_reset(vm);
    msi_vm_reset(vm);
    /* Forwarded SPIs, disabled for now: their first enable computes what
     * the exit path precomputes (vgic_irq_changed). */
    for (unsigned i = 0; i < c->nr_devices; i++)
        for (unsigned j = 0; j < c->devices[i].nr_irqs; j++)
            vgic_irq_of(&vm->vcpus[0], c->devices[i].irqs[j])->hw = true;
    for (unsigned i = 0; i < vm->vpci.nr; i++)
        if (vm->vpci.fn[i].pf->intid)
            vgic_irq_of(&vm->vcpus[0], vm->vpci.fn[i].pf->intid)->hw = true;
    vpci_reset(&vm->vpci);
    vpl011_init(&vm->uart, vm, c->uart_intid);
    vsp805_init(&vm->sp805, vm, c->wdog_intid, c->wdog_clk_hz);
    wdog_reset(vm);
    console_input_reset(vm);             /* keys typed to the last run are not this one's */
    for (unsigned i = 0; i < vm->nr_vcpus; i++) {
        struct vcpu *v = &vm->vcpus[i];
        v->work = 0;                    /* the VM is stopped: nothing runs it */
        vgic_vcpu_init(v);
        vcpu_reset(v, c->entry_ipa, i == 0 ? c->dtb.load_ipa : 0);
        v->power = i == 0 ? VCPU_ON_PENDING : VCPU_OFF;
        memset(v->exits, 0, sizeof(v->exits));
        v->storm_start = 0;
        v->storm_faults = 0;
        v->irq_exits = 0;
        steal_reset(v);
    }
    vm->cntvoff = arch_counter();     /* the guest's virtual counter starts at 0 */
    /* stop_reason stays: the shell's list shows why it last stopped. */
}

/* Physical interrupts of the VM's devices: to vCPU 0's CPU, until the guest
 * routes them elsewhere (GICD_IROUTER). */
static void hw_irqs_enable(struct vm *vm)
{
    const struct vm_config *c = vm->cfg;
    for (unsigned i = 0; i < c->nr_devices; i++)
        for (unsigned j = 0; j < c->devices[i].nr_irqs; j++)
            gic_enable_spi(c->devices[i].irqs[j], vm->vcpus[0].pcpu);
    for (unsigned i = 0; i < vm->vpci.nr; i++)
        if (vm->vpci.fn[i].pf->intid)
            gic_enable_spi(vm->vpci.fn[i].pf->intid, vm->vcpus[0].pcpu);
}

/*
 * A VM's devices fall quiet before its first start (a warm reset of the
 * board keeps device state) and whenever it stops, before its memory is
 * reused, so that nothing a last run left raised reaches the next: SPIs off at
 * the distributor, then each device reset where tofu knows how (its
 * interrupt masked and cleared: src/drivers/quiesce.c), then the SPIs'
 * pending and active state cleared, now that no line holds them.
 */
static void devices_quiesce(struct vm *vm)
{
    const struct vm_config *c = vm->cfg;
    for (unsigned i = 0; i < c->nr_devices; i++)
        for (unsigned j = 0; j < c->devices[i].nr_irqs; j++)
            gic_disable_spi(c->devices[i].irqs[j]);
    for (unsigned i = 0; i < vm->vpci.nr; i++)
        if (vm->vpci.fn[i].pf->intid)
            gic_disable_spi(vm->vpci.fn[i].pf->intid);
    for (unsigned i = 0; i < c->nr_devices; i++)
        dev_quiesce(c->devices[i].compatible, c->devices[i].pa);
    /* PCIe functions: bus mastering off, an FLR where they have one, tofu's
     * BARs back (src/core/pci.c): every function of a bus the VM owned
     * whole (its StreamIDs), or its own ones. */
    if (c->nr_streams)
        pci_bus_reset();
    for (unsigned i = 0; i < vm->vpci.nr; i++)
        pci_fn_reset(vm->vpci.fn[i].pf);
    for (unsigned i = 0; i < c->nr_devices; i++)
        for (unsigned j = 0; j < c->devices[i].nr_irqs; j++)
            gic_clear_spi(c->devices[i].irqs[j]);
    for (unsigned i = 0; i < vm->vpci.nr; i++)
        if (vm->vpci.fn[i].pf->intid)
            gic_clear_spi(vm->vpci.fn[i].pf->intid);
}

/* Set at every boot, kept by a warm reset (QEMU's, or tofu's own after a
 * panic), which leaves RAM as it was: only a boot that does not find it
 * may trust the platform's zeroed RAM. */
#define WARM_BOOT_MAGIC UINT64_C(0x6d726177756f6674)   /* "tofuwarm" */
static uint64_t warm_boot_mark __attribute__((section(".noinit")));

/* Zero what the loader wrote into a VM's RAM, so that the rest may stay
 * as power-on left it; false if that is all of it (clear it at its start). */
static bool zero_written(const struct vm *vm, const struct ram_range *w, unsigned n)
{
    uint64_t base = vm->ram_pa.bits, end = base + vm->cfg->ram_size;
    for (unsigned i = 0; i < n; i++) {
        uint64_t lo = w[i].base > base ? w[i].base : base;
        uint64_t hi = w[i].size > end - w[i].base ? end : w[i].base + w[i].size;
        if (w[i].base >= end || !w[i].size || lo >= hi)
            continue;
        if (lo == base && hi == end)
            return false;
        arch_zero(pa_to_ptr(pa_of(lo)), hi - lo);
        arch_clean_dcache(pa_to_ptr(pa_of(lo)), hi - lo);
    }
    return true;
}

/* VM-ID n is vms[n - 1], created or absent. */
unsigned vm_create_all(const struct ram_range *written, unsigned nr_written)
{
    unsigned created = 0;
    bool ram_zero = platform.ram_zero_at_power_on && warm_boot_mark != WARM_BOOT_MAGIC;
    warm_boot_mark = WARM_BOOT_MAGIC;
    arch_clean_dcache(&warm_boot_mark, sizeof(warm_boot_mark));
    for (unsigned i = 0; i < config_nr_vms && i < MAX_VMS; i++) {
        struct vm *vm = &vms[i];
        nr_vms = i + 1;
        if (vm_create(vm, &config_vms[i], i + 1) == E_OK) {
            /* Zero since power-on but where the loader wrote (the boot
             * DTB, whose pages are free now, may be in its RAM). */
            vm->ram_clean = ram_zero && zero_written(vm, written, nr_written);
            devices_quiesce(vm);        /* a warm reset of the board may have left them raised */
            created++;                  /* loaded by its own CPU when it starts */
        }
    }
    ipc_peers_init();
    return created;
}

void vm_start(struct vm *vm)
{
    spin_lock(&vm->lock);
    vm->state = VM_RUNNING;
    spin_unlock(&vm->lock);
    hw_irqs_enable(vm);
    vm->started_at = arch_counter();
    vm->log_mark = console_mark(vm);
    if (vm->starts++)
        ipc_vm_started(vm);             /* a start again: its peers hear it */
    virtio_vm_started(vm);              /* its virtio windows, where both sides run */
    vm_event(vm, "started (%u vCPU%s, %lu MiB at PA %#lx)", vm->nr_vcpus,
             vm->nr_vcpus > 1 ? "s" : "", vm->cfg->ram_size >> 20, vm->ram_pa.bits);
    vcpu_kick(&vm->vcpus[0]);
}

void vm_start_async(struct vm *vm)
{
    if (vm->state != VM_STOPPED && vm->state != VM_FAILED)
        return;
    vm->failed_for_good = false;
    vm->fail_count = 0;
    vm->start_requested = true;
    pcpus[vm->vcpus[0].pcpu].start_asked = true;
    dsb(ish);
    vcpu_kick(&vm->vcpus[0]);
}

/* `vm` is to be (re)started by `cpu` now. */
static bool start_due(const struct vm *vm, unsigned cpu)
{
    return vm->start_requested && vm->vcpus[0].pcpu == cpu &&
           (vm->state == VM_STOPPED || vm->state == VM_FAILED);
}

bool vm_requests_for(unsigned cpu)
{
    if (!pcpus[cpu].start_asked)        /* every exit of a shared CPU asks */
        return false;
    for (unsigned i = 0; i < nr_vms; i++)
        if (start_due(&vms[i], cpu))
            return true;
    return false;
}

void vm_run_requests(unsigned cpu)
{
    /* Cleared before the look: a request after it sets it again. */
    __atomic_store_n(&pcpus[cpu].start_asked, false, __ATOMIC_SEQ_CST);
    for (unsigned i = 0; i < nr_vms; i++) {
        struct vm *vm = &vms[i];
        if (__atomic_load_n(&vm->clearing, __ATOMIC_ACQUIRE) && pcpus[cpu].vcpu &&
            pcpus[cpu].vcpu->vm == vm)
            clear_chunks(vm);           /* its RAM, while it is stopped */
        if (start_due(vm, cpu)) {
            vm->start_requested = false;
            vm_load(vm);
            vm_start(vm);
        }
    }
}

struct vm *vm_by_name_or_id(const char *s)
{
    unsigned id = 0;
    const char *p = s;
    while (*p >= '0' && *p <= '9')
        id = id * 10 + (unsigned)(*p++ - '0');
    for (unsigned i = 0; i < nr_vms; i++)
        if ((!*p && p != s && vms[i].id == id) || !strcmp(vms[i].cfg->name, s))
            return &vms[i];
    return NULL;
}

static bool any_vm_alive(void)
{
    for (unsigned i = 0; i < nr_vms; i++)
        if (vms[i].state == VM_RUNNING || vms[i].state == VM_STOPPING)
            return true;
    return false;
}

static void vm_finish_stop(struct vm *vm)
{
    devices_quiesce(vm);                /* before vm_load() clears its RAM */
    virtio_vm_stopped(vm);              /* its RAM out of its backends, before that too */
    ipc_vm_stopped(vm);
    vm_event(vm, "stopped: %s", stop_reason_name[vm->stop_reason]);
    msi_vm_stopped(vm);
    if (vm->restart_after_stop) {
        vm_load(vm);
        vm_event(vm, "restarting from a clean image");
        vm_start(vm);
        return;
    }
    spin_lock(&vm->lock);
    vm->state = vm->failed_for_good ? VM_FAILED : VM_STOPPED;
    spin_unlock(&vm->lock);
    if (vm->failed_for_good)
        vm_event(vm, "failed: %u failures within %u s; left stopped ('start %s' in the shell)",
                 vm->fail_count, vm->cfg->restart_window_s, vm->cfg->name);
    if (!any_vm_alive() && vm->stop_reason != VM_STOP_CONSOLE) {
        hyp_power_off("no VM left running: powering off");
    }
}

void vm_request_stop(struct vm *vm, enum vm_stop_reason why, bool restart)
{
    bool idle = true;
    spin_lock(&vm->lock);
    if (vm->state != VM_RUNNING) {
        spin_unlock(&vm->lock);
        return;
    }
    vm->state = VM_STOPPING;
    vm->stop_reason = why;
    vm->restart_after_stop = restart;
    for (unsigned i = 0; i < vm->nr_vcpus; i++) {
        idle &= !vm->vcpus[i].running;
        vcpu_work_set(&vm->vcpus[i], VCPU_WORK_STOP);
    }
    spin_unlock(&vm->lock);
    for (unsigned i = 0; i < vm->nr_vcpus; i++)
        if (vm->vcpus[i].running)
            vcpu_kick(&vm->vcpus[i]);
    if (idle)
        vm_finish_stop(vm);
}

void vm_vcpu_parked(struct vcpu *v)
{
    vm_finish_stop(v->vm);
}

/* A failure: restart by the VM's policy, unless it failed too often. */
static void vm_fail_policy(struct vm *vm, enum vm_stop_reason why)
{
    const struct vm_config *c = vm->cfg;
    uint64_t now = arch_counter();
    bool restart = false;

    spin_lock(&vm->lock);
    if (vm->state == VM_RUNNING && c->restart_on_failure) {
        if (!vm->fail_count || now - vm->fail_window_start > c->restart_window_s * arch_counter_freq()) {
            vm->fail_window_start = now;
            vm->fail_count = 0;
        }
        vm->fail_count++;
        restart = vm->fail_count <= c->max_restarts;
        vm->failed_for_good = !restart;
        vm->restarts += restart;
    }
    spin_unlock(&vm->lock);
    vm_request_stop(vm, why, restart);
}

static void vm_fail(struct vcpu *v, enum vm_stop_reason why, const char *reason)
{
    vm_event(v->vm, "vcpu%u: %s: ESR %#lx FAR %#lx ELR %#lx SPSR %#lx: stopping the VM",
             v->id, reason, read_sysreg(esr_el2), read_sysreg(far_el2), v->regs.pc, v->regs.spsr);
    vm_fail_policy(v->vm, why);
}

void vm_failed(struct vm *vm, enum vm_stop_reason why, const char *fmt, ...)
{
    char reason[200];
    va_list ap;
    if (vm->state != VM_RUNNING)
        return;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    vm_event(vm, "%s: stopping the VM", reason);
    vm_fail_policy(vm, why);
}

void vm_fatal(struct vcpu *v, const char *reason)
{
    vm_fail(v, VM_STOP_FATAL, reason);
}

void vm_fault_injected(struct vcpu *v)
{
    uint64_t now = arch_counter();
    if (now - v->storm_start >= arch_counter_freq()) {
        v->storm_start = now;
        v->storm_faults = 0;
    }
    if (++v->storm_faults == VM_FAULT_STORM_PER_S) {
        char why[80];
        snprintf(why, sizeof(why), "fault storm: %u exceptions injected within a second",
                 VM_FAULT_STORM_PER_S);
        vm_fail(v, VM_STOP_STORM, why);
    }
}

/*
 * Linux's panic() prints this before it resets (with panic=N); tofu reads
 * it from what the VM printed since its start (its console log).  Copied
 * into `line` up to its end of line.
 */
#define PANIC_BANNER "Kernel panic - not syncing"

static bool panic_banner(const struct vm *vm, char *line, size_t size)
{
    return console_find_since(vm, vm->log_mark, PANIC_BANNER, line, size);
}

void vm_guest_reset(struct vcpu *v, bool warm)
{
    struct vm *vm = v->vm;
    char banner[CONSOLE_LINE_MAX];
    bool panicked = panic_banner(vm, banner, sizeof(banner));

    if (!warm && !panicked) {
        vm_request_stop(vm, VM_STOP_RESET, true);
        return;
    }
    vm_failed(vm, VM_STOP_PANIC, "guest panic: \"%s\", then PSCI %s", panicked ? banner : "(no panic line)",
              warm ? "SYSTEM_RESET2 (warm)" : "SYSTEM_RESET");
}

void vm_hung(struct vm *vm, const char *fmt, ...)
{
    char banner[CONSOLE_LINE_MAX], what[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (panic_banner(vm, banner, sizeof(banner)))
        vm_failed(vm, VM_STOP_PANIC, "guest panic: \"%s\", then %s", banner, what);
    else
        vm_failed(vm, VM_STOP_WATCHDOG, "%s", what);
}
