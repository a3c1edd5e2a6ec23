/* SPDX-License-Identifier: MIT */
/*
 * Print the virtual counter (CNTVCT_EL0) and its frequency: run first thing
 * in /init, it gives the guest's boot time to /init.  Under tofu the counter
 * starts at 0 when the VM starts (CNTVOFF_EL2); under -icount shift=0 with
 * -cpu max it counts instructions.  Static aarch64 binary, no libc needed
 * beyond write().
 */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
    uint64_t cnt, frq;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(cnt));
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(frq));
    printf("tofu-guest: cntvct=%llu cntfrq=%llu\n", (unsigned long long)cnt, (unsigned long long)frq);
    return 0;
}
