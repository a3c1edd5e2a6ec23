/* SPDX-License-Identifier: MIT */
/*
 * Host stand-in for include/arch/sysreg.h.  unit.mk puts tests/unit/fake
 * before include/ on the include path, so hypervisor sources that include
 * "arch/sysreg.h" get this file.  It takes the register names and the MMIO
 * helpers from the real header and replaces only what is AArch64 assembly:
 * system-register accesses go to the fake register file (fake/sysreg.c),
 * barriers and WFx become compiler barriers, load_once32 an atomic load
 * (the real one, renamed, is never used: its LDR is not assembled).
 */
#ifndef FAKE_ARCH_SYSREG_H
#define FAKE_ARCH_SYSREG_H

#define load_once32 arch_load_once32
#include_next "arch/sysreg.h"
#undef load_once32

#undef read_sysreg
#undef write_sysreg
#undef isb
#undef dsb
#undef wfi
#undef wfe
#undef sev

/* `name` is the macro argument as written, e.g. "tpidr_el2" or
 * "S3_0_C0_C4_0": the real macro stringifies it the same way. */
uint64_t fake_read_sysreg(const char *name);
void fake_write_sysreg(const char *name, uint64_t v);

#define read_sysreg(r)      fake_read_sysreg(#r)
#define write_sysreg(r, v)  fake_write_sysreg(#r, (uint64_t)(v))
#define isb()               __asm__ volatile("" ::: "memory")
#define dsb(opt)            __asm__ volatile("" ::: "memory")
#define wfi()               __asm__ volatile("" ::: "memory")
#define wfe()               __asm__ volatile("" ::: "memory")
#define sev()               __asm__ volatile("" ::: "memory")

static inline uint64_t load_once32(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

#endif
