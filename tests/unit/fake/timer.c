/* SPDX-License-Identifier: MIT */
/* The counter, the hypervisor timer and the PPI line the emulated EL1
 * physical timer uses (arch/cpu.h, core/htimer.h, core/vgic.h). */
#include "fake.h"
#include "core/htimer.h"
#include "arch/cpu.h"

uint64_t fake_counter;
uint64_t fake_counter_freq = FAKE_COUNTER_FREQ;
bool fake_irq_level[VGIC_NR_IRQS];
uint64_t fake_htimer_deadline[HTIMER_NR];
unsigned fake_ppi_level_calls;
bool fake_ppi_line[VGIC_NR_PRIVATE];

void fake_timer_reset(void)
{
    fake_counter = 0;
    fake_counter_freq = FAKE_COUNTER_FREQ;
    for (unsigned i = 0; i < VGIC_NR_IRQS; i++)
        fake_irq_level[i] = false;
    for (unsigned i = 0; i < HTIMER_NR; i++)
        fake_htimer_deadline[i] = 0;
    fake_ppi_level_calls = 0;
    for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++)
        fake_ppi_line[i] = false;
}

uint64_t arch_counter(void)
{
    return fake_counter;
}

uint64_t arch_counter_freq(void)
{
    return fake_counter_freq;
}

void vgic_set_level(struct vm *vm, unsigned intid, bool level)
{
    (void)vm;
    if (intid < VGIC_NR_IRQS)
        fake_irq_level[intid] = level;
}

void htimer_set(enum htimer_client c, uint64_t when)
{
    fake_htimer_deadline[c] = when;
}

void htimer_cancel(enum htimer_client c)
{
    fake_htimer_deadline[c] = 0;
}

/* One VM on the fake CPU: its own earliest deadline. */
void htimer_set_wdog(const struct wdog *w, uint64_t next)
{
    (void)w;
    fake_htimer_deadline[HTIMER_WDOG] = next;
}

void vgic_set_ppi_level(struct vcpu *v, unsigned intid, bool level)
{
    (void)v;
    fake_ppi_level_calls++;
    if (intid < VGIC_NR_PRIVATE)
        fake_ppi_line[intid] = level;
}

/* One tick per microsecond. */
uint64_t htimer_us_to_ticks(uint64_t us)
{
    return us;
}
