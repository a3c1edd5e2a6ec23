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
#include "arch/cpu.h"

/* The one kind of data abort that is an emulated access: a translation
 * fault at any level that is not on a stage-1 walk (one compare), in one
 * of the VM's regions, with a valid syndrome (ISV). */
#define DABT_EMULATED_MASK  (ISS_DABT_S1PTW | ISS_FSC_TYPE_MASK)
#define DABT_EMULATED       FSC_TRANSLATION
/* A permission fault that is an emulated write: valid syndrome, a write,
 * not on a stage-1 walk. */
#define DABT_RO_WRITE_MASK  (ISS_DABT_ISV | ISS_DABT_WNR | ISS_DABT_S1PTW)
#define DABT_RO_WRITE       (ISS_DABT_ISV | ISS_DABT_WNR)

static const char *const ec_names[EC_COUNT] = {
    [EC_UNKNOWN] = "unknown reason", [EC_WFX] = "WFI/WFE", [EC_FP_ASIMD] = "FP/SIMD access", [EC_PAUTH] = "PAuth instruction",
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
 * complete early at any time.  WFxT is hidden from guests anyway.  WFE
 * traps on a shared CPU only (HCR_EL2.TWE, vcpu_ctx.c): a yield hint.
 * Always emulated: the exit steps the PC before the wait, which then ends
 * the exit itself (vcpu_idle_exit), with no frame here. */
static struct vcpu_regs *exit_wfx(struct vcpu *v, uint64_t esr)
{
    v->regs.pc += ESR_INSN_BYTES(esr);
    if ((esr & ISS_WFX_TI_MASK) == ISS_WFX_TI_WFI)
        return vcpu_idle_exit(v);
    if ((esr & ISS_WFX_TI_MASK) == ISS_WFX_TI_WFE)
        return vcpu_yield_exit(v);
    return vcpu_resume(v);
}

/* SMC (HCR_EL2.TSC): ELR points at the SMC itself; same services as HVC. */
static enum trap_result trap_smc(struct vcpu *v, uint64_t esr)
{
    return smccc_call(v, esr);
}

/* FP/SIMD and PAuth trap only on a shared CPU, before a vCPU's first use
 * (vcpu_ctx.c): its registers or keys loaded, the instruction runs again. */
static enum trap_result trap_fp(struct vcpu *v, uint64_t esr)
{
    return arch_vcpu_lazy_fp(v) ? TRAP_RESUME : trap_unknown(v, esr);
}

static enum trap_result trap_pauth(struct vcpu *v, uint64_t esr)
{
    return arch_vcpu_lazy_pauth(v) ? TRAP_RESUME : trap_unknown(v, esr);
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

_Static_assert(MMIO_REG_ZR == VCPU_REG_ZR, "a load into xzr goes to the register file's xzr slot");
/* A write's result is the trap result (core/mmio.h): done, a fault, or
 * MMIO_RETRY, whose vCPU blocks without spinning and then runs the
 * instruction again (the PC stays: nothing of the access happened). */
_Static_assert((int)MMIO_OK == (int)TRAP_EMULATED && (int)MMIO_FAULT == (int)TRAP_DABT &&
               (int)MMIO_RETRY == (int)TRAP_BLOCK, "an MMIO result is its trap result");

/* The access an ISV=1 syndrome describes, on region r at `ipa`: the
 * value of Rt to the device, or the device's value to Rt. */
static inline enum trap_result mmio_emulate(struct vcpu *v, const struct mmio_region *r, uint64_t esr,
                                            uint64_t ipa)
{
    struct mmio_access a;
    mmio_decode_iss(esr, ipa, &a);
    uint64_t off = ipa - r->base;
    if (a.write) {
        uint64_t val = a.reg != MMIO_REG_ZR ? v->regs.x[a.reg] : 0;
        return (enum trap_result)r->write(v, r->dev, off, a.width, mmio_store_value(&a, val));
    }
    uint64_t val = r->read(v, r->dev, off, a.width);
    v->regs.x[a.reg] = mmio_load_value(&a, val);       /* xzr: the slot never read */
    return TRAP_EMULATED;
}

struct vcpu_regs *trap_finish(struct vcpu *v, uint64_t esr, enum trap_result r)
{
    switch (r) {
    case TRAP_EMULATED:
        v->regs.pc += ESR_INSN_BYTES(esr);
        return vcpu_resume(v);
    case TRAP_RESUME:
        return vcpu_resume(v);
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
    case TRAP_BLOCK:                /* no exception: not a fault for the storm count */
        vcpu_block(v);
        return vcpu_resume(v);
    case TRAP_PARK:
        vcpu_park(v);
    }
    vm_fault_injected(v);           /* an exception went back to the guest */
    return vcpu_resume(v);
}

/* A stage-2 permission fault: a write to a device whose registers the VM
 * reads from a read-only page (the vPL011's, first; a virtio window's, the
 * vCPU's last region or found by a scan), or a write to read-only shared
 * memory, refused. */
static struct vcpu_regs *__attribute__((noinline)) exit_dabt_permission(struct vcpu *v, uint64_t esr)
{
    const struct mmio_region *r = NULL;
    uint64_t far = read_sysreg(far_el2), hpfar = read_sysreg(hpfar_el2);

    if (!(esr & ISS_DABT_S1PTW) && !hpfar_of_va(far, &hpfar))
        return vcpu_resume(v);      /* retried */
    uint64_t ipa = mmio_fault_ipa(far, hpfar);
    if (__builtin_expect((esr & DABT_RO_WRITE_MASK) == DABT_RO_WRITE, 1)) {
        r = v->vm->mmio_ro;
        if (!r || ipa - r->base >= r->size) {
            r = &v->mmio_last;
            if (ipa - r->base >= r->size)
                r = mmio_find_update_hint(v, ipa);
        }
    }
    if (__builtin_expect(!r, 0))
        return trap_finish(v, esr, dabt_refused(v, esr, far, ipa));
    return trap_done(v, esr, mmio_emulate(v, r, esr, ipa));
}

static struct vcpu_regs *__attribute__((noinline, cold)) exit_dabt_refused(struct vcpu *v, uint64_t esr)
{
    uint64_t far = read_sysreg(far_el2);
    return trap_finish(v, esr, dabt_refused(v, esr, far, mmio_fault_ipa(far, read_sysreg(hpfar_el2))));
}

/* Emulated MMIO outside the vCPU's last region: the VM's regions scanned
 * (the one found is the hint from now on); refused in none of them or
 * without a valid syndrome. */
static struct vcpu_regs *__attribute__((noinline)) exit_dabt_mmio_scan(struct vcpu *v, uint64_t esr)
{
    uint64_t far = read_sysreg(far_el2), ipa = mmio_fault_ipa(far, read_sysreg(hpfar_el2));
    const struct mmio_region *r = mmio_find_update_hint(v, ipa);
    if (__builtin_expect(!r || !(esr & ISS_DABT_ISV), 0))
        return trap_finish(v, esr, dabt_refused(v, esr, far, ipa));
    return trap_done(v, esr, mmio_emulate(v, r, esr, ipa));
}

/* Emulated MMIO: a stage-2 translation fault (not on a stage-1 walk) with a
 * valid syndrome, in one of the VM's regions, goes straight from the
 * syndrome to the device.  The region: the vCPU's last one (a load pair
 * and a compare), else exit_dabt_mmio_scan(). */
static struct vcpu_regs *__attribute__((noinline)) exit_dabt_mmio(struct vcpu *v, uint64_t esr)
{
    uint64_t ipa = mmio_fault_ipa(read_sysreg(far_el2), read_sysreg(hpfar_el2));
    const struct mmio_region r = v->mmio_last;      /* its fields, loaded as needed */
    if (__builtin_expect(ipa - r.base >= r.size || !(esr & ISS_DABT_ISV), 0))
        return exit_dabt_mmio_scan(v, esr);
    return trap_done(v, esr, mmio_emulate(v, &r, esr, ipa));
}

/* A data abort: emulated MMIO (exit_dabt_mmio); a permission fault, which
 * may be a write to a device read from a read-only page
 * (exit_dabt_permission); everything else refused.  Tail calls only: no
 * frame here, so each kind pays for its own. */
static struct vcpu_regs *exit_dabt(struct vcpu *v, uint64_t esr)
{
    if (__builtin_expect((esr & DABT_EMULATED_MASK) == DABT_EMULATED, 1))
        return exit_dabt_mmio(v, esr);
    if ((esr & ISS_FSC_TYPE_MASK) == FSC_PERMISSION)
        return exit_dabt_permission(v, esr);
    return exit_dabt_refused(v, esr);
}

static enum trap_result trap_iabt(struct vcpu *v, uint64_t esr)
{
    if (is_sea(esr))
        return trap_sea(v, esr);
    vm_log(v, VM_LOG_ABORT, "instruction abort at PC %#lx (HPFAR %#lx, ESR %#lx): not the VM's memory; injecting abort",
           v->regs.pc, read_sysreg(hpfar_el2), esr);
    return TRAP_IABT;
}

/* The table's entries: each class's handler, then the end of its exit. */
#define TRAP_EXIT(name, handler) \
    static struct vcpu_regs *name(struct vcpu *v, uint64_t esr) { return trap_done(v, esr, handler(v, esr)); }
TRAP_EXIT(exit_unknown, trap_unknown)
TRAP_EXIT(exit_smc, trap_smc)
TRAP_EXIT(exit_sve, trap_sve)
TRAP_EXIT(exit_fp, trap_fp)
TRAP_EXIT(exit_pauth, trap_pauth)
TRAP_EXIT(exit_iabt, trap_iabt)
#undef TRAP_EXIT

/* Every class defaults to exit_unknown, then the handled ones override it. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
/* In a section of its own: addressed by adrp and one add, not off a section
 * anchor shared with other constants. */
/* Indexed by the vector code (vectors.S, trap_dispatch), which counts the
 * exit first. */
extern const trap_exit_fn trap_exits[EC_COUNT];
/* An entry whose exit saves only what an interrupt saves (core/trap.h). */
#define LIGHT(fn) ((trap_exit_fn)((uintptr_t)(fn) + TRAP_EXIT_LIGHT))
const trap_exit_fn trap_exits[EC_COUNT] __attribute__((section(".rodata.trap_exits"))) = {
    [0 ... EC_COUNT - 1] = exit_unknown,
    [EC_WFX] = LIGHT(exit_wfx),
    [EC_HVC64] = LIGHT(smccc_hvc_exit),
    [EC_SMC64] = exit_smc,
    [EC_SYSREG] = sysreg_exit,
    [EC_SVE] = exit_sve,
    [EC_FP_ASIMD] = exit_fp,
    [EC_PAUTH] = exit_pauth,
    [EC_IABT_LOW] = exit_iabt,
    [EC_DABT_LOW] = exit_dabt,
};
#pragma GCC diagnostic pop
#undef LIGHT

struct vcpu_regs *trap_irq(struct vcpu_regs *regs);
struct vcpu_regs *trap_serror(struct vcpu_regs *regs);

_Static_assert(__builtin_offsetof(struct vcpu, regs) == 0, "the vector code's frame is its vCPU");
_Static_assert(sizeof(trap_exit_fn) == 8 && sizeof(((struct vcpu *)0)->exits[0]) == 8,
               "trap_dispatch's scaled loads");

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
