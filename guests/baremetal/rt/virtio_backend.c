/* SPDX-License-Identifier: MIT */
/* A bare-metal virtio backend (rt/virtio_backend.h). */
#include "rt/virtio_backend.h"
#include "rt/smccc.h"

#include "tofu/abi.h"
#include "rt/arch.h"
#include "rt/exception.h"
#include "rt/fdt.h"
#include "rt/gic.h"
#include "rt/irq.h"
#include "rt/print.h"
#include "rt/tofu_ipc.h"
#include "rt/virtio_msg.h"

#define VBE_DOORBELL_PRIORITY 0x90
#define VBE_SERVE_BATCH       64u     /* requests per queue before the messages again */
#define VBE_DISK_ID           "tofu-ramdisk"

static struct vbe *irq_vbe;

static void doorbell(uint32_t intid, uint64_t entry_ticks)
{
	(void)intid;
	(void)entry_ticks;
	irq_vbe->rung = true;
}

static uint64_t be64(const void *p)
{
	return (uint64_t)fdt_cell(p, 0) << 32 | fdt_cell(p, 1);
}

static int64_t hvc3(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return (int64_t)smccc_hvc(fid, a1, a2, a3).a0;
}

static int dev_register(struct vbe_dev *d)
{
	static struct tofu_virtio_reg reg;
	tofu_virtio_identity(&reg, VIRTIO_ID_BLOCK, d->disk.size, 0);
	return (int)hvc3(TOFU_HC_VIRTIO_REGISTER, d->index, (uint64_t)(uintptr_t)&reg, sizeof(reg));
}

int vbe_init(struct vbe *b, const void *dtb, uintptr_t disk_base, uint64_t disk_room)
{
	struct fdt fdt;
	struct fdt_node node, *prev = 0;
	struct tofu_ipc_info info;
	uint32_t len;

	b->n = 0;
	if (!fdt_init(&fdt, dtb) || tofu_ipc_probe(dtb, &info))
		return -1;
	while (b->n < VBE_MAX_DEVICES && fdt_find_compatible_after(&fdt, "tofu,virtio-backend", prev, &node)) {
		struct vbe_dev *d = &b->dev[b->n];
		const void *idx = fdt_prop(&fdt, &node, "tofu,device", &len);
		const void *did = fdt_prop(&fdt, &node, "tofu,device-id", &len);
		const void *fe = fdt_prop(&fdt, &node, "tofu,frontend", &len);
		const void *fe_ram = fdt_prop(&fdt, &node, "tofu,frontend-ram", &len);
		const void *dsz = fdt_prop(&fdt, &node, "tofu,ram-disk-size", &len);
		const char *name = fdt_prop(&fdt, &node, "tofu,frontend-name", &len);
		uint64_t ipa, size;
		static struct fdt_node last;
		last = node;
		prev = &last;
		if (!idx || !did || !fe || !fe_ram || !dsz || !fdt_reg(&fdt, &node, 0, &ipa, &size))
			continue;
		*d = (struct vbe_dev){ .index = fdt_cell(idx, 0), .device_id = fdt_cell(did, 0), .frontend = fdt_cell(fe, 0) };
		for (unsigned i = 0; name && i + 1 < sizeof(d->frontend_name) && name[i]; i++)
			d->frontend_name[i] = name[i];
		d->win = (struct virtq_window){ .fe_base = be64(fe_ram), .size = size, .local = (uintptr_t)ipa };
		d->disk = (struct virtio_blk_disk){ .data = (uint8_t *)disk_base, .size = be64(dsz), .id = VBE_DISK_ID };
		if (d->device_id != VIRTIO_ID_BLOCK || d->disk.size > disk_room) {
			rt_printf("vblk: device %u: cannot serve it (type %u, disk %lu bytes)\n", d->index,
				  d->device_id, d->disk.size);
			continue;
		}
		disk_base += d->disk.size;
		disk_room -= d->disk.size;
		int rc = dev_register(d);
		rt_printf("vblk: device %u: block, %lu MiB RAM disk, to VM %u (%s), its RAM at 0x%lx here: register %s\n",
			  d->index, d->disk.size >> 20, d->frontend, d->frontend_name, ipa, tofu_strerror(rc));
		if (rc == TOFU_OK)
			b->n++;
	}
	b->doorbell_intid = info.doorbell_intid;
	irq_vbe = b;
	irq_set_handler(info.doorbell_intid, doorbell);
	gic_spi_enable(info.doorbell_intid, VBE_DOORBELL_PRIORITY);
	return (int)b->n;
}

static struct vbe_dev *dev_by_index(struct vbe *b, uint32_t index)
{
	for (unsigned i = 0; i < b->n; i++)
		if (b->dev[i].index == index)
			return &b->dev[i];
	return 0;
}

static void dev_reset(struct vbe_dev *d)
{
	for (unsigned i = 0; i < TOFU_VIRTIO_MAX_QUEUES; i++) {
		d->q[i].ready = false;
		d->kick[i] = false;
	}
	d->status = 0;
	d->drv_features = 0;
}

static void on_message(struct vbe *b, const uint8_t *m, uint32_t len)
{
	static struct virtio_msg msg;
	struct vbe_dev *d;
	if (!virtio_msg_parse(m, len, &msg) || !(d = dev_by_index(b, msg.h.dev_num)))
		return;
	switch (msg.h.msg_id) {
	case VIRTIO_MSG_SET_DRV_FEATURES:
		d->drv_features = msg.u.features.features;
		break;
	case VIRTIO_MSG_SET_VQUEUE: {
		const struct virtio_msg_vqueue *v = &msg.u.vqueue;
		if (v->index >= TOFU_VIRTIO_MAX_QUEUES)
			break;
		if (!(v->flags & VIRTIO_MSG_VQ_READY)) {
			d->q[v->index].ready = false;
			break;
		}
		struct exc_recovery rec;
		exc_recovery_arm(&rec);
		if (rt_setjmp(&rec.jmp) == 0) {
			if (!virtq_setup(&d->q[v->index], &d->win, v->size, v->desc_addr, v->driver_addr, v->device_addr))
				rt_printf("vblk: device %u queue %u: rings outside VM %u's RAM: queue left off\n",
					  d->index, v->index, d->frontend);
		} else {
			d->q[v->index].ready = false;
			d->faults++;
		}
		exc_recovery_disarm();
		break;
	}
	case VIRTIO_MSG_SET_DEVICE_STATUS:
		if (!msg.u.status.status) {
			dev_reset(d);
			d->resets++;
			if (!b->deaf)
				hvc3(TOFU_HC_VIRTIO_RESET_DONE, d->index, msg.h.msg_uid, 0);   /* the reset's generation */
		}
		d->status = msg.u.status.status;
		break;
	case VIRTIO_MSG_EVENT_AVAIL:
		if (msg.u.avail.index < TOFU_VIRTIO_MAX_QUEUES)
			d->kick[msg.u.avail.index] = true;
		break;
	default:                               /* SET_CONFIG: virtio-blk's config is the device's */
		break;
	}
}

static void on_event(struct vbe *b, const uint8_t *m)
{
	uint32_t type = (uint32_t)m[0] | (uint32_t)m[1] << 8, peer = (uint32_t)m[4] | (uint32_t)m[5] << 8;
	for (unsigned i = 0; i < b->n; i++) {
		struct vbe_dev *d = &b->dev[i];
		if (d->frontend != peer)
			continue;
		if (type == TOFU_EVENT_PEER_DOWN) {
			dev_reset(d);                  /* its RAM is out of our window already */
			rt_printf("vblk: device %u: VM %u (%s) stopped; disk kept (%lu reads, %lu writes so far)\n",
				  d->index, peer, d->frontend_name, d->disk.reads, d->disk.writes);
		} else if (type == TOFU_EVENT_PEER_UP) {
			rt_printf("vblk: device %u: VM %u (%s) started again\n", d->index, peer, d->frontend_name);
		}
	}
}

/* Serve up to a batch of a queue's requests; a fault (the frontend stopped
 * and its RAM left the window under us) ends the batch. */
static void serve(struct vbe_dev *d, unsigned qi)
{
	static struct virtq_chain c;
	struct virtq *q = &d->q[qi];
	volatile unsigned done = 0;
	struct exc_recovery rec;

	if (!q->ready || !(d->status & VIRTIO_STATUS_DRIVER_OK))
		return;
	exc_recovery_arm(&rec);
	if (rt_setjmp(&rec.jmp) != 0) {
		exc_recovery_disarm();
		q->ready = false;
		d->faults++;
		rt_printf("vblk: device %u: fault in VM %u's RAM: queue %u off until it is set up again\n", d->index,
			  d->frontend, qi);
		return;
	}
	while (done < VBE_SERVE_BATCH && virtq_pop(q, &d->win, &c)) {
		uint32_t written = virtio_blk_serve(&d->disk, &c);
		if (c.err != VIRTQ_OK) {
			d->refused++;
			rt_printf("vblk: device %u: request %u refused: %s\n", d->index, c.head, virtq_err_name(c.err));
		}
		virtq_push(q, &d->win, c.head, written);
		done++;
		d->served++;
	}
	exc_recovery_disarm();
	if (!q->ready)
		rt_printf("vblk: device %u queue %u: broken avail ring: queue off\n", d->index, qi);
	if (done) {
		hvc3(TOFU_HC_VIRTIO_EVENT, d->index, VIRTIO_MSG_EVENT_USED, 0);
		d->kick[qi] = true;                    /* more may be waiting: look again */
	}
	if (done < VBE_SERVE_BATCH)
		d->kick[qi] = false;
}

void vbe_poll(struct vbe *b)
{
	static uint8_t m[TOFU_MSG_MAX] __attribute__((aligned(16)));
	uint32_t from, len;
	bool more = true;

	while (more) {
		more = false;
		while (tofu_msg_recv(m, sizeof(m), &from, &len, 0) == TOFU_OK) {
			if (from == TOFU_VM_ID_TOFU && len == TOFU_EVENT_BYTES)
				on_event(b, m);
			else if (from == TOFU_VM_ID_TOFU)
				on_message(b, m, len);
		}
		for (unsigned i = 0; i < b->n; i++)
			for (unsigned qi = 0; qi < TOFU_VIRTIO_MAX_QUEUES; qi++)
				if (b->dev[i].kick[qi]) {
					serve(&b->dev[i], qi);
					more |= b->dev[i].kick[qi];
				}
	}
}
