/* SPDX-License-Identifier: MIT */
/*
 * Virtual GICv3 state.  The distributor and redistributor frames are
 * emulated (src/vdev/vgic_dist_v3.c, vgic_redist_v3.c; GICv2: vgic_dist_v2.c); the virtual CPU interface
 * is the hardware's, fed through the list registers.
 *
 * Where an interrupt's pending state lives: in its vCPU's `pending` bitmap
 * until vgic_flush() moves it into a list register on that vCPU's own
 * physical CPU; from then on the LR holds its pending/active state until the
 * guest deactivates it (the LR reads back empty in ICH_ELRSR_EL2).
 *
 * Lock order: vm->vgic.lock, then nothing.  `pending` is written with
 * atomics from any CPU; everything about list registers is touched only by
 * the physical CPU that runs the vCPU.
 */
#ifndef CORE_VGIC_H
#define CORE_VGIC_H
#include "core/types.h"
#include "core/spinlock.h"
#include "core/limits.h"
#include "arch/vgic_lr.h"

#define VGIC_NR_PRIVATE   32
#define VGIC_NR_IRQS      (VGIC_NR_PRIVATE + VGIC_MAX_SPIS)
#define VGIC_WORDS        ((VGIC_NR_IRQS + 63) / 64)
#define VGIC_MAX_LRS      16
#define VGIC_LR_NONE      0xffff
#define VGIC_PRIO_DEFAULT 0xa0
#define VGIC_DIST_IIDR    0x0000743bu  /* implementer 0x43b (Arm); tofu product 0 */
/* LPIs (a VM with a virtual ITS, docs/its.md): INTIDs GIC_LPI_BASE_ID up,
 * pending in a per-vCPU bitmap of their own, configured by tofu's copy of
 * the guest's configuration table. */
#define VGIC_LPI_WORDS    (VITS_MAX_LPIS / 64)
#define VGIC_LPI_SUMMARY  ((VGIC_LPI_WORDS + 63) / 64)

struct vgic_irq {
    uint8_t priority;
    bool enabled;
    bool edge;          /* ICFGR: edge-triggered */
    bool level;         /* current input level (level-sensitive sources) */
    bool group1;
    bool hw;            /* a physical SPI of a passed-through device */
    uint8_t target;     /* SPIs: vCPU index from IROUTER */
    uint64_t irouter;
};

#define VGIC_DIST_ID_REGS 4             /* GICD_CTLR, GICD_TYPER, GICD_IIDR, GICD_TYPER2 (GICv2: RAZ) */
/* The group enables of GICD_CTLR (bits 0 and 1 on both versions) that let
 * interrupts through: GICv3 guests use group 1 alone; a GICv2 guest enables
 * group 0 (Linux) or both, and either lets every enabled interrupt through. */
#if GIC_VERSION == 2
#define VGIC_CTLR_DELIVER (GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1)
#else
#define VGIC_CTLR_DELIVER GICD_CTLR_ENABLE_G1
#endif

struct vgic_dist {
    /* First: the distributor's first registers as the guest reads them, in
     * register order, so that a read of one is one load at its offset
     * (vdev/vgic_dist_v<n>.c).  GICv3: CTLR holds ARE and DS, always set,
     * with the enables written; GICv2: the enables alone. */
    union {
        uint32_t id_regs[VGIC_DIST_ID_REGS];
        struct {
            uint32_t ctlr, typer, iidr, typer2;
        };
    };
    spinlock_t lock;
    unsigned nr_spis;                 /* a multiple of 32 */
    struct vgic_irq spi[VGIC_MAX_SPIS];
    vgic_lr_t lr_soft[VGIC_MAX_SPIS]; /* as vgic_cpu.lr_soft, for spi[i] */
    uint32_t nr_lpis;                 /* LPIs 8192..8192+nr_lpis-1; 0: none (GICD_TYPER.LPIS 0) */
};

struct vgic_cpu {
    struct vgic_irq priv[VGIC_NR_PRIVATE];   /* SGIs and PPIs */
    /* The list register that delivers priv[i] straight from the exit path
     * (vgic_inject_local), kept by vgic_irq_changed() and
     * vgic_dist_set_ctlr(): set for a hardware interrupt (the virtual
     * timer, the PMU) while it and the distributor's group 1 are enabled,
     * 0 when it must go through the bitmap. */
    vgic_lr_t lr_ready[VGIC_NR_PRIVATE];
    /* The list register that delivers priv[i] from the bitmap in one step
     * (flush_one), kept as lr_ready is: set while it, not a hardware
     * interrupt, and group 1 are enabled, 0 otherwise; it carries no EOI
     * request (flush_one leaves a high level line to flush_slow). */
    vgic_lr_t lr_soft[VGIC_NR_PRIVATE];
    uint64_t pending[VGIC_WORDS];            /* not yet in a list register */
    uint16_t lr_intid[VGIC_MAX_LRS];
    uint32_t lr_used;                        /* bit i: LR i holds lr_intid[i] */
    uint32_t lr_hw;                          /* ... a hardware interrupt (HW=1) */
    uint32_t lr_level;                       /* ... an emulated level one (EOI=1) */
    /* What asks a flush for more than the bitmap, one word to flush_one. */
    union {
        struct {
            bool uie;                        /* underflow maintenance armed */
            bool resample;                   /* a level dropped on another CPU */
            union {                          /* flush_slow tests both at once */
                struct {
                    bool unactive_any;       /* unactive[] has a bit set */
                    bool lpis;               /* LPI work: one may wait (vgic_lpi_of), or a drop */
                };
                uint16_t remote_asks;
            };
        };
        uint32_t slow_asks;
    };
    uint64_t unactive[VGIC_WORDS];           /* ICACTIVER from another CPU, for its next flush */
    bool waker_sleep;                        /* GICR_WAKER.ProcessorSleep */
    /* Put by a switch (vgic_vcpu_put): lr_* describe its saved LRs, which
     * only its own CPU changes, so its next load keeps them. */
    bool lrs_kept;
    uint32_t lrs_ppi;                        /* then: its LRs of forwarded PPIs (lrs_hw_ppi) */
#if GIC_VERSION == 2
    /* A GICv2 SGI is pending once per source CPU (IHI 0048B 3.2.4): bit s
     * of sgi_src[n], source vCPU s, while SGI n from it waits for a list
     * register (pending[] has n then).  One source at a time is in an LR;
     * its LR asks for an EOI maintenance interrupt while others wait. */
    uint8_t sgi_src[GIC_PPI_BASE_ID];
#endif
};

/* A vCPU's LPIs: the redistributor's registers, and what waits.  Apart
 * from struct vgic_cpu and struct vcpu (struct vgic_lpis, at the end of
 * struct vm), so that neither grows: the exit path's fields stay close
 * together and &vm->vcpus[i] a short multiply.  summary bit w: pending[w]
 * may be non-zero (set after the word, cleared before it is read).  drop:
 * CLEAR and DISCARD from another CPU, for this vCPU's next flush to take
 * out of its list registers. */
struct vgic_lpi_cpu {
    bool enabled;                            /* GICR_CTLR.EnableLPIs */
    bool drop_any;                           /* drop[] has a bit set (then vgic_cpu.lpis is set too) */
    bool refresh;                            /* the configuration changed: LPIs in LRs go back */
    uint64_t propbaser, pendbaser;
    uint64_t pending[VGIC_LPI_WORDS];
    uint64_t summary[VGIC_LPI_SUMMARY];
    uint64_t drop[VGIC_LPI_WORDS];
};

/* A VM's LPIs.  cfg[i] is LPI 8192+i's byte of the configuration table
 * (LPI_CFG_*), read from the guest's table at GICR_CTLR.EnableLPIs and at
 * INV and INVALL (vgic_lpi_reload); 0, disabled, until then. */
#define VGIC_LPI_NO_FWD 0xffu
struct vgic_lpis {
    uint8_t cfg[VITS_MAX_LPIS];
    /* After MOVI: the vCPU a pending state still in the old vCPU's list
     * register goes to when that vCPU takes it out (its drop request);
     * VGIC_LPI_NO_FWD when none, or a CLEAR or DISCARD came since. */
    uint8_t fwd[VITS_MAX_LPIS];
    struct vgic_lpi_cpu cpu[VM_MAX_VCPUS];
};

struct vm;
struct vcpu;

/* nr_lpis: 0, or VITS_MAX_LPIS for a VM with a virtual ITS. */
void vgic_vm_init(struct vm *vm, unsigned nr_spis, unsigned nr_lpis);
void vgic_vcpu_init(struct vcpu *v);
/* Configuration state of `intid` as seen from vCPU `v` (NULL if not the VM's). */
struct vgic_irq *vgic_irq_of(struct vcpu *v, unsigned intid);
/* Make `intid` pending for the vCPU it targets; kicks that vCPU's CPU. */
void vgic_inject(struct vcpu *v, unsigned intid);
void vgic_inject_spi(struct vm *vm, unsigned intid);
/* GICD/GICR_ICACTIVER: deactivate `intid` for the vCPU whose list register
 * holds it, without an EOI; from another CPU, at that vCPU's next flush. */
void vgic_clear_active(struct vcpu *v, unsigned intid);
/* A private interrupt for `v` on its own CPU, from the exit path: straight
 * into a free list register when it can go there. */
void vgic_inject_local(struct vcpu *v, unsigned intid);
/* Emulated level-sensitive sources: drive the input line of an SPI, or of
 * a PPI of vCPU `v`.  Only a change of the line changes the state. */
void vgic_set_level(struct vm *vm, unsigned intid, bool level);
void vgic_set_ppi_level(struct vcpu *v, unsigned intid, bool level);
void vgic_clear_pending(struct vcpu *v, unsigned intid);
bool vgic_is_pending(struct vcpu *v, unsigned intid);
bool vgic_is_active(struct vcpu *v, unsigned intid);
/* ICC_SGI1R_EL1 write from vCPU `v`. */
void vgic_send_sgi(struct vcpu *v, uint64_t sgi1r);
#if GIC_VERSION == 2
/* GICv2, where each source CPU's SGI is pending on its own: SGI `intid`
 * from vCPU `source` made pending on `t` (GICD_SGIR, GICD_SPENDSGIR); the
 * sources whose SGI `intid` is pending on `t`, a bit each; clearing those
 * of `sources` (GICD_CPENDSGIR). */
void vgic_inject_sgi(struct vcpu *t, unsigned intid, unsigned source);
unsigned vgic_sgi_sources(struct vcpu *t, unsigned intid);
void vgic_clear_sgi(struct vcpu *t, unsigned intid, unsigned sources);
#endif
/* Move pending interrupts into list registers.  Runs on `v`'s own CPU,
 * right before entering the guest. */
void vgic_flush(struct vcpu *v);
/* Does `v` have an interrupt that should end a WFI? */
bool vgic_wants_wakeup(struct vcpu *v);
/* The maintenance interrupt on `v`'s CPU (NULL: no vCPU there). */
void vgic_maintenance(struct vcpu *v);
/* The list registers were just loaded for `v`: take their contents
 * (vgic_vcpu_loaded, core/vm.h, is the call: it skips this when a switch
 * kept them and there is nothing to activate again). */
void vgic_vcpu_reload(struct vcpu *v);
/* A shared CPU's switch (docs/scheduling.md): `v` leaves its CPU for a
 * while, its LRs saved (arch_vcpu_put); the physical PPIs it holds active
 * are freed for the next vCPU (vgic_vcpu_loaded takes them again). */
void vgic_vcpu_put(struct vcpu *v);
/* An enabled interrupt waits in v's bitmap (or LPI work): not its LRs. */
bool vgic_pending_deliverable(struct vcpu *v);
/* vgic_wants_wakeup of a vCPU that is not loaded: its LRs in its context. */
bool vgic_wants_wakeup_saved(struct vcpu *v);
/* `v` leaves its CPU for good: release what holds physical interrupts. */
void vgic_vcpu_stop(struct vcpu *v);
/* After an enable or group change: deliver what was held back. */
void vgic_update(struct vcpu *v, unsigned intid);
/* After any change of `intid`'s configuration as `t` sees it (enable,
 * priority, group, trigger): keeps what the exit path precomputes. */
void vgic_irq_changed(struct vcpu *t, unsigned intid);
/* GICD_CTLR's writable bits: the group enables, for every vCPU of `vm`. */
void vgic_dist_set_ctlr(struct vm *vm, uint32_t enables);

/* LPIs (docs/its.md), the virtual ITS's effects.  `lpi` is an INTID;
 * one outside the VM's LPIs is ignored.  Pend makes it pending on `v` and
 * kicks v's CPU; unpend takes its pending state away, from v's list
 * registers too (on another CPU: at v's next flush); move takes a pending
 * state still in v's bitmap to `to`, all of them for vgic_lpi_move_all. */
void vgic_lpi_pend(struct vcpu *v, unsigned lpi);
void vgic_lpi_unpend(struct vcpu *v, unsigned lpi);
void vgic_lpi_move(struct vcpu *v, struct vcpu *to, unsigned lpi);
void vgic_lpi_move_all(struct vcpu *v, struct vcpu *to);
/* Read the configuration of `count` LPIs from `first` again from the table
 * at v's GICR_PROPBASER (INV, INVALL, EnableLPIs); those now enabled and
 * pending are delivered.  False when the table is not in the VM's RAM
 * (the copy then stays as it was). */
bool vgic_lpi_reload(struct vcpu *v, unsigned first, unsigned count);
/* The redistributor's LPI registers (vdev/vgic_redist_v3.c). */
void vgic_lpi_set_ctlr(struct vcpu *v, bool enable);
/* Ask `v` for a flush of its LPI work (flush_lpi_work) at its next exit. */
void vgic_lpi_kick(struct vcpu *v);
bool vgic_lpi_pending(struct vcpu *v, unsigned lpi);

/* A VM's virtual ITS (vdev/vgic_its.c, when its config has one): built
 * once (NULL, or why not), back to power-on at each start. */
const char *vgic_its_build(struct vm *vm);
void vgic_its_reset(struct vm *vm);
/* An MSI from one of the VM's devices, EventID `event_id` of DeviceID
 * `device_id` (which the hardware supplied): translated by its ITS (false:
 * to nothing). */
bool vgic_its_msi(struct vm *vm, uint32_t device_id, uint32_t event_id);
/* msi_vm_sync() of the VM's ITS, under its lock. */
void vgic_its_sync(struct vm *vm);
/* Physical LPIs (core/msi.c): the VM's devices' MSIs routed to its ITS, at
 * its build (NULL, or why not); one arriving at EL2. */
const char *msi_vm_build(struct vm *vm);
/* A DeviceID (= requester ID = StreamID) of the VM: its iommu-streams and
 * its pci-functions. */
struct vm_config;
bool msi_owns_device(const struct vm_config *c, uint32_t device_id);
void msi_lpi(unsigned intid);
/* GICv4.0 direct injection (core/msi.c; nothing on a VM without it).
 * msi_vm_sync: the physical ITS's mappings of the VM's devices' events made
 * what `its` translates them to (the caller holds its lock).  msi_vlpi_cmd:
 * INV or CLEAR on the physical ITS of the direct event of vLPI `lpi`, or
 * (lpi 0) of every direct event of vCPU `vcpu`.  msi_vcpu_lpis_changed:
 * GICR_CTLR.EnableLPIs of `o` written.  msi_vcpu_wait: before a vCPU's
 * wait at EL2, its vPE not resident (a vLPI now rings the doorbell); true
 * if one is already deliverable (then no wait).  msi_vcpu_resume: the vPE
 * resident again, on entry and after a wait.  msi_vcpu_reload: on its own
 * CPU, the vPE's table reloaded if another vCPU changed it.  msi_vcpu_park: not resident
 * (parked).  msi_vm_reset: a restart (vCPUs parked).  msi_vm_stopped: the
 * log line of how its devices' MSIs went. */
struct vits;
void msi_vm_sync(struct vm *vm, const struct vits *its);
void msi_vlpi_cmd(struct vm *vm, unsigned cmd, unsigned lpi, unsigned vcpu);
void msi_vcpu_lpis_changed(struct vcpu *o, bool enabled, uint64_t propbaser);
bool msi_vcpu_wait(struct vcpu *v);
void msi_vcpu_resume(struct vcpu *v);
void msi_vcpu_park(struct vcpu *v);
void msi_vcpu_reload(struct vcpu *v);
void msi_vm_reset(struct vm *vm);
void msi_vm_stopped(struct vm *vm);

/* Number of list registers of this CPU (ICH_VTR_EL2). */
extern unsigned vgic_nr_lrs;
#if GIC_VERSION == 2
/* The board's GIC does not signal a physical interrupt again that a guest
 * deactivated through a hardware list register while its line stayed high
 * (platform.gic_hw_lr_no_refire: QEMU's GICv2 model).  Then a hardware
 * interrupt's LR asks for an EOI maintenance interrupt instead, at which
 * tofu deactivates the physical interrupt itself. */
extern bool vgic_hw_by_eoi;
#endif

#endif
