/* SPDX-License-Identifier: MIT */
#ifndef CORE_PCPU_H
#define CORE_PCPU_H
#include "core/platform.h"
#include "core/htimer.h"
#include "core/limits.h"
#include "arch/sysreg.h"

#define HYP_STACK_SIZE 0x4000
/* struct pcpu's size, a power of two: this_pcpu() is the CPU's index
 * shifted, not multiplied (it is on every path of a shared CPU). */
#define PCPU_ALIGN 1024

struct vcpu;
struct pcpu {
    struct vcpu *vcpu;              /* the (first) vCPU pinned here, if any */
    struct vcpu *current;           /* in guest context now */
    volatile bool online;
    struct htimer_cpu htimer;       /* this CPU's EL2 timer clients */
    /* The run queue (docs/scheduling.md): every vCPU pinned here, in config
     * order; rq[0] is `vcpu`.  Shared when it holds more than one. */
    unsigned nr_vcpus;
    struct vcpu *rq[PCPU_MAX_VCPUS];
    /* Runs the scheduler (docs/scheduling.md): it holds several vCPUs, or
     * one with a budget, or it has a fixed schedule. */
    bool sched_on;
    uint64_t slice_end;             /* the running vCPU's slice ends (counter) */
    uint64_t sched_next;            /* the scheduler's HTIMER_SCHED deadline, 0 none */
    uint64_t sched_seq;             /* the last round-robin position given */
    /* A fixed schedule (config_schedules): the major frame and its windows,
     * counter ticks from the frame's start; nr_windows 0: none. */
    uint64_t frame;
    unsigned nr_windows;
    struct pcpu_window {
        uint64_t start, end;
        unsigned vm;                /* index in config_vms */
    } windows[SCHED_MAX_WINDOWS];
    /* A VM whose vCPU 0 is here may have asked to start since this CPU
     * last looked (vm_start_async sets it, vm_run_requests clears it
     * before it looks): vm_requests_for scans the VMs only then. */
    volatile bool start_asked;
} __attribute__((aligned(PCPU_ALIGN)));

_Static_assert(sizeof(struct pcpu) == PCPU_ALIGN, "struct pcpu outgrew PCPU_ALIGN");
extern struct pcpu pcpus[MAX_PCPUS];
extern unsigned nr_pcpus;
extern uint8_t hyp_stacks[MAX_PCPUS][HYP_STACK_SIZE];

/* Does `p` run its scheduler (docs/scheduling.md): several vCPUs in
 * turn, a budget, or windows? */
static inline bool pcpu_shared(const struct pcpu *p) { return p->sched_on; }

static inline unsigned cpu_id(void) { return (unsigned)read_sysreg(tpidr_el2); }
static inline struct pcpu *this_pcpu(void) { return &pcpus[cpu_id()]; }
static inline uint64_t pcpu_stack_top(unsigned cpu)
{
    return (uint64_t)(uintptr_t)&hyp_stacks[cpu + 1][0];
}

/* The idle loop: runs a vCPU pinned here whenever one may run. */
void pcpu_loop(void) __attribute__((noreturn));

#endif
