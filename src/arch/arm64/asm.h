/* SPDX-License-Identifier: MIT */
/* Constants shared by the assembly files (values from arch/regs.h). */
#ifndef ARCH_ASM_H
#define ARCH_ASM_H
#define __ASSEMBLY__ 1
#define CURRENT_EL2     (2 << 2)
#define CURRENT_EL3     (3 << 2)
/* Entry at EL3 (a board that starts its CPUs there, the Raspberry Pi 4B;
 * used by boot.S only, Arm ARM D23.2): SCR_EL3 for a non-secure EL2 that
 * runs AArch64 and may use HVC; SMC stays enabled (tofu's EL3 vectors
 * answer it NOT_SUPPORTED).  SPSR_EL3: EL2h, interrupts masked. */
#define SCR_EL3_NS      (1 << 0)
#define SCR_EL3_RES1    (3 << 4)
#define SCR_EL3_HCE     (1 << 8)
#define SCR_EL3_RW      (1 << 10)
#define SCR_EL3_TO_EL2  (SCR_EL3_NS | SCR_EL3_RES1 | SCR_EL3_HCE | SCR_EL3_RW)
#define SPSR_EL2H_DAIF  0x3c9    /* D A I F masked, M = EL2h */
#define SMCCC_NOT_SUPPORTED_ASM (-1)
#define IMAGE_FLAGS     0x2      /* bit0 LE=0, bits 2:1 page size 4K = 1, bit 3 placement 0 */
#define HYP_STACK_SIZE  0x4000
#define SCTLR_EL2_OFF   0x30c50830                     /* RES1 only */
#define SCTLR_EL2_ON    (0x30c50830 | (1 << 0) | (1 << 2) | (1 << 3) | (1 << 12) | (1 << 19)) /* M C SA I WXN */
#define VCPU_REGS_X30    240     /* struct vcpu_regs (core/vcpu.h, which checks them) */
#define VCPU_REGS_PC     256
#define VCPU_REGS_SPSR   264
#define VCPU_REGS_HYP_SP 272
#if GIC_VERSION == 2
#define VCPU_EXITS       0x5f0   /* struct vcpu's exits[] (core/vcpu.h checks it): vgic_cpu.sgi_src */
#else
#define VCPU_EXITS       0x5e0   /* struct vcpu's exits[] (core/vcpu.h checks it) */
#endif
#define ESR_EC_SHIFT     26      /* arch/regs.h */
#define ESR_EC_WIDTH     6
#define TRAP_EXIT_LIGHT_BIT 0    /* core/trap.h: an exit table entry saving what an interrupt saves */
#define TRAP_EXIT_LIGHT  (1 << TRAP_EXIT_LIGHT_BIT)
#endif
