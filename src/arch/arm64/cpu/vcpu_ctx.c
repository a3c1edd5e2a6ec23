/* SPDX-License-Identifier: MIT */
/*
 * EL2 controls for running guests, and the EL1 context of a vCPU.
 */
#include "arch/cpu.h"
#include "arch/regs.h"
#include "arch/sysreg.h"
#include "arch/vgic_hw.h"
#include "arch/vgic_lr.h"
#include "core/vm.h"
#include "core/panic.h"
#include "core/pcpu.h"

/*
 * HCR_EL2 while a guest runs (Arm ARM D17.2.48):
 *  VM    stage-2 translation on.
 *  SWIO  set/way invalidation by the guest becomes clean+invalidate, so it
 *        cannot discard other VMs' dirty lines.
 *  FMO, IMO, AMO  physical FIQ/IRQ/SError go to EL2; the guest gets virtual ones.
 *  FB    TLB and I-cache maintenance is broadcast: a vCPU may move CPUs.
 *  BSU   barriers are upgraded to inner shareable, for the same reason.
 *  TWI   WFI traps, so an idle vCPU idles its CPU in the hypervisor, its
 *        state saved before the interrupt that ends the wait: that
 *        interrupt's path is the shortest (the RTOS's latency).  A VM with
 *        wfi = "native" runs with it clear: its WFI sleeps the CPU itself,
 *        with no exit per idle period (a disk or network wait), and what
 *        ends it is a physical interrupt to EL2 anyway (its timer's PPI, a
 *        device's SPI, the kick SGI of an injection from another CPU, the
 *        hypervisor timer), after which it resumes past the WFI, or a
 *        virtual interrupt already in a list register.  Each vCPU has its
 *        CPU to itself, so nothing else wants the CPU meanwhile.
 *        WFE does not trap: guests spin briefly with it, a trap would only
 *        add cost (on a CPU of their own; a shared CPU traps both,
 *        arch_vcpu_load).
 *  TID3  ID registers trap, to hide what tofu does not virtualise.
 *  TSC   SMC traps: guests never reach the firmware; SMC is served as HVC.
 *  TIDCP IMPLEMENTATION DEFINED registers (op0 = 3, CRn = 11 or 15) trap
 *        and UNDEF (D18.3.2): they control the physical CPU, not the VM.
 *  TACR  ACTLR_EL1 traps: implementation-defined controls are not the guest's.
 *  RW    EL1 is AArch64.
 *  TLOR  LORegions registers trap (not virtualised).
 *  APK, API  pointer-authentication keys and instructions do not trap: the
 *        keys are part of the vCPU context.
 * Added by arch_cpu_init where the CPU has the feature:
 *  TERR  (FEAT_RAS) the error-record registers trap: the guest sees RAS
 *        with no error record (ERRIDR_EL1 reads 0, ERRSELR/ERX* UNDEF), a
 *        RAS implementation the architecture allows and what QEMU offers
 *        natively; the CPU's own records stay the hypervisor's (sysreg.c).
 *  TEA   (FEAT_RAS) synchronous external aborts from the guest come to EL2,
 *        which logs them and gives them back to the guest with their own
 *        syndrome (trap.c): a memory error is seen by the hypervisor first.
 *  ATA   (FEAT_MTE2) EL1 and EL0 may use allocation tags: the tag
 *        instructions and GCR/RGSR/TFSR/TFSRE0_EL1 do not trap; those
 *        registers are part of the vCPU context.
 * Not set: TVM/TRVM (guests own their stage-1), TSW (SWIO suffices),
 * TGE/E2H (no host OS at EL2).
 */
#define HCR_GUEST (HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_FB | HCR_BSU_IS | \
                   HCR_TWI | HCR_TID3 | HCR_TSC | HCR_TIDCP | HCR_TACR | HCR_RW | HCR_TLOR | \
                   HCR_APK | HCR_API)

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

static bool has_pauth, has_fgt, has_mte2, has_ras;
static uint64_t hcr_guest;
/* MDCR_EL2 while a vCPU runs, before the lazy switch's traps (TDA, TPM). */
static uint64_t mdcr_base;
/* PMUv3 event counters (PMCR_EL0.N), and breakpoint and watchpoint pairs. */
static unsigned pmu_counters, dbg_brps, dbg_wrps;
static bool has_pmu;

static unsigned id_value(uint64_t reg, unsigned shift) { return (unsigned)FIELD_GET(reg, ID_FIELD_WIDTH, shift); }
static bool id_field(uint64_t reg, unsigned shift) { return id_value(reg, shift) != 0; }

/*
 * MDCR_EL2 (D17.2.99): every PMU counter is the guest's (HPMN = PMCR_EL0.N)
 * and nothing traps: one vCPU owns its CPU's PMU and debug registers, and
 * tofu swaps them only when a vCPU is loaded or leaves (vcpu_ctx below).
 * A guest's counters do not count while the CPU runs tofu: HPMD stops the
 * event counters at EL2 (FEAT_PMUv3p1), HCCD the cycle counter
 * (FEAT_PMUv3p5); on an older PMU a guest that sets the NSH filter bits
 * counts EL2 too (docs/virtual-hardware.md).
 */
static uint64_t mdcr_guest(unsigned pmuver)
{
    uint64_t mdcr = pmu_counters;
    if (pmuver >= ID_DFR0_PMUVER_V3P1)
        mdcr |= MDCR_HPMD;
    if (pmuver >= ID_DFR0_PMUVER_V3P5)
        mdcr |= MDCR_HCCD;
    return mdcr;
}

void fpsimd_save(uint64_t *vregs, uint64_t *fpsr_fpcr);
void fpsimd_load(const uint64_t *vregs, const uint64_t *fpsr_fpcr);

void arch_cpu_init(void)
{
    uint64_t isar1 = read_sysreg(id_aa64isar1_el1), isar2 = read_sysreg(S3_0_C0_C6_2);
    uint64_t dfr0 = read_sysreg(id_aa64dfr0_el1);
    unsigned pmuver = id_value(dfr0, ID_DFR0_PMUVER_SHIFT);

    has_pauth = id_field(isar1, ID_ISAR1_APA_SHIFT) || id_field(isar1, ID_ISAR1_API_SHIFT) ||
                id_field(isar1, ID_ISAR1_GPA_SHIFT) || id_field(isar1, ID_ISAR1_GPI_SHIFT) ||
                id_field(isar2, ID_ISAR2_APA3_SHIFT) || id_field(isar2, ID_ISAR2_GPA3_SHIFT);
    has_fgt = id_field(read_sysreg(id_aa64mmfr0_el1), ID_MMFR0_FGT_SHIFT);
    has_mte2 = ID_PFR1_HAS_MTE2(read_sysreg(id_aa64pfr1_el1));
    has_pmu = pmuver >= ID_DFR0_PMUVER_V3 && pmuver != ID_DFR0_PMUVER_IMPDEF;
    pmu_counters = has_pmu ? (unsigned)FIELD_GET(read_sysreg(pmcr_el0), PMCR_N_WIDTH, PMCR_N_SHIFT) : 0;
    dbg_brps = id_value(dfr0, ID_DFR0_BRPS_SHIFT) + 1;
    dbg_wrps = id_value(dfr0, ID_DFR0_WRPS_SHIFT) + 1;

    has_ras = id_field(read_sysreg(id_aa64pfr0_el1), ID_PFR0_RAS_SHIFT);
    hcr_guest = HCR_GUEST;
    if (has_ras)
        hcr_guest |= HCR_TERR | HCR_TEA;
    if (has_mte2) {
        hcr_guest |= HCR_ATA;
        /* EL2 zeroes the tags of a VM's RAM (arch_zero_tagged); its own
         * accesses stay unchecked (SCTLR_EL2.TCF = 0). */
        write_sysreg(sctlr_el2, read_sysreg(sctlr_el2) | SCTLR_ATA);
    }

    write_sysreg(cptr_el2, CPTR_GUEST);
    write_sysreg(cnthctl_el2, CNTHCTL_GUEST);
    mdcr_base = has_pmu ? mdcr_guest(pmuver) : 0;
    write_sysreg(mdcr_el2, mdcr_base);
    write_sysreg(vpidr_el2, read_sysreg(midr_el1));
    if (has_fgt) {
        /* Fine-grained traps reset to UNKNOWN: trap nothing beyond HCR_EL2. */
        write_sysreg(S3_4_C1_C1_4, 0);   /* HFGRTR_EL2 */
        write_sysreg(S3_4_C1_C1_5, 0);   /* HFGWTR_EL2 */
        write_sysreg(S3_4_C1_C1_6, 0);   /* HFGITR_EL2 */
        write_sysreg(S3_4_C3_C1_4, 0);   /* HDFGRTR_EL2 */
        write_sysreg(S3_4_C3_C1_5, 0);   /* HDFGWTR_EL2 */
    }
    vgic_hw_disable();
    write_sysreg(hcr_el2, HCR_IDLE);
    isb();
}

void arch_vcpu_ctx_reset(struct vcpu *v)
{
    struct vcpu_sysregs *c = v->ctx;
    uint64_t *p = (uint64_t *)(void *)c;
    for (unsigned i = 0; i < sizeof(*c) / sizeof(uint64_t); i++)
        p[i] = 0;
    c->sctlr = SCTLR_EL1_RES1;
    vgic_hw_state_reset(&c->vgic_if);
    c->oslar = OSLAR_OSLK;          /* the OS lock is locked at cold reset (D2.5) */
}

/* The EL1 context in pairs of neighbouring fields (struct vcpu_sysregs),
 * each pair one load or store pair beside its two MRS or MSR. */
#define CTX_EL1_PAIRS(X) \
    X(sctlr, sctlr_el1, cpacr, cpacr_el1) X(ttbr0, ttbr0_el1, ttbr1, ttbr1_el1) \
    X(tcr, tcr_el1, esr, esr_el1) X(afsr0, afsr0_el1, afsr1, afsr1_el1) X(far, far_el1, mair, mair_el1) \
    X(amair, amair_el1, vbar, vbar_el1) X(contextidr, contextidr_el1, tpidr_el0, tpidr_el0) \
    X(tpidrro_el0, tpidrro_el0, tpidr_el1, tpidr_el1) X(sp_el0, sp_el0, sp_el1, sp_el1) \
    X(elr_el1, elr_el1, spsr_el1, spsr_el1) X(par, par_el1, cntkctl, cntkctl_el1) \
    X(csselr, csselr_el1, mdscr, mdscr_el1)

/* FEAT_MTE2: GCR_EL1, RGSR_EL1, TFSR_EL1, TFSRE0_EL1. */
#define MTE_REGS(X) \
    X(0, S3_0_C1_C0_6) X(1, S3_0_C1_C0_5) X(2, S3_0_C5_C6_0) X(3, S3_0_C5_C6_1)

/* DBGB{V,C}R<n>_EL1 = S2_0_C0_C<n>_{4,5}, DBGW{V,C}R<n>_EL1 = S2_0_C0_C<n>_{6,7},
 * the highest first: a switch on the CPU's number of pairs enters at its
 * last one and falls through to pair 0, so that a save or a load runs the
 * accesses of the pairs the CPU has and one jump (a loop over all 16 with a
 * switch in it cost some 150 instructions each way on -cpu max). */
#define DBG_PAIRS_DOWN(X) X(15) X(14) X(13) X(12) X(11) X(10) X(9) X(8) X(7) X(6) X(5) \
    X(4) X(3) X(2) X(1) X(0)

static void dbg_save(struct vcpu_dbg *d, unsigned brps, unsigned wrps)
{
    switch (brps) {
#define DBG_SAVE_B(i) case i + 1: \
        d[i].bvr = read_sysreg(S2_0_C0_C##i##_4); d[i].bcr = read_sysreg(S2_0_C0_C##i##_5); \
        __attribute__((fallthrough));
    DBG_PAIRS_DOWN(DBG_SAVE_B)
#undef DBG_SAVE_B
    default:
        break;
    }
    switch (wrps) {
#define DBG_SAVE_W(i) case i + 1: \
        d[i].wvr = read_sysreg(S2_0_C0_C##i##_6); d[i].wcr = read_sysreg(S2_0_C0_C##i##_7); \
        __attribute__((fallthrough));
    DBG_PAIRS_DOWN(DBG_SAVE_W)
#undef DBG_SAVE_W
    default:
        break;
    }
}

static void dbg_load(const struct vcpu_dbg *d, unsigned brps, unsigned wrps)
{
    switch (brps) {
#define DBG_LOAD_B(i) case i + 1: \
        write_sysreg(S2_0_C0_C##i##_4, d[i].bvr); write_sysreg(S2_0_C0_C##i##_5, d[i].bcr); \
        __attribute__((fallthrough));
    DBG_PAIRS_DOWN(DBG_LOAD_B)
#undef DBG_LOAD_B
    default:
        break;
    }
    switch (wrps) {
#define DBG_LOAD_W(i) case i + 1: \
        write_sysreg(S2_0_C0_C##i##_6, d[i].wvr); write_sysreg(S2_0_C0_C##i##_7, d[i].wcr); \
        __attribute__((fallthrough));
    DBG_PAIRS_DOWN(DBG_LOAD_W)
#undef DBG_LOAD_W
    default:
        break;
    }
}

/* PMEVCNTR<n>_EL0 = S3_3_C14_C(8 + n / 8)_(n % 8), PMEVTYPER<n>_EL0 =
 * S3_3_C14_C(12 + n / 8)_(n % 8), the highest first: a switch on the number
 * of event counters enters at the last and falls through to counter 0,
 * each counter named in its instruction (no PMSELR_EL0 write and ISB per
 * counter, as through PMXEVCNTR_EL0 and PMXEVTYPER_EL0). */
#define PMU_COUNTERS_DOWN(X) X(30, S3_3_C14_C11_6, S3_3_C14_C15_6) \
    X(29, S3_3_C14_C11_5, S3_3_C14_C15_5) X(28, S3_3_C14_C11_4, S3_3_C14_C15_4) \
    X(27, S3_3_C14_C11_3, S3_3_C14_C15_3) X(26, S3_3_C14_C11_2, S3_3_C14_C15_2) \
    X(25, S3_3_C14_C11_1, S3_3_C14_C15_1) X(24, S3_3_C14_C11_0, S3_3_C14_C15_0) \
    X(23, S3_3_C14_C10_7, S3_3_C14_C14_7) X(22, S3_3_C14_C10_6, S3_3_C14_C14_6) \
    X(21, S3_3_C14_C10_5, S3_3_C14_C14_5) X(20, S3_3_C14_C10_4, S3_3_C14_C14_4) \
    X(19, S3_3_C14_C10_3, S3_3_C14_C14_3) X(18, S3_3_C14_C10_2, S3_3_C14_C14_2) \
    X(17, S3_3_C14_C10_1, S3_3_C14_C14_1) X(16, S3_3_C14_C10_0, S3_3_C14_C14_0) \
    X(15, S3_3_C14_C9_7, S3_3_C14_C13_7) X(14, S3_3_C14_C9_6, S3_3_C14_C13_6) \
    X(13, S3_3_C14_C9_5, S3_3_C14_C13_5) X(12, S3_3_C14_C9_4, S3_3_C14_C13_4) \
    X(11, S3_3_C14_C9_3, S3_3_C14_C13_3) X(10, S3_3_C14_C9_2, S3_3_C14_C13_2) \
    X(9, S3_3_C14_C9_1, S3_3_C14_C13_1) X(8, S3_3_C14_C9_0, S3_3_C14_C13_0) \
    X(7, S3_3_C14_C8_7, S3_3_C14_C12_7) X(6, S3_3_C14_C8_6, S3_3_C14_C12_6) \
    X(5, S3_3_C14_C8_5, S3_3_C14_C12_5) X(4, S3_3_C14_C8_4, S3_3_C14_C12_4) \
    X(3, S3_3_C14_C8_3, S3_3_C14_C12_3) X(2, S3_3_C14_C8_2, S3_3_C14_C12_2) \
    X(1, S3_3_C14_C8_1, S3_3_C14_C12_1) X(0, S3_3_C14_C8_0, S3_3_C14_C12_0)

/* The guest's PMU. */
static void pmu_save(struct vcpu_pmu *p)
{
    p->pmselr = read_sysreg(pmselr_el0);
    p->pmcr = read_sysreg(pmcr_el0) & PMCR_WRITABLE;
    p->pmcnten = read_sysreg(pmcntenset_el0);
    p->pminten = read_sysreg(pmintenset_el1);
    p->pmovs = read_sysreg(pmovsset_el0);
    p->pmuserenr = read_sysreg(pmuserenr_el0);
    p->pmccfiltr = read_sysreg(pmccfiltr_el0);
    p->pmccntr = read_sysreg(pmccntr_el0);
    switch (pmu_counters) {
#define PMU_SAVE(n, cnt, typ) case n + 1: \
        p->evtyper[n] = read_sysreg(typ); p->evcntr[n] = read_sysreg(cnt); __attribute__((fallthrough));
    PMU_COUNTERS_DOWN(PMU_SAVE)
#undef PMU_SAVE
    default:
        break;
    }
}

/* Counting stops (PMCR_EL0.E = 0) while the state goes in, and starts, if
 * the guest had it on, with the final PMCR_EL0 write. */
static void pmu_load(const struct vcpu_pmu *p)
{
    write_sysreg(pmcr_el0, 0);
    isb();
    switch (pmu_counters) {
#define PMU_LOAD(n, cnt, typ) case n + 1: \
        write_sysreg(typ, p->evtyper[n]); write_sysreg(cnt, p->evcntr[n]); __attribute__((fallthrough));
    PMU_COUNTERS_DOWN(PMU_LOAD)
#undef PMU_LOAD
    default:
        break;
    }
    write_sysreg(pmccfiltr_el0, p->pmccfiltr);
    write_sysreg(pmccntr_el0, p->pmccntr);
    write_sysreg(pmcntenclr_el0, PMU_ALL_COUNTERS);
    write_sysreg(pmcntenset_el0, p->pmcnten);
    write_sysreg(pmintenclr_el1, PMU_ALL_COUNTERS);
    write_sysreg(pmintenset_el1, p->pminten);
    write_sysreg(pmovsclr_el0, PMU_ALL_COUNTERS);
    write_sysreg(pmovsset_el0, p->pmovs);
    write_sysreg(pmuserenr_el0, p->pmuserenr);
    write_sysreg(pmselr_el0, p->pmselr);
    isb();
    write_sysreg(pmcr_el0, p->pmcr);
}

/*
 * The debug registers and the PMU on a shared CPU: most guests never touch
 * them, and they are about half of what a switch saves and loads.  A
 * vCPU's are loaded only if it touched them since its last load, or if
 * they act without a touch (MDSCR_EL1 enables breakpoints or watchpoints;
 * a counter counts, or an overflow interrupt is pending); else MDCR_EL2
 * traps them (TDA, TPM) and the first access loads them and runs again
 * (arch_vcpu_lazy_trap).  What a vCPU leaves in the CPU is inert for the
 * next: its own MDSCR_EL1 disables debug exceptions until it touches the
 * registers, and arch_vcpu_put stops the PMU.  A CPU of one vCPU loads
 * both and traps neither.
 */
static bool pmu_acts(const struct vcpu_pmu *p)
{
    return ((p->pmcr & PMCR_E) && p->pmcnten) || (p->pmovs & p->pminten);
}

static void lazy_traps(const struct vcpu_sysregs *c)
{
    write_sysreg(mdcr_el2, mdcr_base | (c->dbg_live ? 0 : MDCR_TDA) | (c->pmu_live ? 0 : MDCR_TPM));
}

/* What of c a load puts in the CPU: everything on a CPU of its own; on a
 * shared one (lazy) what it uses (see above and arch_vcpu_lazy_fp). */
static void lazy_decide(struct vcpu_sysregs *c, bool lazy)
{
    if (!lazy) {
        c->dbg_live = c->fp_live = true;
        c->pmu_live = has_pmu;
        c->pauth_live = has_pauth;
        return;
    }
    c->dbg_live = c->dbg_touched || (c->mdscr & (MDSCR_KDE | MDSCR_MDE));
    c->pmu_live = has_pmu && (c->pmu_touched || pmu_acts(&c->pmu));
    c->fp_live = c->fp_used;
    c->pauth_live = has_pauth && c->pauth_used;
}

/* Debug registers: op0 2.  The PMU's: op0 3 with CRn 9 and op1 3 (PMCR_EL0
 * ... PMOVSSET_EL0), CRn 9 op1 0 CRm 14 (PMINTEN*_EL1, PMMIR_EL1), CRn 14
 * op1 3 CRm 8-15 (PMEVCNTR<n>_EL0, PMEVTYPER<n>_EL0, PMCCFILTR_EL0). */
#define SYS_FIELD(enc, shift, width) (((enc) >> (shift)) & ((1u << (width)) - 1))
static bool is_pmu_reg(uint32_t enc)
{
    unsigned op1 = SYS_FIELD(enc, ISS_SYS_OP1_SHIFT, 3), crn = SYS_FIELD(enc, ISS_SYS_CRN_SHIFT, 4),
             crm = SYS_FIELD(enc, ISS_SYS_CRM_SHIFT, 4);
    if (SYS_FIELD(enc, ISS_SYS_OP0_SHIFT, 2) != 3)
        return false;
    return (crn == 9 && (op1 == 3 || (op1 == 0 && crm == 14))) || (crn == 14 && op1 == 3 && crm >= 8);
}

/* The PAuth keys: op0 3, op1 0, CRn 2, CRm 1-3 (AP*Key*_EL1). */
static bool is_pauth_key(uint32_t enc)
{
    unsigned crm = SYS_FIELD(enc, ISS_SYS_CRM_SHIFT, 4);
    return SYS_FIELD(enc, ISS_SYS_OP0_SHIFT, 2) == 3 && SYS_FIELD(enc, ISS_SYS_OP1_SHIFT, 3) == 0 &&
           SYS_FIELD(enc, ISS_SYS_CRN_SHIFT, 4) == 2 && crm >= 1 && crm <= 3;
}

bool arch_vcpu_lazy_trap(struct vcpu *v, uint32_t enc)
{
    struct vcpu_sysregs *c = v->ctx;
    if (SYS_FIELD(enc, ISS_SYS_OP0_SHIFT, 2) == 2 && !c->dbg_live) {
        c->dbg_touched = c->dbg_live = true;
        dbg_load(c->dbg, dbg_brps, dbg_wrps);
    } else if (is_pauth_key(enc)) {
        return arch_vcpu_lazy_pauth(v);
    } else if (has_pmu && is_pmu_reg(enc) && !c->pmu_live) {
        c->pmu_touched = c->pmu_live = true;
        pmu_load(&c->pmu);
    } else {
        return false;
    }
    lazy_traps(c);
    isb();
    return true;
}

#define PAUTH_REGS(X) \
    X(0, S3_0_C2_C1_0) X(1, S3_0_C2_C1_1) X(2, S3_0_C2_C1_2) X(3, S3_0_C2_C1_3) \
    X(4, S3_0_C2_C2_0) X(5, S3_0_C2_C2_1) X(6, S3_0_C2_C2_2) X(7, S3_0_C2_C2_3) \
    X(8, S3_0_C2_C3_0) X(9, S3_0_C2_C3_1)

static void pauth_load(const struct vcpu_sysregs *c)
{
#define LOAD_KEY(i, r) write_sysreg(r, c->pauth[i]);
    PAUTH_REGS(LOAD_KEY)
#undef LOAD_KEY
}

/* FP/SIMD (CPTR_EL2.TFP) and PAuth (HCR_EL2.API, APK: its instructions
 * and its keys) trap on a shared CPU until a vCPU first uses them: loaded
 * then, and at its every load from then on. */
bool arch_vcpu_lazy_fp(struct vcpu *v)
{
    struct vcpu_sysregs *c = v->ctx;
    if (c->fp_live)
        return false;
    c->fp_live = c->fp_used = true;
    write_sysreg(cptr_el2, CPTR_GUEST);
    isb();
    fpsimd_load(c->vregs, &c->fpsr);
    return true;
}

bool arch_vcpu_lazy_pauth(struct vcpu *v)
{
    struct vcpu_sysregs *c = v->ctx;
    if (!has_pauth || c->pauth_live)
        return false;
    c->pauth_live = c->pauth_used = true;
    pauth_load(c);
    write_sysreg(hcr_el2, read_sysreg(hcr_el2) | HCR_API | HCR_APK);
    isb();
    return true;
}

void arch_vcpu_load(struct vcpu *v)
{
    struct vcpu_sysregs *c = v->ctx;
    struct vm *vm = v->vm;

    write_sysreg(vttbr_el2, vm->vttbr);
    write_sysreg(vtcr_el2, vm->vtcr);
    write_sysreg(vmpidr_el2, v->vmpidr);
    write_sysreg(cntvoff_el2, vm->cntvoff);
    uint64_t hcr = vm->cfg->wfi_native ? hcr_guest & ~HCR_TWI : hcr_guest;
    /* A shared CPU (docs/scheduling.md): WFI traps whatever the VM's wfi
     * says (another vCPU may want the CPU), and WFE does, a yield hint. */
    bool lazy = pcpus[v->pcpu].nr_vcpus > 1;
    lazy_decide(c, lazy);
    if (lazy) {
        hcr |= HCR_TWI | HCR_TWE;
        if (!c->pauth_live)
            hcr &= ~(HCR_API | HCR_APK);
        write_sysreg(cptr_el2, CPTR_GUEST | (c->fp_live ? 0 : CPTR_EL2_TFP));
        lazy_traps(c);
        /* EL0's PMU accesses check PMUSERENR_EL0 before MDCR_EL2.TPM: its
         * own, even while the rest of its PMU waits for a trap. */
        if (has_pmu && !c->pmu_live)
            write_sysreg(pmuserenr_el0, c->pmu.pmuserenr);
    }
    write_sysreg(hcr_el2, hcr);
    isb();
#define LOAD(f1, r1, f2, r2) { \
        _Static_assert(__builtin_offsetof(struct vcpu_sysregs, f2) == __builtin_offsetof(struct vcpu_sysregs, f1) + 8, \
                       "a pair of neighbours"); \
        uint64_t a, b; \
        __asm__("ldp %0, %1, %2" : "=&r"(a), "=r"(b) : "Ump"(c->f1), "m"(c->f2)); \
        write_sysreg(r1, a); write_sysreg(r2, b); }
    CTX_EL1_PAIRS(LOAD)
#undef LOAD
    write_sysreg(cntv_cval_el0, c->cntv_cval);
    if (c->pauth_live)
        pauth_load(c);
    if (has_mte2) {
#define LOAD_MTE(i, r) write_sysreg(r, c->mte[i]);
        MTE_REGS(LOAD_MTE)
#undef LOAD_MTE
    }
    if (c->pmu_live)
        pmu_load(&c->pmu);
    if (c->dbg_live)
        dbg_load(c->dbg, dbg_brps, dbg_wrps);
    write_sysreg(oslar_el1, c->oslar);
    if (has_ras)
        write_sysreg(VDISR_EL2, c->vdisr);
    if (c->fp_live)
        fpsimd_load(c->vregs, &c->fpsr);
    vgic_hw_load_lrs(c->lr, vgic_nr_lrs);
    vgic_hw_state_load(&c->vgic_if);
    write_sysreg(cntv_ctl_el0, c->cntv_ctl);
    isb();
}

void arch_vcpu_save(struct vcpu *v)
{
    struct vcpu_sysregs *c = v->ctx;
#define SAVE(f1, r1, f2, r2) { uint64_t a = read_sysreg(r1), b = read_sysreg(r2); c->f1 = a; c->f2 = b; }
    CTX_EL1_PAIRS(SAVE)
#undef SAVE
    c->cntv_cval = read_sysreg(cntv_cval_el0);
    c->cntv_ctl = read_sysreg(cntv_ctl_el0);
    if (c->pauth_live) {
#define SAVE_KEY(i, r) c->pauth[i] = read_sysreg(r);
        PAUTH_REGS(SAVE_KEY)
#undef SAVE_KEY
    }
    if (has_mte2) {
#define SAVE_MTE(i, r) c->mte[i] = read_sysreg(r);
        MTE_REGS(SAVE_MTE)
#undef SAVE_MTE
    }
    if (c->pmu_live)
        pmu_save(&c->pmu);
    if (c->dbg_live)
        dbg_save(c->dbg, dbg_brps, dbg_wrps);
    c->dbg_touched = c->pmu_touched = false;    /* until its next access */
    c->oslar = (read_sysreg(oslsr_el1) & OSLSR_OSLK) ? OSLAR_OSLK : 0;
    if (has_ras)
        c->vdisr = read_sysreg(VDISR_EL2);
    if (c->fp_live)
        fpsimd_save(c->vregs, &c->fpsr);
    vgic_hw_save_lrs(c->lr, vgic_nr_lrs);
    vgic_hw_state_save(&c->vgic_if);
}

/* The outputs of the timer and (`pmu`: it may be running) the PMU low:
 * nothing of the vCPU that left raises its PPIs here. */
static void outputs_off(bool pmu)
{
    write_sysreg(cntv_ctl_el0, 0);
    if (pmu) {
        /* No counting and no overflow interrupt on a CPU without a vCPU. */
        write_sysreg(pmcr_el0, 0);
        write_sysreg(pmintenclr_el1, PMU_ALL_COUNTERS);
    }
}

/* A lazy PMU not loaded is stopped already (the put before its load). */
void arch_vcpu_put(struct vcpu *v)
{
    arch_vcpu_save(v);
    outputs_off(v->ctx->pmu_live);
    isb();
}

uint64_t arch_vcpu_vtimer_deadline(const struct vcpu *v)
{
    const struct vcpu_sysregs *c = v->ctx;
    if ((c->cntv_ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) != CNT_CTL_ENABLE)
        return 0;
    /* CNTVCT = CNTPCT - CNTVOFF: the condition CNTVCT >= CVAL, in physical
     * counts; a CVAL beyond the counter's range (a guest's "never") is none. */
    uint64_t off = v->vm->cntvoff;
    if (c->cntv_cval > UINT64_MAX - off)
        return 0;
    uint64_t at = c->cntv_cval + off;
    return at ? at : 1;
}

void arch_vcpu_quiesce(void)
{
    outputs_off(has_pmu);
    for (unsigned i = 0; i < vgic_nr_lrs; i++) {
        vgic_lr_t lr = vgic_hw_read_lr(i);
        /* A forwarded physical interrupt would otherwise stay active. */
        if (vgic_lr_hw(lr) && vgic_lr_live(lr))
            vgic_hw_deactivate(vgic_lr_pintid(lr));
        vgic_hw_write_lr(i, 0);
    }
    vgic_hw_disable();
    write_sysreg(hcr_el2, HCR_IDLE);
    isb();
}

void arch_vtimer_mask(void)
{
    write_sysreg(cntv_ctl_el0, read_sysreg(cntv_ctl_el0) | CNT_CTL_IMASK);
    isb();
}

void arch_pmu_irq_mask(void)
{
    if (has_pmu)
        write_sysreg(pmintenclr_el1, PMU_ALL_COUNTERS);
    isb();
}

/* PMCR_EL0.E and an overflow flag whose interrupt is enabled (D23.5: every
 * counter is below MDCR_EL2.HPMN, so PMCR_EL0.E enables them all). */
bool arch_pmu_irq_line(void)
{
    return has_pmu && (read_sysreg(pmcr_el0) & PMCR_E) &&
           (read_sysreg(pmintenset_el1) & read_sysreg(pmovsset_el0));
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

/* Stores of zero, 128 bytes an iteration: on hardware as fast as DC ZVA
 * (both stream at memory bandwidth), under QEMU five times faster (its
 * DC ZVA is a helper call per 64 bytes, its stores inline). */
#define ZERO_STRIDE 128u
static void zero_stores(uint64_t *q, uint64_t size)
{
    for (uint64_t *e = q + size / sizeof(*q); q < e; q += ZERO_STRIDE / sizeof(*q))
        __asm__ volatile("stp xzr, xzr, [%0]\n\tstp xzr, xzr, [%0, #16]\n\t"
                         "stp xzr, xzr, [%0, #32]\n\tstp xzr, xzr, [%0, #48]\n\t"
                         "stp xzr, xzr, [%0, #64]\n\tstp xzr, xzr, [%0, #80]\n\t"
                         "stp xzr, xzr, [%0, #96]\n\tstp xzr, xzr, [%0, #112]"
                         : : "r"(q) : "memory");
}

void arch_zero(void *p, uint64_t size)
{
    uint64_t dczid = read_sysreg(dczid_el0);
    uint8_t *b = p;

    if (!(((uintptr_t)p | size) & (ZERO_STRIDE - 1))) {
        zero_stores(p, size);
        return;
    }
    if (!(dczid & DCZID_DZP)) {
        uint64_t bs = 4ull << (dczid & DCZID_BS_MASK);
        while (size && ((uintptr_t)b & (bs - 1))) { *b++ = 0; size--; }
        for (; size >= bs; size -= bs, b += bs)
            __asm__ volatile("dc zva, %0" : : "r"(b) : "memory");
    }
    while (size--) *b++ = 0;
}

/* DC GZVA = SYS #3, C7, C4, #4: zeroes a DCZID_EL0 block and its
 * allocation tags; STZG one 16-byte tag granule (FEAT_MTE2).  Both need the
 * EL2 mapping of RAM to be Tagged (mmu.c) and SCTLR_EL2.ATA. */
#define DC_GZVA(p) __asm__ volatile("sys #3, c7, c4, #4, %0" : : "r"(p) : "memory")
#define STZG(p)    __asm__ volatile(".arch armv8.5-a+memtag\n\tstzg %0, [%0]\n\t.arch armv8-a" \
                                    : : "r"(p) : "memory")
void arch_zero_tagged(void *p, uint64_t size)
{
    uint64_t dczid = read_sysreg(dczid_el0);
    uint64_t bs = 4ull << (dczid & DCZID_BS_MASK);
    uint8_t *b = p;

    if (!has_mte2) {
        arch_zero(p, size);
        return;
    }
    BUG_ON(((uintptr_t)b | size) & (MTE_TAG_GRANULE - 1));    /* VM RAM is page aligned */
    if (!(dczid & DCZID_DZP) && !(((uintptr_t)b | size) & (bs - 1))) {
        for (; size; size -= bs, b += bs)
            DC_GZVA(b);
    } else {
        for (; size; size -= MTE_TAG_GRANULE, b += MTE_TAG_GRANULE)
            STZG(b);
    }
    dsb(sy);
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
