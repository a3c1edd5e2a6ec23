/* SPDX-License-Identifier: MIT */
/* Physical interrupts at EL2. */
#include "core/trap.h"
#include "core/vm.h"
#include "core/drivers.h"
#include "core/console.h"
#include "core/htimer.h"
#include "core/platform.h"
#include "core/iommu.h"
#include "arch/cpu.h"
#include "arch/regs.h"
#include "arch/vgic_hw.h"

/* A PPI whose source is the running guest's own (its virtual timer, its
 * PMU): forwarded through a hardware LR, so it stays active until the guest
 * deactivates it. */
static inline void forward_ppi(struct vcpu *cur, uint32_t iar, unsigned intid)
{
    gic_priority_drop(iar);
    vgic_inject_local(cur, intid);
}

/* Everything but the guest's own timer.  Returns true when the loop goes
 * on to the next pending interrupt. */
static bool __attribute__((noinline)) irq_other(struct vcpu *cur, uint32_t iar, unsigned intid)
{
    if (intid >= GIC_LPI_BASE_ID) {
        gic_priority_drop(iar);         /* an LPI has no active state */
        msi_lpi(intid);
        return true;
    }
    if (intid == PPI_VTIMER) {
        arch_vtimer_mask();     /* no vCPU owns the live timer here */
    } else if (intid == PPI_MAINTENANCE) {
        vgic_maintenance(cur);
    } else if (intid == PPI_HYP_TIMER) {
        htimer_fire();
    } else if (intid == SGI_CONSOLE) {
        console_drain();
    } else if (intid == platform.uart_intid) {
        console_uart_irq();
    } else if (intid >= GIC_SPI_BASE_ID) {
        if (intid < HW_IRQ_MAX && vm_hw_irq_owner[intid]) {
            /* A passed-through device: the guest deactivates it. */
            gic_priority_drop(iar);
            vgic_inject_spi(vm_hw_irq_owner[intid], intid);
            return true;
        }
        iommu_irq(intid);       /* DMA faults, the IOMMU's global errors */
    } else if (intid == PPI_PMU) {
        if (cur) {
            forward_ppi(cur, iar, PPI_PMU);
            return false;
        }
        arch_pmu_irq_mask();    /* no vCPU owns the PMU here */
    }
    /* SGI_KICK needs nothing here: the checks after every exit do it. */
    gic_eoi(iar);
    return true;
}

static void __attribute__((noinline)) irq_handle_rest(struct vcpu *cur, uint32_t iar)
{
    for (;;) {
        unsigned intid = iar & GIC_INTID_MASK;
        if ((intid >= GIC_SPURIOUS_ID && intid < GIC_LPI_BASE_ID) || !irq_other(cur, iar, intid))
            return;
        iar = gic_ack();
        if ((iar & GIC_INTID_MASK) == PPI_VTIMER && cur) {
            forward_ppi(cur, iar, PPI_VTIMER);
            return;
        }
    }
}

/* The running guest's virtual timer first: it is the exit that counts.
 * After it, anything else pending exits again at once. */
void irq_handle_pending(struct vcpu *cur)
{
    uint32_t iar = gic_ack();
    if (__builtin_expect((iar & GIC_INTID_MASK) == PPI_VTIMER && cur != NULL, 1)) {
        forward_ppi(cur, iar, PPI_VTIMER);
        return;
    }
    /* A kick (another CPU's IPC doorbell, an injected interrupt) needs
     * nothing but its end: the checks after every exit look at the work it
     * announces.  Whatever else is pending is taken at the next exit, at
     * once, as after the timer above. */
    if ((iar & GIC_INTID_MASK) == SGI_KICK) {
        gic_eoi(iar);
        return;
    }
    irq_handle_rest(cur, iar);
}
