/* SPDX-License-Identifier: MIT */
#include "rt/smccc.h"

/*
 * SMCCC 1.1 preserves x4..x17, but they are listed as clobbered anyway so
 * that a hypervisor breaking that rule cannot corrupt this program before
 * the dedicated preservation test (smccc.S) reports it.
 */
#define SMCCC_CALL(insn)                                                        \
	register uint64_t x0 __asm__("x0") = fid;                               \
	register uint64_t x1 __asm__("x1") = a1;                                \
	register uint64_t x2 __asm__("x2") = a2;                                \
	register uint64_t x3 __asm__("x3") = a3;                                \
	__asm__ volatile(insn " #0"                                             \
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)                \
			 :                                                      \
			 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",    \
			   "x12", "x13", "x14", "x15", "x16", "x17", "memory"); \
	return (struct smccc_res){ .a0 = x0, .a1 = x1, .a2 = x2, .a3 = x3 }

struct smccc_res smccc_hvc(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	SMCCC_CALL("hvc");
}

struct smccc_res smccc_smc(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	SMCCC_CALL("smc");
}
