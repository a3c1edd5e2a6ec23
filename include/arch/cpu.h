/* SPDX-License-Identifier: MIT */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H
#include "core/types.h"

struct vcpu;
struct vcpu_regs;

/* EL2 controls that do not depend on the guest (once per physical CPU). */
void arch_cpu_init(void);
/* Load / save everything of `v` that lives in CPU registers (not x0-x30). */
void arch_vcpu_load(struct vcpu *v);
void arch_vcpu_save(struct vcpu *v);
/* Leave nothing of a stopped vCPU armed: timer, list registers. */
void arch_vcpu_quiesce(void);
/* A shared CPU's switch: save `v`, then silence its timer and PMU outputs
 * (its LRs stay in the CPU until the next vCPU's load overwrites them). */
void arch_vcpu_put(struct vcpu *v);
/* A trapped access to the debug registers or the PMU of a vCPU whose are
 * not loaded (a shared CPU switches them lazily): loaded now, and true (the
 * access runs again); false for any other. */
bool arch_vcpu_lazy_trap(struct vcpu *v, uint32_t enc);
/* A trapped FP/SIMD instruction, or PAuth instruction, of a vCPU whose
 * registers or keys are not loaded: loaded now, and true (it runs again). */
bool arch_vcpu_lazy_fp(struct vcpu *v);
bool arch_vcpu_lazy_pauth(struct vcpu *v);
/* The physical counter value at which the saved virtual timer of `v`
 * asserts its output, 0 if it cannot (off or masked). */
uint64_t arch_vcpu_vtimer_deadline(const struct vcpu *v);
/* Architectural reset state of the EL1 context. */
void arch_vcpu_ctx_reset(struct vcpu *v);
/* The virtual timer fired with no vCPU in guest context: mask the live timer. */
void arch_vtimer_mask(void);
/* The PMU overflow interrupt fired with no vCPU in guest context: mask it. */
void arch_pmu_irq_mask(void);
/* Is this CPU's PMU asking for its overflow interrupt (false: no PMU)? */
bool arch_pmu_irq_line(void);
uint64_t arch_counter(void);
uint64_t arch_counter_freq(void);
/* The EL2 physical timer (PPI 26) of this CPU: one shot at counter `cval`. */
void arch_hyp_timer_arm_at(uint64_t cval);
void arch_hyp_timer_stop(void);
void arch_zero(void *p, uint64_t size);
/* Zero a VM's RAM, and its allocation tags where the CPU has FEAT_MTE2. */
void arch_zero_tagged(void *p, uint64_t size);
/* Clean to the point of coherency (guests start with caches off). */
void arch_clean_dcache(const void *p, uint64_t size);
void arch_icache_invalidate_all(void);
void guest_enter(struct vcpu_regs *regs) __attribute__((noreturn));

#endif
