/* SPDX-License-Identifier: MIT */
/* vCPU services of src/core/vcpu.c (include/core/vcpu.h, core/trap.h). */
#include <string.h>
#include "fake.h"
#include "core/trap.h"

struct vcpu *fake_current;
unsigned fake_kick_count;
struct vcpu *fake_last_kicked;
unsigned fake_idle_count;
unsigned fake_reset_count;
struct vcpu *fake_reset_vcpu;
uint64_t fake_reset_pc, fake_reset_x0;

void fake_vcpu_reset(void)
{
    fake_current = NULL;
    fake_kick_count = 0;
    fake_last_kicked = NULL;
    fake_idle_count = 0;
    fake_reset_count = 0;
    fake_reset_vcpu = NULL;
    fake_reset_pc = fake_reset_x0 = 0;
}

struct vcpu *vcpu_current(void)
{
    return fake_current;
}

void vcpu_kick(struct vcpu *v)
{
    fake_kick_count++;
    fake_last_kicked = v;
}

void vcpu_idle(struct vcpu *v)
{
    (void)v;
    fake_idle_count++;
}

void vcpu_reset(struct vcpu *v, uint64_t pc, uint64_t x0)
{
    fake_reset_count++;
    fake_reset_vcpu = v;
    fake_reset_pc = pc;
    fake_reset_x0 = x0;
    memset(v->regs.x, 0, sizeof(v->regs.x));
    v->regs.x[0] = x0;
    v->regs.pc = pc;
}

/* The end of an exit (src/core/vcpu.c, src/arch/arm64/trap/trap.c): the
 * handlers under test return their result; these only close the link. */
void vcpu_resume_work(struct vcpu *v)
{
    (void)v;
}

struct vcpu_regs *sched_resume(struct vcpu *v)
{
    return &v->regs;
}

struct vcpu_regs *trap_finish(struct vcpu *v, uint64_t esr, enum trap_result r)
{
    (void)esr;
    (void)r;
    return &v->regs;
}
