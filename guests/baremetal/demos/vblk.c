/* SPDX-License-Identifier: MIT */
/*
 * vblk: a bare-metal virtio-blk backend (docs/virtio.md).  Serves each
 * device its device tree names ("tofu,virtio-backend") from a RAM disk in
 * its own RAM, from VBLK_DISK_OFFSET on: the disks live as long as this VM,
 * across restarts of their frontends.  Sleeps in WFI until tofu's doorbell;
 * never powers off.  bootargs "vblk.deaf=1": it never acknowledges a
 * device reset (the test of tofu's reset timeout).
 */
#include <stdbool.h>
#include <stdint.h>

#include "rt/arch.h"
#include "rt/gic.h"
#include "rt/platform.h"
#include "rt/print.h"
#include "rt/rt.h"
#include "rt/virtio_backend.h"

#define VBLK_DISK_OFFSET  0x800000u     /* 8 MiB into RAM: past the image and its stack */
#define VBLK_DTB_RESERVE  0x200000u     /* the device tree, in the last 2 MiB */

const char rt_program_name[] = "vblk";

static struct vbe backend;

int main(const void *dtb)
{
	const struct platform *p = platform_get();
	if (gic_init() != GIC_OK)
		rt_fatal("GIC set-up failed");
	uint64_t room = p->ram_size > VBLK_DISK_OFFSET + VBLK_DTB_RESERVE ?
			p->ram_size - VBLK_DISK_OFFSET - VBLK_DTB_RESERVE : 0;
	backend.deaf = platform_bootarg(platform_bootargs(), "vblk.deaf", 0, 0) != 0;
	int n = vbe_init(&backend, dtb, (uintptr_t)(p->ram_base + VBLK_DISK_OFFSET), room);
	if (n <= 0)
		rt_fatal("no virtio device to serve");
	rt_printf("vblk: serving %d device%s%s\n", n, n > 1 ? "s" : "", backend.deaf ? ", deaf to resets" : "");
	for (;;) {
		vbe_poll(&backend);
		arch_irq_mask();
		if (!backend.rung)
			arch_wfi();
		backend.rung = false;
		arch_irq_unmask();                /* the doorbell's handler runs here */
		arch_isb();
	}
}
