/* SPDX-License-Identifier: MIT */
/*
 * The LSE form of the exit paths' atomics (arch/atomic.h), written over
 * each site's branch at boot on a CPU with FEAT_LSE.  With the MMU off,
 * data accesses are Device-nGnRnE, so each word reaches memory as stored;
 * it is cleaned to the point of unification all the same, and the
 * instruction caches are invalidated before anything runs the new code
 * (Arm ARM B2.4.4, "concurrent modification and execution of
 * instructions": DC CVAU, DSB, IC, DSB, ISB).
 */
#include "arch/atomic.h"
#include "arch/regs.h"
#include "arch/sysreg.h"

extern const struct arch_alt_lse __alt_lse_start[], __alt_lse_end[];

void arch_atomics_patch(void)
{
    if (!ID_ISAR0_HAS_LSE(read_sysreg(id_aa64isar0_el1)))
        return;
    for (const struct arch_alt_lse *a = __alt_lse_start; a < __alt_lse_end; a++) {
        uint32_t *site = (uint32_t *)((uintptr_t)&a->site + (uintptr_t)(intptr_t)a->site);
        *site = a->insn;
        __asm__ volatile("dc cvau, %0" : : "r"(site) : "memory");
    }
    dsb(ish);
    __asm__ volatile("ic ialluis" ::: "memory");
    dsb(ish);
    isb();
}
