/* SPDX-License-Identifier: MIT */
/*
 * Starting a secondary CPU the board's way (its description's
 * cpu-enable-method, docs/boot-flow.md): PSCI CPU_ON with the CPU's index
 * as the context ID, or a spin table: the firmware parks the CPU, caches
 * off, polling its release slot, and jumps to the address written there
 * (with x0 not ours: the index waits in spin_boot_cpu).  Both the slot and
 * the index are cleaned to the point of coherency before the SEV, since the
 * parked CPU reads memory past the caches.  One CPU at a time: the caller
 * waits for each to come online before the next.
 */
#include "core/drivers.h"
#include "core/platform.h"
#include "arch/cpu.h"
#include "arch/sysreg.h"

void secondary_entry(void);
void secondary_spin_entry(void);
uint64_t spin_boot_cpu;          /* boot.S reads it, MMU off */

int64_t fw_cpu_on(unsigned cpu)
{
    if (platform.cpu_enable_method != PLATFORM_CPU_SPIN_TABLE)
        return fw_psci_cpu_on(platform.cpu_mpidr[cpu], (uint64_t)(uintptr_t)secondary_entry, cpu);
    volatile uint64_t *slot = (volatile uint64_t *)(uintptr_t)platform.cpu_release_addr[cpu];
    spin_boot_cpu = cpu;
    arch_clean_dcache(&spin_boot_cpu, sizeof(spin_boot_cpu));
    *slot = (uint64_t)(uintptr_t)secondary_spin_entry;
    arch_clean_dcache((const void *)(uintptr_t)slot, sizeof(*slot));
    dsb(sy);
    sev();
    return 0;
}
