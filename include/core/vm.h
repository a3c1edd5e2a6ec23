/* SPDX-License-Identifier: MIT */
#ifndef CORE_VM_H
#define CORE_VM_H
#include "core/config.h"
#include "core/mmio.h"
#include "core/vcpu.h"
#include "core/vpl011.h"
#include "core/vsp805.h"
#include "core/vpci.h"
#include "core/wdog.h"
#include "core/console.h"
#include "core/ipc.h"
#include "arch/pt.h"
#include "core/limits.h"

/* VM_ABSENT: the config asked for what this machine cannot give; never runs. */
/* VM_FAILED: stopped by its restart policy after too many failures; it can
 * be started again from the shell, as a stopped one. */
enum vm_state { VM_STOPPED, VM_RUNNING, VM_STOPPING, VM_ABSENT, VM_FAILED };
enum vm_stop_reason { VM_STOP_NONE, VM_STOP_POWEROFF, VM_STOP_RESET, VM_STOP_FATAL, VM_STOP_CONSOLE,
                      VM_STOP_STORM, VM_STOP_WATCHDOG, VM_STOP_PANIC };

struct vm {
    unsigned id;                        /* VM-ID: index in the config, from 1 */
    const struct vm_config *cfg;
    unsigned nr_mmio;                   /* first: the exit path scans them */
    struct mmio_region mmio[VM_MAX_MMIO];
    const struct mmio_region *mmio_ro;  /* the one read from a read-only page: its writes fault */
    spinlock_t lock;                    /* state, vCPU power and running flags */
    volatile enum vm_state state;
    enum vm_stop_reason stop_reason;
    bool restart_after_stop;
    struct pt s2;
    uint64_t s2_pool;                   /* PA of VM_SHARE_TABLES pages for share mappings */
    uint64_t s2_pool_busy;              /* bit n: page n of the pool holds a table */
    uint64_t vttbr, vtcr;
    unsigned iommu_streams;             /* StreamIDs given its stage 2 (iommu_attach) */
    struct vpci vpci;                   /* its PCIe functions (pci-functions) and virtual ECAM */
    uint64_t pci_pool;                  /* PA of VM_PCI_TABLES pages: tables mapping their BARs */
    unsigned pci_pool_used;
    bool pci_pool_on;                   /* at boot, while the BARs are mapped */
    paddr_t ram_pa;
    uint64_t cntvoff;
    unsigned nr_vcpus;
    struct vcpu vcpus[VM_MAX_VCPUS];
    struct vgic_dist vgic;
    struct vgic_its *its;               /* its virtual ITS (cfg->its_ipa), or NULL */
    bool msi_direct;                    /* its devices' MSIs as vLPIs (GICv4.0, core/msi.c) */
    struct vpl011 uart;
    struct vsp805 sp805;                /* used when cfg->wdog_clk_hz */
    struct wdog wdog;
    spinlock_t log_lock;                /* the log buckets of the VM and its vCPUs */
    struct ratelimit event_log;         /* lifecycle lines; survives restarts */
    struct console_src con;
    /* The VMs it may message and share with, by VM-ID (ipc_peers_init,
     * from the config; never changes): NULL for itself, for one that is
     * not its peer and for an ID no VM has. */
    struct vm *ipc_peer[MAX_VMS + 1];
    struct ipc_queue ipc_rx;            /* messages to this VM (under ipc_lock) */
    uint32_t peer_down, peer_up;        /* events for this VM, bit n = VM-ID n (ipc_lock) */
    unsigned starts;                    /* how often it was started */
    unsigned restarts;                  /* after failures, by its policy */
    uint64_t started_at;                /* counter value at its last start */
    unsigned log_mark;                  /* console_mark() at its last start */
    uint64_t fail_window_start;         /* counter value; failures counted since */
    unsigned fail_count;
    bool failed_for_good;               /* the policy gave up: VM_FAILED once stopped */
    volatile bool start_requested;      /* for the idle loop of vCPU 0's CPU */
    /* Clearing its RAM at a (re)start: chunks claimed by the VM's CPUs. */
    unsigned clear_chunks, clear_next, clear_done;
    volatile bool clearing;
    bool ram_clean;                     /* zero since a cold boot: not cleared at its first start */
    /* Last: large, and used only by a VM with a virtual ITS. */
    struct vgic_lpis lpis;
};

/* The list registers were just loaded for `v`: its LR bookkeeping as a
 * switch kept it (vgic_vcpu_put), inline when no forwarded PPI waits to be
 * active again; else vgic_vcpu_reload takes them. */
static inline void vgic_vcpu_loaded(struct vcpu *v)
{
    if (v->vgic.lrs_kept && !v->vgic.lrs_ppi)
        v->vgic.lrs_kept = false;
    else
        vgic_vcpu_reload(v);
}

/* vCPU v's LPIs (core/vgic.h). */
static inline struct vgic_lpi_cpu *vgic_lpi_of(struct vcpu *v) { return &v->vm->lpis.cpu[v->id]; }

extern struct vm vms[MAX_VMS];
extern unsigned nr_vms;
/* The VM each passed-through physical interrupt belongs to. */
extern struct vm *vm_hw_irq_owner[HW_IRQ_MAX];

/* Create every VM of the config; returns how many could be.  A VM whose
 * RAM overlaps one of `written` is cleared at its first start even after a
 * cold boot of a platform whose RAM is zero at power-on. */
/* `written`: RAM someone wrote before tofu ran (the boot loader's code, the boot DTB). */
unsigned vm_create_all(const struct ram_range *written, unsigned nr_written);
void vm_start(struct vm *vm);
/* Start a stopped VM from any CPU: reloaded and started by vCPU 0's CPU. */
void vm_start_async(struct vm *vm);
/* Called by a CPU's idle loop: perform start requests for its VMs. */
/* A VM whose vCPU 0 is on `cpu` asks to be (re)started (vm_run_requests
 * does it): a shared CPU's scheduler looks, as it may never be idle. */
bool vm_requests_for(unsigned cpu);
void vm_run_requests(unsigned cpu);
struct vm *vm_by_name_or_id(const char *s);
/* The VM of VM-ID `id` (1..nr_vms), or NULL; inline for the IPC paths
 * (id - 1 wraps for 0). */
static inline struct vm *vm_by_id(unsigned id)
{
    return id - 1u < nr_vms ? &vms[id - 1] : NULL;
}
/* Ask every vCPU of `vm` to stop; the last one out finishes the stop. */
void vm_request_stop(struct vm *vm, enum vm_stop_reason why, bool restart);
/* Stop `v`'s VM because of something the guest did; logs `reason`; its
 * restart policy decides whether it starts again. */
void vm_fatal(struct vcpu *v, const char *reason);
/* A failure noticed outside the guest's exits (its watchdog): logs the
 * reason, stops the VM for `why`, its restart policy decides. */
void vm_failed(struct vm *vm, enum vm_stop_reason why, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Its watchdog expired (core/wdog.h; `what`: which and how): a hang, or,
 * when the VM printed a panic since its start, that panic (a Linux without
 * panic=N hangs after it).  A failure either way. */
void vm_hung(struct vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* PSCI SYSTEM_RESET (warm = false) or SYSTEM_RESET2's warm reset from `v`:
 * the guest's own reset, or, after a panic, a failure (docs/failure.md). */
void vm_guest_reset(struct vcpu *v, bool warm);
/* An exception was injected into `v`: too many within a second is a fault
 * storm, a failure like vm_fatal. */
void vm_fault_injected(struct vcpu *v);
/* The reason of the VM's last stop, for the shell. */
const char *vm_stop_reason_name(const struct vm *vm);
/* Called on the vCPU's own CPU when it notices its VM is stopping. */
void vm_vcpu_parked(struct vcpu *v);
/* Is [ipa, ipa + len) in the VM's RAM?  The offset wraps for an IPA below
 * it, and is then beyond ram_size too; once it is at most ram_size, the
 * subtraction cannot wrap.  Inline, with vm_ram_ptr: MSG_SEND's and
 * MSG_RECV's paths. */
static inline bool vm_ipa_in_ram(const struct vm *vm, uint64_t ipa, uint64_t len)
{
    const struct vm_config *c = vm->cfg;
    uint64_t off = ipa - c->ram_ipa;
    return off <= c->ram_size && len <= c->ram_size - off;
}
/* The hypervisor's pointer to an IPA vm_ipa_in_ram accepted. */
static inline void *vm_ram_ptr(const struct vm *vm, uint64_t ipa)
{
    return pa_to_ptr(pa_of(vm->ram_pa.bits + (ipa - vm->cfg->ram_ipa)));
}
/* Guest IPA -> hypervisor pointer for `len` bytes of RAM, or NULL. */
static inline void *vm_ipa_to_ptr(struct vm *vm, uint64_t ipa, uint64_t len)
{
    return vm_ipa_in_ram(vm, ipa, len) ? vm_ram_ptr(vm, ipa) : NULL;
}
struct vcpu *vm_vcpu_by_mpidr(struct vm *vm, uint64_t mpidr);
/* Log a line about something the guest did, rate-limited per vCPU and kind
 * (enum vm_log_kind, core/vcpu.h) by time, across restarts. */
void vm_log(struct vcpu *v, enum vm_log_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *vm_state_name(enum vm_state s);

/* For emulated devices whose registers a VM reads from a read-only page
 * (src/vdev/vpl011.c, src/core/virtio.c): at the VM's build, map `page` (a
 * hypervisor page) read-only at `ipa`, so that its reads take no trap and
 * its writes a stage-2 permission fault, which the trap code hands to the
 * MMIO region at that IPA (E_EXIST where something is mapped already);
 * make what the hypervisor wrote there visible to the guest's uncached
 * reads (ends with a DSB: before an interrupt that follows); and map or
 * unmap the page (unmapping waits until no CPU reads through it any more). */
int vm_reg_page_map(struct vm *vm, uint64_t ipa, const void *page);
void vm_shadow_publish(const void *p, uint64_t len);
void vm_shadow_map(struct vm *vm, uint64_t *pte, bool on);
/* Tables of the VM's share-mapping pool in use. */
unsigned vm_share_tables_used(const struct vm *vm);

#endif
