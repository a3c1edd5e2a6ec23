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

/* ---- PCI configuration space (PCI Local Bus 3.0, PCIe 5.0 ch. 7), via ECAM ---- */
#define PCI_ECAM_DEV_SHIFT    15               /* offset of device d on bus 0: d << 15 */
#define PCI_ID                0x00             /* vendor (low 16 bits), device (high) */
#define PCI_COMMAND           0x04
#define PCI_COMMAND_MEM       HW_BIT(1)
#define PCI_COMMAND_MASTER    HW_BIT(2)
#define PCI_COMMAND_MASK      HW_UL(0xffff)
#define PCI_STATUS            0x06             /* 16 bits */
#define PCI_STATUS_CAP_LIST   HW_BIT(4)
#define PCI_BAR0              0x10
#define PCI_BAR_MEM_MASK      0xfffffff0u      /* a memory BAR's address bits */
#define PCI_CAPABILITY_LIST   0x34             /* 8 bits: the first capability */
#define PCI_CAP_ID            0x00             /* in a capability: its ID (8 bits) */
#define PCI_CAP_NEXT          0x01             /* the next one (8 bits, 0: none) */
#define PCI_CAP_PTR_MASK      HW_UL(0xfc)
#define PCI_CAP_ID_MSI        0x05
#define PCI_MSI_FLAGS         0x02             /* 16 bits: Message Control */
#define PCI_MSI_FLAGS_ENABLE  HW_BIT(0)
#define PCI_MSI_FLAGS_64BIT   HW_BIT(7)
#define PCI_MSI_ADDRESS_LO    0x04
#define PCI_MSI_ADDRESS_HI    0x08             /* 64-bit capable only */
#define PCI_MSI_DATA_32       0x08             /* 16 bits, 32-bit address */
#define PCI_MSI_DATA_64       0x0c             /* 16 bits, 64-bit address */

/* ---- QEMU's edu device (QEMU docs/specs/edu.rst), BAR0 ---- */
#define PCI_ID_EDU            0x11e81234u      /* device 0x11e8, vendor 0x1234 */
#define EDU_ID                0x00
#define EDU_ID_VALUE          0x010000edu
#define EDU_IRQ_RAISE         0x60             /* write: raise these status bits (an MSI if enabled) */
#define EDU_IRQ_ACK           0x64
#define EDU_DMA_SRC           0x80
#define EDU_DMA_DST           0x88
#define EDU_DMA_COUNT         0x90
#define EDU_DMA_CMD           0x98
#define EDU_DMA_START         HW_BIT(0)        /* set by the driver, cleared when done */
#define EDU_DMA_TO_RAM        HW_BIT(1)        /* edu's buffer -> RAM; clear: RAM -> buffer */
#define EDU_BUFFER            0x40000ul        /* its 4 KiB buffer, in its own address space */
#define EDU_BUFFER_SIZE       4096

/* ---- GICv3 ITS (Arm IHI 0069, 12.19) ---- */
#define GITS_CTLR             0x0000
#define GITS_IIDR             0x0004
#define GITS_TYPER            0x0008           /* 64-bit */
#define GITS_CBASER           0x0080           /* 64-bit */
#define GITS_CWRITER          0x0088           /* 64-bit */
#define GITS_CREADR           0x0090           /* 64-bit */
#define GITS_BASER            0x0100           /* GITS_BASER<n>: + 8 n, 64-bit */
#define GITS_BASER_COUNT      8
#define GITS_PIDR2            0xffe8
#define GITS_TRANSLATER       0x10040          /* from the ITS's base */
#define GITS_CTLR_ENABLED     HW_BIT(0)
#define GITS_CTLR_QUIESCENT   HW_BIT(31)
#define GITS_TYPER_PHYSICAL   HW_BIT(0)
#define GITS_TYPER_ITT_ESZ_SHIFT 4             /* [7:4] bytes per ITT entry - 1 */
#define GITS_TYPER_IDBITS_SHIFT 8              /* [12:8] EventID bits - 1 */
#define GITS_TYPER_DEVBITS_SHIFT 13            /* [17:13] DeviceID bits - 1 */
#define GITS_TYPER_PTA        HW_BIT(19)
#define GITS_TYPER_HCC_SHIFT  24               /* [31:24] collections held in the ITS */
#define GITS_TYPER_FIELD_MASK HW_UL(0x1f)
#define GITS_TYPER_BYTE_MASK  HW_UL(0xff)
#define GITS_CBASER_VALID     HW_BIT(63)
#define GITS_CBASER_PAGES_MASK HW_UL(0xff)     /* Size: 4 KiB pages - 1 */
#define GITS_CREADR_STALLED   HW_BIT(0)
#define GITS_CWRITER_RETRY    HW_BIT(0)
#define GITS_BASER_VALID      HW_BIT(63)
#define GITS_BASER_TYPE_SHIFT 56               /* [58:56]: 0 none, 1 devices, 4 collections */
#define GITS_BASER_TYPE_MASK  HW_UL(0x7)
#define GITS_BASER_PAGES_MASK HW_UL(0xff)      /* Size: pages - 1 (Page_Size [9:8] 0: 4 KiB) */
#define GITS_PIDR2_ARCH_SHIFT 4
#define GITS_PIDR2_ARCH_MASK  HW_UL(0xf)
#define GITS_CMD_BYTES        32
#define GITS_CMD_MOVI         0x01
#define GITS_CMD_INT          0x03
#define GITS_CMD_CLEAR        0x04
#define GITS_CMD_SYNC         0x05
#define GITS_CMD_MAPD         0x08
#define GITS_CMD_MAPC         0x09
#define GITS_CMD_MAPTI        0x0a
#define GITS_CMD_INV          0x0c
#define GITS_CMD_INVALL       0x0d
#define GITS_CMD_MOVALL       0x0e
#define GITS_CMD_DISCARD      0x0f
#define GITS_CMD_DEVID_SHIFT  32               /* DW0 [63:32] */
#define GITS_CMD_PINTID_SHIFT 32               /* DW1 [63:32] (MAPTI) */
#define GITS_CMD_RDBASE_SHIFT 16               /* DW2 [51:16]: a processor number (PTA 0) */
#define GITS_CMD_VALID        HW_BIT(63)       /* DW2 (MAPD, MAPC) */
#define ITS_ITT_ALIGN         256              /* MAPD's ITT_addr: [51:8] */
#define LPI_BASE              8192             /* the first LPI INTID */
#define LPI_CFG_ENABLE        HW_BIT(0)        /* configuration table byte: priority [7:2], enable [0] */
#define GICD_TYPER_LPIS       HW_BIT(17)
#define GICD_TYPER_IDBITS_SHIFT 19             /* [23:19] INTID bits - 1 */
#define GICR_CTLR_ENABLE_LPIS HW_BIT(0)
#define GICR_TYPER_PLPIS      HW_BIT(0)
#define GICR_TYPER_PROCNUM_SHIFT 8             /* [23:8] */
#define GICR_PROPBASER        0x0070           /* 64-bit: PA [51:12], IDbits [4:0] */
#define GICR_PENDBASER        0x0078           /* 64-bit: PA [51:16] */

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
#define GICD_ICACTIVER        0x0380
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

/* ---- GICv2 distributor (IHI 0048B, 4.3): the v3 offsets above (word 0 banked
 * per CPU: SGIs and PPIs), and these ---- */
#define GICD_ITARGETSR        0x0800           /* 1 byte per INTID: CPU interface mask */
#define GICD_SGIR             0x0f00           /* write-only */
#define GICD_ITARGETSR_MASK   HW_UL(0xff)      /* one byte: CPU interfaces 0..7 */
#define GICD_ITARGETSR_PRIVATE_WORDS 8         /* words 0-7 (INTIDs 0-31): read-only, own mask */
#define GICD_V2_CTLR_ENABLE_GRP0 HW_BIT(0)     /* no Security Extensions; the NS view's Enable */
#define GICD_V2_CTLR_ENABLE_GRP1 HW_BIT(1)     /* no Security Extensions */
#define GICD_SGIR_INTID_MASK  HW_UL(0xf)
#define GICD_SGIR_TARGETS_SHIFT 16             /* CPUTargetList [23:16] */
#define GICD_SGIR_TARGETS_MASK HW_UL(0xff)
#define GICD_SGIR_FILTER_SHIFT 24              /* TargetListFilter [25:24] */
#define GICD_SGIR_FILTER_LIST  HW_UL(0)        /* the CPUs in CPUTargetList */
#define GICD_SGIR_FILTER_OTHERS HW_UL(1)       /* every CPU but the sender */
#define GICD_SGIR_FILTER_SELF  HW_UL(2)        /* the sender only */

/* ---- GICv2 CPU interface, memory-mapped (IHI 0048B, 4.4) ---- */
#define GICC_CTLR             0x0000
#define GICC_PMR              0x0004
#define GICC_IAR              0x000c
#define GICC_EOIR             0x0010
#define GICC_HPPIR            0x0018
#define GICC_DIR              0x1000           /* second 4 KiB page */
#define GICC_SIZE             0x2000
#define GICC_CTLR_ENABLE_GRP0 HW_BIT(0)        /* no Security Extensions; the NS view's EnableGrp1 */
#define GICC_CTLR_ENABLE_GRP1 HW_BIT(1)        /* no Security Extensions */
#define GICC_CTLR_EOIMODE     HW_BIT(9)        /* EOImode / EOImodeNS: EOIR drops priority only */
#define GICC_PMR_LOWEST       0xff             /* implementations keep the top 4..8 bits */
#define GICC_IAR_INTID_MASK   HW_UL(0x3ff)     /* [9:0]; [12:10] CPUID of an SGI's sender */
#define GIC_INTID_SPURIOUS    1023

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
#define GICR_ICACTIVER0       0x0380
#define GICR_IPRIORITYR       0x0400           /* one byte per INTID */

/* ---- GICv3 CPU interface system registers ---- */
#define ICC_SRE_SRE           HW_BIT(0)
#define ICC_IGRPEN1_ENABLE    HW_BIT(0)
#define ICC_PMR_LOWEST        0xff             /* let every priority through */
#define ICC_IAR_INTID_MASK    HW_UL(0xffffff)
#define ICC_CTLR_EOIMODE      HW_BIT(1)        /* EOIR drops the priority only; deactivation apart */
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

/* ---- ID registers (Arm ARM D19): 4-bit feature fields ---- */
#define ID_FIELD_MASK         HW_UL(0xf)
#define ID_PFR0_RAS_SHIFT     28               /* ID_AA64PFR0_EL1.RAS */
#define DISR_A                HW_BIT(31)       /* DISR_EL1: an SError was deferred */
#define ID_PFR1_MTE_SHIFT     8                /* ID_AA64PFR1_EL1.MTE */
#define ID_PFR1_MTE_MTE2      2                /* allocation tags in memory */
#define ID_DFR0_PMUVER_SHIFT  8                /* ID_AA64DFR0_EL1.PMUVer */
#define ID_DFR0_PMUVER_IMPDEF 0xf
#define ID_DFR0_BRPS_SHIFT    12               /* breakpoints - 1 */
#define ID_DFR0_WRPS_SHIFT    20               /* watchpoints - 1 */

/* ---- PMUv3 (Arm ARM D23) ---- */
#define PMCR_E                HW_BIT(0)
#define PMCR_P                HW_BIT(1)        /* reset the event counters */
#define PMCR_C                HW_BIT(2)        /* reset the cycle counter */
#define PMCR_LC               HW_BIT(6)        /* cycle counter overflows at 64 bits */
#define PMCR_N_SHIFT          11
#define PMCR_N_MASK           HW_UL(0x1f)
#define PMCR_CONTROLS         HW_UL(0xbf)      /* E P C D X DP LP: all 0 at reset (LC excluded) */
#define PMU_CYCLE_BIT         HW_BIT(31)       /* PMCCNTR in PMCNTEN/PMINTEN/PMOVS */
#define PMU_ALL               HW_UL(0xffffffff)
#define PMU_EVT_SW_INCR       0x00             /* counts PMSWINC_EL0 writes */
#define PMU_EVT_INST_RETIRED  0x08           /* PMCEID0_EL0 bit 8 when implemented */
#define PMU_EVT_CPU_CYCLES    0x11
#define PMU_FILTER_NSH        HW_BIT(27)       /* PMEVTYPER/PMCCFILTR: count at EL2 too */
#define ID_DFR0_PMUVER_V3P1   4                /* MDCR_EL2.HPMD */
#define ID_DFR0_PMUVER_V3P5   6                /* MDCR_EL2.HCCD */

/* ---- Self-hosted debug (Arm ARM D2) ---- */
#define MDSCR_KDE             HW_BIT(13)       /* debug exceptions at EL1 */
#define MDSCR_MDE             HW_BIT(15)       /* breakpoints and watchpoints */
#define OSLSR_OSLK            HW_BIT(1)        /* OS lock locked */
#define DBGBCR_E              HW_BIT(0)
#define DBGBCR_PMC_EL1        (HW_UL(1) << 1)  /* match at EL1 only */
#define DBGBCR_BAS_A64        (HW_UL(0xf) << 5)
#define DBGWCR_PAC_EL1_EL0    (HW_UL(3) << 1)
#define DBGWCR_LSC_RW         (HW_UL(3) << 3)
#define DBGWCR_BAS_8          (HW_UL(0xff) << 5)
#define ESR_EC_BREAKPOINT_CUR 0x31
#define DAIFSET_DEBUG         8

/* ---- MTE and a minimal stage 1 (Arm ARM D10, D8) ---- */
#define MAIR_DEVICE_nGnRnE    HW_UL(0x00)
#define MAIR_NORMAL_TAGGED    HW_UL(0xf0)
#define PTE_BLOCK             HW_UL(0x1)       /* valid, block (levels 1-2) */
#define PTE_ATTRIDX_SHIFT     2
#define PTE_SH_INNER          (HW_UL(3) << 8)
#define PTE_AF                HW_BIT(10)
#define PTE_XN                (HW_BIT(53) | HW_BIT(54))
#define PT_L1_BLOCK_SIZE      HW_UL(0x40000000)   /* 1 GiB */
#define TCR_T0SZ_32BIT        HW_UL(32)        /* 4 GiB of VA: a walk from level 1 */
#define TCR_IRGN0_WBWA        (HW_UL(1) << 8)
#define TCR_ORGN0_WBWA        (HW_UL(1) << 10)
#define TCR_SH0_INNER         (HW_UL(3) << 12)
#define TCR_EPD1              HW_BIT(23)
#define TCR_TBI0              HW_BIT(37)       /* the tag rides in the top byte */
#define SCTLR_M               HW_BIT(0)
#define SCTLR_C               HW_BIT(2)
#define SCTLR_I               HW_BIT(12)
#define SCTLR_TCF_SYNC        (HW_UL(1) << 40) /* tag check faults at EL1: synchronous */
#define SCTLR_ATA             HW_BIT(43)       /* allocation tag access at EL1 */
#define GCR_EXCLUDE_TAG0      HW_UL(0x1)       /* IRG never picks tag 0 */
#define RGSR_SEED_SHIFT       8
#define MTE_TAG_SHIFT         56
#define MTE_TAG_MASK          HW_UL(0xf)
#define MTE_GRANULE           16
#define ESR_DFSC_TAG_CHECK    0x11             /* synchronous tag check fault */
#define VA_NO_TAG_MASK        ((HW_UL(1) << 56) - 1)

/* ---- QEMU virt defaults, used when the device tree does not say ---- */
#define VIRT_UART_BASE        HW_UL(0x09000000)
#define VIRT_UART_INTID       33               /* SPI 1 */
#define VIRT_GICD_BASE        HW_UL(0x08000000)
#define VIRT_GICC_BASE        HW_UL(0x08010000)   /* gic-version=2 */
#define VIRT_GICR_BASE        HW_UL(0x080a0000)
#define VIRT_GICR_SIZE        HW_UL(0x00f60000)
#define VIRT_RAM_BASE         HW_UL(0x40000000)
#define VIRT_VTIMER_INTID     27               /* PPI 11 */
#define VIRT_PTIMER_INTID     30               /* PPI 14 */
#define VIRT_PMU_INTID        23               /* PPI 7 */

#endif /* RT_HW_H */
