/* SPDX-License-Identifier: MIT */
#ifndef ARCH_SYSREG_TRAP_H
#define ARCH_SYSREG_TRAP_H
#include "core/trap.h"

struct vcpu;
struct sysreg_desc {
    uint32_t enc;                 /* SYSREG_ISS(op0, op1, CRn, CRm, op2) */
    const char *name;
    /* *val: the value written, or the value to return on a read. */
    enum trap_result (*access)(struct vcpu *v, const struct sysreg_desc *d, bool read, uint64_t *val);
};

extern const struct sysreg_desc sysreg_table[];
extern const unsigned sysreg_table_len;
const struct sysreg_desc *sysreg_find(uint32_t enc);

#endif
