/* SPDX-License-Identifier: MIT */
/*
 * Non-local jumps (setjmp/longjmp without the C library), used to resume
 * after an exception that a program cannot otherwise recover from.  Only
 * the callee-saved general-purpose registers and SP are kept: the runtime
 * is built with -mgeneral-regs-only.  Safe to include from assembly.
 */
#ifndef RT_JUMP_H
#define RT_JUMP_H

#define RT_JMP_X19     (0 * 8)    /* x19..x28 in pairs, then x29 (FP), x30 (LR) */
#define RT_JMP_X29     (10 * 8)
#define RT_JMP_SP      (12 * 8)
#define RT_JMP_SIZE    (14 * 8)   /* 16-byte multiple */

#ifndef __ASSEMBLER__
#include <stdint.h>

struct rt_jmp_buf {
	uint64_t x19_x30[12];
	uint64_t sp;
	uint64_t pad;
};
_Static_assert(sizeof(struct rt_jmp_buf) == RT_JMP_SIZE, "jump buffer layout");
_Static_assert(__builtin_offsetof(struct rt_jmp_buf, sp) == RT_JMP_SP, "jump buffer sp");

/*
 * Returns 0 when called, then 'value' (1 if 'value' is 0) each time
 * rt_longjmp() is called on the same buffer.  The function that called
 * rt_setjmp must not have returned; its non-volatile locals modified after
 * the call are indeterminate after the jump (C11 7.13.2.1).
 */
int rt_setjmp(struct rt_jmp_buf *buf) __attribute__((returns_twice));
_Noreturn void rt_longjmp(struct rt_jmp_buf *buf, int value);
#endif

#endif /* RT_JUMP_H */
