/* SPDX-License-Identifier: MIT */
/*
 * The emulated EL1 physical timer (core/ptimer.h).  Semantics as the Arm
 * ARM gives them (D12.2.4, D12.8): the condition is CNTPCT >= CVAL while
 * ENABLE is 1; ISTATUS shows it whatever IMASK says; the output, ENABLE and
 * not IMASK and the condition, is a level on PPI 30; TVAL is the signed
 * 32-bit distance to CVAL.  With ENABLE 0, ISTATUS reads 0 (as QEMU's
 * timer does; the architecture leaves it UNKNOWN).
 */
#include "core/ptimer.h"
#include "core/vm.h"
#include "core/htimer.h"
#include "arch/cpu.h"
#include "arch/regs.h"

#define PTIMER_CTL_WRITABLE (CNT_CTL_ENABLE | CNT_CTL_IMASK)

static bool condition(const struct ptimer *t, uint64_t now)
{
    return (t->ctl & CNT_CTL_ENABLE) && now >= t->cval;
}

/* Drive the output line and arm the hypervisor timer for the deadline.
 * Runs on v's own CPU (a trap, or its timer). */
static void update(struct vcpu *v)
{
    struct ptimer *t = &v->ptimer;
    bool met = condition(t, arch_counter());
    bool unmasked = (t->ctl & PTIMER_CTL_WRITABLE) == CNT_CTL_ENABLE;

    vgic_set_ppi_level(v, PPI_PTIMER, met && unmasked);
    if (unmasked && !met)
        htimer_set(HTIMER_PTIMER, t->cval);
    else
        htimer_cancel(HTIMER_PTIMER);
}

void ptimer_reset(struct vcpu *v)
{
    v->ptimer.ctl = 0;
    v->ptimer.cval = 0;
    vgic_set_ppi_level(v, PPI_PTIMER, false);
}

uint64_t ptimer_stop(struct vcpu *v)
{
    const struct ptimer *t = &v->ptimer;
    htimer_cancel(HTIMER_PTIMER);
    return (t->ctl & PTIMER_CTL_WRITABLE) == CNT_CTL_ENABLE ? t->cval : 0;
}

uint64_t ptimer_read_ctl(struct vcpu *v)
{
    const struct ptimer *t = &v->ptimer;
    return t->ctl | (condition(t, arch_counter()) ? CNT_CTL_ISTATUS : 0);
}

void ptimer_write_ctl(struct vcpu *v, uint64_t val)
{
    v->ptimer.ctl = val & PTIMER_CTL_WRITABLE;
    update(v);
}

uint64_t ptimer_read_cval(struct vcpu *v)
{
    return v->ptimer.cval;
}

void ptimer_write_cval(struct vcpu *v, uint64_t val)
{
    v->ptimer.cval = val;
    update(v);
}

/* TVAL reads CVAL - CNTPCT truncated to 32 bits; bits [63:32] are RES0. */
uint64_t ptimer_read_tval(struct vcpu *v)
{
    return (uint32_t)(v->ptimer.cval - arch_counter());
}

/* A TVAL write sets CVAL = CNTPCT + TVAL, TVAL sign-extended from 32 bits. */
void ptimer_write_tval(struct vcpu *v, uint64_t val)
{
    v->ptimer.cval = arch_counter() + (uint64_t)(int64_t)(int32_t)(uint32_t)val;
    update(v);
}

void ptimer_resume(struct vcpu *v)
{
    /* A disabled timer's line is low already (update at the disabling
     * write) and its deadline was cancelled at ptimer_stop. */
    if (v->ptimer.ctl & CNT_CTL_ENABLE)
        update(v);
}

void ptimer_expired(struct vcpu *v)
{
    if (v)
        update(v);
}
