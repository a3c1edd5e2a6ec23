/* SPDX-License-Identifier: MIT */
/* CPU primitives: system registers, barriers, MMIO, interrupt masking. */
#ifndef RT_ARCH_H
#define RT_ARCH_H

#include <stdint.h>

#define ARCH_SYSREG_RO(name)                                              \
	static inline uint64_t sysreg_read_##name(void)                   \
	{                                                                 \
		uint64_t v;                                               \
		__asm__ volatile("mrs %0, " #name : "=r"(v));             \
		return v;                                                 \
	}
#define ARCH_SYSREG_WO(name)                                              \
	static inline void sysreg_write_##name(uint64_t v)                \
	{                                                                 \
		__asm__ volatile("msr " #name ", %0" : : "r"(v) : "memory"); \
	}
#define ARCH_SYSREG_RW(name) ARCH_SYSREG_RO(name) ARCH_SYSREG_WO(name)

ARCH_SYSREG_RO(currentel)
ARCH_SYSREG_RO(mpidr_el1)
ARCH_SYSREG_RO(esr_el1)
ARCH_SYSREG_RO(far_el1)
ARCH_SYSREG_RO(elr_el1)
ARCH_SYSREG_RO(daif)
ARCH_SYSREG_RO(cntfrq_el0)
ARCH_SYSREG_RW(cntv_ctl_el0)
ARCH_SYSREG_RW(cntv_cval_el0)
ARCH_SYSREG_RW(cntv_tval_el0)
ARCH_SYSREG_RW(cntp_ctl_el0)
ARCH_SYSREG_RW(cntp_cval_el0)
ARCH_SYSREG_RW(cntp_tval_el0)
ARCH_SYSREG_RW(icc_sre_el1)
ARCH_SYSREG_RW(icc_pmr_el1)
ARCH_SYSREG_RW(icc_igrpen1_el1)
ARCH_SYSREG_RW(icc_ctlr_el1)
ARCH_SYSREG_RO(icc_iar1_el1)
ARCH_SYSREG_WO(icc_eoir1_el1)
ARCH_SYSREG_WO(icc_dir_el1)
ARCH_SYSREG_WO(icc_sgi1r_el1)

static inline void arch_isb(void) { __asm__ volatile("isb" : : : "memory"); }
static inline void arch_dsb_sy(void) { __asm__ volatile("dsb sy" : : : "memory"); }
static inline void arch_wfi(void) { __asm__ volatile("wfi" : : : "memory"); }

/* The counter read is ordered after earlier instructions, not speculated ahead. */
static inline uint64_t arch_counter_read(void)
{
	uint64_t v;

	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v) : : "memory");
	return v;
}

/* The physical count, which the EL1 physical timer compares against. */
static inline uint64_t arch_phys_counter_read(void)
{
	uint64_t v;

	__asm__ volatile("isb\n\tmrs %0, cntpct_el0" : "=r"(v) : : "memory");
	return v;
}

static inline void arch_irq_mask(void) { __asm__ volatile("msr daifset, #2" : : : "memory"); }
static inline void arch_irq_unmask(void) { __asm__ volatile("msr daifclr, #2" : : : "memory"); }

/* Single-instruction accessors: with the MMU off everything is Device memory. */
static inline uint8_t mmio_read8(uintptr_t addr)
{
	uint8_t v;

	__asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline uint16_t mmio_read16(uintptr_t addr)
{
	uint16_t v;

	__asm__ volatile("ldrh %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write16(uintptr_t addr, uint16_t v)
{
	__asm__ volatile("strh %w0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

static inline uint32_t mmio_read32(uintptr_t addr)
{
	uint32_t v;

	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

static inline uint64_t mmio_read64(uintptr_t addr)
{
	uint64_t v;

	__asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write64(uintptr_t addr, uint64_t v)
{
	__asm__ volatile("str %x0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

#endif /* RT_ARCH_H */
