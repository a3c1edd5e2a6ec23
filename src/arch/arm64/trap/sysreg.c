/* SPDX-License-Identifier: MIT */
/*
 * MSR/MRS traps (EC 0x18).  One table sorted by encoding; anything not in it
 * is refused with an UNDEF and a log line (deny by default).  Why each
 * register traps:
 *  - ID registers: HCR_EL2.TID3, so that features tofu does not virtualise
 *    (SVE, SME, AMU, MPAM, SPE, TRBE; MTE without tag storage) read as absent.
 *  - IMPLEMENTATION DEFINED registers: HCR_EL2.TIDCP; none is in the table,
 *    so each UNDEFs (they control the physical CPU).
 *  - RAS error records (ERRIDR_EL1, ERRSELR_EL1, ERX*_EL1): HCR_EL2.TERR
 *    where the CPU has FEAT_RAS.  The guest sees no error record: ERRIDR_EL1
 *    reads as zero (NUM = 0, with the ID registers below), and with no
 *    record to select ERRSELR_EL1 and ERX*_EL1 UNDEF (not in the table), as
 *    on QEMU's own RAS CPU; the CPU's records stay tofu's.
 *  - ICC_SGI*R_EL1: always trapped with HCR_EL2.IMO (GICv3 12.1.8): SGIs
 *    are routed by the vGIC to the VM's own vCPUs only.
 *  - ACTLR_EL1: HCR_EL2.TACR; implementation-defined controls stay ours.
 *  - LOR registers: HCR_EL2.TLOR; not virtualised.
 *  - CNTP_{CTL,CVAL,TVAL}_EL0: CNTHCTL_EL2.EL1PCEN = 0 (D12.8): the CPU's
 *    EL1 physical timer stays the hypervisor's, so each vCPU gets an
 *    emulated one (src/core/ptimer.c) on the hypervisor timer.
 */
#include "arch/sysreg_trap.h"
#include "arch/regs.h"
#include "arch/sysreg.h"
#include "arch/cpu.h"
#include "core/vm.h"
#include "core/ptimer.h"

#define ID_SPACE_OP0  3
#define ID_SPACE_OP1  0
#define ID_SPACE_CRN  0
#define ID_SPACE_CRM_FIRST 1
#define ID_SPACE_CRM_LAST  7
#define ERRIDR_EL1_ISS     SYSREG_ISS(3, 0, 5, 3, 0)

static uint64_t clear_field(uint64_t v, unsigned shift)
{
    return v & ~FIELD_MASK(ID_FIELD_WIDTH, shift);
}

/* The ID registers are read from the hardware, then features hidden. */
#define ID_REGS(X) \
    X(0,1,0) X(0,1,1) X(0,1,2) X(0,1,3) X(0,1,4) X(0,1,5) X(0,1,6) X(0,1,7) \
    X(0,2,0) X(0,2,1) X(0,2,2) X(0,2,3) X(0,2,4) X(0,2,5) X(0,2,6) X(0,2,7) \
    X(0,3,0) X(0,3,1) X(0,3,2) X(0,3,4) X(0,3,5) X(0,3,6) \
    X(0,4,0) X(0,4,1) X(0,4,2) X(0,5,0) X(0,5,1) X(0,5,4) X(0,5,5) \
    X(0,6,0) X(0,6,1) X(0,6,2) X(0,7,0) X(0,7,1) X(0,7,2) X(0,7,3) X(0,7,4)

static uint64_t id_reg_hw(uint32_t enc)
{
    switch (enc) {
#define ID_CASE(crn, crm, op2) \
    case SYSREG_ISS(3, 0, crn, crm, op2): return read_sysreg(S3_0_C##crn##_C##crm##_##op2);
    ID_REGS(ID_CASE)
#undef ID_CASE
    default:
        return 0;       /* unallocated ID space reads as zero (D18.2) */
    }
}

static uint64_t __attribute__((noinline)) id_reg_value(uint32_t enc)
{
    uint64_t v = id_reg_hw(enc);
    switch (enc) {
    case SYSREG_ISS(3, 0, 0, 4, 0):      /* ID_AA64PFR0_EL1 */
        v = clear_field(v, ID_PFR0_SVE_SHIFT);
        v = clear_field(v, ID_PFR0_AMU_SHIFT);
        v = clear_field(v, ID_PFR0_MPAM_SHIFT);
        break;
    case SYSREG_ISS(3, 0, 0, 4, 1):      /* ID_AA64PFR1_EL1 */
        if (!ID_PFR1_HAS_MTE2(v))       /* with tag storage, MTE is the guest's */
            v = clear_field(v, ID_PFR1_MTE_SHIFT);
        v = clear_field(v, ID_PFR1_SME_SHIFT);
        v = clear_field(v, ID_PFR1_MPAMFRAC_SHIFT);
        break;
    case SYSREG_ISS(3, 0, 0, 4, 4):      /* ID_AA64ZFR0_EL1: no SVE */
    case SYSREG_ISS(3, 0, 0, 4, 5):      /* ID_AA64SMFR0_EL1: no SME */
        v = 0;
        break;
    case SYSREG_ISS(3, 0, 0, 6, 2):      /* ID_AA64ISAR2_EL1: no WFIT/WFET */
        v = clear_field(v, ID_ISAR2_WFXT_SHIFT);
        break;
    case SYSREG_ISS(3, 0, 0, 5, 0):      /* ID_AA64DFR0_EL1 */
        v = clear_field(v, ID_DFR0_PMSVER_SHIFT);
        v = clear_field(v, ID_DFR0_TRACEBUF_SHIFT);
        break;
    default:
        break;
    }
    return v;
}

static inline __attribute__((always_inline)) bool is_id_reg(uint32_t enc)
{
    unsigned op0 = (enc >> ISS_SYS_OP0_SHIFT) & 3, op1 = (enc >> ISS_SYS_OP1_SHIFT) & 7;
    unsigned crn = (enc >> ISS_SYS_CRN_SHIFT) & 0xf, crm = (enc >> ISS_SYS_CRM_SHIFT) & 0xf;
    return op0 == ID_SPACE_OP0 && op1 == ID_SPACE_OP1 && crn == ID_SPACE_CRN &&
           crm >= ID_SPACE_CRM_FIRST && crm <= ID_SPACE_CRM_LAST;
}

static enum trap_result raz_wi(struct vcpu *v, const struct sysreg_desc *d, bool read, uint64_t *val)
{
    UNUSED(v); UNUSED(d);
    if (read)
        *val = 0;
    return TRAP_EMULATED;
}

static enum trap_result sgi1r_write(struct vcpu *v, const struct sysreg_desc *d, bool read, uint64_t *val)
{
    UNUSED(d);
    if (read)
        return TRAP_UNDEF;      /* write-only register */
    vgic_send_sgi(v, *val);
    return TRAP_EMULATED;
}

/* Group 0 and alternate-group SGIs: this vGIC has no group 0 for guests. */
static enum trap_result sgi_wi(struct vcpu *v, const struct sysreg_desc *d, bool read, uint64_t *val)
{
    UNUSED(val);
    if (read)
        return TRAP_UNDEF;
    vm_log(v, VM_LOG_GIC, "%s write ignored (group 0 SGIs are not virtualised)", d->name);
    return TRAP_EMULATED;
}

static enum trap_result cntp_ctl(struct vcpu *v, const struct sysreg_desc *d, bool read, uint64_t *val)
{
    UNUSED(d);
    if (read)
        *val = ptimer_read_ctl(v);
    else
        ptimer_write_ctl(v, *val);
    return TRAP_EMULATED;
}

static enum trap_result cntp_cval(struct vcpu *v, const struct sysreg_desc *d, bool read, uint64_t *val)
{
    UNUSED(d);
    if (read)
        *val = ptimer_read_cval(v);
    else
        ptimer_write_cval(v, *val);
    return TRAP_EMULATED;
}

static enum trap_result cntp_tval(struct vcpu *v, const struct sysreg_desc *d, bool read, uint64_t *val)
{
    UNUSED(d);
    if (read)
        *val = ptimer_read_tval(v);
    else
        ptimer_write_tval(v, *val);
    return TRAP_EMULATED;
}

/* Sorted by the value of SYSREG_ISS(), which ranks op0, then op2, then op1,
 * CRn, CRm (the ISS field order), not in the usual reading order (a unit
 * test checks the order). */
const struct sysreg_desc sysreg_table[] = {
    { SYSREG_ISS(3, 0, 10, 4, 0), "LORSA_EL1", raz_wi },
    { SYSREG_ISS(3, 3, 14, 2, 0), "CNTP_TVAL_EL0", cntp_tval },
    { SYSREG_ISS(3, 0, 1, 0, 1), "ACTLR_EL1", raz_wi },
    { SYSREG_ISS(3, 0, 10, 4, 1), "LOREA_EL1", raz_wi },
    { SYSREG_ISS(3, 3, 14, 2, 1), "CNTP_CTL_EL0", cntp_ctl },
    { SYSREG_ISS(3, 0, 10, 4, 2), "LORN_EL1", raz_wi },
    { SYSREG_ISS(3, 3, 14, 2, 2), "CNTP_CVAL_EL0", cntp_cval },
    { SYSREG_ISS(3, 0, 10, 4, 3), "LORC_EL1", raz_wi },
    { SYSREG_ISS(3, 0, 12, 11, 5), "ICC_SGI1R_EL1", sgi1r_write },
    { SYSREG_ISS(3, 0, 12, 11, 6), "ICC_ASGI1R_EL1", sgi_wi },
    { SYSREG_ISS(3, 0, 10, 4, 7), "LORID_EL1", raz_wi },
    { SYSREG_ISS(3, 0, 12, 11, 7), "ICC_SGI0R_EL1", sgi_wi },
};
const unsigned sysreg_table_len = ARRAY_SIZE(sysreg_table);

const struct sysreg_desc *sysreg_find(uint32_t enc)
{
    unsigned lo = 0, hi = sysreg_table_len;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (sysreg_table[mid].enc == enc)
            return &sysreg_table[mid];
        if (sysreg_table[mid].enc < enc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Off the table: ERRIDR_EL1, the ID register of the RAS error records, is
 * read-only and zero (NUM = 0; a read's value is 0 already).  Kept out of
 * the table, so that the search for ICC_SGI1R_EL1 on every IPI stays short.
 * The first access to the debug registers or the PMU after a switch on a
 * shared CPU loads them (arch_vcpu_lazy_trap) and runs again.  Anything
 * else is refused. */
static enum trap_result __attribute__((noinline)) not_in_table(struct vcpu *v, uint32_t enc, bool read)
{
    if (enc == ERRIDR_EL1_ISS)
        return read ? TRAP_EMULATED : TRAP_UNDEF;
    if (arch_vcpu_lazy_trap(v, enc))
        return TRAP_RESUME;
    vm_log(v, VM_LOG_UNDEF, "%s of system register op0=%u op1=%u CRn=%u CRm=%u op2=%u at PC %#lx: injecting UNDEF",
           read ? "read" : "write", (enc >> ISS_SYS_OP0_SHIFT) & 3,
           (enc >> ISS_SYS_OP1_SHIFT) & 7, (enc >> ISS_SYS_CRN_SHIFT) & 0xf,
           (enc >> ISS_SYS_CRM_SHIFT) & 0xf, (enc >> ISS_SYS_OP2_SHIFT) & 7, v->regs.pc);
    return TRAP_UNDEF;
}

static inline __attribute__((always_inline)) enum trap_result sysreg_access(struct vcpu *v, uint64_t esr)
{
    uint32_t enc = (uint32_t)esr & ISS_SYS_ENC_MASK;
    unsigned rt = (unsigned)FIELD_GET(esr, 5, ISS_SYS_RT_SHIFT);
    bool read = esr & ISS_SYS_READ;
    uint64_t val = (!read && rt != VCPU_REG_ZR) ? v->regs.x[rt] : 0;
    enum trap_result r;

    if (is_id_reg(enc)) {
        if (!read)
            return TRAP_UNDEF;
        val = id_reg_value(enc);
        r = TRAP_EMULATED;
    } else {
        const struct sysreg_desc *d = sysreg_find(enc);
        r = d ? d->access(v, d, read, &val) : not_in_table(v, enc, read);
    }
    if (r == TRAP_EMULATED && read)
        v->regs.x[rt] = val;        /* xzr: the slot never read */
    return r;
}

enum trap_result sysreg_trap(struct vcpu *v, uint64_t esr)
{
    return sysreg_access(v, esr);
}

struct vcpu_regs *sysreg_exit(struct vcpu *v, uint64_t esr)
{
    return trap_done(v, esr, sysreg_access(v, esr));
}
