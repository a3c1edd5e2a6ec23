/* SPDX-License-Identifier: MIT */
/*
 * The EL1 physical timer of a vCPU (CNTP_CTL/CVAL/TVAL_EL0, PPI 30),
 * emulated: its registers trap (CNTHCTL_EL2.EL1PCEN = 0), its deadline is
 * served by the hypervisor timer, its output drives PPI 30 as a level.
 * It compares against the physical count, which guests read directly.
 */
#ifndef CORE_PTIMER_H
#define CORE_PTIMER_H
#include "core/types.h"

struct ptimer {
    uint64_t ctl;           /* ENABLE and IMASK as written */
    uint64_t cval;
};

struct vcpu;
void ptimer_reset(struct vcpu *v);
/* `v` leaves its CPU: nothing of its timer stays armed there.  Returns
 * the counter value its output rises at, 0 if it cannot (off, masked). */
uint64_t ptimer_stop(struct vcpu *v);
uint64_t ptimer_read_ctl(struct vcpu *v);
void ptimer_write_ctl(struct vcpu *v, uint64_t val);
uint64_t ptimer_read_cval(struct vcpu *v);
void ptimer_write_cval(struct vcpu *v, uint64_t val);
uint64_t ptimer_read_tval(struct vcpu *v);
void ptimer_write_tval(struct vcpu *v, uint64_t val);
/* `v` is loaded again on its CPU (a shared CPU's switch): its output and
 * its deadline as they are now. */
void ptimer_resume(struct vcpu *v);
/* Its deadline passed (from the hypervisor timer, on v's CPU). */
void ptimer_expired(struct vcpu *v);

#endif
