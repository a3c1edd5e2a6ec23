/* SPDX-License-Identifier: MIT */
/* Runtime entry and exit, called from start.S. */
#ifndef RT_RT_H
#define RT_RT_H

#include <stdint.h>

void rt_init(const void *dtb, uint64_t load_offset);
int main(const void *dtb);                          /* provided by the program */
_Noreturn void rt_exit(int status);                 /* PSCI SYSTEM_OFF */
_Noreturn void rt_hang(void);                       /* start.S */
unsigned rt_current_el(void);

/* Provided by the program: the prefix of the runtime's own messages. */
extern const char rt_program_name[];

/*
 * The end of the program after an unrecoverable error (an exception that
 * nothing expected).  By default the test library's abort: summary, then
 * SYSTEM_OFF.  A program that must not power off installs its own handler;
 * if that returns, the CPU parks in rt_hang().
 */
typedef void (*rt_fatal_fn)(const char *why);
void rt_set_fatal_handler(rt_fatal_fn fn);
_Noreturn void rt_fatal(const char *why);

#endif /* RT_RT_H */
