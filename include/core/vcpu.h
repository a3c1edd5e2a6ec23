/* SPDX-License-Identifier: MIT */
#ifndef CORE_VCPU_H
#define CORE_VCPU_H
#include "core/types.h"
#include "core/vgic.h"
#include "core/ptimer.h"
#include "core/ratelimit.h"
#include "core/mmio.h"
#include "arch/regs.h"
#include "arch/atomic.h"
#include "arch/vgic_hw.h"

/* Saved on every exit by the vector code: layout fixed (offsets in asm). */
struct vcpu_regs {
    /* x0-x30, indexed by a syndrome's register number; x[VCPU_REG_ZR] (31,
     * xzr) is where a trapped load into xzr goes: written, never read, so
     * that a load stores its value by index without a test. */
    uint64_t x[32];
    uint64_t pc;        /* ELR_EL2 */
    uint64_t spsr;      /* SPSR_EL2 */
    uint64_t hyp_sp;    /* this physical CPU's EL2 stack top */
};
#define VCPU_REG_ZR      31
#define VCPU_REGS_X30    240
#define VCPU_REGS_PC     256     /* then SPSR: one load or store pair */
#define VCPU_REGS_SPSR   264
#define VCPU_REGS_HYP_SP 272
_Static_assert(__builtin_offsetof(struct vcpu_regs, x[30]) == VCPU_REGS_X30, "asm offset");
_Static_assert(__builtin_offsetof(struct vcpu_regs, pc) == VCPU_REGS_PC, "asm offset");
_Static_assert(__builtin_offsetof(struct vcpu_regs, spsr) == VCPU_REGS_SPSR, "asm offset");
_Static_assert(__builtin_offsetof(struct vcpu_regs, hyp_sp) == VCPU_REGS_HYP_SP, "asm offset");
/* struct vcpu's exits[] (below): the vector code counts each exit there
 * (src/arch/arm64/asm.h has the same; GICv2: vgic_cpu.sgi_src before it). */
#if GIC_VERSION == 2
#define VCPU_EXITS       0x5f0
#else
#define VCPU_EXITS       0x5e0
#endif

/*
 * EL1 state that is live in the CPU while the vCPU runs and is saved and
 * loaded only when a vCPU starts, stops or leaves its physical CPU (never on
 * an ordinary exit: with one vCPU per physical CPU nothing else uses it).
 */
/* The guest's PMUv3 registers (the writable parts). */
struct vcpu_pmu {
    uint64_t pmcr, pmcnten, pminten, pmovs, pmselr, pmuserenr, pmccfiltr, pmccntr;
    uint64_t evtyper[PMU_MAX_COUNTERS], evcntr[PMU_MAX_COUNTERS];
};

/* One breakpoint and one watchpoint: DBGB{V,C}R<n>_EL1, DBGW{V,C}R<n>_EL1. */
struct vcpu_dbg {
    uint64_t bvr, bcr, wvr, wcr;
};

struct vcpu_sysregs {
    uint64_t sctlr, cpacr, ttbr0, ttbr1, tcr, esr, afsr0, afsr1, far, mair,
             amair, vbar, contextidr, tpidr_el0, tpidrro_el0, tpidr_el1,
             sp_el0, sp_el1, elr_el1, spsr_el1, par, cntkctl, csselr, mdscr;
    uint64_t cntv_ctl, cntv_cval;
    struct vgic_hw_state vgic_if;   /* the virtual CPU interface beside the LRs */
    uint64_t lr[VGIC_MAX_LRS];
    uint64_t pauth[10];             /* APIA, APIB, APDA, APDB, APGA: lo, hi */
    uint64_t mte[4];                /* GCR, RGSR, TFSR, TFSRE0 (FEAT_MTE2) */
    struct vcpu_pmu pmu;
    struct vcpu_dbg dbg[DBG_MAX_PAIRS];
    uint64_t oslar;                 /* the OS lock, as OSLAR_EL1 sets it */
    uint64_t vdisr;                 /* the guest's DISR_EL1 (FEAT_RAS, HCR_EL2.AMO) */
    uint64_t fpsr, fpcr;
    uint64_t vregs[64] __attribute__((aligned(16)));   /* q0..q31 */
    /* A shared CPU switches the debug registers and the PMU lazily
     * (src/arch/arm64/cpu/vcpu_ctx.c): in the CPU while it runs (live), or
     * trapped until its first access there (touched). */
    bool dbg_live, dbg_touched, pmu_live, pmu_touched;
    /* FP/SIMD and the PAuth keys likewise, but once used, loaded at every
     * switch (a guest that uses them once, Linux, uses them all the time). */
    bool fp_live, fp_used, pauth_live, pauth_used;
};

enum vcpu_power { VCPU_OFF, VCPU_ON_PENDING, VCPU_ON };

/*
 * `work`: what the checks after an exit must do before the vCPU runs again,
 * so that the common exit tests one word (vcpu_resume, core/trap.h).  Set,
 * from any CPU, by whatever creates the work, before it kicks the vCPU;
 * cleared only by the vCPU's own CPU, before it looks at the sources again
 * (an atomic OR after that clear survives it).
 */
#define VCPU_WORK_VGIC  (1u << 0)  /* vgic_flush: the pending bitmap, UIE, a resample */
#define VCPU_WORK_STOP  (1u << 1)  /* the VM left VM_RUNNING: park (cleared by vm_load) */
/* Its CPU is shared (docs/scheduling.md): every exit ends in the scheduler.
 * Set when the vCPU is loaded on a shared CPU, never on a CPU of its own. */
#define VCPU_WORK_SCHED (1u << 2)

/* `idle_mode`: 0, a plain WFI at EL2 (vcpu_idle); else the vPE put out
 * first (direct vLPIs, GICv4.0), or descheduled (a shared CPU). */
#define VCPU_IDLE_DIRECT (1u << 0)
#define VCPU_IDLE_SHARED (1u << 1)

struct vm;
struct pv_steal;

/* A vCPU's budget per period as a sporadic server (sched.c): each run of
 * it is given back, as much as it used, one period after the run began.
 * Counter ticks. */
#define SCHED_MAX_REFILLS 8
struct sched_refill {
    uint64_t at, amount;
};
struct sched_budget {
    uint64_t budget, period;        /* budget 0: none, it may always run */
    int64_t avail;                  /* what it may use now; below 0 after an overrun */
    uint64_t run_start;             /* counter value its current run began; 0: not running */
    unsigned head, count;           /* refill[]: a ring in time order */
    struct sched_refill refill[SCHED_MAX_REFILLS];
};

/* Each vCPU on cache lines of its own (its CPU writes its registers on
 * every exit, other CPUs its work word and pending bitmap); a size of a
 * few lines also makes &vm->vcpus[i] a short multiply. */
#define VCPU_ALIGN 64

/* What a guest-caused log line is about: each has its own budget. */
enum vm_log_kind { VM_LOG_ABORT, VM_LOG_UNDEF, VM_LOG_GIC, VM_LOG_VIRTIO, VM_LOG_KINDS };

struct vcpu {
    struct vcpu_regs regs;          /* first: the vector code addresses it */
    /* A copy of the region of its last emulated access (vm->mmio does not
     * change once the VM is built): the exit path finds the next one there,
     * in reach of a load pair off the vCPU, without a pointer to load first.
     * Zero (no region) until then.  16-byte aligned: a load pair under
     * -mstrict-align. */
    struct mmio_region mmio_last __attribute__((aligned(16)));
    struct vm *vm;
    uint32_t work;                  /* VCPU_WORK_*, atomic */
    unsigned id;                    /* index within the VM */
    unsigned pcpu;                  /* physical CPU it is pinned to */
    uint64_t vmpidr;
    volatile enum vcpu_power power;
    volatile bool running;          /* its physical CPU is in guest context */
    struct vgic_cpu vgic;
    struct ptimer ptimer;           /* emulated EL1 physical timer */
    uint64_t exits[EC_COUNT];
    uint64_t irq_exits;
    struct ratelimit log[VM_LOG_KINDS];  /* survives restarts */
    uint64_t storm_start;           /* counter value: faults injected counted since */
    unsigned storm_faults;
    uint64_t block_until;           /* MMIO_RETRY: counter value to wake at, at the latest */
    uint8_t idle_mode;              /* VCPU_IDLE_*, set when it is loaded: how WFI waits */
    /* Out of line: large, and touched only at load and save, so that the
     * fields the exit path uses stay close together (vm.c holds them). */
    struct vcpu_sysregs *ctx;
    /* A shared CPU's scheduler (sched.c, docs/scheduling.md), on its own CPU only. */
    bool sched_wait;                /* in WFI or CPU_SUSPEND, descheduled until it may take one */
    bool sched_yield;               /* it executed WFE: another ready vCPU may run */
    bool sched_blocked;             /* waiting in vcpu_block: also until block_until or vcpu_unblock */
    volatile bool unblocked;        /* vcpu_unblock since it blocked (any CPU writes it) */
    unsigned sched_idx;             /* its index in its CPU's run queue */
    unsigned sched_prio;            /* its VM's priority: higher runs first */
    unsigned sched_vm;              /* its VM's index in config_vms: whose windows it runs in */
    uint64_t sched_wake_at;         /* descheduled and waiting: its earliest timer deadline (counter), 0 none */
    uint64_t sched_seq;             /* round-robin order among equals: the lowest runs first */
    uint64_t sched_slice_left;      /* preempted: what is left of its slice (ticks), 0 a whole one */
    struct sched_budget budget;
    /* Stolen time (core/steal.h): ready but descheduled since (counter;
     * 0: not), and in all since its VM started (ticks); its record. */
    uint64_t steal_from;
    uint64_t stolen;
    struct pv_steal *steal;
} __attribute__((aligned(VCPU_ALIGN)));

_Static_assert(__builtin_offsetof(struct vcpu, exits) == VCPU_EXITS, "asm offset (src/arch/arm64/asm.h)");

static inline __attribute__((always_inline)) void vcpu_work_set(struct vcpu *v, uint32_t bits)
{
    arch_or32_release(&v->work, bits);
}

/* The vCPU running on this physical CPU (NULL when idle). */
struct vcpu *vcpu_current(void);
/* Make `v` re-evaluate its state soon: an SGI to its CPU if that is not us. */
void vcpu_kick(struct vcpu *v);
/* Block `v` on its own CPU until an interrupt for this CPU (a kick) or
 * v->block_until: the access that returned MMIO_RETRY is then retried. */
void vcpu_block(struct vcpu *v);
/* What `v` blocked on (vcpu_block) is there: it retries now. */
void vcpu_unblock(struct vcpu *v);
/* Reset to the architectural power-on state, entry at `pc` with x0 = `x0`. */
void vcpu_reset(struct vcpu *v, uint64_t pc, uint64_t x0);

#endif
