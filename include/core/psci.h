/* SPDX-License-Identifier: MIT */
#ifndef CORE_PSCI_H
#define CORE_PSCI_H
#include "core/trap.h"

struct vcpu;
/* A PSCI call (SMCCC owner STANDARD) from `v`: results in v->regs.x[0]. */
enum trap_result psci_call(struct vcpu *v, uint32_t fid);

#endif
