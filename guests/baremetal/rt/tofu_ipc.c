/* SPDX-License-Identifier: MIT */
/* tofu IPC calls: SMCCC fast calls through HVC #0 (docs/ipc.md). */
#include "rt/tofu_ipc.h"
#include "rt/fdt.h"

#define GIC_SPI_BASE     32u
#define FDT_IRQ_CELLS    3u
#define NAME_BYTES       16u

struct hvc_res {
	int64_t x0;
	uint64_t x1, x2, x3;
};

static struct hvc_res hvc(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;
	register uint64_t x4 __asm__("x4") = a4;
	__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4) : : "memory");
	return (struct hvc_res){ (int64_t)x0, x1, x2, x3 };
}

static uint64_t ipa_of(const void *p)
{
	return (uint64_t)(uintptr_t)p;  /* MMU off: addresses are IPAs */
}

int tofu_vm_id(uint32_t *id)
{
	struct hvc_res r = hvc(TOFU_HC_VM_ID, 0, 0, 0, 0);
	if (r.x0 == TOFU_OK)
		*id = (uint32_t)r.x1;
	return (int)r.x0;
}

int tofu_vm_lookup(const char *name, uint32_t *id)
{
	uint64_t w[2] = { 0, 0 };
	uint8_t *b = (uint8_t *)w;
	for (unsigned i = 0; i < NAME_BYTES && name[i]; i++)
		b[i] = (uint8_t)name[i];
	struct hvc_res r = hvc(TOFU_HC_VM_LOOKUP, w[0], w[1], 0, 0);
	if (r.x0 == TOFU_OK)
		*id = (uint32_t)r.x1;
	return (int)r.x0;
}

int tofu_msg_send(uint32_t vm, const void *buf, uint32_t len)
{
	return (int)hvc(TOFU_HC_MSG_SEND, vm, ipa_of(buf), len, 0).x0;
}

int tofu_msg_recv(void *buf, uint32_t size, uint32_t *sender, uint32_t *len, uint32_t *left)
{
	struct hvc_res r = hvc(TOFU_HC_MSG_RECV, ipa_of(buf), size, 0, 0);
	if (r.x0 == TOFU_OK) {
		*sender = (uint32_t)r.x1;
		*len = (uint32_t)r.x2;
		if (left)
			*left = (uint32_t)r.x3;
	}
	return (int)r.x0;
}

int tofu_doorbell(uint32_t vm)
{
	return (int)hvc(TOFU_HC_DOORBELL, vm, 0, 0, 0).x0;
}

int tofu_share(uint64_t ipa, uint64_t size, unsigned rights, uint32_t only, uint64_t *share_id)
{
	struct hvc_res r = hvc(TOFU_HC_SHARE, ipa, size, rights, only);
	if (r.x0 == TOFU_OK)
		*share_id = r.x1;
	return (int)r.x0;
}

int tofu_map(uint64_t share_id, uint64_t ipa, uint64_t *size, unsigned *rights)
{
	struct hvc_res r = hvc(TOFU_HC_MAP, share_id, ipa, 0, 0);
	if (r.x0 == TOFU_OK) {
		if (size)
			*size = r.x1;
		if (rights)
			*rights = (unsigned)r.x2;
	}
	return (int)r.x0;
}

int tofu_unmap(uint64_t share_id)
{
	return (int)hvc(TOFU_HC_UNMAP, share_id, 0, 0, 0).x0;
}

int tofu_revoke(uint64_t share_id)
{
	return (int)hvc(TOFU_HC_REVOKE, share_id, 0, 0, 0).x0;
}

const char *tofu_strerror(int status)
{
	return tofu_status_name(status);
}

int tofu_ipc_probe(const void *dtb, struct tofu_ipc_info *info)
{
	struct fdt fdt;
	struct fdt_node node;
	uint32_t len;
	if (!fdt_init(&fdt, dtb) || !fdt_find_compatible(&fdt, "tofu,ipc", &node))
		return -1;
	const void *irq = fdt_prop(&fdt, &node, "interrupts", &len);
	if (!irq || len < FDT_IRQ_CELLS * 4 ||
	    !fdt_reg(&fdt, &node, 0, &info->window_ipa, &info->window_size))
		return -1;
	info->doorbell_intid = GIC_SPI_BASE + fdt_cell(irq, 1);
	return 0;
}
