/* SPDX-License-Identifier: MIT */
/*
 * Register layouts used by the bare-metal runtime: every offset and field it
 * touches is named here and nowhere else.  Safe to include from assembly.
 */
#ifndef RT_HW_H
#define RT_HW_H

#ifdef __ASSEMBLER__
#define HW_UL(x) (x)
#else
#define HW_UL(x) (x##UL)
#endif
#define HW_BIT(n) (HW_UL(1) << (n))

/* ---- arm64 Linux Image header (Documentation/arch/arm64/booting.rst) ---- */
#define IMAGE_MAGIC           0x644d5241       /* "ARM\x64", little-endian */
#define IMAGE_FLAG_LE         (0 << 0)
#define IMAGE_FLAG_PAGE_4K    (1 << 1)         /* bits [2:1] = 1 */
#define IMAGE_FLAG_ANYWHERE   (1 << 3)         /* any 2 MiB-aligned base */
#define IMAGE_FLAGS           (IMAGE_FLAG_LE | IMAGE_FLAG_PAGE_4K | IMAGE_FLAG_ANYWHERE)

/* ELF relocation type applied by the self-relocation loop in start.S. */
#define R_AARCH64_RELATIVE    1027

/* ---- PSTATE / DAIF ---- */
#define DAIF_IRQ_BIT          HW_BIT(7)        /* DAIF.I */
#define DAIFSET_IRQ           2                /* immediate for msr daifset/daifclr */
#define DAIFSET_ALL           0xf
#define CURRENT_EL_SHIFT      2
#define CURRENT_EL_MASK       HW_UL(0x3)

/* ---- ESR_EL1 (Arm ARM D17.2.37) ---- */
#define ESR_EC_SHIFT          26
#define ESR_EC_MASK           HW_UL(0x3f)
#define ESR_IL_BIT            HW_BIT(25)
#define ESR_ISS_MASK          HW_UL(0x1ffffff)
#define ESR_EC_UNKNOWN        0x00             /* includes UNDEFINED instructions */
#define ESR_EC_HVC64          0x16
#define ESR_EC_SMC64          0x17
#define ESR_EC_IABT_CUR       0x21
#define ESR_EC_DABT_LOW       0x24
#define ESR_EC_DABT_CUR       0x25             /* data abort taken without a change of EL */
#define ESR_DABT_WNR_BIT      HW_BIT(6)
#define ESR_DABT_DFSC_MASK    HW_UL(0x3f)
#define A64_INSN_SIZE         4

/* ---- MPIDR_EL1 ---- */
#define MPIDR_AFF0_SHIFT      0
#define MPIDR_AFF1_SHIFT      8
#define MPIDR_AFF2_SHIFT      16
#define MPIDR_AFF3_SHIFT      32
#define MPIDR_AFF_MASK        HW_UL(0xff)

/* ---- Generic timer: CNTV_CTL_EL0 ---- */
#define CNTV_CTL_ENABLE       HW_BIT(0)
#define CNTV_CTL_IMASK        HW_BIT(1)
#define CNTV_CTL_ISTATUS      HW_BIT(2)
/* CNTP_CTL_EL0 has the same layout. */
#define CNTP_CTL_ENABLE       CNTV_CTL_ENABLE
#define CNTP_CTL_IMASK        CNTV_CTL_IMASK
#define CNTP_CTL_ISTATUS      CNTV_CTL_ISTATUS

/* ---- PL011 UART (ARM DDI 0183) ---- */
#define PL011_DR              0x000
#define PL011_FR              0x018
#define PL011_CR              0x030
#define PL011_IMSC            0x038
#define PL011_RIS             0x03c
#define PL011_MIS             0x040
#define PL011_ICR             0x044
#define PL011_INT_TX          HW_BIT(5)
#define PL011_FR_BUSY         HW_BIT(3)
#define PL011_FR_TXFF         HW_BIT(5)
#define PL011_CR_UARTEN       HW_BIT(0)
#define PL011_CR_TXE          HW_BIT(8)
#define PL011_CR_RXE          HW_BIT(9)

/* ---- PL031 RTC (ARM DDI 0224) ---- */
#define PL031_DR              0x000            /* data: seconds */
#define PL031_MR              0x004            /* match */
#define PL031_IMSC            0x010
#define PL031_RIS             0x014
#define PL031_MIS             0x018
#define PL031_ICR             0x01c
#define PL031_INT_ALARM       HW_BIT(0)

/* ---- GICv3 distributor (IHI 0069, 12.9) ---- */
#define GICD_CTLR             0x0000
#define GICD_TYPER            0x0004
#define GICD_IGROUPR          0x0080           /* 1 bit per INTID, 32 per word */
#define GICD_ISENABLER        0x0100
#define GICD_ICENABLER        0x0180
#define GICD_ISPENDR          0x0200
#define GICD_ICPENDR          0x0280
#define GICD_ISACTIVER        0x0300
#define GICD_IPRIORITYR       0x0400           /* 1 byte per INTID */
#define GICD_IROUTER          0x6000           /* 64-bit per INTID, SPIs only */
#define GICD_IRQS_PER_WORD    32               /* INTIDs per 1-bit-per-INTID register */
#define GICD_IROUTER_STRIDE   8
#define GICD_TYPER_ITLINES_MASK HW_UL(0x1f)    /* ITLinesNumber: max INTID 32 * (N + 1) - 1 */
#define GICD_IROUTER_IRM      HW_BIT(31)       /* 1 of N: any participating PE */
#define GICD_IROUTER_AFF0_SHIFT 0
#define GICD_IROUTER_AFF1_SHIFT 8
#define GICD_IROUTER_AFF2_SHIFT 16
#define GICD_IROUTER_AFF3_SHIFT 32
#define GICD_CTLR_ENABLE_GRP0 HW_BIT(0)        /* single security state view */
#define GICD_CTLR_ENABLE_GRP1 HW_BIT(1)        /* EnableGrp1 (DS=1) / EnableGrp1A (NS view) */
#define GICD_CTLR_ARE         HW_BIT(4)        /* ARE (DS=1) / ARE_NS (NS view) */
#define GICD_CTLR_DS          HW_BIT(6)
#define GICD_CTLR_RWP         HW_BIT(31)

/* ---- GICv3 redistributor, RD_base frame (IHI 0069, 12.10) ---- */
#define GICR_CTLR             0x0000
#define GICR_TYPER            0x0008           /* 64-bit */
#define GICR_WAKER            0x0014
#define GICR_CTLR_RWP         HW_BIT(3)
#define GICR_TYPER_VLPIS      HW_BIT(1)
#define GICR_TYPER_LAST       HW_BIT(4)
#define GICR_TYPER_AFF_SHIFT  32
#define GICR_WAKER_PROCESSOR_SLEEP HW_BIT(1)
#define GICR_WAKER_CHILDREN_ASLEEP HW_BIT(2)
#define GICR_FRAME_SIZE       0x10000          /* one 64 KiB frame */
#define GICR_STRIDE_V3        (2 * GICR_FRAME_SIZE)   /* RD + SGI */
#define GICR_STRIDE_V4        (4 * GICR_FRAME_SIZE)   /* + VLPI + reserved */

/* ---- GICv3 redistributor, SGI_base frame (RD_base + 64 KiB) ---- */
#define GICR_SGI_BASE         GICR_FRAME_SIZE
#define GICR_IGROUPR0         0x0080
#define GICR_ISENABLER0       0x0100
#define GICR_ICENABLER0       0x0180
#define GICR_ISPENDR0         0x0200
#define GICR_ICPENDR0         0x0280
#define GICR_ISACTIVER0       0x0300
#define GICR_IPRIORITYR       0x0400           /* one byte per INTID */

/* ---- GICv3 CPU interface system registers ---- */
#define ICC_SRE_SRE           HW_BIT(0)
#define ICC_IGRPEN1_ENABLE    HW_BIT(0)
#define ICC_PMR_LOWEST        0xff             /* let every priority through */
#define ICC_IAR_INTID_MASK    HW_UL(0xffffff)
#define ICC_SGI1R_TARGETS_MASK HW_UL(0xffff)
#define ICC_SGI1R_AFF1_SHIFT  16
#define ICC_SGI1R_INTID_SHIFT 24
#define ICC_SGI1R_INTID_MASK  HW_UL(0xf)
#define ICC_SGI1R_AFF2_SHIFT  32
#define ICC_SGI1R_IRM         HW_BIT(40)       /* 1: every PE except the sender */
#define ICC_SGI1R_RS_SHIFT    44               /* target list covers Aff0 = RS*16 .. RS*16+15 */
#define ICC_SGI1R_TARGETS_PER_RS 16
#define ICC_SGI1R_AFF3_SHIFT  48

/* ---- GIC interrupt IDs ---- */
#define GIC_SGI_COUNT         16
#define GIC_PRIVATE_IRQS      32               /* SGIs + PPIs, banked per CPU */
#define GIC_PPI_BASE          16
#define GIC_SPI_BASE          32
#define GIC_INTID_SPECIAL     1020             /* 1020..1023: no interrupt / spurious */

/* ---- Flattened device tree (devicetree specification v0.4, ch. 5) ---- */
#define FDT_MAGIC             0xd00dfeed
#define FDT_BEGIN_NODE        0x1
#define FDT_END_NODE          0x2
#define FDT_PROP              0x3
#define FDT_NOP               0x4
#define FDT_END               0x9
#define FDT_IRQ_TYPE_SPI      0                /* first cell of a GIC "interrupts" entry */
#define FDT_IRQ_TYPE_PPI      1

/* ---- QEMU virt defaults, used when the device tree does not say ---- */
#define VIRT_UART_BASE        HW_UL(0x09000000)
#define VIRT_UART_INTID       33               /* SPI 1 */
#define VIRT_GICD_BASE        HW_UL(0x08000000)
#define VIRT_GICR_BASE        HW_UL(0x080a0000)
#define VIRT_GICR_SIZE        HW_UL(0x00f60000)
#define VIRT_RAM_BASE         HW_UL(0x40000000)
#define VIRT_VTIMER_INTID     27               /* PPI 11 */
#define VIRT_PTIMER_INTID     30               /* PPI 14 */

#endif /* RT_HW_H */
