/* SPDX-License-Identifier: MIT */
/*
 * The atomic read-modify-writes of the exit paths (a lock's ticket, the
 * vGIC's pending bits, a vCPU's work word), each one instruction on a CPU
 * with FEAT_LSE (ARMv8.1) and a load/store-exclusive loop on one without
 * (ARMv8.0: Cortex-A53, A57, A72, the tests' cortex-a57).  Chosen at boot:
 * each site is a branch to its loop, kept out of line in .text.llsc, which
 * branches back; arch_atomics_patch (atomics.c), with the MMU still off and
 * before any other CPU runs, writes the site's LSE instruction over the
 * branch when ID_AA64ISAR0_EL1.Atomic says so (every CPU is taken to have
 * the same ISA).  The LSE form then costs one instruction, the loop two
 * branches more than before.  Each site's entry in .alt_lse: the site's
 * offset from the entry, then the LSE instruction as the assembler encoded
 * it for the site's own registers.  Ordering is the same in both forms.
 * tests/unit/fake/arch/atomic.h stands in with the compiler's builtins.
 */
#ifndef ARCH_ATOMIC_H
#define ARCH_ATOMIC_H
#include "core/types.h"

/* One entry of .alt_lse (arch_atomics_patch). */
struct arch_alt_lse {
    int32_t site;               /* from this field to the site's branch */
    uint32_t insn;              /* the LSE instruction to write there */
};

/* The LSE form of every site, on a CPU that has FEAT_LSE.  Called once,
 * by CPU 0 at boot with the MMU off (boot.S), before anything else runs. */
void arch_atomics_patch(void);

#define ARCH_LSE_ALT(llsc, lse)                         \
    "661:   b       662f\n"                             \
    "663:\n"                                            \
    "       .pushsection .text.llsc, \"ax\"\n"          \
    "662:   " llsc "\n"                                 \
    "       b       663b\n"                             \
    "       .popsection\n"                              \
    "       .pushsection .alt_lse, \"a\"\n"             \
    "       .balign 4\n"                                \
    "       .word   661b - .\n"                         \
    "       .arch_extension lse\n"                      \
    "       " lse "\n"                                  \
    "       .arch_extension nolse\n"                    \
    "       .popsection\n"

/* *p + 1 into *p, relaxed; the old value (spin_lock's ticket). */
static inline __attribute__((always_inline)) uint16_t arch_fetch_inc16_relaxed(uint16_t *p)
{
    uint32_t old, tmp, st;
    __asm__ volatile(ARCH_LSE_ALT("1: ldxrh %w[old], %[mem]\n"
                                  "   add %w[tmp], %w[old], %w[one]\n"
                                  "   stxrh %w[st], %w[tmp], %[mem]\n"
                                  "   cbnz %w[st], 1b",
                                  "ldaddh %w[one], %w[old], %[mem]")
                     : [old] "=&r"(old), [tmp] "=&r"(tmp), [st] "=&r"(st), [mem] "+Q"(*p)
                     : [one] "r"(1u)
                     : "memory");
    return (uint16_t)old;
}

/* name(p, bits): *p = *p `op` bits, `type` wide (`r`: the register
 * width's operand modifier), loaded by `ldx` (acquire or not), stored with
 * release semantics; `lse` the one instruction doing the same. */
#define ARCH_ATOMIC_BITS(name, type, r, ldx, op, lse)                                    \
    static inline __attribute__((always_inline)) void name(type *p, type bits)           \
    {                                                                                    \
        type tmp;                                                                        \
        uint32_t st;                                                                     \
        __asm__ volatile(ARCH_LSE_ALT("1: " ldx " %" r "[tmp], %[mem]\n"                 \
                                      "   " op " %" r "[tmp], %" r "[tmp], %" r "[bits]\n" \
                                      "   stlxr %w[st], %" r "[tmp], %[mem]\n"           \
                                      "   cbnz %w[st], 1b",                              \
                                      lse)                                               \
                         : [tmp] "=&r"(tmp), [st] "=&r"(st), [mem] "+Q"(*p)              \
                         : [bits] "r"(bits)                                              \
                         : "memory");                                                    \
    }

/* *p |= bits, with release semantics (the ST<op>L form: no result). */
ARCH_ATOMIC_BITS(arch_or32_release, uint32_t, "w", "ldxr", "orr", "stsetl %w[bits], %[mem]")
ARCH_ATOMIC_BITS(arch_or64_release, uint64_t, "x", "ldxr", "orr", "stsetl %x[bits], %[mem]")
/* *p &= ~bits, with acquire and release semantics.  The LSE form loads the
 * old value into a register, not the zero register: LDCLRAL with WZR/XZR
 * would be STCLRL, which has no acquire semantics. */
ARCH_ATOMIC_BITS(arch_clear32_acq_rel, uint32_t, "w", "ldaxr", "bic", "ldclral %w[bits], %w[tmp], %[mem]")
ARCH_ATOMIC_BITS(arch_clear64_acq_rel, uint64_t, "x", "ldaxr", "bic", "ldclral %x[bits], %x[tmp], %[mem]")
#undef ARCH_ATOMIC_BITS

#endif
