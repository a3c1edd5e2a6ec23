/* SPDX-License-Identifier: MIT */
/*
 * Every hardware register layout tofu uses, in one place: AArch64 system
 * registers (Arm ARM DDI 0487), GICv3 (IHI 0069), PL011 (DDI 0183), the Cadence
 * UART (UG1085), SP805
 * (DDI 0270), and the
 * VMSAv8-64 translation-table descriptors.  Handlers use these names, never
 * raw masks.  Values only: no code, so host unit tests can include it.
 */
#ifndef ARCH_REGS_H
#define ARCH_REGS_H

#include <stdint.h>

#define BIT(n)            ((uint64_t)1 << (n))
#define FIELD_MASK(w, s)  ((((uint64_t)1 << (w)) - 1) << (s))
#define FIELD_GET(v, w, s) (((uint64_t)(v) >> (s)) & (((uint64_t)1 << (w)) - 1))

/* ---- ESR_ELx (D17.2.37) -------------------------------------------------- */
#define ESR_EC_SHIFT        26
#define ESR_EC_WIDTH        6
#define ESR_IL              BIT(25)
#define ESR_IL_SHIFT        25
/* The trapped instruction's size: 4 bytes with IL, else 2 (T32). */
#define ESR_INSN_BYTES(esr) (2 * (1 + FIELD_GET(esr, 1, ESR_IL_SHIFT)))  /* IL: 4, else 2 */
#define ESR_ISS_MASK        FIELD_MASK(25, 0)
#define ESR_EC(esr)         ((unsigned)FIELD_GET(esr, ESR_EC_WIDTH, ESR_EC_SHIFT))

#define EC_UNKNOWN          0x00
#define EC_WFX              0x01
#define EC_FP_ASIMD         0x07
#define EC_PAUTH            0x09    /* a PAuth instruction, HCR_EL2.API 0 */
#define EC_ILLEGAL_STATE    0x0e
#define EC_SVC64            0x15
#define EC_HVC64            0x16
#define EC_SMC64            0x17
#define EC_SYSREG           0x18
#define EC_SVE              0x19
#define EC_IABT_LOW         0x20
#define EC_IABT_CUR         0x21
#define EC_PC_ALIGN         0x22
#define EC_DABT_LOW         0x24
#define EC_DABT_CUR         0x25
#define EC_SP_ALIGN         0x26
#define EC_SERROR           0x2f
#define EC_BRK64            0x3c
#define EC_COUNT            64

/* Data abort ISS (D17.2.37.8) */
#define ISS_DABT_ISV        BIT(24)
#define ISS_DABT_SAS_SHIFT  22
#define ISS_DABT_SAS_WIDTH  2
#define ISS_DABT_SSE        BIT(21)
#define ISS_DABT_SRT_SHIFT  16
#define ISS_DABT_SRT_WIDTH  5
#define ISS_DABT_SF         BIT(15)
#define ISS_DABT_AR         BIT(14)
#define ISS_DABT_S1PTW      BIT(7)
#define ISS_DABT_WNR        BIT(6)
#define ISS_DABT_FSC_WIDTH  6
#define ISS_FSC_TYPE_MASK   0x3c       /* fault type without the level */
#define FSC_TRANSLATION     0x04
#define FSC_ACCESS          0x08
#define FSC_PERMISSION      0x0c
#define FSC_SYNC_EXTERNAL   0x10
#define ISS_FSC_MASK        0x3f
#define FSC_SEA_WALK_MASK   0x3c       /* 0x14..0x17: external abort on a walk, levels 0-3 */
#define FSC_SEA_WALK        0x14

/* PAR_EL1 after an AT instruction (D17.2.112) */
#define PAR_F               BIT(0)      /* the translation failed */
#define PAR_PA_SHIFT        12
#define PAR_PA_WIDTH        36          /* PA[47:12] */

/* WFx ISS */
#define ISS_WFX_TI_MASK     UINT64_C(3)   /* 0 WFI, 1 WFE, 2 WFIT, 3 WFET */
#define ISS_WFX_TI_WFI      UINT64_C(0)
#define ISS_WFX_TI_WFE      UINT64_C(1)
#define ID_ISAR2_WFXT_SHIFT 0

/* MSR/MRS trap ISS (D17.2.37.16) */
#define ISS_SYS_OP0_SHIFT   20
#define ISS_SYS_OP2_SHIFT   17
#define ISS_SYS_OP1_SHIFT   14
#define ISS_SYS_CRN_SHIFT   10
#define ISS_SYS_RT_SHIFT    5
#define ISS_SYS_CRM_SHIFT   1
#define ISS_SYS_READ        BIT(0)
#define ISS_SYS_ENC_MASK    0x3ffc1eu  /* op0, op2, op1, CRn, CRm: no Rt, no dir */
/* Encoding of a system register as it appears in ISS (Rt and direction 0). */
#define SYSREG_ISS(op0, op1, crn, crm, op2) \
    (((op0) << ISS_SYS_OP0_SHIFT) | ((op2) << ISS_SYS_OP2_SHIFT) | \
     ((op1) << ISS_SYS_OP1_SHIFT) | ((crn) << ISS_SYS_CRN_SHIFT) | \
     ((crm) << ISS_SYS_CRM_SHIFT))

/* ---- HPFAR_EL2 ---------------------------------------------------------- */
#define HPFAR_FIPA_SHIFT    4
#define HPFAR_FIPA_WIDTH    40
#define HPFAR_IPA_SHIFT     12         /* FIPA holds IPA[51:12] */
#define PAGE_OFFSET_MASK    UINT64_C(0xfff)

/* ---- HCR_EL2 (D17.2.48) -------------------------------------------------- */
#define HCR_VM      BIT(0)
#define HCR_SWIO    BIT(1)
#define HCR_FMO     BIT(3)
#define HCR_IMO     BIT(4)
#define HCR_AMO     BIT(5)
#define HCR_FB      BIT(9)
#define HCR_BSU_IS  (UINT64_C(1) << 10)
#define HCR_TWI     BIT(13)
#define HCR_TWE     BIT(14)
#define HCR_TID3    BIT(18)
#define HCR_TSC     BIT(19)
#define HCR_TIDCP   BIT(20)
#define HCR_TACR    BIT(21)
#define HCR_TSW     BIT(22)
#define HCR_RW      BIT(31)
#define HCR_TLOR    BIT(35)
#define HCR_TERR    BIT(36)    /* FEAT_RAS */
#define HCR_TEA     BIT(37)    /* FEAT_RAS */
#define HCR_APK     BIT(40)
#define HCR_API     BIT(41)
#define HCR_ATA     BIT(56)    /* FEAT_MTE2 */

/* ---- SCTLR_EL2 / SCTLR_EL1 ---------------------------------------------- */
#define SCTLR_M             BIT(0)
#define SCTLR_A             BIT(1)
#define SCTLR_C             BIT(2)
#define SCTLR_SA            BIT(3)
#define SCTLR_I             BIT(12)
#define SCTLR_WXN           BIT(19)
#define SCTLR_ATA           BIT(43)    /* FEAT_MTE2: allocation-tag access at this EL */
#define MTE_TAG_GRANULE     16         /* bytes per allocation tag (D10.1) */
#define SCTLR_EL2_RES1      UINT64_C(0x30c50830)
#define SCTLR_EL1_RES1      UINT64_C(0x30d00800)  /* architectural reset, MMU off */

/* ---- SPSR / PSTATE ------------------------------------------------------ */
#define PSR_MODE_MASK       UINT64_C(0xf)
#define PSR_MODE_EL0T       UINT64_C(0x0)
#define PSR_MODE_EL1T       UINT64_C(0x4)
#define PSR_MODE_EL1H       UINT64_C(0x5)
#define PSR_MODE_EL2H       UINT64_C(0x9)
#define PSR_F               BIT(6)
#define PSR_I               BIT(7)
#define PSR_A               BIT(8)
#define PSR_D               BIT(9)
#define PSR_DAIF            (PSR_D | PSR_A | PSR_I | PSR_F)

/* Vector offsets within VBAR_ELx (D1.10.2) */
#define VECTOR_CUR_SP0      0x000
#define VECTOR_CUR_SPX      0x200
#define VECTOR_LOW_A64      0x400
#define VECTOR_LOW_A32      0x600
#define VECTOR_SYNC         0x000
#define VECTOR_IRQ          0x080

/* ---- TCR_EL2 / VTCR_EL2 / MAIR --------------------------------------- */
#define TCR_T0SZ_SHIFT      0
#define TCR_IRGN0_WBWA      (UINT64_C(1) << 8)
#define TCR_ORGN0_WBWA      (UINT64_C(1) << 10)
#define TCR_SH0_INNER       (UINT64_C(3) << 12)
#define TCR_TG0_4K          (UINT64_C(0) << 14)
#define TCR_EL2_PS_SHIFT    16
#define TCR_EL2_RES1        (BIT(31) | BIT(23))
#define VTCR_SL0_SHIFT      6
#define VTCR_SL0_LEVEL1     UINT64_C(1)
#define VTCR_SL0_LEVEL0     UINT64_C(2)
#define VTCR_PS_SHIFT       16
#define VTCR_PS_MASK        UINT64_C(7)
#define VTCR_RES1           BIT(31)

#define MAIR_DEVICE_nGnRnE  UINT64_C(0x00)
#define MAIR_DEVICE_nGnRE   UINT64_C(0x04)
#define MAIR_NORMAL_WB      UINT64_C(0xff)
#define MAIR_NORMAL_TAGGED  UINT64_C(0xf0)   /* FEAT_MTE2: Normal WB, allocation tags */
#define MAIR_IDX_DEVICE     0
#define MAIR_IDX_NORMAL     1
#define MAIR_ATTR(attr, idx) ((attr) << (8 * (idx)))

/* ID_AA64MMFR0_EL1.PARange encodings -> bits */
#define MMFR0_PARANGE_WIDTH 4
#define MMFR0_PARANGE_SHIFT 0

/* ---- Translation-table descriptors (D8.3) --------------------------- */
#define PTE_VALID           BIT(0)
#define PTE_TABLE           BIT(1)     /* at levels 0-2: table; level 3: page */
#define PTE_PAGE            BIT(1)
#define PTE_ADDR_MASK       UINT64_C(0x0000fffffffff000)
#define PTE_AF              BIT(10)
#define PTE_SH_INNER        (UINT64_C(3) << 8)
/* stage-1 (EL2 regime) */
#define PTE_S1_ATTRIDX_SHIFT 2
#define PTE_S1_AP_RW        (UINT64_C(1) << 6)  /* AP[1] is RES1 in the EL2 regime */
#define PTE_S1_AP_RO        (UINT64_C(3) << 6)
#define PTE_S1_XN           BIT(54)
/* stage-2 */
#define PTE_S2_MEMATTR_SHIFT 2
#define PTE_S2_MEMATTR_NORMAL_WB (UINT64_C(0xf) << 2)
#define PTE_S2_MEMATTR_DEVICE    (UINT64_C(0x1) << 2)   /* Device-nGnRE */
#define PTE_S2_AP_R         (UINT64_C(1) << 6)
#define PTE_S2_AP_W         (UINT64_C(2) << 6)
#define PTE_S2_XN           (UINT64_C(2) << 53)   /* XN[1:0] = 0b10: no execution */
#define VTTBR_VMID_SHIFT    48
#define VTTBR_BADDR_MASK    UINT64_C(0x0000fffffffffffe)   /* [47:1] */

/* ---- CPTR_EL2 (non-VHE), CNTHCTL_EL2, MDCR_EL2 ---------------------------- */
#define CPTR_EL2_RES1       (BIT(13) | BIT(12) | BIT(9) | FIELD_MASK(8, 0))
#define CPTR_EL2_TZ         BIT(8)
#define CPTR_EL2_TFP        BIT(10)
#define CPTR_EL2_TSM        BIT(12)
#define CPTR_EL2_TTA        BIT(20)
#define CPTR_EL2_TAM        BIT(30)
#define CNTHCTL_EL1PCTEN    BIT(0)
#define CNTHCTL_EL1PCEN     BIT(1)
#define CNT_CTL_ENABLE      BIT(0)
#define CNT_CTL_IMASK       BIT(1)
#define CNT_CTL_ISTATUS     BIT(2)
#define MDCR_HPMN_MASK      FIELD_MASK(5, 0)
#define MDCR_TPM            BIT(6)     /* trap the PMU's registers */
#define MDCR_TDA            BIT(9)     /* trap the debug registers (not the OS lock's) */
#define MDSCR_KDE           BIT(13)    /* MDSCR_EL1: debug exceptions at EL1 */
#define MDSCR_MDE           BIT(15)    /* MDSCR_EL1: breakpoints and watchpoints */
#define MDCR_HPMD           BIT(17)    /* FEAT_PMUv3p1: no event counting at EL2 */
#define MDCR_HCCD           BIT(23)    /* FEAT_PMUv3p5: no cycle counting at EL2 */

/* ---- PMU (D23): PMCR_EL0 and the counter bitmaps ------------------------ */
#define PMCR_E              BIT(0)
#define PMCR_N_SHIFT        11
#define PMCR_N_WIDTH        5
/* E, D, X, DP, LC, LP: the fields a write keeps (P and C only act). */
#define PMCR_WRITABLE       (FIELD_MASK(5, 3) | PMCR_E)
#define PMU_CYCLE_IDX       31         /* bit of PMCCNTR in PMCNTEN/PMINTEN/PMOVS, and
                                        * PMSELR_EL0 value selecting PMCCFILTR_EL0 */
#define PMU_MAX_COUNTERS    31
#define PMU_ALL_COUNTERS    UINT64_C(0xffffffff)

/* ---- Debug (D2): breakpoint and watchpoint pairs, the OS lock ----------- */
#define DBG_MAX_PAIRS       16
#define OSLSR_OSLK          BIT(1)     /* OSLSR_EL1: locked (its value at cold reset) */
#define OSLAR_OSLK          BIT(0)

/* ---- MPIDR -------------------------------------------------------------- */
#define MPIDR_AFF0_SHIFT    0
#define MPIDR_AFF1_SHIFT    8
#define MPIDR_AFF2_SHIFT    16
#define MPIDR_AFF3_SHIFT    32
#define MPIDR_AFF_MASK      UINT64_C(0xff00ffffff)
#define MPIDR_AFF_WIDTH     8
#define MPIDR_RES1          BIT(31)

/* ---- ID registers: fields tofu hides from guests (sysreg.c) or checks ------ */
#define ID_PFR0_RAS_SHIFT   28
#define ID_PFR0_SVE_SHIFT   32
#define ID_PFR0_AMU_SHIFT   44
#define ID_PFR0_MPAM_SHIFT  40
#define ID_PFR1_MTE_SHIFT   8
#define ID_PFR1_MTE_MTE2    2          /* tag storage: FEAT_MTE2 (3: FEAT_MTE3) */
#define ID_PFR1_HAS_MTE2(v) (FIELD_GET(v, ID_FIELD_WIDTH, ID_PFR1_MTE_SHIFT) >= ID_PFR1_MTE_MTE2)
#define ID_PFR1_SME_SHIFT   24
#define ID_PFR1_MPAMFRAC_SHIFT 16
#define ID_DFR0_PMUVER_SHIFT 8
#define ID_DFR0_PMUVER_V3    1
#define ID_DFR0_PMUVER_V3P1  4
#define ID_DFR0_PMUVER_V3P5  6
#define ID_DFR0_PMUVER_IMPDEF 0xf       /* not PMUv3 */
#define ID_DFR0_BRPS_SHIFT   12         /* breakpoints - 1 */
#define ID_DFR0_WRPS_SHIFT   20         /* watchpoints - 1 */
#define ID_DFR0_PMSVER_SHIFT 32
#define ID_DFR0_TRACEBUF_SHIFT 44
#define ID_ISAR0_ATOMIC_SHIFT 20         /* ID_AA64ISAR0_EL1.Atomic */
#define ID_ISAR0_ATOMIC_LSE  2          /* FEAT_LSE: LDADD, LDCLR, LDSET, SWP, CAS (3: FEAT_LSE128) */
#define ID_FIELD_WIDTH      4
#define ID_ISAR0_HAS_LSE(v) (FIELD_GET(v, ID_FIELD_WIDTH, ID_ISAR0_ATOMIC_SHIFT) >= ID_ISAR0_ATOMIC_LSE)

#ifndef GIC_VERSION
#define GIC_VERSION 3                   /* the build's (Makefile, from the board); host code: 3 */
#endif

/* ---- GICv3 distributor (IHI 0069, 12.9) ------------------------------ */
#define GICD_CTLR           0x0000
#define GICD_TYPER          0x0004
#define GICD_IIDR           0x0008
#define GICD_TYPER2         0x000c
#define GICD_STATUSR        0x0010
#define GICD_IGROUPR        0x0080
#define GICD_ISENABLER      0x0100
#define GICD_ICENABLER      0x0180
#define GICD_ISPENDR        0x0200
#define GICD_ICPENDR        0x0280
#define GICD_ISACTIVER      0x0300
#define GICD_ICACTIVER      0x0380
#define GICD_IPRIORITYR     0x0400
#define GICD_ITARGETSR      0x0800
#define GICD_ICFGR          0x0c00
#define GICD_ICFGR_PER_REG  16           /* two bits per INTID */
#define GICD_ICFGR_BITS     2
#define GICD_ICFGR_EDGE     UINT32_C(2)  /* Int_config[1]: edge-triggered */
#define GICD_IGRPMODR       0x0d00
#define GICD_NSACR          0x0e00
#define GICD_SGIR           0x0f00
#define GICD_IROUTER        0x6000
#define GICD_PIDR2          0xffe8
#define GICD_SIZE           0x10000

#define GICD_CTLR_ENABLE_G0   BIT(0)
#define GICD_CTLR_ENABLE_G1   BIT(1)
#define GICD_CTLR_ARE         BIT(4)
#define GICD_CTLR_DS          BIT(6)
#define GICD_CTLR_RWP         BIT(31)
#define GICD_TYPER_ITLINES_MASK 0x1f
#define GICD_TYPER_SECURITY_EXTN BIT(10)   /* GICv2: the Security Extensions (a secure side to hand over) */
#define GICD_TYPER_IDBITS_SHIFT 19
#define GICD_TYPER_IDBITS_10    9u       /* INTIDs up to 1023 */
#define GICD_TYPER_NO1N         BIT(25)  /* no 1-of-N SPI delivery */
#define GICD_TYPER_SPIS_PER_LINE 32      /* ITLinesNumber N: INTIDs up to 32 (N + 1) - 1 */
#define GICD_TYPER_LPIS         BIT(17)  /* LPIs supported */
#define GICD_TYPER_IDBITS_LPI   13u      /* INTIDs up to 16383: LPIs 8192..16383 */
#define GICD_IROUTER_IRM      BIT(31)
#define GIC_PIDR2_ARCH_SHIFT  4
#define GIC_PIDR2_ARCH_GICV3  0x3

/* Redistributor: RD_base frame then SGI_base frame (12.10, 12.11) */
#define GICR_CTLR           0x0000
#define GICR_IIDR           0x0004
#define GICR_TYPER          0x0008
#define GICR_STATUSR        0x0010
#define GICR_WAKER          0x0014
#define GICR_PROPBASER      0x0070       /* 64-bit */
#define GICR_PENDBASER      0x0078       /* 64-bit */
#define GICR_PIDR2          0xffe8
#define GICR_SGI_BASE       0x10000
#define GICR_IGROUPR0       (GICR_SGI_BASE + 0x0080)
#define GICR_ISENABLER0     (GICR_SGI_BASE + 0x0100)
#define GICR_ICENABLER0     (GICR_SGI_BASE + 0x0180)
#define GICR_ISPENDR0       (GICR_SGI_BASE + 0x0200)
#define GICR_ICPENDR0       (GICR_SGI_BASE + 0x0280)
#define GICR_ISACTIVER0     (GICR_SGI_BASE + 0x0300)
#define GICR_ICACTIVER0     (GICR_SGI_BASE + 0x0380)
#define GICR_IPRIORITYR     (GICR_SGI_BASE + 0x0400)
#define GICR_ICFGR0         (GICR_SGI_BASE + 0x0c00)
#define GICR_ICFGR1         (GICR_SGI_BASE + 0x0c04)
#define GICR_IGRPMODR0      (GICR_SGI_BASE + 0x0d00)
#define GICR_NSACR          (GICR_SGI_BASE + 0x0e00)
#define GICR_FRAME_SIZE     0x20000      /* a GICv3 redistributor: RD_base, SGI_base (the vGIC's) */
#define GICR_FRAME_SIZE_V4  0x40000      /* GICR_TYPER.VLPIS: + VLPI_base, reserved (12.10) */
#define GICR_VLPI_BASE      0x20000      /* the VLPI_base frame, GICv4 only */
#define GICR_VPROPBASER     (GICR_VLPI_BASE + 0x0070)   /* 64-bit: as GICR_PROPBASER (GICv4.0) */
#define GICR_VPENDBASER     (GICR_VLPI_BASE + 0x0078)   /* 64-bit */
/* GICR_VPENDBASER (GICv4.0): InnerCache [9:7], Shareability [11:10],
 * PA [51:16] (64 KiB aligned), OuterCache [58:56], PendingLast [61],
 * IDAI [62], Valid [63]: the vPE whose pending table it names is resident. */
#define GICR_VPENDBASER_VALID       BIT(63)
#define GICR_VPENDBASER_IDAI        BIT(62)
#define GICR_VPENDBASER_PENDINGLAST BIT(61)
#define GICR_VPENDBASER_DIRTY       BIT(60)      /* GICv4.1; RES0 (reads 0) on GICv4.0 */
#define GICR_WAKER_PROCESSOR_SLEEP BIT(1)
#define GICR_WAKER_CHILDREN_ASLEEP BIT(2)
#define GICR_TYPER_PLPIS      BIT(0)   /* physical LPIs (DirectLPI, bit 3, stays 0) */
#define GICR_TYPER_VLPIS      BIT(1)   /* virtual LPIs: GICv4, 4 frames a redistributor */
#define GICR_TYPER_LAST       BIT(4)
#define GICR_CTLR_ENABLE_LPIS BIT(0)
/* GICR_PROPBASER: IDbits [4:0], InnerCache [9:7], Shareability [11:10],
 * PA [51:12], OuterCache [58:56] (12.11.33). */
#define GICR_PROPBASER_IDBITS_MASK 0x1fu
#define GICR_PROPBASER_PA_MASK     (((UINT64_C(1) << 52) - 1) & ~((UINT64_C(1) << 12) - 1))
#define GICR_PROPBASER_WRITABLE    (GICR_PROPBASER_PA_MASK | GICR_PROPBASER_IDBITS_MASK | \
                                    (UINT64_C(7) << 7) | (UINT64_C(3) << 10) | (UINT64_C(7) << 56))
/* GICR_PENDBASER: InnerCache [9:7], Shareability [11:10], PA [51:16],
 * OuterCache [58:56], PTZ [62] (write-only: reads 0) (12.11.29). */
#define GICR_PENDBASER_PA_MASK     (((UINT64_C(1) << 52) - 1) & ~((UINT64_C(1) << 16) - 1))
#define GICR_PENDBASER_PTZ         BIT(62)
#define GICR_PENDBASER_WRITABLE    (GICR_PENDBASER_PA_MASK | (UINT64_C(7) << 7) | (UINT64_C(3) << 10) | \
                                    (UINT64_C(7) << 56))
/* An LPI's byte in the configuration table (5.1.1): priority [7:2], enable [0]. */
#define LPI_CFG_ENABLE        BIT(0)
#define LPI_CFG_PRIO_MASK     0xfcu
#define GICR_TYPER_PROCNUM_SHIFT 8
#define GICR_TYPER_AFF_SHIFT  32
/* GICR_TYPER.Affinity: Aff3.Aff2.Aff1.Aff0 of the PE's MPIDR, packed. */
#define GICR_TYPER_AFF_OF_MPIDR(m) \
    (FIELD_GET(m, MPIDR_AFF_WIDTH, MPIDR_AFF0_SHIFT) | \
     FIELD_GET(m, MPIDR_AFF_WIDTH, MPIDR_AFF1_SHIFT) << MPIDR_AFF_WIDTH | \
     FIELD_GET(m, MPIDR_AFF_WIDTH, MPIDR_AFF2_SHIFT) << (2 * MPIDR_AFF_WIDTH) | \
     FIELD_GET(m, MPIDR_AFF_WIDTH, MPIDR_AFF3_SHIFT) << (3 * MPIDR_AFF_WIDTH))

#define GIC_SGI_BASE_ID     0
#define GIC_PPI_BASE_ID     16
#define GIC_SPI_BASE_ID     32
#define GIC_SPURIOUS_ID     1020
#define GIC_MAX_INTIDS      1024
#define GIC_REG_BYTES(bits_per_irq) (GIC_MAX_INTIDS * (bits_per_irq) / 8)  /* size of a per-INTID array */
#define GIC_ALL_32          0xffffffffu  /* every INTID of one 32-bit register */
#define GIC_PRIO_X4(p)      ((uint32_t)(p) * 0x01010101u)   /* one priority in 4 byte fields */
#if GIC_VERSION == 2
#define GIC_INTID_MASK      0x3ffu       /* an IAR's INTID (GICv2: the SGI's source CPU above it) */
#else
#define GIC_INTID_MASK      0xffffffu    /* an IAR's INTID */
#endif

/* CPU interface / virtualization system-register fields */
#define ICC_SRE_SRE         BIT(0)
#define ICC_SRE_DFB         BIT(1)
#define ICC_SRE_DIB         BIT(2)
#define ICC_SRE_EL2_ENABLE  BIT(3)
#define ICC_SRE_EL3_ENABLE  BIT(3)    /* EL2 and EL1 may use ICC_SRE_EL2 / _EL1 */
#define ICC_CTLR_EOIMODE    BIT(1)
#define ICC_SGI1R_TARGETS_MASK UINT64_C(0xffff)
#define ICC_SGI1R_AFF1_SHIFT 16
#define ICC_SGI1R_INTID_SHIFT 24
#define ICC_SGI1R_AFF2_SHIFT 32
#define ICC_SGI1R_IRM       BIT(40)
#define ICC_SGI1R_RS_SHIFT  44          /* range selector: TargetList bit n = Aff0 16*RS + n */
#define ICC_SGI1R_RS_WIDTH  4
#define ICC_SGI1R_RANGE     16          /* Aff0 values one TargetList covers */
#define ICC_SGI1R_AFF3_SHIFT 48
#define ICH_HCR_EN          BIT(0)
#define ICH_HCR_UIE         BIT(1)
#define ICH_VTR_LISTREGS_MASK 0x1f
#define ICH_VTR_PRIBITS_SHIFT 29
#define ICH_LR_VINTID_MASK  UINT64_C(0xffffffff)
#define ICH_LR_PINTID_SHIFT 32
#define ICH_LR_PINTID_WIDTH 13
#define ICH_LR_EOI          BIT(41)       /* HW = 0: maintenance IRQ at deactivation */
#define ICH_LR_PRIO_SHIFT   48
#define ICH_LR_GROUP1       BIT(60)
#define ICH_LR_HW           BIT(61)
#define ICH_LR_STATE_SHIFT  62
#define ICH_LR_STATE_MASK   (UINT64_C(3) << 62)
#define ICH_LR_PENDING      (UINT64_C(1) << 62)
#define ICH_LR_ACTIVE       (UINT64_C(2) << 62)

/* Interrupt numbers the hypervisor itself uses (Arm BSA / QEMU virt). */
#define PPI_PMU             23          /* PMU overflow */
#define PPI_MAINTENANCE     25
#define PPI_HYP_TIMER       26
#define PPI_VTIMER          27
#define PPI_PTIMER          30          /* EL1 physical timer (non-secure) */
#define SGI_KICK            0           /* look at the vCPU's work */
#define SGI_CONSOLE         1           /* drain the console's rings */

/* ---- GICv2 (IHI 0048B): the distributor's own registers, the CPU
 * interface (GICC), the virtual interface control (GICH) and the virtual
 * CPU interface (GICV, laid out as GICC).  A GIC-400 has them; GICv3's
 * per-interrupt distributor arrays above are at the same offsets. ------- */
#define GICD_V2_SIZE          0x1000    /* a GICv2 distributor's frame (the vGIC's) */
#define GICD_CPENDSGIR        0x0f10    /* 4 registers, a byte per SGI: its source CPUs */
#define GICD_SPENDSGIR        0x0f20
#define GICD_PIDR2_V2         0x0fe8
#define GIC_PIDR2_ARCH_GICV2  0x2
#define GICD_V2_CTLR_ENABLE   BIT(0)    /* Non-secure view, or no Security Extensions: group 0 */
#define GICD_V2_CTLR_ENABLE_G1 BIT(1)   /* no Security Extensions: group 1 */
#define GICD_TYPER_CPUS_SHIFT 5         /* CPUNumber: CPU interfaces - 1 */
#define GICD_TYPER_CPUS_MASK  0x7u
#define GICD_SGIR_INTID_MASK  0xfu
#define GICD_SGIR_TARGETS_SHIFT 16      /* CPUTargetList, a bit per CPU interface */
#define GICD_SGIR_FILTER_SHIFT 24       /* TargetListFilter */
#define GICD_SGIR_FILTER_MASK 0x3u
#define GICD_SGIR_FILTER_LIST  0u       /* the CPUs in CPUTargetList */
#define GICD_SGIR_FILTER_OTHERS 1u      /* every CPU but the sender */
#define GICD_SGIR_FILTER_SELF  2u       /* the sender only */
#define GIC_V2_MAX_CPUS       8         /* CPU interfaces: ITARGETSR's byte, GICD_SGIR's list */
#define GIC_V2_SGI_SOURCE_BITS 3        /* the source CPU of an SGI in IAR and LRs */

#define GICC_CTLR             0x0000
#define GICC_PMR              0x0004
#define GICC_IAR              0x000c
#define GICC_EOIR             0x0010
#define GICC_DIR              0x1000
#define GICC_SIZE             0x2000    /* both pages: GICC_DIR is in the second */
#define GICC_CTLR_ENABLE      BIT(0)    /* group 0 (group 1 in the Non-secure view) */
#define GICC_CTLR_ENABLE_G1   BIT(1)    /* no Security Extensions: group 1 */
#define GICC_CTLR_EOIMODE     BIT(9)    /* EOImodeNS: EOIR drops priority only, DIR deactivates */
#define GICC_PMR_LOWEST       0xffu
#define GICC_IAR_INTID_MASK   0x3ffu    /* the rest (CPUID) goes back in EOIR and DIR as read */

#define GICH_HCR              0x0000
#define GICH_VTR              0x0004
#define GICH_VMCR             0x0008
#define GICH_MISR             0x0010
#define GICH_EISR0            0x0020
#define GICH_ELRSR0           0x0030
#define GICH_APR              0x00f0
#define GICH_LR0              0x0100
#define GICH_HCR_EN           BIT(0)
#define GICH_HCR_UIE          BIT(1)
#define GICH_VTR_LISTREGS_MASK 0x3fu    /* ListRegs: LRs - 1 */
#define GICH_MAX_LRS          64        /* the most EISR/ELRSR can name; the vGIC uses 16 */
/* GICH_LR<n>: vINTID [9:0], pINTID [19:10] (HW = 1) or, HW = 0, EOI [19]
 * and an SGI's source CPU [12:10], priority [27:23] (its top 5 bits),
 * state [29:28], group 1 [30], HW [31]. */
#define GICH_LR_VINTID_MASK   0x3ffu
#define GICH_LR_PINTID_SHIFT  10
#define GICH_LR_PINTID_WIDTH  10
#define GICH_LR_CPUID_SHIFT   10
#define GICH_LR_EOI           BIT(19)
#define GICH_LR_PRIO_SHIFT    23
#define GICH_LR_PRIO_WIDTH    5
#define GICH_LR_PRIO_DROP     3         /* the 8-bit priority's low bits it has no room for */
#define GICH_LR_PENDING       BIT(28)
#define GICH_LR_ACTIVE        BIT(29)
#define GICH_LR_STATE_MASK    (BIT(28) | BIT(29))
#define GICH_LR_GROUP1        BIT(30)
#define GICH_LR_HW            BIT(31)
#define GICV_SIZE             GICC_SIZE /* mapped at the VM's GICC */

/* ---- GICv3 ITS (IHI 0069): the control frame's registers, the translation
 * frame 64 KiB above it, the 32-byte commands --------------------------- */
#define GITS_CTLR           0x0000
#define GITS_IIDR           0x0004
#define GITS_TYPER          0x0008       /* 64-bit */
#define GITS_CBASER         0x0080       /* 64-bit */
#define GITS_CWRITER        0x0088       /* 64-bit */
#define GITS_CREADR         0x0090       /* 64-bit */
#define GITS_BASER          0x0100       /* GITS_BASER<n>, 64-bit, at + 8 n */
#define GITS_BASER_COUNT    8
#define GITS_PIDR4          0xffd0       /* then PIDR5..7, reserved */
#define GITS_PIDR0          0xffe0
#define GITS_PIDR1          0xffe4
#define GITS_PIDR2          0xffe8
#define GITS_PIDR3          0xffec
#define GITS_CIDR0          0xfff0       /* CIDR0..3, one byte each */
#define GITS_CIDR3          0xfffc
#define GITS_FRAME_SIZE     0x10000      /* the control frame; the translation frame follows */
#define GITS_TRANSLATER     0x10040      /* from ITS_base */
#define GITS_SIZE           0x20000

#define GITS_IIDR_IMPLEMENTER_ARM 0x43bu   /* Implementer [11:0]: JEP106 0x3b, continuation 4 */
#define GITS_CTLR_ENABLED       BIT(0)
#define GITS_CTLR_QUIESCENT     BIT(31)
#define GITS_TYPER_PHYSICAL     BIT(0)
#define GITS_TYPER_VIRTUAL      BIT(1)
#define GITS_TYPER_CCT          BIT(2)
#define GITS_TYPER_ITT_ESZ_SHIFT 4       /* bytes per ITT entry - 1 */
#define GITS_TYPER_ITT_ESZ_WIDTH 4
#define GITS_TYPER_IDBITS_SHIFT  8       /* EventID bits - 1 */
#define GITS_TYPER_IDBITS_WIDTH  5
#define GITS_TYPER_DEVBITS_SHIFT 13      /* DeviceID bits - 1 */
#define GITS_TYPER_DEVBITS_WIDTH 5
#define GITS_TYPER_SEIS         BIT(18)  /* command errors raise an SError */
#define GITS_TYPER_PTA          BIT(19)  /* RDbase: 1 a physical address, 0 a processor number */
#define GITS_TYPER_HCC_SHIFT    24       /* collections held without memory */
#define GITS_TYPER_HCC_WIDTH    8
#define GITS_TYPER_CIDBITS_SHIFT 32
#define GITS_TYPER_CIL          BIT(36)  /* 0: 16-bit collection IDs */

#define GITS_CBASER_VALID       BIT(63)
#define GITS_CBASER_INNER_SHIFT 59       /* InnerCache, 3 bits */
#define GITS_CBASER_OUTER_SHIFT 53       /* OuterCache, 3 bits */
#define GITS_CACHE_WIDTH        3
#define GITS_CBASER_PA_SHIFT    12       /* Physical_Address [51:12] */
#define GITS_CBASER_PA_WIDTH    40
#define GITS_CBASER_SHARE_SHIFT 10       /* Shareability, 2 bits */
#define GITS_SHARE_WIDTH        2
#define GITS_CBASER_SIZE_WIDTH  8        /* 4 KiB pages - 1, at bit 0 */
#define GITS_CBASER_PAGE        0x1000
#define GITS_CWRITER_RETRY      BIT(0)   /* restart a stalled queue */
#define GITS_CREADR_STALLED     BIT(0)
#define GITS_CQ_OFFSET_SHIFT    5        /* CWRITER/CREADR Offset [19:5] */
#define GITS_CQ_OFFSET_WIDTH    15

#define GITS_BASER_VALID        BIT(63)
#define GITS_BASER_INDIRECT     BIT(62)
#define GITS_BASER_INNER_SHIFT  59
#define GITS_BASER_TYPE_SHIFT   56
#define GITS_BASER_TYPE_WIDTH   3
#define GITS_BASER_TYPE_NONE    0u
#define GITS_BASER_TYPE_DEVICE  1u
#define GITS_BASER_TYPE_VPE     2u
#define GITS_BASER_TYPE_COLLECTION 4u
#define GITS_BASER_OUTER_SHIFT  53
#define GITS_BASER_ESZ_SHIFT    48       /* Entry_Size: bytes - 1 */
#define GITS_BASER_ESZ_WIDTH    5
#define GITS_BASER_PA_SHIFT     12       /* Physical_Address [47:12] */
#define GITS_BASER_PA_WIDTH     36
#define GITS_BASER_SHARE_SHIFT  10
#define GITS_BASER_PSZ_SHIFT    8        /* Page_Size */
#define GITS_BASER_PSZ_WIDTH    2
#define GITS_BASER_PSZ_4K       0u
#define GITS_BASER_PSZ_16K      1u
#define GITS_BASER_PSZ_64K      2u       /* 3 is reserved */
#define GITS_BASER_SIZE_WIDTH   8        /* pages - 1, at bit 0 */

/* ID registers: PIDR2.ArchRev is the architecture; the others name the
 * implementer (JEP106: Arm, identity 0x3b, continuation 4) and hold the
 * CoreSight component preamble in CIDR0..3. */
#define GITS_PIDR2_ARCHREV_SHIFT 4
#define GITS_PIDR2_ARCHREV_GICV3 3u
#define GITS_PIDR2_JEDEC        BIT(3)
#define GITS_JEP106_ARM_ID      0x3bu
#define GITS_JEP106_ARM_CONT    4u
#define GITS_JEP106_LOW_BITS    4        /* identity [3:0] in PIDR1[7:4] */
#define GITS_PIDR1_JEP106_SHIFT 4
#define GITS_PIDR2_JEP106_MASK  7u       /* identity [6:4] in PIDR2[2:0] */
#define GITS_CIDR_PREAMBLE      UINT64_C(0xb105f00d)   /* CIDR3..0, a byte each */
#define GITS_ID_STRIDE          4
#define GITS_ID_BITS            8

/* Commands: four little-endian doublewords, the number in DW0[7:0]. */
#define GITS_CMD_BYTES          32
#define GITS_CMD_DWORDS         4
#define GITS_CMD_NUM_WIDTH      8        /* DW0 */
#define GITS_CMD_DEVID_SHIFT    32       /* DW0 [63:32] DeviceID */
#define GITS_CMD_DEVID_WIDTH    32
#define GITS_CMD_EVENTID_WIDTH  32       /* DW1 [31:0] EventID */
#define GITS_CMD_PINTID_SHIFT   32       /* DW1 [63:32] pINTID (MAPTI) */
#define GITS_CMD_PINTID_WIDTH   32
#define GITS_CMD_ITT_SIZE_WIDTH 5        /* DW1 [4:0] Size (MAPD): EventID bits - 1 */
#define GITS_CMD_ICID_WIDTH     16       /* DW2 [15:0] ICID */
#define GITS_CMD_RDBASE_SHIFT   16       /* DW2 [51:16] RDbase (MAPC, SYNC, MOVALL; DW3 for MOVALL's second) */
#define GITS_CMD_RDBASE_WIDTH   36
#define GITS_CMD_ITT_ADDR_SHIFT 8        /* DW2 [51:8] ITT_addr (MAPD) */
#define GITS_CMD_ITT_ADDR_WIDTH 44
#define GITS_CMD_VALID          BIT(63)  /* DW2 [63] V (MAPD, MAPC) */
#define GITS_CMD_DW_EVENT       1        /* which doubleword holds what */
#define GITS_CMD_DW_ICID        2
#define GITS_CMD_DW_RDBASE2     3

#define GITS_CMD_MOVI           0x01
#define GITS_CMD_INT            0x03
#define GITS_CMD_CLEAR          0x04
#define GITS_CMD_SYNC           0x05
#define GITS_CMD_MAPD           0x08
#define GITS_CMD_MAPC           0x09
#define GITS_CMD_MAPTI          0x0a
#define GITS_CMD_MAPI           0x0b
#define GITS_CMD_INV            0x0c
#define GITS_CMD_INVALL         0x0d
#define GITS_CMD_MOVALL         0x0e
#define GITS_CMD_DISCARD        0x0f
/* GICv4.0's virtual commands (IHI 0069 5.3): vPE = a virtual CPU the ITS
 * delivers vLPIs to, resident on a redistributor while GICR_VPENDBASER
 * names its pending table. */
#define GITS_CMD_VMOVI          0x21     /* DW1 EventID, vPEID; DW2 [0] D, [63:32] Dbell_pINTID */
#define GITS_CMD_VSYNC          0x25     /* DW1 [47:32] vPEID */
#define GITS_CMD_VMAPP          0x29     /* DW1 vPEID; DW2 V, RDbase; DW3 VPT_addr, VPT_size */
#define GITS_CMD_VMAPTI         0x2a     /* DW1 EventID, vPEID; DW2 [31:0] vINTID, [63:32] Dbell_pINTID */
#define GITS_CMD_VPEID_SHIFT    32       /* DW1 [47:32] vPEID */
#define GITS_CMD_VPEID_WIDTH    16
#define GITS_CMD_VINTID_SHIFT   0        /* VMAPTI DW2 [31:0] */
#define GITS_CMD_DBELL_SHIFT    32       /* VMAPTI, VMOVI DW2 [63:32] Dbell_pINTID */
#define GITS_CMD_VMOVI_D        BIT(0)   /* VMOVI DW2 [0]: Dbell_pINTID is valid */
#define GITS_CMD_VPT_ADDR_SHIFT 16       /* VMAPP DW3 [51:16] VPT_addr (64 KiB aligned) */
#define GITS_CMD_VPT_SIZE_MASK  0x1fu    /* VMAPP DW3 [4:0] VPT_size: ID bits - 1 */

#define GIC_LPI_BASE_ID         8192     /* the first LPI INTID */

/* ---- Arm PrimeCells: the ID registers in the last 32 bytes of each one's
 * 4 KiB frame, PeriphID0..3 then PCellID0..3, one byte in each 32-bit
 * register (DDI 0183 3.3.14-15, DDI 0270 3.3.11-12) ---------------------- */
#define PRIMECELL_ID_BASE   0xfe0        /* PeriphID0 */
#define PRIMECELL_FRAME     0x1000
#define PRIMECELL_ID_STRIDE 4
#define PRIMECELL_ID_BITS   8

/* ---- PL011 UART (DDI 0183, 3.2) -------------------------------------- */
#define UART_DR             0x000
#define UART_RSR            0x004
#define UART_FR             0x018
#define UART_ILPR           0x020
#define UART_IBRD           0x024
#define UART_FBRD           0x028
#define UART_LCR_H          0x02c
#define UART_CR             0x030
#define UART_IFLS           0x034
#define UART_IMSC           0x038
#define UART_RIS            0x03c
#define UART_MIS            0x040
#define UART_ICR            0x044
#define UART_DMACR          0x048
#define UART_SIZE           0x1000
#define UART_FR_BUSY        BIT(3)
#define UART_FR_RXFE        BIT(4)
#define UART_FR_TXFF        BIT(5)
#define UART_FR_RXFF        BIT(6)
#define UART_FR_TXFE        BIT(7)
#define UART_TX_FIFO_MIN    16u          /* bytes an empty transmit FIFO takes (r1p5 has 32) */
#define UART_INT_RX         BIT(4)
#define UART_INT_TX         BIT(5)
#define UART_INT_RT         BIT(6)
#define UART_INT_ALL        0x7ff
#define UART_CR_UARTEN      BIT(0)
#define UART_CR_TXE         BIT(8)
#define UART_CR_RXE         BIT(9)
#define UART_IDS            0x00141011u  /* PeriphID: PL011 r1p5 */
#define UART_DR_DATA_MASK   0xffu
#define UART_IBRD_MASK      0xffffu
#define UART_FBRD_MASK      0x3fu
#define UART_LCRH_MASK      0xffu
#define UART_CR_MASK        0xffffu
#define UART_IFLS_MASK      0x3fu
#define UART_IFLS_RESET     0x12u        /* both FIFO levels 1/2 */
#define UART_DMACR_MASK     0x7u
#define UART_CELL_IDS       0xb105f00du  /* PrimeCell ID */

/* ---- Cadence UART (Xilinx UG1085, "UART Controller"; QEMU cadence_uart) --
 * The console of a Zynq UltraScale+ (zcu102): CDNS_UART_* registers, and
 * the interrupt bits, which IER/IDR/IMR/ISR share (ISR: write 1 to clear,
 * a bit stays set until cleared). */
#define CDNS_UART_CR        0x00
#define CDNS_UART_IER       0x08
#define CDNS_UART_IDR       0x0c
#define CDNS_UART_ISR       0x14
#define CDNS_UART_RXTOUT    0x1c         /* receiver timeout, in 4 bit times (0: off) */
#define CDNS_UART_RXWM      0x20         /* receive FIFO trigger level */
#define CDNS_UART_SR        0x2c
#define CDNS_UART_FIFO      0x30
#define CDNS_UART_CR_RXEN   BIT(2)
#define CDNS_UART_CR_TXEN   BIT(4)
#define CDNS_UART_SR_REMPTY BIT(1)
#define CDNS_UART_SR_TEMPTY BIT(3)
#define CDNS_UART_SR_TFUL   BIT(4)
#define CDNS_UART_INT_RTRIG   BIT(0)     /* receive FIFO at its trigger level */
#define CDNS_UART_INT_TEMPTY  BIT(3)     /* transmit FIFO empty */
#define CDNS_UART_INT_TIMEOUT BIT(8)     /* receiver timeout */
#define CDNS_UART_INT_ALL     0x3fffu
#define CDNS_UART_FIFO_SIZE   64u        /* bytes, each way */
#define CDNS_UART_RX_TRIGGER  1u         /* a byte is enough to interrupt */
#define CDNS_UART_RX_TIMEOUT  10u        /* 40 bit times of silence */
#define CDNS_UART_DATA_MASK   0xffu

/* ---- PCI configuration space through an ECAM (PCI Express Base 7.2.2):
 * what tofu touches to stop a stopped VM's devices mastering DMA */
#define PCI_ECAM_FN_SHIFT   12           /* bus << 20 | device << 15 | function << 12 */
#define PCI_ECAM_FNS        256          /* functions on one bus (32 devices x 8) */
#define PCI_DEVS_PER_BUS    32           /* device numbers on one bus */
#define PCI_VENDOR_ID       0x00         /* 0xffff: no function there */
#define PCI_VENDOR_NONE     0xffffu
#define PCI_COMMAND         0x04         /* 16 bits; STATUS above it is write-1-to-clear */
#define PCI_COMMAND_MASTER  0x0004u      /* Bus Master Enable */

/* ---- PCI configuration space, the rest of what tofu enumerates, assigns
 * and filters (PCI Local Bus 3.0 ch. 6; PCI Express Base 6.0 7.5, 7.8) ---- */
#define PCI_CFG_SIZE        0x1000       /* one function's config space (ECAM: 4 KiB) */
#define PCI_CFG_STD_SIZE    0x100        /* the conventional part; extended caps above */
#define PCI_CFG_HDR_SIZE    0x40         /* the header; capabilities from here on */
#define PCI_CFG_ALL_ONES    0xffffffffu  /* what an absent function reads */
#define PCI_DEVICE_ID       0x02
#define PCI_COMMAND_IO      0x0001u      /* I/O Space enable */
#define PCI_COMMAND_MEMORY  0x0002u      /* Memory Space enable */
#define PCI_COMMAND_INTX_DISABLE 0x0400u
#define PCI_STATUS          0x06
#define PCI_STATUS_CAP_LIST 0x0010u      /* a capability list at PCI_CAPABILITY_LIST */
#define PCI_STATUS_ERRORS   0xf900u      /* the write-1-to-clear error bits: parity, aborts, SERR */
#define PCI_CLASS_REVISION  0x08
#define PCI_CLASS_SHIFT     16           /* of PCI_CLASS_REVISION: base class, subclass */
#define PCI_CLASS_BRIDGE_HOST 0x0600u    /* a host bridge (QEMU's 00:00.0) */
#define PCI_HEADER_TYPE     0x0e         /* 8 bits */
#define PCI_HEADER_TYPE_MASK 0x7fu
#define PCI_HEADER_TYPE_NORMAL 0x00u     /* type 0: an endpoint */
#define PCI_HEADER_TYPE_BRIDGE 0x01u     /* type 1: a PCI-PCI bridge */
#define PCI_HEADER_MULTIFUNC 0x80u       /* functions 1-7 may exist */
#define PCI_BAR0            0x10         /* six 32-bit BARs of a type-0 header */
#define PCI_NR_BARS         6
#define PCI_BAR_STRIDE      4
#define PCI_BAR_IO          0x1u         /* bit 0: an I/O BAR */
#define PCI_BAR_MEM_TYPE_MASK 0x6u
#define PCI_BAR_MEM_TYPE_64 0x4u         /* a 64-bit BAR: this and the next dword */
#define PCI_BAR_MEM_FLAGS   0xfu         /* type and prefetchable bits of a memory BAR */
#define PCI_BAR_IO_FLAGS    0x3u
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_ROM_ADDRESS     0x30         /* expansion ROM BAR */
#define PCI_CAPABILITY_LIST 0x34         /* 8 bits: the first capability */
#define PCI_INTERRUPT_LINE  0x3c         /* 8 bits, software's */
#define PCI_INTERRUPT_PIN   0x3d         /* 8 bits: 0 none, 1-4 INTA-INTD */
#define PCI_INTX_PINS       4
#define PCI_CAP_ID          0            /* in a capability: its ID, */
#define PCI_CAP_NEXT        1            /* the next one's offset (0: the last), */
#define PCI_CAP_PTR_MASK    0xfcu        /* dword-aligned */
#define PCI_CAP_MAX_WALK    48           /* (0x100 - 0x40) / 4: a longer chain loops */
#define PCI_CAP_ID_PM       0x01         /* Power Management */
#define PCI_CAP_ID_MSI      0x05
#define PCI_CAP_ID_EXP      0x10         /* PCI Express */
#define PCI_CAP_ID_MSIX     0x11
#define PCI_PM_SIZEOF       8
#define PCI_PM_CTRL         4            /* PMCSR, 16 bits */
#define PCI_PM_CTRL_STATE_MASK 0x3u      /* PowerState: D0..D3hot */
#define PCI_PM_STATE_D0     0x0u
#define PCI_PM_STATE_D3HOT  0x3u
#define PCI_PM_CTRL_PME_ENABLE 0x0100u
#define PCI_PM_CTRL_PME_STATUS 0x8000u  /* write-1-to-clear */
#define PCI_EXP_SIZEOF      0x3c         /* a v2 PCI Express capability */
#define PCI_MSI_FLAGS       2            /* MSI Message Control, 16 bits */
#define PCI_MSI_FLAGS_ENABLE 0x0001u
#define PCI_MSI_FLAGS_64BIT 0x0080u      /* 64-bit Message Address */
#define PCI_MSI_FLAGS_MASKBIT 0x0100u    /* per-vector masking: Mask and Pending Bits */
#define PCI_MSI_ADDRESS_LO  4            /* the registers after Message Control */
#define PCI_MSI_SIZEOF_32   0x0a         /* ID, next, control, address, data */
#define PCI_MSI_SIZEOF_64   0x0e         /* the same with the upper address */
#define PCI_MSI_MASK_SIZEOF 0x0a         /* what per-vector masking adds: reserved, Mask, Pending */
#define PCI_MSIX_FLAGS      2            /* MSI-X Message Control, 16 bits */
#define PCI_MSIX_FLAGS_ENABLE 0x8000u
#define PCI_MSIX_SIZEOF     0x0c         /* control, Table and PBA offsets (read-only) */
#define PCI_EXP_DEVCAP      4            /* 32 bits */
#define PCI_EXP_DEVCAP_FLR  0x10000000u  /* Function Level Reset capable */
#define PCI_EXP_DEVCTL      8            /* 16 bits */
#define PCI_EXP_DEVCTL_BCR_FLR 0x8000u   /* Initiate Function Level Reset */

/* ---- Device-specific resets, for functions without FLR
 * (src/drivers/pci_reset.c) ---- */
#define PCI_VENDOR_INTEL    0x8086u
#define PCI_DEVICE_82574L   0x10d3u      /* QEMU's e1000e */
#define PCI_DEVICE_82576    0x10c9u      /* QEMU's igb (its CTRL is the 82574's: 82576 datasheet 8.2.1) */
#define E1000_CTRL          0x0000       /* BAR0: Device Control (82574 datasheet 10.2.2.1) */
#define E1000_CTRL_RST      (1u << 26)   /* software reset: self-clearing */
#define E1000_RST_POLLS     100000u      /* reads of CTRL for RST to clear (1 us after the write on hardware) */
#define PCI_EXP_DEVSTA      0x0a
#define PCI_EXP_DEVSTA_TRPND 0x0020u     /* Transactions Pending */
#define PCI_EXP_LNKCTL      0x10         /* 16 bits */
#define PCI_EXP_LNKCTL_LD   0x0010u      /* Link Disable */
#define PCI_EXP_LNKCTL_RL   0x0020u      /* Retrain Link */
#define PCI_EXP_DEVCTL2     0x28
/* The PCI Express spec's waits around an FLR (6.6.2): software waits
 * 100 ms after initiating it before touching the function again. */
#define PCI_FLR_WAIT_MS     100
/* QEMU virt's INTx swizzle (hw/arm/virt.c): slot s, pin p (1 = INTA) go to
 * the bridge's line (s + p - 1) mod 4, SPIs 3-6. */
#define PCI_INTX_LINES      4
#define PCI_ECAM_BUS_SIZE   UINT64_C(0x100000)   /* ECAM: 1 MiB of configuration space a bus (PCIe 7.2.2) */
#define PCI_EXP_FLAGS       2            /* PCI Express Capabilities register, 16 bits */
#define PCI_EXP_FLAGS_TYPE_SHIFT 4       /* Device/Port Type, bits 7:4 */
#define PCI_EXP_FLAGS_TYPE_MASK 0xfu
#define PCI_EXP_TYPE_RC_END 0x9u         /* a Root Complex Integrated Endpoint */

/* ---- Extended capabilities and SR-IOV (PCI Express Base 6.0, 7.6.3 and 9.3.3) ---- */
#define PCI_EXT_CAP_ID_MASK 0xffffu      /* of the header: the ID, */
#define PCI_EXT_CAP_VER_SHIFT 16         /* its version, */
#define PCI_EXT_CAP_NEXT_SHIFT 20        /* the next one's offset (0: the last) */
#define PCI_EXT_CAP_NEXT_MASK 0xffcu
#define PCI_EXT_CAP_MAX_WALK 960         /* (0x1000 - 0x100) / 4: a longer chain loops */
#define PCI_EXT_CAP_ID_SRIOV 0x0010u
#define PCI_SRIOV_VER       1
#define PCI_SRIOV_CAP       0x04         /* SR-IOV Capabilities, 32 bits */
#define PCI_SRIOV_CTRL      0x08         /* SR-IOV Control, 16 bits */
#define PCI_SRIOV_CTRL_VFE  0x0001u      /* VF Enable */
#define PCI_SRIOV_CTRL_MSE  0x0008u      /* VF Memory Space Enable */
#define PCI_SRIOV_STATUS    0x0a
#define PCI_SRIOV_INITIAL_VF 0x0c        /* InitialVFs, 16 bits */
#define PCI_SRIOV_TOTAL_VF  0x0e         /* TotalVFs, 16 bits */
#define PCI_SRIOV_NUM_VF    0x10         /* NumVFs, 16 bits */
#define PCI_SRIOV_FUNC_LINK 0x12         /* Function Dependency Link, 8 bits */
#define PCI_SRIOV_VF_OFFSET 0x14         /* First VF Offset, 16 bits */
#define PCI_SRIOV_VF_STRIDE 0x16         /* VF Stride, 16 bits */
#define PCI_SRIOV_VF_DID    0x1a         /* VF Device ID, 16 bits */
#define PCI_SRIOV_SUP_PGSIZE 0x1c        /* Supported Page Sizes: bit n, 4 KiB << n */
#define PCI_SRIOV_SYS_PGSIZE 0x20        /* System Page Size */
#define PCI_SRIOV_PGSIZE_4K 0x1u
#define PCI_SRIOV_BAR       0x24         /* VF BAR0-5 */
#define PCI_SRIOV_VFM       0x3c         /* VF Migration State Array Offset */
#define PCI_SRIOV_SIZEOF    0x40

/* ---- PL031 RTC (DDI 0224, 3.2): what tofu touches to quiesce one passed through */
#define PL031_IMSC          0x010        /* interrupt mask set/clear */
#define PL031_ICR           0x01c        /* interrupt clear */
#define PL031_INT_ALARM     BIT(0)

/* ---- Arm SMMUv3 (IHI 0070): registers, stream table, commands, events ----- */
/* Page 0 registers (6.3). */
#define SMMU_IDR0           0x0000
#define SMMU_IDR1           0x0004
#define SMMU_IDR5           0x0014
#define SMMU_CR0            0x0020
#define SMMU_CR0ACK         0x0024
#define SMMU_CR1            0x0028
#define SMMU_CR2            0x002c
#define SMMU_GBPA           0x0044
#define SMMU_IRQ_CTRL       0x0050
#define SMMU_IRQ_CTRLACK    0x0054
#define SMMU_GERROR         0x0060
#define SMMU_GERRORN        0x0064
#define SMMU_STRTAB_BASE    0x0080       /* 64-bit */
#define SMMU_STRTAB_BASE_CFG 0x0088
#define SMMU_CMDQ_BASE      0x0090       /* 64-bit */
#define SMMU_CMDQ_PROD      0x0098
#define SMMU_CMDQ_CONS      0x009c
#define SMMU_EVENTQ_BASE    0x00a0       /* 64-bit */
#define SMMU_EVENTQ_PROD    0x100a8      /* page 1 */
#define SMMU_EVENTQ_CONS    0x100ac      /* page 1 */
#define SMMU_REG_SIZE       0x20000      /* two 64 KiB pages */

#define SMMU_IDR0_S2P           BIT(0)
#define SMMU_IDR0_TTF_SHIFT     2
#define SMMU_IDR0_TTF_MASK      UINT32_C(3)
#define SMMU_IDR0_TTF_AARCH64   BIT(1)   /* within TTF: AArch64 tables */
#define SMMU_IDR0_COHACC        BIT(4)
#define SMMU_IDR0_VMID16        BIT(18)
#define SMMU_IDR0_ST_LEVEL_SHIFT 27
#define SMMU_IDR0_ST_LEVEL_MASK UINT32_C(3)
#define SMMU_IDR0_ST_LEVEL_2LVL UINT32_C(1)
#define SMMU_IDR1_SIDSIZE_MASK  UINT32_C(0x3f)
#define SMMU_IDR1_EVENTQS_SHIFT 16
#define SMMU_IDR1_CMDQS_SHIFT   21
#define SMMU_IDR1_QS_MASK       UINT32_C(0x1f)
#define SMMU_IDR5_OAS_MASK      UINT32_C(7)   /* PARange encoding, as ID_AA64MMFR0_EL1 */
#define SMMU_IDR5_GRAN4K        BIT(4)

#define SMMU_CR0_SMMUEN         BIT(0)
#define SMMU_CR0_EVENTQEN       BIT(2)
#define SMMU_CR0_CMDQEN         BIT(3)
/* CR1: queues and tables Normal write-back cacheable, inner shareable. */
#define SMMU_CR1_TABLE_IC_SHIFT 0
#define SMMU_CR1_TABLE_OC_SHIFT 2
#define SMMU_CR1_TABLE_SH_SHIFT 4
#define SMMU_CR1_QUEUE_IC_SHIFT 6
#define SMMU_CR1_QUEUE_OC_SHIFT 8
#define SMMU_CR1_QUEUE_SH_SHIFT 10
#define SMMU_CR1_CACHE_WB       UINT32_C(1)
#define SMMU_CR1_SH_INNER       UINT32_C(3)
#define SMMU_CR2_RECINVSID      BIT(1)   /* record C_BAD_STREAMID */
#define SMMU_CR2_PTM            BIT(2)   /* ignore broadcast TLB maintenance */
#define SMMU_GBPA_UPDATE        BIT(31)
#define SMMU_GBPA_ABORT         BIT(20)
#define SMMU_IRQ_CTRL_GERROR    BIT(0)
#define SMMU_IRQ_CTRL_EVENTQ    BIT(2)
#define SMMU_GERROR_CMDQ_ERR    BIT(0)
#define SMMU_GERROR_EVENTQ_ABT  BIT(2)
#define SMMU_GERROR_SFM         BIT(8)
#define SMMU_GERROR_MASK        UINT32_C(0x1fd)   /* the architected error bits */

#define SMMU_STRTAB_BASE_RA     BIT(62)
#define SMMU_ADDR_MASK          UINT64_C(0x000fffffffffffc0)   /* [51:6] */
#define SMMU_STRTAB_CFG_LOG2SIZE_MASK UINT32_C(0x3f)
#define SMMU_STRTAB_CFG_SPLIT_SHIFT 6
#define SMMU_STRTAB_CFG_FMT_SHIFT 16
#define SMMU_STRTAB_CFG_FMT_2LVL UINT32_C(1)
#define SMMU_Q_BASE_ALLOC       BIT(62)  /* RA (command queue) / WA (event queue) */
#define SMMU_Q_BASE_ADDR_MASK   UINT64_C(0x000fffffffffffe0)   /* [51:5] */
#define SMMU_Q_LOG2SIZE_MASK    UINT64_C(0x1f)
#define SMMU_CMDQ_CONS_ERR_SHIFT 24
#define SMMU_CMDQ_CONS_ERR_MASK UINT32_C(0x7f)
#define SMMU_EVENTQ_PROD_OVFLG  BIT(31)  /* overflow flag: CONS.OVACKFLG acknowledges it */
#define SMMU_EVENTQ_CONS_OVACKFLG BIT(31)

/* Level-1 stream table descriptor (5.1): Span [4:0], L2Ptr [51:6]. */
#define SMMU_L1STD_SPAN_MASK    UINT64_C(0x1f)
#define SMMU_L1STD_SIZE         8
/* Stream table entry (5.2): eight 64-bit words. */
#define SMMU_STE_WORDS          8
#define SMMU_STE_SIZE           64
#define SMMU_STE0_V             BIT(0)
#define SMMU_STE0_CONFIG_SHIFT  1
#define SMMU_STE0_CONFIG_ABORT  UINT64_C(0)
#define SMMU_STE0_CONFIG_S2     UINT64_C(6)  /* stage 1 bypass, stage 2 translates */
#define SMMU_STE1_SHCFG_SHIFT   44
#define SMMU_STE1_SHCFG_INCOMING UINT64_C(1)
#define SMMU_STE2_S2VMID_MASK   UINT64_C(0xffff)
/* S2T0SZ, S2SL0, S2IR0, S2OR0, S2SH0, S2TG, S2PS: VTCR_EL2[18:0]'s layout at bit 32. */
#define SMMU_STE2_VTCR_SHIFT    32
#define SMMU_STE2_VTCR_MASK     UINT64_C(0x7ffff)      /* of VTCR_EL2: T0SZ..PS */
#define SMMU_STE2_S2AA64        BIT(51)
#define SMMU_STE2_S2R           BIT(58)  /* record stage-2 faults */
#define SMMU_STE3_S2TTB_MASK    UINT64_C(0x000ffffffffffff0)   /* [51:4] */

/* Commands (4.1): two 64-bit words, opcode in [7:0]. */
#define SMMU_CMD_WORDS          2
#define SMMU_CMD_SIZE           16
#define SMMU_CMD_CFGI_STE       UINT64_C(0x03)
#define SMMU_CMD_CFGI_STE_RANGE UINT64_C(0x04)
#define SMMU_CMD_TLBI_NSNH_ALL  UINT64_C(0x30)
#define SMMU_CMD_TLBI_S12_VMALL UINT64_C(0x28)
#define SMMU_CMD_SYNC           UINT64_C(0x46)
#define SMMU_CMD_SID_SHIFT      32       /* CFGI_STE: StreamID in word 0 */
#define SMMU_CMD_VMID_SHIFT     32       /* TLBI_S12_VMALL: VMID in word 0 */
#define SMMU_CMD_LEAF           BIT(0)   /* CFGI_STE word 1 */
#define SMMU_CMD_RANGE_ALL      UINT64_C(31)   /* CFGI_STE_RANGE word 1: every StreamID */

/* Events (7.3): four 64-bit words, type in [7:0], StreamID in [63:32]. */
#define SMMU_EVT_WORDS          4
#define SMMU_EVT_SIZE           32
#define SMMU_EVT0_TYPE_MASK     UINT64_C(0xff)
#define SMMU_EVT0_SID_SHIFT     32
#define SMMU_EVT1_RNW           BIT(35)
#define SMMU_EVT_F_UUT          0x01
#define SMMU_EVT_C_BAD_STREAMID 0x02
#define SMMU_EVT_F_STE_FETCH    0x03
#define SMMU_EVT_C_BAD_STE      0x04
#define SMMU_EVT_F_STREAM_DISABLED 0x06
#define SMMU_EVT_F_TRANSLATION  0x10
#define SMMU_EVT_F_ADDR_SIZE    0x11
#define SMMU_EVT_F_ACCESS       0x12
#define SMMU_EVT_F_PERMISSION   0x13

/* PCIe requester ID = StreamID on QEMU virt: bus [15:8], device [7:3], function [2:0]. */
#define PCI_RID_BUS_SHIFT       8
#define PCI_RID_DEV_SHIFT       3
#define PCI_RID_DEV_MASK        0x1fu
#define PCI_RID_FN_MASK         0x7u
#define PCI_BUS_MASK            0xffu
/* ---- SP805 watchdog (DDI 0270, 3.2) ------------------------------------ */
#define WDOG_LOAD           0x000
#define WDOG_VALUE          0x004
#define WDOG_CONTROL        0x008
#define WDOG_INTCLR         0x00c
#define WDOG_RIS            0x010
#define WDOG_MIS            0x014
#define WDOG_LOCK           0xc00
#define WDOG_ITCR           0xf00        /* integration test registers: RAZ/WI here */
#define WDOG_ITOP           0xf04
#define WDOG_SIZE           0x1000
#define WDOG_CONTROL_INTEN  BIT(0)       /* counter and interrupt enabled */
#define WDOG_CONTROL_RESEN  BIT(1)       /* reset output enabled */
#define WDOG_CONTROL_MASK   (WDOG_CONTROL_INTEN | WDOG_CONTROL_RESEN)
#define WDOG_INT            BIT(0)       /* RIS, MIS */
#define WDOG_LOCK_KEY       0x1acce551u  /* unlocks writes to the other registers */
#define WDOG_LOCKED         BIT(0)       /* WdogLock read: writes are disabled */
#define WDOG_LOAD_RESET     0xffffffffu
#define WDOG_IDS            0x00141805u  /* PeriphID: SP805 r1 (Linux's AMBA id 0x00141805) */
#define WDOG_CELL_IDS       0xb105f00du  /* PrimeCell ID */

#endif /* ARCH_REGS_H */
