/* SPDX-License-Identifier: MIT */
/*
 * Exception injection into the guest's EL1 (Arm ARM D1.10: exception entry).
 * The guest's EL1 system registers are live in the CPU while we handle its
 * exit, so they are written directly.
 */
#include "core/trap.h"
#include "core/vcpu.h"
#include "arch/regs.h"
#include "arch/sysreg.h"

#define ESR_ISS_EXT_ABORT   FSC_SYNC_EXTERNAL
#define SCTLR_EL1_SPAN      BIT(23)
#define PSR_PAN             BIT(22)
#define PSR_AARCH32         BIT(4)

static void enter_el1(struct vcpu *v, uint64_t esr_el1)
{
    uint64_t spsr = v->regs.spsr, off;

    if (spsr & PSR_AARCH32)
        off = VECTOR_LOW_A32;
    else if ((spsr & PSR_MODE_MASK) == PSR_MODE_EL0T)
        off = VECTOR_LOW_A64;
    else if ((spsr & PSR_MODE_MASK) == PSR_MODE_EL1H)
        off = VECTOR_CUR_SPX;
    else
        off = VECTOR_CUR_SP0;

    write_sysreg(esr_el1, esr_el1);
    write_sysreg(elr_el1, v->regs.pc);
    write_sysreg(spsr_el1, spsr);
    /* PSTATE on entry: EL1h, DAIF masked, PAN set unless SCTLR_EL1.SPAN. */
    uint64_t pstate = PSR_MODE_EL1H | PSR_DAIF;
    if (!(read_sysreg(sctlr_el1) & SCTLR_EL1_SPAN))
        pstate |= PSR_PAN;
    else
        pstate |= spsr & PSR_PAN;
    v->regs.spsr = pstate;
    v->regs.pc = read_sysreg(vbar_el1) + off + VECTOR_SYNC;
}

static bool from_el1(const struct vcpu *v)
{
    return !(v->regs.spsr & PSR_AARCH32) && (v->regs.spsr & PSR_MODE_MASK) != PSR_MODE_EL0T;
}

void inject_undef(struct vcpu *v)
{
    enter_el1(v, ((uint64_t)EC_UNKNOWN << ESR_EC_SHIFT) | ESR_IL);
}

static uint64_t abort_ec(const struct vcpu *v, bool data)
{
    unsigned ec = data ? (from_el1(v) ? EC_DABT_CUR : EC_DABT_LOW)
                       : (from_el1(v) ? EC_IABT_CUR : EC_IABT_LOW);
    return (uint64_t)ec << ESR_EC_SHIFT;
}

void inject_abort(struct vcpu *v, bool data, uint64_t far, bool wnr)
{
    uint64_t esr = abort_ec(v, data) | ESR_IL | ESR_ISS_EXT_ABORT;
    if (data && wnr)
        esr |= ISS_DABT_WNR;
    write_sysreg(far_el1, far);
    enter_el1(v, esr);
}

void inject_sea(struct vcpu *v, uint64_t esr, uint64_t far)
{
    write_sysreg(far_el1, far);
    enter_el1(v, abort_ec(v, ESR_EC(esr) == EC_DABT_LOW) | ESR_IL | (esr & ESR_ISS_MASK));
}
