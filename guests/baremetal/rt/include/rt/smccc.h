/* SPDX-License-Identifier: MIT */
/* SMC Calling Convention 1.1 helpers (conduit: HVC #0, or SMC #0). */
#ifndef RT_SMCCC_H
#define RT_SMCCC_H

#include <stdint.h>

struct smccc_res {
	uint64_t a0;
	uint64_t a1;
	uint64_t a2;
	uint64_t a3;
};

struct smccc_res smccc_hvc(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
struct smccc_res smccc_smc(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

/* smccc.S: bit n of the result set if register xn (4..30) was not preserved. */
uint64_t smccc_hvc_preserve_check(uint32_t fid);
uint64_t smccc_smc_preserve_check(uint32_t fid);

/* SMC32/HVC32 calls return their results in w0..w3 (SMCCC 1.1, 2.6). */
static inline int32_t smccc_w(uint64_t x)
{
	return (int32_t)(uint32_t)x;
}

#endif /* RT_SMCCC_H */
