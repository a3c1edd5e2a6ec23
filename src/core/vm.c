/* SPDX-License-Identifier: MIT */
/*
 * VM lifecycle: create from the config at boot, load (zero RAM, copy the
 * images), start, stop, restart.  A VM stops when its vCPUs have all left
 * guest context; the last one out finishes the stop.
 */
#include "core/vm.h"
#include "core/mem.h"
#include "core/pcpu.h"
#include "core/printf.h"
#include "core/panic.h"
#include "core/lib.h"
#include "core/drivers.h"
#include "arch/cpu.h"
#include "arch/mmu.h"
#include "arch/regs.h"

#define VM_LOG_BUDGET   64
#define MIN_IPA_BITS    32
#define MAX_S2_IPA_BITS 48

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
};

const char *vm_state_name(enum vm_state s)
{
    return s == VM_RUNNING ? "running" : s == VM_STOPPING ? "stopping" : "stopped";
}

void vm_log(struct vcpu *v, const char *fmt, ...)
{
    struct vm *vm = v->vm;
    char line[200];
    va_list ap;

    /* Take one unit of budget atomically: vCPUs of one VM log concurrently. */
    unsigned left = __atomic_load_n(&vm->log_budget, __ATOMIC_RELAXED);
    do {
        if (!left)
            return;
    } while (!__atomic_compare_exchange_n(&vm->log_budget, &left, left - 1, false,
                                          __ATOMIC_RELAXED, __ATOMIC_RELAXED));
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);     /* one piece: lines do not interleave */
    va_end(ap);
    printf("vm %s vcpu%u: %s\n", vm->cfg->name, v->id, line);
    if (left == 1)
        printf("vm %s: further guest-caused messages suppressed until it restarts\n", vm->cfg->name);
}

static uint64_t top_of(const struct vm_config *c)
{
    uint64_t top = c->ram_ipa + c->ram_size;
    uint64_t gicr_end = c->gicr_ipa + (uint64_t)c->nr_vcpus * GICR_FRAME_SIZE;
    if (gicr_end > top) top = gicr_end;
    if (c->share_window_ipa + c->share_window_size > top) top = c->share_window_ipa + c->share_window_size;
    if (c->gicd_ipa + GICD_SIZE > top) top = c->gicd_ipa + GICD_SIZE;
    if (c->uart_ipa + UART_SIZE > top) top = c->uart_ipa + UART_SIZE;
    return top;
}

/* Each vCPU's EL1, PMU and debug context (struct vcpu points at its own). */
static struct vcpu_sysregs vcpu_ctxs[MAX_VMS][VM_MAX_VCPUS];

static int vm_create(struct vm *vm, const struct vm_config *c, unsigned id)
{
    unsigned ipa_bits = MIN_IPA_BITS;
    uint64_t npages = c->ram_size / PAGE_SIZE;
    uint64_t align = (IS_ALIGNED(c->ram_ipa, SZ_1G) && c->ram_size >= SZ_1G) ? SZ_1G : SZ_2M;

    vm->id = id;
    vm->cfg = c;
    console_src_init(&vm->con, c->name, 1 + (id - 1) % 6);
    vm->state = VM_STOPPED;
    while ((1ull << ipa_bits) < top_of(c))
        ipa_bits++;
    if (ipa_bits > arch_pa_bits() || ipa_bits > MAX_S2_IPA_BITS) {
        printf("vm %s: IPA space of %u bits exceeds what this CPU supports\n", c->name, ipa_bits);
        return E_RANGE;
    }
    for (unsigned i = 0; i < c->nr_vcpus; i++) {
        if (c->vcpu_pcpu[i] >= nr_pcpus || !pcpus[c->vcpu_pcpu[i]].online) {
            printf("vm %s: vCPU %u is pinned to CPU %u, which is not online: VM not created\n",
                   c->name, i, c->vcpu_pcpu[i]);
            return E_RANGE;
        }
    }
    uint64_t pa = c->ram_pa ? palloc_alloc_at(&hyp_mem, c->ram_pa, npages)
                            : palloc_alloc(&hyp_mem, npages, align / PAGE_SIZE);
    if (!pa) {
        printf("vm %s: cannot allocate %lu MiB of RAM%s\n", c->name, c->ram_size >> 20,
               c->ram_pa ? " at the configured address" : "");
        return E_NOMEM;
    }
    vm->ram_pa = pa_of(pa);
    if (s2_init(&vm->s2, ipa_bits, mem_alloc_table, NULL) != E_OK ||
        pt_map(&vm->s2, c->ram_ipa, pa, c->ram_size, s2_attrs_ram()) != E_OK) {
        printf("vm %s: cannot build stage-2 tables\n", c->name);
        return E_NOMEM;
    }
    vm->vtcr = s2_vtcr(ipa_bits);
    vm->vttbr = ((uint64_t)id << VTTBR_VMID_SHIFT) | (uint64_t)(uintptr_t)vm->s2.root;

    vm->nr_vcpus = c->nr_vcpus;
    for (unsigned i = 0; i < c->nr_vcpus; i++) {
        struct vcpu *v = &vm->vcpus[i];
        v->vm = vm;
        v->id = i;
        v->pcpu = c->vcpu_pcpu[i];
        v->vmpidr = MPIDR_RES1 | ((uint64_t)i << MPIDR_AFF0_SHIFT);
        v->ctx = &vcpu_ctxs[vm - vms][i];
        BUG_ON(v->pcpu >= MAX_PCPUS || pcpus[v->pcpu].vcpu);
        pcpus[v->pcpu].vcpu = v;
    }
    for (unsigned i = 0; i < c->nr_devices; i++) {
        const struct vm_device *d = &c->devices[i];
        if (pt_map(&vm->s2, d->pa, d->pa, d->size, s2_attrs_device()) != E_OK)
            panic("vm %s: device %#lx+%#lx overlaps in the compiled config", c->name, d->pa, d->size);
        for (unsigned j = 0; j < d->nr_irqs; j++) {
            BUG_ON(d->irqs[j] < GIC_SPI_BASE_ID || d->irqs[j] >= HW_IRQ_MAX || vm_hw_irq_owner[d->irqs[j]]);
            vm_hw_irq_owner[d->irqs[j]] = vm;
        }
    }
    if (mmio_add(vm, c->gicd_ipa, GICD_SIZE, &vgic_dist_ops, &vm->vgic) ||
        mmio_add(vm, c->gicr_ipa, (uint64_t)c->nr_vcpus * GICR_FRAME_SIZE, &vgic_redist_ops, vm) ||
        mmio_add(vm, c->uart_ipa, UART_SIZE, &vpl011_ops, &vm->uart))
        panic("vm %s: overlapping emulated devices in the compiled config", c->name);
    return E_OK;
}

static void copy_image(struct vm *vm, const struct vm_image *img)
{
    if (!img->size)
        return;
    void *dst = vm_ipa_to_ptr(vm, img->load_ipa, img->size);
    BUG_ON(!dst);           /* the config tool placed it inside RAM */
    memcpy(dst, img->data, img->size);
    arch_clean_dcache(dst, img->size);
}

/* Fresh state: zeroed RAM, pristine images, vCPU 0 at the entry point. */
static void vm_load(struct vm *vm)
{
    const struct vm_config *c = vm->cfg;
    void *ram = pa_to_ptr(vm->ram_pa);

    arch_zero_tagged(ram, c->ram_size);   /* no tag survives a restart */
    arch_clean_dcache(ram, c->ram_size);
    copy_image(vm, &c->kernel);
    copy_image(vm, &c->initrd);
    copy_image(vm, &c->dtb);
    arch_icache_invalidate_all();
    s2_flush_vmid(vm->vttbr);

    vgic_vm_init(vm, c->nr_spis);
    for (unsigned i = 0; i < c->nr_devices; i++)
        for (unsigned j = 0; j < c->devices[i].nr_irqs; j++)
            vgic_irq_of(&vm->vcpus[0], c->devices[i].irqs[j])->hw = true;
    vpl011_init(&vm->uart, vm, c->uart_intid);
    for (unsigned i = 0; i < vm->nr_vcpus; i++) {
        struct vcpu *v = &vm->vcpus[i];
        vgic_vcpu_init(v);
        vcpu_reset(v, c->entry_ipa, i == 0 ? c->dtb.load_ipa : 0);
        v->power = i == 0 ? VCPU_ON_PENDING : VCPU_OFF;
        memset(v->exits, 0, sizeof(v->exits));
        v->irq_exits = 0;
    }
    vm->cntvoff = arch_counter();     /* the guest's virtual counter starts at 0 */
    vm->log_budget = VM_LOG_BUDGET;
    vm->stop_reason = VM_STOP_NONE;
}

void vm_create_all(void)
{
    for (unsigned i = 0; i < config_nr_vms && nr_vms < MAX_VMS; i++) {
        struct vm *vm = &vms[nr_vms];
        if (vm_create(vm, &config_vms[i], i + 1) == E_OK) {
            vm_load(vm);
            nr_vms++;
        }
    }
}

/* Physical interrupts of the VM's devices: to vCPU 0's CPU, until the guest
 * routes them elsewhere (GICD_IROUTER); off and inactive while it is stopped. */
static void hw_irqs_enable(struct vm *vm, bool on)
{
    const struct vm_config *c = vm->cfg;
    for (unsigned i = 0; i < c->nr_devices; i++)
        for (unsigned j = 0; j < c->devices[i].nr_irqs; j++) {
            if (on)
                gic_enable_spi(c->devices[i].irqs[j], vm->vcpus[0].pcpu);
            else
                gic_disable_spi(c->devices[i].irqs[j]);
        }
}

void vm_start(struct vm *vm)
{
    spin_lock(&vm->lock);
    vm->state = VM_RUNNING;
    spin_unlock(&vm->lock);
    hw_irqs_enable(vm, true);
    printf("vm %s: started (%u vCPU%s, %lu MiB at PA %#lx)\n", vm->cfg->name, vm->nr_vcpus,
           vm->nr_vcpus > 1 ? "s" : "", vm->cfg->ram_size >> 20, vm->ram_pa.bits);
    vcpu_kick(&vm->vcpus[0]);
}

void vm_start_async(struct vm *vm)
{
    if (vm->state != VM_STOPPED)
        return;
    vm->start_requested = true;
    dsb(ish);
    vcpu_kick(&vm->vcpus[0]);
}

void vm_run_requests(unsigned cpu)
{
    for (unsigned i = 0; i < nr_vms; i++) {
        struct vm *vm = &vms[i];
        if (vm->start_requested && vm->vcpus[0].pcpu == cpu && vm->state == VM_STOPPED) {
            vm->start_requested = false;
            vm_load(vm);
            vm_start(vm);
        }
    }
}

struct vm *vm_by_id(unsigned id)
{
    return id >= 1 && id <= nr_vms ? &vms[id - 1] : NULL;
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
        if (vms[i].state != VM_STOPPED)
            return true;
    return false;
}

static void vm_finish_stop(struct vm *vm)
{
    hw_irqs_enable(vm, false);
    ipc_vm_stopped(vm);
    printf("vm %s: stopped: %s\n", vm->cfg->name, stop_reason_name[vm->stop_reason]);
    if (vm->restart_after_stop) {
        vm_load(vm);
        printf("vm %s: restarting from a clean image\n", vm->cfg->name);
        vm_start(vm);
        return;
    }
    spin_lock(&vm->lock);
    vm->state = VM_STOPPED;
    spin_unlock(&vm->lock);
    if (!any_vm_alive() && vm->stop_reason != VM_STOP_CONSOLE) {
        printf("no VM left running: powering off\n");
        fw_psci_system_off();
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
    for (unsigned i = 0; i < vm->nr_vcpus; i++)
        idle &= !vm->vcpus[i].running;
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

void vm_fatal(struct vcpu *v, const char *reason)
{
    printf("vm %s vcpu%u: %s: ESR %#lx FAR %#lx HPFAR %#lx ELR %#lx SPSR %#lx: stopping the VM\n",
           v->vm->cfg->name, v->id, reason, read_sysreg(esr_el2), read_sysreg(far_el2),
           read_sysreg(hpfar_el2), v->regs.pc, v->regs.spsr);
    vm_request_stop(v->vm, VM_STOP_FATAL, false);
}
