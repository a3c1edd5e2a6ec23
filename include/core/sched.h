/* SPDX-License-Identifier: MIT */
#ifndef CORE_SCHED_H
#define CORE_SCHED_H
/*
 * Between vcpu.c (a vCPU on its CPU: claim, load, park, wait) and sched.c
 * (a shared CPU's scheduler and every CPU's idle loop), docs/scheduling.md.
 */
#include "core/vm.h"
#include "core/pcpu.h"

/* May `v` start running on its CPU (its VM runs, it is on, it is not
 * running yet)?  If so it is running from now on. */
bool vcpu_claim(struct vcpu *v);
/* Load `v`'s context into this CPU, which holds no vCPU's now. */
void vcpu_load(struct vcpu *v);
/* Enter `v` if it may run; returns only if it may not. */
void vcpu_run(struct vcpu *v);
/* Must `v` leave its CPU for good (its VM stops, it is off)? */
static inline bool must_park(const struct vcpu *v)
{
    return v->vm->state != VM_RUNNING || v->power == VCPU_OFF;
}

/* Before the VMs are built: the CPUs' fixed schedules (config_schedules). */
void sched_init(void);
/* `v`, being built, joins its CPU's run queue. */
void sched_add(struct vcpu *v);

/* HTIMER_SCHED for the scheduler's deadline `next` (0: none). */
void sched_timer(struct pcpu *p, uint64_t next);
/* No vCPU is loaded on shared CPU `p`: run one that may run, else return. */
void sched_idle(struct pcpu *p);

#endif
