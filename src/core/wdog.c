/* SPDX-License-Identifier: MIT */
/* The per-VM watchdog: deadlines, expiry and the hypercall (core/wdog.h). */
#include "core/wdog.h"
#include "core/vm.h"
#include "core/htimer.h"
#include "arch/cpu.h"
#include "tofu/abi.h"

static uint64_t ms_to_ticks(uint64_t ms)
{
    return arch_counter_freq() * ms / MS_PER_S;
}

/* This CPU's timer for the earliest deadline left (with those of the
 * other VMs on a shared CPU, htimer_set_wdog).  wdog.lock held. */
static void program(struct wdog *w)
{
    htimer_set_wdog(w, htimer_earliest(w->due, WDOG_SRCS));
}

void wdog_reset(struct vm *vm)
{
    struct wdog *w = &vm->wdog;
    spin_lock(&w->lock);
    for (unsigned s = 0; s < WDOG_SRCS; s++) {
        w->due[s] = 0;
        w->graced[s] = 0;
    }
    w->hc_ticks = 0;
    w->hc_ms = 0;
    spin_unlock(&w->lock);
}

static void set_locked(struct wdog *w, enum wdog_src s, uint64_t due)
{
    w->due[s] = due;
    w->graced[s] = 0;
    program(w);
}

void wdog_set(struct vm *vm, enum wdog_src s, uint64_t due)
{
    spin_lock(&vm->wdog.lock);
    set_locked(&vm->wdog, s, due);
    spin_unlock(&vm->wdog.lock);
}

void wdog_expired(struct vcpu *pinned)
{
    if (!pinned)
        return;
    struct vm *vm = pinned->vm;
    struct wdog *w = &vm->wdog;
    uint64_t now = arch_counter();
    bool due[WDOG_SRCS] = { false };
    uint32_t hc_ms;

    spin_lock(&w->lock);
    for (unsigned s = 0; s < WDOG_SRCS; s++) {
        if (!w->due[s] || w->due[s] > now)
            continue;
        if (w->graced[s] < WDOG_MAX_GRACES && now - w->due[s] > ms_to_ticks(WDOG_LATE_MS)) {
            w->due[s] = now + ms_to_ticks(WDOG_GRACE_MS);
            w->graced[s]++;
            continue;
        }
        w->due[s] = 0;
        due[s] = vm->state == VM_RUNNING;
    }
    hc_ms = w->hc_ms;
    program(w);
    spin_unlock(&w->lock);

    if (due[WDOG_SRC_HC])
        vm_hung(vm, "watchdog expired: not petted within %u ms (TOFU_HC_WDOG_ARM)", hc_ms);
    else if (due[WDOG_SRC_SP805] && vsp805_expired(&vm->sp805, now))
        vm_hung(vm, "watchdog expired: its SP805 reached zero twice without WdogIntClr (WdogLoad %#x at %u Hz)",
                vm->sp805.load, vm->sp805.clk_hz);
}

/* ---- the hypercall: each call checks its argument, then acts ---- */

void wdog_call(struct vcpu *v, uint32_t fid)
{
    struct wdog *w = &v->vm->wdog;
    uint64_t ms = v->regs.x[1];
    int64_t ret = TOFU_OK;

    if (fid == TOFU_HC_WDOG_ARM && (ms < TOFU_WDOG_MIN_MS || ms > TOFU_WDOG_MAX_MS)) {
        v->regs.x[0] = (uint64_t)(int64_t)TOFU_E_INVALID;
        return;
    }
    spin_lock(&w->lock);
    switch (fid) {
    case TOFU_HC_WDOG_ARM:
        w->hc_ms = (uint32_t)ms;
        w->hc_ticks = ms_to_ticks(ms);
        set_locked(w, WDOG_SRC_HC, arch_counter() + w->hc_ticks);
        break;
    case TOFU_HC_WDOG_PET:
        if (w->hc_ticks)
            set_locked(w, WDOG_SRC_HC, arch_counter() + w->hc_ticks);
        else
            ret = TOFU_E_NOT_ARMED;
        break;
    default:                            /* TOFU_HC_WDOG_DISARM */
        w->hc_ticks = 0;
        set_locked(w, WDOG_SRC_HC, 0);
    }
    spin_unlock(&w->lock);
    v->regs.x[0] = (uint64_t)ret;
}
