/* SPDX-License-Identifier: MIT */
/*
 * The per-VM watchdog.  Two sources feed it: the VM's emulated SP805
 * (src/vdev/vsp805.c), if its config asks for one, and the watchdog
 * hypercall (TOFU_HC_WDOG_*, docs/ipc.md) that any VM may arm.  Each source
 * has one deadline on the hypervisor timer (core/htimer.h, client
 * HTIMER_WDOG); when it passes, the source says whether the VM has hung,
 * and a hung VM is stopped ("watchdog expired") by its on-failure policy.
 *
 * Deadlines are set only on a CPU of one of the VM's vCPUs (an MMIO trap, a
 * hypercall, the timer itself), so HTIMER_WDOG on a CPU always belongs to
 * the VM pinned there.  A deadline moved by another of the VM's CPUs leaves
 * a stale one behind, which fires once, finds nothing due and re-arms for
 * what is left.  Nothing here cancels another CPU's timer.
 *
 * Lock order: the SP805's lock, then wdog.lock.
 */
#ifndef CORE_WDOG_H
#define CORE_WDOG_H
#include "core/types.h"
#include "core/spinlock.h"

/* A deadline found this late (counter time) means the CPU itself did not
 * run (a host that starved QEMU), so neither could the guest: it gets
 * WDOG_GRACE_MS more, up to WDOG_MAX_GRACES times in a row, before it is
 * declared hung.  A hung guest's timer comes on time: its CPU runs. */
#define WDOG_LATE_MS    50u
#define WDOG_GRACE_MS   100u
#define WDOG_MAX_GRACES 10u
#define MS_PER_S      1000u

enum wdog_src { WDOG_SRC_SP805, WDOG_SRC_HC, WDOG_SRCS };

struct wdog {
    spinlock_t lock;
    uint64_t due[WDOG_SRCS];        /* physical counter values; 0: none */
    uint8_t graced[WDOG_SRCS];      /* times this deadline was put off */
    uint64_t hc_ticks;              /* the hypercall's timeout; 0: disarmed */
    uint32_t hc_ms;
};

struct vm;
struct vcpu;

/* The VM is being loaded: every source disarmed (no timer is touched). */
void wdog_reset(struct vm *vm);
/* Source `s`'s deadline (0: none), on the calling CPU, one of the VM's. */
void wdog_set(struct vm *vm, enum wdog_src s, uint64_t due);
/* HTIMER_WDOG fired on this CPU, where `pinned` is pinned (or NULL). */
void wdog_expired(struct vcpu *pinned);
/* TOFU_HC_WDOG_ARM, _PET, _DISARM from `v`. */
void wdog_call(struct vcpu *v, uint32_t fid);

#endif
