/* SPDX-License-Identifier: MIT */
#ifndef ARCH_SYSREG_H
#define ARCH_SYSREG_H
#include <stdint.h>

/* Two steps, so that a register name defined below (ICH_HCR_EL2, ...)
 * expands to its generic encoding before it becomes the string. */
#define SYSREG_STR_(r)  #r
#define SYSREG_STR(r)   SYSREG_STR_(r)
#define read_sysreg(r) ({ uint64_t __rv; __asm__ volatile("mrs %0, " SYSREG_STR(r) : "=r"(__rv)); __rv; })
#define write_sysreg(r, v) do { uint64_t __wv = (uint64_t)(v); \
        __asm__ volatile("msr " SYSREG_STR(r) ", %0" : : "r"(__wv)); } while (0)
#define isb()       __asm__ volatile("isb" ::: "memory")
#define dsb(opt)    __asm__ volatile("dsb " #opt ::: "memory")
#define wfi()       __asm__ volatile("wfi" ::: "memory")
#define wfe()       __asm__ volatile("wfe" ::: "memory")
#define sev()       __asm__ volatile("sev" ::: "memory")

/* Registers the assembler may not name: generic encodings. */
#define ICH_HCR_EL2     S3_4_C12_C11_0
#define ICH_VTR_EL2     S3_4_C12_C11_1
#define ICH_MISR_EL2    S3_4_C12_C11_2
#define ICH_EISR_EL2    S3_4_C12_C11_3
#define ICH_ELRSR_EL2   S3_4_C12_C11_5
#define ICH_VMCR_EL2    S3_4_C12_C11_7
#define ICH_AP0R0_EL2   S3_4_C12_C8_0
#define ICH_AP1R0_EL2   S3_4_C12_C9_0
#define ICC_SRE_EL2     S3_4_C12_C9_5
#define ICC_SRE_EL3     S3_6_C12_C12_5
#define ICC_SRE_EL1     S3_0_C12_C12_5
#define ICC_IAR1_EL1    S3_0_C12_C12_0
#define ICC_EOIR1_EL1   S3_0_C12_C12_1
#define ICC_DIR_EL1     S3_0_C12_C11_1
#define ICC_PMR_EL1     S3_0_C4_C6_0
#define ICC_CTLR_EL1    S3_0_C12_C12_4
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_BPR1_EL1    S3_0_C12_C12_3
#define ICC_SGI1R_EL1   S3_0_C12_C11_5
#define VDISR_EL2       S3_4_C12_C1_1   /* FEAT_RAS: EL1's DISR_EL1 with HCR_EL2.AMO */

static inline uint64_t mmio_read64(uintptr_t a) { return *(volatile uint64_t *)a; }
static inline uint32_t mmio_read32(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_write64(uintptr_t a, uint64_t v) { *(volatile uint64_t *)a = v; }
static inline void mmio_write32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline uint16_t mmio_read16(uintptr_t a) { return *(volatile uint16_t *)a; }
static inline void mmio_write16(uintptr_t a, uint16_t v) { *(volatile uint16_t *)a = v; }
static inline void mmio_write8(uintptr_t a, uint8_t v) { *(volatile uint8_t *)a = v; }

/* One single-copy-atomic load of a 32-bit word that another CPU may store
 * to meanwhile, zero-extended by the load itself (a volatile C load costs
 * the compiler's extension after it; a plain one would be a data race). */
static inline uint64_t load_once32(const uint32_t *p)
{
    uint64_t v;
    __asm__ volatile("ldr %w0, %1" : "=r"(v) : "m"(*p));
    return v;
}

#endif
