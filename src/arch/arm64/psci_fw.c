/* SPDX-License-Identifier: MIT */
/* PSCI calls from EL2 to the platform firmware (QEMU answers SMC itself). */
#include "core/drivers.h"
#include "tofu/abi.h"

static int64_t smc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = fid;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    __asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory",
                     "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
                     "x15", "x16", "x17");
    return (int64_t)x0;
}

int64_t fw_psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t ctx)
{
    return smc(PSCI_CPU_ON_FID | SMCCC_SMC64, mpidr, entry, ctx);
}

void fw_psci_system_off(void)
{
    smc(PSCI_SYSTEM_OFF_FID, 0, 0, 0);
    for (;;) __asm__ volatile("wfi");
}

void fw_psci_system_reset(void)
{
    smc(PSCI_SYSTEM_RESET_FID, 0, 0, 0);
    for (;;) __asm__ volatile("wfi");
}
