/* SPDX-License-Identifier: MIT */
/*
 * Emulated SP805 watchdog (Arm DDI 0270), one per VM whose config asks for
 * one (docs/config.md, `watchdog`).  The 32-bit counter counts WdogLoad
 * down to zero at WDOGCLK, the rate the guest's device tree declares for
 * its "wdog_clk"; it counts only while WdogControl.INTEN is set.  At zero
 * it raises its interrupt (RIS) and reloads; at zero again with the
 * interrupt still raised and RESEN set, the real part asserts WDOGRES: here
 * the VM has hung, and tofu stops it (core/wdog.h).  Writing WdogIntClr, or
 * WdogLoad, or setting INTEN, reloads the counter: that is how a guest
 * pets it.  WdogLock: writing 0x1ACCE551 enables writes to the other
 * registers, any other value disables them.
 *
 * Time is the physical counter's: the counter is never stepped, its value
 * is computed from the deadline at which it will reach zero, and that
 * deadline is the watchdog's hypervisor timer (no polling on exits).  The
 * interrupt output is a level: RIS and INTEN drive the VM's watchdog SPI.
 */
#include "core/vsp805.h"
#include "core/vm.h"
#include "core/wdog.h"
#include "arch/cpu.h"
#include "arch/regs.h"
#include "core/primecell.h"

static bool counting(const struct vsp805 *w)
{
    return w->ctl & WDOG_CONTROL_INTEN;
}

static void update_irq(struct vsp805 *w)
{
    vgic_set_level(w->vm, w->intid, w->ris && counting(w));
}

/* Count from WdogLoad again (now), or stop (not counting). */
static void reload(struct vsp805 *w, uint64_t now)
{
    w->period = ((uint64_t)w->load + 1) * arch_counter_freq() / w->clk_hz;
    if (!w->period)                     /* a counter slower than WDOGCLK */
        w->period = 1;
    w->zero_at = now + w->period;
    wdog_set(w->vm, WDOG_SRC_SP805, counting(w) ? w->zero_at : 0);
}

static uint32_t value(const struct vsp805 *w, uint64_t now)
{
    if (!counting(w))
        return w->frozen;
    uint64_t left = w->zero_at > now ? w->zero_at - now : 0;
    uint64_t cycles = left * w->clk_hz / arch_counter_freq();
    return cycles > w->load ? w->load : (uint32_t)cycles;
}

void vsp805_init(struct vsp805 *w, struct vm *vm, uint32_t intid, uint32_t clk_hz)
{
    w->vm = vm;
    w->intid = intid;
    w->clk_hz = clk_hz;
    w->load = WDOG_LOAD_RESET;          /* reset values: DDI 0270 3.3 */
    w->frozen = WDOG_LOAD_RESET;
    w->ctl = 0;
    w->locked = false;
    w->ris = false;
    w->period = w->zero_at = 0;
}

bool vsp805_expired(struct vsp805 *w, uint64_t now)
{
    bool hung = false;
    spin_lock(&w->lock);
    if (counting(w)) {
        while (w->zero_at <= now && !hung) {
            if (!w->ris)
                w->ris = true;          /* first zero: the interrupt */
            else if (w->ctl & WDOG_CONTROL_RESEN)
                hung = true;            /* second: WDOGRES */
            if (!hung)
                w->zero_at += w->period;
        }
        wdog_set(w->vm, WDOG_SRC_SP805, hung ? 0 : w->zero_at);
        update_irq(w);
    }
    spin_unlock(&w->lock);
    return hung;
}

/* PeriphID0..3 then PCellID0..3, a byte each in the low bits of a word. */
static uint32_t id_byte(uint64_t off)
{
    return primecell_id(off, WDOG_IDS, WDOG_CELL_IDS);
}

static uint64_t wdog_read(struct vcpu *v, void *dev, uint64_t off, unsigned width)
{
    struct vsp805 *w = dev;
    uint64_t val;
    UNUSED(v); UNUSED(width);
    spin_lock(&w->lock);
    switch (off) {
    case WDOG_LOAD: val = w->load; break;
    case WDOG_VALUE: val = value(w, arch_counter()); break;
    case WDOG_CONTROL: val = w->ctl; break;
    case WDOG_RIS: val = w->ris ? WDOG_INT : 0; break;
    case WDOG_MIS: val = w->ris && counting(w) ? WDOG_INT : 0; break;
    case WDOG_LOCK: val = w->locked ? WDOG_LOCKED : 0; break;
    default:                            /* WdogIntClr is write-only; ITCR, ITOP read 0 */
        val = primecell_is_id(off) ? id_byte(off) : 0;
    }
    spin_unlock(&w->lock);
    return val;
}

static enum mmio_result wdog_write(struct vcpu *v, void *dev, uint64_t off, unsigned width, uint64_t val)
{
    struct vsp805 *w = dev;
    uint64_t now = arch_counter();
    UNUSED(v); UNUSED(width);
    spin_lock(&w->lock);
    if (off == WDOG_LOCK) {
        w->locked = (uint32_t)val != WDOG_LOCK_KEY;
    } else if (!w->locked) {
        switch (off) {
        case WDOG_LOAD:                 /* counts down from the new value at once */
            w->load = (uint32_t)val;
            w->frozen = w->load;
            reload(w, now);
            break;
        case WDOG_CONTROL: {
            bool was = counting(w);
            if (was && !(val & WDOG_CONTROL_INTEN))
                w->frozen = value(w, now);
            w->ctl = (uint32_t)val & WDOG_CONTROL_MASK;
            if (was != counting(w))     /* INTEN set again reloads from WdogLoad */
                reload(w, now);
            break;
        }
        case WDOG_INTCLR:               /* any value: clear, and reload */
            w->ris = false;
            reload(w, now);
            break;
        default: break;                 /* read-only and integration test registers: WI */
        }
        update_irq(w);
    }
    spin_unlock(&w->lock);
    return MMIO_OK;
}

const struct mmio_ops vsp805_ops = {
    .name = "vSP805",
    .read = wdog_read,
    .write = wdog_write,
};
