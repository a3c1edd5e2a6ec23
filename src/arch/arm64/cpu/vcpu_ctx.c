/* SPDX-License-Identifier: MIT */
/*
 * EL2 controls for running guests, and the EL1 context of a vCPU.
 */
#include "arch/cpu.h"
#include "arch/regs.h"
#include "arch/sysreg.h"
#include "arch/vgic_hw.h"
#include "core/vm.h"

/*
 * HCR_EL2 while a guest runs (Arm ARM D17.2.48):
 *  VM    stage-2 translation on.
 *  SWIO  set/way invalidation by the guest becomes clean+invalidate, so it
 *        cannot discard other VMs' dirty lines.
 *  FMO, IMO, AMO  physical FIQ/IRQ/SError go to EL2; the guest gets virtual ones.
 *  FB    TLB and I-cache maintenance is broadcast: a vCPU may move CPUs.
 *  BSU   barriers are upgraded to inner shareable, for the same reason.
 *  TWI   WFI traps, so an idle vCPU idles its CPU in the hypervisor (WFE does
 *        not trap: guests spin briefly with it, a trap would only add cost).
 *  TID3  ID registers trap, to hide what tofu does not virtualise.
 *  TSC   SMC traps: guests never reach the firmware; SMC is served as HVC.
 *  TACR  ACTLR_EL1 traps: implementation-defined controls are not the guest's.
 *  RW    EL1 is AArch64.
 *  TLOR  LORegions registers trap (not virtualised).
 *  APK, API  pointer-authentication keys and instructions do not trap: the
 *        keys are part of the vCPU context.
 * Not set: TVM/TRVM (guests own their stage-1), TSW (SWIO suffices),
 * TGE/E2H (no host OS at EL2), TERR/TEA (RAS records are not exposed).
 */
#define HCR_GUEST (HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_FB | HCR_BSU_IS | \
                   HCR_TWI | HCR_TID3 | HCR_TSC | HCR_TACR | HCR_RW | HCR_TLOR | HCR_APK | HCR_API)

/* At EL2 between guests: physical interrupts still target EL2, so that WFI
 * in the idle loop wakes for them and ICC_IAR1_EL1 acknowledges them. */
#define HCR_IDLE (HCR_FMO | HCR_IMO | HCR_AMO | HCR_RW)

/* FP/SIMD for guests; SVE, SME, trace and activity monitors trap (CPTR_EL2). */
#define CPTR_GUEST (CPTR_EL2_RES1 | CPTR_EL2_TZ | CPTR_EL2_TSM | CPTR_EL2_TTA | CPTR_EL2_TAM)
/* EL1 may read the physical counter; the EL1 physical timer traps. */
#define CNTHCTL_GUEST CNTHCTL_EL1PCTEN

#define ID_MMFR0_FGT_SHIFT 56
#define ID_ISAR1_APA_SHIFT 4
#define ID_ISAR1_API_SHIFT 8
#define ID_ISAR1_GPA_SHIFT 24
#define ID_ISAR1_GPI_SHIFT 28
#define ID_ISAR2_APA3_SHIFT 12
#define ID_ISAR2_GPA3_SHIFT 8

static bool has_pauth, has_fgt;

static bool id_field(uint64_t reg, unsigned shift) { return FIELD_GET(reg, ID_FIELD_WIDTH, shift) != 0; }

void fpsimd_save(uint64_t *vregs, uint64_t *fpsr_fpcr);
void fpsimd_load(const uint64_t *vregs, const uint64_t *fpsr_fpcr);

void arch_cpu_init(void)
{
    uint64_t isar1 = read_sysreg(id_aa64isar1_el1), isar2 = read_sysreg(S3_0_C0_C6_2);
    has_pauth = id_field(isar1, ID_ISAR1_APA_SHIFT) || id_field(isar1, ID_ISAR1_API_SHIFT) ||
                id_field(isar1, ID_ISAR1_GPA_SHIFT) || id_field(isar1, ID_ISAR1_GPI_SHIFT) ||
                id_field(isar2, ID_ISAR2_APA3_SHIFT) || id_field(isar2, ID_ISAR2_GPA3_SHIFT);
    has_fgt = id_field(read_sysreg(id_aa64mmfr0_el1), ID_MMFR0_FGT_SHIFT);

    write_sysreg(cptr_el2, CPTR_GUEST);
    write_sysreg(cnthctl_el2, CNTHCTL_GUEST);
    /* PMU and debug: a pinned vCPU owns its CPU's counters and debug
     * registers; nothing traps (HPMN = all counters to EL1/EL0). */
    write_sysreg(mdcr_el2, FIELD_GET(read_sysreg(pmcr_el0), PMCR_N_WIDTH, PMCR_N_SHIFT));
    write_sysreg(vpidr_el2, read_sysreg(midr_el1));
    if (has_fgt) {
        /* Fine-grained traps reset to UNKNOWN: trap nothing beyond HCR_EL2. */
        write_sysreg(S3_4_C1_C1_4, 0);   /* HFGRTR_EL2 */
        write_sysreg(S3_4_C1_C1_5, 0);   /* HFGWTR_EL2 */
        write_sysreg(S3_4_C1_C1_6, 0);   /* HFGITR_EL2 */
        write_sysreg(S3_4_C3_C1_4, 0);   /* HDFGRTR_EL2 */
        write_sysreg(S3_4_C3_C1_5, 0);   /* HDFGWTR_EL2 */
    }
    write_sysreg(ICH_HCR_EL2, 0);
    write_sysreg(hcr_el2, HCR_IDLE);
    isb();
}

void arch_vcpu_ctx_reset(struct vcpu *v)
{
    struct vcpu_sysregs *c = &v->ctx;
    uint64_t *p = (uint64_t *)(void *)c;
    for (unsigned i = 0; i < sizeof(*c) / sizeof(uint64_t); i++)
        p[i] = 0;
    c->sctlr = SCTLR_EL1_RES1;
    c->ich_hcr = ICH_HCR_EN;
}

#define CTX_EL1_REGS(X) \
    X(sctlr, sctlr_el1) X(cpacr, cpacr_el1) X(ttbr0, ttbr0_el1) X(ttbr1, ttbr1_el1) \
    X(tcr, tcr_el1) X(esr, esr_el1) X(afsr0, afsr0_el1) X(afsr1, afsr1_el1) X(far, far_el1) \
    X(mair, mair_el1) X(amair, amair_el1) X(vbar, vbar_el1) X(contextidr, contextidr_el1) \
    X(tpidr_el0, tpidr_el0) X(tpidrro_el0, tpidrro_el0) X(tpidr_el1, tpidr_el1) \
    X(sp_el0, sp_el0) X(sp_el1, sp_el1) X(elr_el1, elr_el1) X(spsr_el1, spsr_el1) \
    X(par, par_el1) X(cntkctl, cntkctl_el1) X(csselr, csselr_el1) X(mdscr, mdscr_el1) \
    X(cntv_cval, cntv_cval_el0) X(ich_vmcr, ICH_VMCR_EL2) X(ich_ap0r0, ICH_AP0R0_EL2) \
    X(ich_ap1r0, ICH_AP1R0_EL2)

#define PAUTH_REGS(X) \
    X(0, S3_0_C2_C1_0) X(1, S3_0_C2_C1_1) X(2, S3_0_C2_C1_2) X(3, S3_0_C2_C1_3) \
    X(4, S3_0_C2_C2_0) X(5, S3_0_C2_C2_1) X(6, S3_0_C2_C2_2) X(7, S3_0_C2_C2_3) \
    X(8, S3_0_C2_C3_0) X(9, S3_0_C2_C3_1)

void arch_vcpu_load(struct vcpu *v)
{
    struct vcpu_sysregs *c = &v->ctx;
    struct vm *vm = v->vm;

    write_sysreg(vttbr_el2, vm->vttbr);
    write_sysreg(vtcr_el2, vm->vtcr);
    write_sysreg(vmpidr_el2, v->vmpidr);
    write_sysreg(cntvoff_el2, vm->cntvoff);
    write_sysreg(hcr_el2, HCR_GUEST);
    isb();
#define LOAD(f, r) write_sysreg(r, c->f);
    CTX_EL1_REGS(LOAD)
#undef LOAD
    if (has_pauth) {
#define LOAD_KEY(i, r) write_sysreg(r, c->pauth[i]);
        PAUTH_REGS(LOAD_KEY)
#undef LOAD_KEY
    }
    fpsimd_load(c->vregs, &c->fpsr);
    for (unsigned i = 0; i < vgic_nr_lrs; i++)
        vgic_hw_write_lr(i, c->lr[i]);
    write_sysreg(ICH_HCR_EL2, c->ich_hcr);
    write_sysreg(cntv_ctl_el0, c->cntv_ctl);
    isb();
}

void arch_vcpu_save(struct vcpu *v)
{
    struct vcpu_sysregs *c = &v->ctx;
#define SAVE(f, r) c->f = read_sysreg(r);
    CTX_EL1_REGS(SAVE)
#undef SAVE
    c->cntv_ctl = read_sysreg(cntv_ctl_el0);
    if (has_pauth) {
#define SAVE_KEY(i, r) c->pauth[i] = read_sysreg(r);
        PAUTH_REGS(SAVE_KEY)
#undef SAVE_KEY
    }
    fpsimd_save(c->vregs, &c->fpsr);
    for (unsigned i = 0; i < vgic_nr_lrs; i++)
        c->lr[i] = vgic_hw_read_lr(i);
    c->ich_hcr = read_sysreg(ICH_HCR_EL2);
}

void arch_vcpu_quiesce(void)
{
    write_sysreg(cntv_ctl_el0, 0);
    for (unsigned i = 0; i < vgic_nr_lrs; i++) {
        uint64_t lr = vgic_hw_read_lr(i);
        /* A forwarded physical interrupt would otherwise stay active. */
        if ((lr & ICH_LR_HW) && (lr & ICH_LR_STATE_MASK))
            vgic_hw_deactivate((unsigned)FIELD_GET(lr, ICH_LR_PINTID_WIDTH, ICH_LR_PINTID_SHIFT));
        vgic_hw_write_lr(i, 0);
    }
    write_sysreg(ICH_HCR_EL2, 0);
    write_sysreg(hcr_el2, HCR_IDLE);
    isb();
}

void arch_vtimer_mask(void)
{
    write_sysreg(cntv_ctl_el0, read_sysreg(cntv_ctl_el0) | CNT_CTL_IMASK);
    isb();
}

uint64_t arch_counter(void)
{
    isb();
    return read_sysreg(cntpct_el0);
}

uint64_t arch_counter_freq(void)
{
    return read_sysreg(cntfrq_el0);
}

void arch_hyp_timer_arm_at(uint64_t cval)
{
    write_sysreg(cnthp_cval_el2, cval);
    write_sysreg(cnthp_ctl_el2, CNT_CTL_ENABLE);
    isb();
}

void arch_hyp_timer_stop(void)
{
    write_sysreg(cnthp_ctl_el2, 0);
    isb();
}

#define DCZID_DZP        BIT(4)
#define DCZID_BS_MASK    0xfull
#define CTR_DMINLINE_SHIFT 16

void arch_zero(void *p, uint64_t size)
{
    uint64_t dczid = read_sysreg(dczid_el0);
    uint8_t *b = p;
    if (!(dczid & DCZID_DZP)) {
        uint64_t bs = 4ull << (dczid & DCZID_BS_MASK);
        while (size && ((uintptr_t)b & (bs - 1))) { *b++ = 0; size--; }
        for (; size >= bs; size -= bs, b += bs)
            __asm__ volatile("dc zva, %0" : : "r"(b) : "memory");
    }
    while (size--) *b++ = 0;
}

void arch_clean_dcache(const void *p, uint64_t size)
{
    uint64_t line = 4ull << FIELD_GET(read_sysreg(ctr_el0), 4, CTR_DMINLINE_SHIFT);
    uintptr_t a = (uintptr_t)p & ~(line - 1), end = (uintptr_t)p + size;
    for (; a < end; a += line)
        __asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
    dsb(sy);
}

void arch_icache_invalidate_all(void)
{
    __asm__ volatile("ic ialluis" ::: "memory");
    dsb(ish);
    isb();
}
