/* SPDX-License-Identifier: MIT */
/*
 * Exit dispatch: one const table indexed by ESR_EL2.EC.  An exception class
 * tofu does not handle injects an UNDEF into the guest; it never stops a
 * physical CPU.
 */
#include "core/trap.h"
#include "core/vm.h"
#include "core/printf.h"
#include "core/panic.h"
#include "arch/regs.h"
#include "arch/sysreg.h"

static const char *const ec_names[EC_COUNT] = {
    [EC_UNKNOWN] = "unknown reason", [EC_WFX] = "WFI/WFE", [EC_FP_ASIMD] = "FP/SIMD access",
    [EC_ILLEGAL_STATE] = "illegal execution state", [EC_SVC64] = "SVC", [EC_HVC64] = "HVC",
    [EC_SMC64] = "SMC", [EC_SYSREG] = "MSR/MRS/system instruction", [EC_SVE] = "SVE access",
    [EC_IABT_LOW] = "instruction abort (lower EL)", [EC_IABT_CUR] = "instruction abort (same EL)",
    [EC_PC_ALIGN] = "PC alignment fault", [EC_DABT_LOW] = "data abort (lower EL)",
    [EC_DABT_CUR] = "data abort (same EL)", [EC_SP_ALIGN] = "SP alignment fault",
    [EC_SERROR] = "SError", [EC_BRK64] = "BRK",
};

static const char *ec_name(unsigned ec)
{
    return ec < EC_COUNT && ec_names[ec] ? ec_names[ec] : "reserved/other";
}

static enum trap_result trap_unknown(struct vcpu *v, uint64_t esr)
{
    vm_log(v, VM_LOG_UNDEF, "unhandled exception class %#x (%s), ESR %#lx, at %#lx: injecting UNDEF",
           ESR_EC(esr), ec_name(ESR_EC(esr)), esr, v->regs.pc);
    return TRAP_UNDEF;
}

/* WFI traps (HCR_EL2.TWI): idle this CPU until an interrupt is due for the
 * vCPU.  WFIT (with a timeout tofu does not track) just returns: WFx may
 * complete early at any time.  WFxT is hidden from guests anyway. */
static enum trap_result trap_wfx(struct vcpu *v, uint64_t esr)
{
    if ((esr & ISS_WFX_TI_MASK) == ISS_WFX_TI_WFI)
        vcpu_idle(v);
    return TRAP_EMULATED;
}

/* HVC: the preferred return address is already the next instruction. */
static enum trap_result trap_hvc(struct vcpu *v, uint64_t esr)
{
    enum trap_result r = smccc_call(v, esr);
    return r == TRAP_EMULATED ? TRAP_RESUME : r;
}

/* SMC (HCR_EL2.TSC): ELR points at the SMC itself; same services as HVC. */
static enum trap_result trap_smc(struct vcpu *v, uint64_t esr)
{
    return smccc_call(v, esr);
}

/* SVE and SME are hidden from guests (ID registers) and trapped (CPTR_EL2). */
static enum trap_result trap_sve(struct vcpu *v, uint64_t esr)
{
    UNUSED(esr);
    vm_log(v, VM_LOG_UNDEF, "SVE access at %#lx: injecting UNDEF", v->regs.pc);
    return TRAP_UNDEF;
}

/* A synchronous external abort of the guest's own access (HCR_EL2.TEA, set
 * with FEAT_RAS): logged here, then taken by the guest as it would have
 * been without the trap. */
static bool is_sea(uint64_t esr)
{
    unsigned fsc = (unsigned)(esr & ISS_FSC_MASK);
    return fsc == FSC_SYNC_EXTERNAL || (fsc & FSC_SEA_WALK_MASK) == FSC_SEA_WALK;
}

static enum trap_result trap_sea(struct vcpu *v, uint64_t esr)
{
    vm_log(v, VM_LOG_ABORT, "synchronous external abort at PC %#lx (FAR %#lx, ESR %#lx): giving it to the guest",
           v->regs.pc, read_sysreg(far_el2), esr);
    return TRAP_SEA;
}

/* A data abort that is no emulated access: the guest's own external
 * abort, outside the VM's memory and devices, or without a valid syndrome. */
static enum trap_result __attribute__((noinline)) dabt_refused(struct vcpu *v, uint64_t esr, uint64_t far,
                                                               uint64_t ipa)
{
    const struct mmio_region *r = NULL;
    if ((esr & ISS_FSC_TYPE_MASK) == FSC_TRANSLATION && !(esr & ISS_DABT_S1PTW))
        r = mmio_find(v->vm, ipa);
    if (!r) {
        if (is_sea(esr))
            return trap_sea(v, esr);
        vm_log(v, VM_LOG_ABORT, "data abort: %s of IPA %#lx (VA %#lx) at PC %#lx, ESR %#lx: not the VM's; injecting abort",
               (esr & ISS_DABT_WNR) ? "write" : "read", ipa, far, v->regs.pc, esr);
        return TRAP_DABT;
    }
    vm_log(v, VM_LOG_ABORT, "data abort on %s at IPA %#lx without a valid syndrome (PC %#lx): injecting abort",
           r->ops->name, ipa, v->regs.pc);
    return TRAP_DABT;
}

/* HPFAR_EL2 is UNKNOWN after a stage-2 permission fault that is not on a
 * stage-1 walk: the IPA comes from the guest's own stage 1 (AT), in
 * HPFAR's format; its PAR_EL1 is kept.  False if the translation fails now
 * (the guest changed its tables): the access is retried. */
static bool hpfar_of_va(uint64_t va, uint64_t *hpfar)
{
    uint64_t saved = read_sysreg(par_el1), par;
    __asm__ volatile("at s1e1r, %0" : : "r"(va));
    isb();
    par = read_sysreg(par_el1);
    write_sysreg(par_el1, saved);
    if (par & PAR_F)
        return false;
    *hpfar = FIELD_GET(par, PAR_PA_WIDTH, PAR_PA_SHIFT) << HPFAR_FIPA_SHIFT;
    return true;
}

/* The device's result is the trap result (core/mmio.h): a fault, or
 * MMIO_RETRY, whose vCPU blocks without spinning and then runs the
 * instruction again (the PC stays: nothing of the access happened). */
_Static_assert((int)MMIO_OK == (int)TRAP_EMULATED && (int)MMIO_FAULT == (int)TRAP_DABT &&
               (int)MMIO_RETRY == (int)TRAP_BLOCK, "an MMIO result is its trap result");

static inline enum trap_result mmio_write(struct vcpu *v, const struct mmio_region *r,
                                          const struct mmio_access *a)
{
    uint64_t val = a->reg != 31 ? v->regs.x[a->reg] : 0;
    if (a->width < 8)
        val &= (1ull << (8 * a->width)) - 1;
    return (enum trap_result)r->ops->write(v, r->dev, a->ipa.bits - r->base, a->width, val);
}

/* A stage-2 permission fault: a write to a device whose registers the VM
 * reads from a read-only page (the vPL011's), or a write to read-only
 * shared memory, refused. */
static enum trap_result __attribute__((noinline)) dabt_permission(struct vcpu *v, uint64_t esr, uint64_t far)
{
    const struct vm *vm = v->vm;
    const struct mmio_region *r = NULL;
    struct mmio_access a;
    uint64_t hpfar = read_sysreg(hpfar_el2);

    if (!(esr & ISS_DABT_S1PTW) && !hpfar_of_va(far, &hpfar))
        return TRAP_RESUME;
    if (__builtin_expect(mmio_decode(esr, far, hpfar, &a) == E_OK && a.write && !(esr & ISS_DABT_S1PTW), 1)) {
        r = vm->mmio_ro;
        if (!r || a.ipa.bits - r->base >= r->size)
            r = mmio_find_in(vm->mmio, vm->nr_mmio, a.ipa.bits);
    }
    if (__builtin_expect(!r, 0))
        return dabt_refused(v, esr, far, mmio_fault_ipa(far, hpfar));
    return mmio_write(v, r, &a);
}

/* Emulated MMIO: a stage-2 translation fault (not on a stage-1 walk) with a
 * valid syndrome, in one of the VM's regions; permission faults go on in
 * dabt_permission(), off the path of the others. */
static enum trap_result trap_dabt(struct vcpu *v, uint64_t esr)
{
    uint64_t far = read_sysreg(far_el2), hpfar = read_sysreg(hpfar_el2);
    const struct vm *vm = v->vm;
    const struct mmio_region *r = NULL;
    struct mmio_access a;

    /* One bit sets permission and access flag faults apart from translation faults. */
    if (__builtin_expect(esr & FSC_NOT_TRANSLATION_BIT, 0))
        return (esr & ISS_FSC_TYPE_MASK) == FSC_PERMISSION ? dabt_permission(v, esr, far)
                                                           : dabt_refused(v, esr, far, mmio_fault_ipa(far, hpfar));
    if (__builtin_expect(mmio_decode(esr, far, hpfar, &a) == E_OK && !(esr & ISS_DABT_S1PTW) &&
                         (esr & ISS_FSC_TYPE_MASK) == FSC_TRANSLATION, 1))
        r = mmio_find_in(vm->mmio, vm->nr_mmio, a.ipa.bits);
    if (__builtin_expect(!r, 0))
        return dabt_refused(v, esr, far, mmio_fault_ipa(far, hpfar));

    if (a.write)
        return mmio_write(v, r, &a);
    uint64_t val = 0;
    enum mmio_result res = r->ops->read(v, r->dev, a.ipa.bits - r->base, a.width, &val);
    if (__builtin_expect(res != MMIO_OK, 0))
        return (enum trap_result)res;
    if (a.reg != 31)
        v->regs.x[a.reg] = mmio_load_value(&a, val);
    return TRAP_EMULATED;
}

static enum trap_result trap_iabt(struct vcpu *v, uint64_t esr)
{
    if (is_sea(esr))
        return trap_sea(v, esr);
    vm_log(v, VM_LOG_ABORT, "instruction abort at PC %#lx (HPFAR %#lx, ESR %#lx): not the VM's memory; injecting abort",
           v->regs.pc, read_sysreg(hpfar_el2), esr);
    return TRAP_IABT;
}

/* Every class defaults to trap_unknown, then the handled ones override it. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
static const trap_handler_fn trap_handlers[EC_COUNT] = {
    [0 ... EC_COUNT - 1] = trap_unknown,
    [EC_WFX] = trap_wfx,
    [EC_HVC64] = trap_hvc,
    [EC_SMC64] = trap_smc,
    [EC_SYSREG] = sysreg_trap,
    [EC_SVE] = trap_sve,
    [EC_IABT_LOW] = trap_iabt,
    [EC_DABT_LOW] = trap_dabt,
};
#pragma GCC diagnostic pop

struct vcpu_regs *trap_sync(struct vcpu_regs *regs);
struct vcpu_regs *trap_irq(struct vcpu_regs *regs);
struct vcpu_regs *trap_serror(struct vcpu_regs *regs);

struct vcpu_regs *trap_sync(struct vcpu_regs *regs)
{
    struct vcpu *v = container_of(regs, struct vcpu, regs);
    uint64_t esr = read_sysreg(esr_el2);
    unsigned ec = ESR_EC(esr);

    v->exits[ec]++;
    enum trap_result r = trap_handlers[ec](v, esr);
    if (__builtin_expect(r == TRAP_EMULATED, 1)) {
        regs->pc += ESR_INSN_BYTES(esr);
        return vcpu_resume(v);
    }
    switch (r) {
    case TRAP_EMULATED:     /* above */
    case TRAP_RESUME:
        break;
    case TRAP_UNDEF:
        inject_undef(v);
        break;
    case TRAP_DABT:
        inject_abort(v, true, read_sysreg(far_el2), esr & ISS_DABT_WNR);
        break;
    case TRAP_IABT:
        inject_abort(v, false, read_sysreg(far_el2), false);
        break;
    case TRAP_SEA:
        inject_sea(v, esr, read_sysreg(far_el2));
        break;
    case TRAP_PARK:
        vcpu_park(v);
    case TRAP_BLOCK:                /* no exception: not a fault for the storm count */
        vcpu_block(v);
        return vcpu_resume(v);
    }
    if (r != TRAP_RESUME)           /* an exception went back to the guest */
        vm_fault_injected(v);
    return vcpu_resume(v);
}

struct vcpu_regs *trap_irq(struct vcpu_regs *regs)
{
    struct vcpu *v = container_of(regs, struct vcpu, regs);
    v->irq_exits++;
    irq_handle_pending(v);
    return vcpu_resume(v);
}

/* An SError from the guest's own doing: that VM stops, the others go on. */
struct vcpu_regs *trap_serror(struct vcpu_regs *regs)
{
    struct vcpu *v = container_of(regs, struct vcpu, regs);
    vm_fatal(v, "SError");
    vcpu_park(v);
}

static const char *const hyp_fault_kind[] = {
    "sync (SP0)", "IRQ (SP0)", "FIQ (SP0)", "SError (SP0)",
    "sync", "IRQ", "FIQ", "SError",
};

void hyp_unexpected_exception(const uint64_t *frame, unsigned kind);

/* Frame: x0..x30, ELR, SPSR, SP at the time of the exception. */
void hyp_unexpected_exception(const uint64_t *frame, unsigned kind)
{
    uint64_t esr = read_sysreg(esr_el2);
    printf_raw("\n*** unexpected %s exception at EL2 on CPU %lu ***\n",
               hyp_fault_kind[kind & 7], read_sysreg(tpidr_el2));
    printf_raw("ESR_EL2 %016lx: EC %#x (%s), IL %u, ISS %#lx\n", esr, ESR_EC(esr),
               ec_name(ESR_EC(esr)), (unsigned)!!(esr & ESR_IL), esr & ESR_ISS_MASK);
    printf_raw("FAR_EL2 %016lx  ELR %016lx  SPSR %016lx  SP %016lx\n",
               read_sysreg(far_el2), frame[31], frame[32], frame[33]);
    for (unsigned i = 0; i < 31; i += 2) {
        if (i + 1 < 31)
            printf_raw("x%-2u %016lx  x%-2u %016lx\n", i, frame[i], i + 1, frame[i + 1]);
        else
            printf_raw("x%-2u %016lx\n", i, frame[i]);
    }
    panic("exception at EL2");
}
