/* SPDX-License-Identifier: MIT */
/*
 * ipc_roundtrip: a 16-byte "PING" message to the VM named "rtos", which
 * sends the same payload back at once (demos/rtos_ipc.c).  The figure runs
 * from before MSG_SEND to after the MSG_RECV of the reply, with the wait
 * for the doorbell interrupt (WFI, IRQs open only around it) in between.
 * Only when the device tree has a "tofu,ipc" node: silent otherwise.
 *
 * ipc_map, ipc_unmap: one MAP of the RTOS's stats ring (a 4 KiB share, its
 * ID asked with CMD:ring) into this VM's share window, then its UNMAP, each
 * bracketed by counter reads.  A removed mapping is followed by the CPU's
 * TLB invalidation of the VMID and, when the VM's stage 2 is attached to
 * SMMU streams, the SMMU's (iommu_s2_changed): run in a VM that owns PCIe
 * streams (tests/configs/bench-smmu.dts), the figures are ipc_map_smmu and
 * ipc_unmap_smmu, and their difference from the first pair is the SMMU's
 * cost on a stage-2 change.
 */
#include <stdbool.h>
#include <stdint.h>

#include "tofu/abi.h"

#include "rt/arch.h"
#include "rt/gic.h"
#include "rt/hw.h"
#include "rt/irq.h"
#include "rt/platform.h"
#include "rt/print.h"
#include "rt/timer.h"
#include "rt/tofu_ipc.h"

#include "bench.h"

#define ITERS_IPC      300u
#define PING_BYTES     16u
#define PING_SEQ_AT    4u       /* "PING", then the iteration, little-endian */
#define PING_SEQ_BYTES 4u
#define BYTE_BITS      8u
#define PEER_NAME      "rtos"
#define ITERS_MAP      200u
#define RING_ASK       "CMD:ring"
#define RING_REPLY     "share="
#define DECIMAL        10u

static uint8_t ping[PING_BYTES] __attribute__((aligned(16)));
static uint8_t pong[TOFU_MSG_MAX] __attribute__((aligned(16)));
static volatile uint32_t doorbells;

static void bench_doorbell_irq(uint32_t intid, uint64_t entry_ticks)
{
	(void)intid;
	(void)entry_ticks;
	doorbells = doorbells + 1;
}

void bench_doorbell_enable(uint32_t intid, irq_handler_fn fn)
{
	const uintptr_t gicd = platform_get()->gicd_base;
	const uintptr_t cfg = gicd + GICD_ICFGR + sizeof(uint32_t) * (intid / BENCH_ICFGR_PER_WORD);
	const unsigned shift = BENCH_ICFGR_BITS * (intid % BENCH_ICFGR_PER_WORD);

	mmio_write32(cfg, (uint32_t)(mmio_read32(cfg) | BENCH_ICFGR_EDGE << shift));
	gic_spi_route_self(intid);
	irq_set_handler(intid, fn);
	gic_spi_enable(intid, BENCH_PRIO_DOORBELL);
}

static void bench_ping_fill(uint32_t seq)
{
	static const char magic[PING_SEQ_AT] = { 'P', 'I', 'N', 'G' };
	unsigned i;

	for (i = 0; i < PING_BYTES; i++)
		ping[i] = i < PING_SEQ_AT ? (uint8_t)magic[i] : 0;
	for (i = 0; i < PING_SEQ_BYTES; i++)
		ping[PING_SEQ_AT + i] = (uint8_t)(seq >> (BYTE_BITS * i));
}

static bool bench_pong_matches(uint32_t len)
{
	unsigned i;

	if (len != PING_BYTES)
		return false;
	for (i = 0; i < PING_BYTES; i++)
		if (pong[i] != ping[i])
			return false;
	return true;
}

/* Messages left over from before: dropped. */
static void bench_ipc_drain(void)
{
	uint32_t sender, len;

	while (tofu_msg_recv(pong, sizeof(pong), &sender, &len, 0) == TOFU_OK)
		;
}

/* One round trip; returns why it failed, or 0 with *ticks set. */
static const char *bench_ipc_once(uint32_t peer, uint32_t seq, uint64_t *ticks)
{
	const uint64_t patience = timer_ms_to_ticks(BENCH_WAIT_MS);
	uint32_t seen = doorbells, sender, len;
	uint64_t t0, t1;
	int rc;

	bench_ping_fill(seq);
	t0 = arch_counter_read();
	rc = tofu_msg_send(peer, ping, PING_BYTES);
	if (rc != TOFU_OK)
		return tofu_strerror(rc);
	while (doorbells == seen) {
		bench_wfi_window();
		if (arch_counter_read() > t0 + patience)
			return "no doorbell: no reply from rtos";
	}
	rc = tofu_msg_recv(pong, sizeof(pong), &sender, &len, 0);
	t1 = arch_counter_read();
	if (rc != TOFU_OK)
		return tofu_strerror(rc);
	if (sender != peer || !bench_pong_matches(len))
		return "the reply is not the PING sent";
	*ticks = t1 - t0;
	return 0;
}

#define PEER_WAIT_TRIES 20       /* of BENCH_WAIT_MS each */

/*
 * Under -icount every CPU's instructions advance the clock, so the peer's
 * start-up would land inside the first measurements: wait until it answers
 * a PING (its IPC is up, it idles between ticks) before measuring anything.
 */
void bench_wait_for_peer(const void *dtb)
{
	struct tofu_ipc_info info;
	uint32_t peer, i;
	uint64_t ticks;

	if (tofu_ipc_probe(dtb, &info) != 0 || tofu_vm_lookup(PEER_NAME, &peer) != TOFU_OK ||
	    info.doorbell_intid < GIC_SPI_BASE || info.doorbell_intid >= IRQ_HANDLER_COUNT)
		return;
	arch_irq_mask();
	bench_doorbell_enable(info.doorbell_intid, bench_doorbell_irq);
	for (i = 0; i < PEER_WAIT_TRIES && bench_ipc_once(peer, i, &ticks); i++)
		;
	bench_ipc_drain();
	gic_spi_disable(info.doorbell_intid);
	irq_set_handler(info.doorbell_intid, 0);
	rt_printf("bench: peer %s %s\n", PEER_NAME, i < PEER_WAIT_TRIES ? "ready" : "did not answer");
}

void bench_ipc(const void *dtb)
{
	struct tofu_ipc_info info;
	struct bench_stats s = { 0 };
	const char *failed = 0;
	uint32_t peer;
	uint32_t i;

	if (tofu_ipc_probe(dtb, &info) != 0)
		return;
	if (tofu_vm_lookup(PEER_NAME, &peer) != TOFU_OK) {
		bench_skip("ipc_roundtrip", "no VM named " PEER_NAME " on a channel");
		return;
	}
	if (info.doorbell_intid < GIC_SPI_BASE || info.doorbell_intid >= IRQ_HANDLER_COUNT) {
		bench_skip("ipc_roundtrip", "doorbell INTID out of range");
		return;
	}
	arch_irq_mask();
	bench_doorbell_enable(info.doorbell_intid, bench_doorbell_irq);
	bench_ipc_drain();
	for (i = 0; i < ITERS_IPC && !failed; i++) {
		uint64_t ticks = 0;

		failed = bench_ipc_once(peer, i, &ticks);
		if (!failed)
			bench_stats_add(&s, ticks);
	}
	gic_spi_disable(info.doorbell_intid);
	irq_set_handler(info.doorbell_intid, 0);
	if (failed)
		bench_skip("ipc_roundtrip", failed);
	else
		bench_report("ipc_roundtrip", &s);
}

/* The share-ID of the peer's stats ring (CMD:ring -> "share=<id>"), or why not. */
static const char *bench_ring_share(uint32_t peer, uint64_t *id)
{
	const uint64_t deadline = arch_counter_read() + timer_ms_to_ticks(BENCH_WAIT_MS);
	const uint32_t prefix = sizeof(RING_REPLY) - 1;
	uint32_t sender, len = 0, i;
	int rc = tofu_msg_send(peer, RING_ASK, sizeof(RING_ASK) - 1);

	/* The doorbell wakes the WFI; RECV says whether the reply is in. */
	if (rc == TOFU_OK)
		rc = tofu_msg_recv(pong, sizeof(pong), &sender, &len, 0);
	for (; rc == TOFU_E_EMPTY; rc = tofu_msg_recv(pong, sizeof(pong), &sender, &len, 0)) {
		if (arch_counter_read() > deadline)
			return "no reply from rtos to CMD:ring";
		bench_wfi_window();
	}
	if (rc != TOFU_OK)
		return tofu_strerror(rc);
	for (i = 0; i < prefix; i++)
		if (i >= len || pong[i] != (uint8_t)RING_REPLY[i])
			return "the reply to CMD:ring is not share=<id>";
	for (*id = 0; i < len && pong[i] >= '0' && pong[i] <= '9'; i++)
		*id = *id * DECIMAL + (uint64_t)(pong[i] - '0');
	return i == prefix ? "the reply to CMD:ring has no share-ID" : 0;
}

void bench_ipc_map(const void *dtb, bool streams)
{
	const char *map_name = streams ? "ipc_map_smmu" : "ipc_map";
	const char *unmap_name = streams ? "ipc_unmap_smmu" : "ipc_unmap";
	struct tofu_ipc_info info;
	struct bench_stats map = { 0 }, unmap = { 0 };
	const char *failed = 0;
	uint64_t id = 0, size = 0;
	uint32_t peer, i;

	if (tofu_ipc_probe(dtb, &info) != 0)
		return;
	if (tofu_vm_lookup(PEER_NAME, &peer) != TOFU_OK ||
	    info.doorbell_intid < GIC_SPI_BASE || info.doorbell_intid >= IRQ_HANDLER_COUNT) {
		bench_skip(map_name, "no VM named " PEER_NAME " on a channel, or its doorbell out of range");
		return;
	}
	arch_irq_mask();
	bench_doorbell_enable(info.doorbell_intid, bench_doorbell_irq);
	bench_ipc_drain();
	failed = bench_ring_share(peer, &id);
	gic_spi_disable(info.doorbell_intid);
	irq_set_handler(info.doorbell_intid, 0);
	for (i = 0; i < ITERS_MAP && !failed; i++) {
		uint64_t t0, t1, t2;
		int rc_map, rc_unmap;

		t0 = arch_counter_read();
		rc_map = tofu_map(id, info.window_ipa, &size, 0);
		t1 = arch_counter_read();
		rc_unmap = rc_map == TOFU_OK ? tofu_unmap(id) : rc_map;
		t2 = arch_counter_read();
		if (rc_map != TOFU_OK || rc_unmap != TOFU_OK || !size || size > info.window_size)
			failed = rc_map != TOFU_OK ? tofu_strerror(rc_map) : rc_unmap != TOFU_OK ? tofu_strerror(rc_unmap)
										  : "MAP gave a size outside the window";
		bench_stats_add(&map, t1 - t0);
		bench_stats_add(&unmap, t2 - t1);
	}
	if (failed) {
		bench_skip(map_name, failed);
		return;
	}
	bench_report(map_name, &map);
	bench_report(unmap_name, &unmap);
}
