/* SPDX-License-Identifier: MIT */
/* Physical interrupts at EL2. */
#include "core/trap.h"
#include "core/vm.h"
#include "core/drivers.h"
#include "core/console.h"
#include "core/platform.h"
#include "arch/cpu.h"
#include "arch/regs.h"
#include "arch/vgic_hw.h"

void irq_handle_pending(struct vcpu *cur)
{
    for (;;) {
        uint32_t iar = gic_ack();
        unsigned intid = iar & GIC_INTID_MASK;
        if (intid >= GIC_SPURIOUS_ID)
            return;
        if (intid == PPI_VTIMER) {
            /* The guest's virtual timer: masked here until the guest
             * reprograms it (clearing IMASK), its PPI injected. */
            arch_vtimer_mask();
            if (cur)
                vgic_inject(cur, PPI_VTIMER);
        } else if (intid == PPI_MAINTENANCE) {
            /* LR underflow: drop UIE now (the condition is level), the
             * flush before guest entry refills and re-arms as needed. */
            vgic_hw_write_hcr(cur ? ICH_HCR_EN : 0);
            if (cur)
                cur->vgic.uie = false;
        } else if (intid == PPI_HYP_TIMER) {
            arch_hyp_timer_stop();
            console_flush_timeout();
        } else if (intid == platform.uart_intid) {
            console_rx();
        } else if (intid < HW_IRQ_MAX && vm_hw_irq_owner[intid]) {
            /* A passed-through device: the guest deactivates it. */
            gic_priority_drop(iar);
            vgic_inject_spi(vm_hw_irq_owner[intid], intid);
            continue;
        }
        /* SGI_KICK needs nothing here: the checks after every exit do it. */
        gic_eoi(iar);
    }
}
