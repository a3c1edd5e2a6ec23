/* SPDX-License-Identifier: MIT */
/* Runtime entry and exit, called from start.S. */
#ifndef RT_RT_H
#define RT_RT_H

#include <stdint.h>

void rt_init(const void *dtb, uint64_t load_offset);
int main(const void *dtb);                          /* provided by the test program */
_Noreturn void rt_exit(int status);                 /* PSCI SYSTEM_OFF */
_Noreturn void rt_hang(void);                       /* start.S */
unsigned rt_current_el(void);

#endif /* RT_RT_H */
