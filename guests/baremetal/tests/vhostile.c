/* SPDX-License-Identifier: MIT */
/*
 * vhostile: a hostile virtio-blk frontend (docs/virtio.md).  Pokes its
 * virtio-mmio window at every width and random offsets with random values
 * (tofu answers, ignores and logs what the spec forbids), then brings the
 * device up properly and feeds its backend bad descriptor chains: a buffer
 * outside this VM's RAM, a chain that loops, a length beyond RAM, a sector
 * beyond the disk, a head index beyond the queue.  Each must come back
 * refused (VIRTIO_BLK_S_IOERR, or used length 0 when the chain has no
 * status byte) and good requests before and after must work: the backend
 * keeps serving.  Prints "VHOSTILE: ALL PASS" and parks (never powers off).
 * Against either tofu backend: the bare-metal vblk or Linux's tofu-vdev
 * (GET_ID answers "tofu-ramdisk" or "tofu-vdev"); "vhostile.probe_ms=<ms>"
 * is how long its first request may wait for the backend (a Linux one
 * boots first; tofu shows the device from the start).
 * bootargs "vhostile.resets=1": only brings the device up and resets it
 * every RESET_EVERY_MS, printing how long each reset took (tofu's wait for
 * the backend's acknowledgement, bounded).
 */
#include <stdbool.h>
#include <stdint.h>

#include "tofu/virtio.h"

#include "rt/arch.h"
#include "rt/fdt.h"
#include "rt/platform.h"
#include "rt/print.h"
#include "rt/rt.h"
#include "rt/timer.h"

#define QSIZE          8u
#define POKES          3000u
#define WAIT_MS        3000u
#define PROBE_MS       10000u
#define SECTOR         VIRTIO_BLK_SECTOR_BYTES
#define XORSHIFT_SEED  0x2545f491u
#define BEYOND_RAM     0x40000000u   /* from the RAM base: past any RAM this VM has */
#define HUGE_LEN       0x10000000u   /* 256 MiB: longer than this VM's RAM */
#define BAD_HEAD       200u          /* beyond QSIZE */
#define POKE_STATUS_KEEP 16u         /* one poke in so many may write Status */
#define RESET_EVERY_MS 300u
#define US_PER_MS      1000u

const char rt_program_name[] = "vhostile";

static uintptr_t base;
static unsigned failures;
static uint32_t rng = XORSHIFT_SEED;

static struct vring_desc desc[QSIZE] __attribute__((aligned(16)));
static struct { uint16_t flags, idx, ring[QSIZE], used_event; } avail __attribute__((aligned(4)));
static struct { uint16_t flags, idx; struct vring_used_elem ring[QSIZE]; uint16_t avail_event; } used
	__attribute__((aligned(4)));
static struct virtio_blk_req_hdr hdr __attribute__((aligned(16)));
static uint8_t data[SECTOR] __attribute__((aligned(16)));
static uint8_t back[SECTOR] __attribute__((aligned(16)));
static uint8_t idbuf[VIRTIO_BLK_ID_BYTES] __attribute__((aligned(16)));
static volatile uint8_t status_byte;
static uint64_t capacity;

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static uint32_t rd(uint32_t off) { return mmio_read32(base + off); }
static void wr(uint32_t off, uint32_t v) { mmio_write32(base + off, v); }

static void check(bool ok, const char *what)
{
	rt_printf("vhostile: %s: %s\n", what, ok ? "ok" : "FAIL");
	failures += !ok;
}

/* Every width at aligned random offsets, random values; Status rarely. */
static void poke(unsigned n)
{
	static const unsigned widths[] = { 1, 2, 4, 8 };
	for (unsigned i = 0; i < n; i++) {
		unsigned w = widths[next_rand() % 4];
		uint32_t off = (next_rand() % VIRTIO_MMIO_WINDOW_SIZE) & ~(w - 1);
		uint64_t v = (uint64_t)next_rand() << 32 | next_rand();
		bool write = next_rand() & 1;
		if (write && off == VIRTIO_MMIO_STATUS && next_rand() % POKE_STATUS_KEEP)
			continue;
		uintptr_t a = base + off;
		if (!write) {
			switch (w) {
			case 1: (void)mmio_read8(a); break;
			case 2: (void)mmio_read16(a); break;
			case 4: (void)mmio_read32(a); break;
			default: (void)mmio_read64(a); break;
			}
		} else {
			switch (w) {
			case 1: *(volatile uint8_t *)a = (uint8_t)v; break;
			case 2: mmio_write16(a, (uint16_t)v); break;
			case 4: mmio_write32(a, (uint32_t)v); break;
			default: mmio_write64(a, v); break;
			}
		}
	}
}

static bool bring_up(void)
{
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	if (!(rd(VIRTIO_MMIO_DEVICE_FEATURES) & 1))
		return false;
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);                  /* VERSION_1 */
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 0);
	uint32_t st = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK;
	wr(VIRTIO_MMIO_STATUS, st);
	if (!(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
		return false;
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	if (rd(VIRTIO_MMIO_QUEUE_NUM_MAX) < QSIZE)
		return false;
	wr(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)(uintptr_t)desc);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)((uint64_t)(uintptr_t)desc >> 32));
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(uintptr_t)&avail);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)((uint64_t)(uintptr_t)&avail >> 32));
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(uintptr_t)&used);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)((uint64_t)(uintptr_t)&used >> 32));
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	wr(VIRTIO_MMIO_STATUS, st | VIRTIO_STATUS_DRIVER_OK);
	capacity = rd(VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_CAPACITY) |
		   (uint64_t)rd(VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_CAPACITY + 4) << 32;
	return rd(VIRTIO_MMIO_QUEUE_READY) == 1 && capacity > 2;
}

static void set(unsigned i, const void *p, uint32_t len, uint16_t flags, uint16_t next)
{
	desc[i] = (struct vring_desc){ (uint64_t)(uintptr_t)p, len, flags, next };
}

/* How long a request may take: the first waits for the backend to be up
 * (vhostile.probe_ms: tofu shows the device before its backend runs). */
static uint64_t wait_ms = WAIT_MS;

/* Make `head` available, notify, wait for the used ring: its length, or -1. */
static int64_t submit(uint16_t head)
{
	uint16_t want = (uint16_t)(used.idx + 1);
	status_byte = 0xff;
	avail.ring[avail.idx % QSIZE] = head;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	avail.idx++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	uint64_t give_up = timer_now() + timer_ms_to_ticks(wait_ms);
	while (*(volatile uint16_t *)&used.idx != want)
		if (timer_now() > give_up)
			return -1;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, rd(VIRTIO_MMIO_INTERRUPT_STATUS));
	return used.ring[(want - 1) % QSIZE].len;
}

/* hdr, one data buffer, status: the ordinary shape of a request. */
static int64_t request(uint32_t type, uint64_t sector, const void *buf, uint32_t len, bool dev_writes)
{
	hdr = (struct virtio_blk_req_hdr){ .type = type, .sector = sector };
	set(0, &hdr, sizeof(hdr), VRING_DESC_F_NEXT, 1);
	set(1, buf, len, VRING_DESC_F_NEXT | (dev_writes ? VRING_DESC_F_WRITE : 0), 2);
	set(2, (const void *)&status_byte, 1, VRING_DESC_F_WRITE, 0);
	return submit(0);
}

static bool id_is(const char *want)
{
	unsigned i;
	for (i = 0; want[i]; i++)
		if (idbuf[i] != (uint8_t)want[i])
			return false;
	return i == sizeof(idbuf) || !idbuf[i];
}

static bool id_ok(void)
{
	return id_is("tofu-ramdisk") || id_is("tofu-vdev");
}

int main(const void *dtb)
{
	struct fdt fdt;
	struct fdt_node node;
	uint64_t size, ram = platform_get()->ram_base;

	if (!fdt_init(&fdt, dtb) || !fdt_find_compatible(&fdt, "virtio,mmio", &node) ||
	    !fdt_reg(&fdt, &node, 0, (uint64_t *)&base, &size))
		rt_fatal("no virtio,mmio node");
	uint64_t probe_ms = platform_bootarg(platform_bootargs(), "vhostile.probe_ms", PROBE_MS, 0);
	rt_printf("vhostile: window at 0x%lx: magic 0x%x version %u device %u vendor 0x%x\n", base,
		  rd(VIRTIO_MMIO_MAGIC_VALUE), rd(VIRTIO_MMIO_VERSION), rd(VIRTIO_MMIO_DEVICE_ID),
		  rd(VIRTIO_MMIO_VENDOR_ID));
	check(rd(VIRTIO_MMIO_MAGIC_VALUE) == VIRTIO_MMIO_MAGIC && rd(VIRTIO_MMIO_VERSION) == 2 &&
	      rd(VIRTIO_MMIO_DEVICE_ID) == VIRTIO_ID_BLOCK, "registers of a version-2 block device");

	if (platform_bootarg(platform_bootargs(), "vhostile.resets", 0, 0)) {
		for (unsigned n = 1;; n++) {
			bool up = bring_up();
			uint64_t t = timer_now();
			wr(VIRTIO_MMIO_STATUS, 0);
			uint64_t us = timer_ticks_to_us(timer_now() - t);
			rt_printf("vhostile: reset %u: %lu ms (device %s, status then %u)\n", n, us / US_PER_MS,
				  up ? "up" : "not up", rd(VIRTIO_MMIO_STATUS));
			uint64_t next = timer_now() + timer_ms_to_ticks(RESET_EVERY_MS);
			while (timer_now() < next)
				;
		}
	}
	poke(POKES);
	check(true, "random pokes at every width survived");
	check(bring_up(), "device brought up after the pokes");

	for (unsigned i = 0; i < SECTOR; i++)
		data[i] = (uint8_t)(i * 7 + 3);
	wait_ms = probe_ms;
	check(request(VIRTIO_BLK_T_GET_ID, 0, idbuf, sizeof(idbuf), true) > 0 && status_byte == 0 && id_ok(),
	      "GET_ID answers the backend's ID");
	wait_ms = WAIT_MS;
	check(request(VIRTIO_BLK_T_OUT, 1, data, SECTOR, false) >= 1 && status_byte == VIRTIO_BLK_S_OK, "OUT sector 1");
	check(request(VIRTIO_BLK_T_IN, 1, back, SECTOR, true) >= 1 && status_byte == VIRTIO_BLK_S_OK, "IN sector 1");
	bool same = true;
	for (unsigned i = 0; i < SECTOR; i++)
		same &= back[i] == data[i];
	check(same, "sector 1 reads back as written");

	check(request(VIRTIO_BLK_T_IN, 0, (const void *)(uintptr_t)(ram + BEYOND_RAM), SECTOR, true) >= 0 &&
	      status_byte == VIRTIO_BLK_S_IOERR, "buffer outside this VM's RAM: IOERR");
	/* hdr -> status -> hdr -> ...: the chain loops */
	hdr = (struct virtio_blk_req_hdr){ .type = VIRTIO_BLK_T_IN };
	set(0, &hdr, sizeof(hdr), VRING_DESC_F_NEXT, 1);
	set(1, (const void *)&status_byte, 1, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 0);
	check(submit(0) >= 0 && status_byte == VIRTIO_BLK_S_IOERR, "descriptor loop: IOERR");
	hdr = (struct virtio_blk_req_hdr){ .type = VIRTIO_BLK_T_IN };
	set(0, &hdr, HUGE_LEN, VRING_DESC_F_NEXT, 1);
	set(1, back, SECTOR, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2);
	set(2, (const void *)&status_byte, 1, VRING_DESC_F_WRITE, 0);
	check(submit(0) >= 0 && status_byte == VIRTIO_BLK_S_IOERR, "length beyond RAM: IOERR");
	check(request(VIRTIO_BLK_T_IN, capacity, back, SECTOR, true) >= 0 && status_byte == VIRTIO_BLK_S_IOERR,
	      "sector beyond the disk: IOERR");
	check(request(VIRTIO_BLK_T_OUT, 1, data, SECTOR, true) >= 0 && status_byte == VIRTIO_BLK_S_IOERR,
	      "OUT data the device would write: IOERR");
	check(submit(BAD_HEAD) == 0, "head index beyond the queue: used length 0");
	check(request(VIRTIO_BLK_T_GET_ID, 0, idbuf, sizeof(idbuf), true) > 0 && status_byte == 0 && id_ok(),
	      "the backend still serves: GET_ID");

	poke(POKES / 10);
	wr(VIRTIO_MMIO_STATUS, 0);
	check(rd(VIRTIO_MMIO_STATUS) == 0 && rd(VIRTIO_MMIO_QUEUE_READY) == 0, "reset at the end");
	if (failures)
		rt_printf("VHOSTILE: %u FAILED\n", failures);
	else
		rt_printf("VHOSTILE: ALL PASS\n");
	for (;;)
		arch_wfi();
}
