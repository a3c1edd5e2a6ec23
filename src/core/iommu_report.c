/* SPDX-License-Identifier: MIT */
/*
 * DMA faults and IOMMU errors, as the driver decoded them: one line per
 * drained burst naming the VM the stream belongs to (or none), the stream
 * and the first fault's address; rate-limited by time, like the VMs' lines.
 */
#include "core/iommu.h"
#include "core/printf.h"
#include "core/ratelimit.h"
#include "core/spinlock.h"
#include "arch/cpu.h"
#include "arch/regs.h"

#define DMA_LOG_BURST   8       /* lines at once */
#define DMA_LOG_PER_SEC 2       /* then so many a second */

static spinlock_t report_lock;
static struct ratelimit fault_log, error_log;

static bool may_log(struct ratelimit *r, const char *kind)
{
    uint32_t dropped;
    spin_lock(&report_lock);
    bool ok = ratelimit_take(r, arch_counter(), arch_counter_freq() / DMA_LOG_PER_SEC, DMA_LOG_BURST, &dropped);
    spin_unlock(&report_lock);
    if (ok && dropped)
        printf("iommu: %u %s line%s suppressed\n", dropped, kind, dropped == 1 ? "" : "s");
    else if (!ok && r->dropped == 1)
        printf("iommu: further %s lines suppressed for a while\n", kind);
    return ok;
}

void iommu_report(const struct vm *owner, const struct iommu_fault *f, unsigned events, bool overflow)
{
    if (!may_log(&fault_log, "DMA fault"))
        return;
    char where[48] = "";
    if (f->has_addr)
        snprintf(where, sizeof(where), " %s of %#lx", f->is_write ? "write" : "read", f->addr);
    /* On PCIe the StreamID is the requester ID: bus:device.function. */
    printf("iommu: DMA fault, %s%s, StreamID %#x (PCI %02x:%02x.%u): %s%s; %u event%s%s\n",
           owner ? "vm " : "", owner ? owner->cfg->name : "no VM", f->sid,
           (f->sid >> PCI_RID_BUS_SHIFT) & PCI_BUS_MASK, (f->sid >> PCI_RID_DEV_SHIFT) & PCI_RID_DEV_MASK,
           f->sid & PCI_RID_FN_MASK, f->name, where, events, events == 1 ? "" : "s",
           overflow ? ", event queue overflowed" : "");
}

void iommu_report_error(const char *what, uint32_t bits)
{
    if (may_log(&error_log, "IOMMU error"))
        printf("iommu: %s (GERROR bits %#x)\n", what, bits);
}
