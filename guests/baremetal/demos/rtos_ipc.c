/* SPDX-License-Identifier: MIT */
/*
 * The RTOS VM's side of tofu IPC (docs/ipc.md).  It publishes its tick
 * statistics once a second as a record in a single-producer ring in a page
 * it shares with its peers (and as a message to a subscriber), and it
 * serves requests that arrive as messages (the doorbell interrupt wakes it;
 * it never polls):
 *
 *   PING...            the same payload back at once (IPC round trip)
 *   CMD:stats          the latest statistics, as text
 *   CMD:subscribe <b>  1: the statistics as a message every second; 0: stop
 *   CMD:ring           "share=<id>": the share-ID of the stats ring
 *   CMD:seq <n> <size> n sequence messages back (the tofu-msg recv-seq format)
 *   CMD:sum            what it received of a sequence: count, order, checksum,
 *                      and how many RECV calls found nothing: it drains only
 *                      when the doorbell rings and stops when RECV says no
 *                      message is left, so at most one per doorbell, and
 *                      only when a doorbell raced with a drain
 *   CMD:reset          forget the sequence received so far
 *   CMD:pause <ms>     stop draining for that long (lets a sender fill the queue)
 *   CMD:revoke         revoke the ring's share
 *   CMD:share          share a page and revoke it again: "share=<status>"
 * Anything else is a sequence message: 4-byte little-endian index, payload.
 */
#include "rtos_ipc.h"

#include "rt/arch.h"
#include "rt/gic.h"
#include "rt/irq.h"
#include "rt/platform.h"
#include "rt/print.h"
#include "rt/timer.h"
#include "rt/tofu_ipc.h"
#include "tofu/ring.h"

#define IPC_PRIORITY        0x90
#define RING_SLOTS          32u
#define RING_SLOT_BYTES     64u
#define RING_OFFSET         0x200000u   /* from the RAM base: 2 MiB */
#define RING_SHARE_BYTES    0x1000u
#define CMD_PREFIX          "CMD:"
#define CMD_PREFIX_LEN      4
#define PING_PREFIX         "PING"
#define PING_PREFIX_LEN     4
#define SEQ_INDEX_BYTES     4
#define SEQ_DEFAULT_SIZE    64u
#define SEQ_MUL_INDEX       31u         /* payload byte j of message i: (i*31 + j*7) & 0xff */
#define SEQ_MUL_BYTE        7u
#define FNV32_OFFSET_BASIS  0x811c9dc5u
#define FNV32_PRIME         0x01000193u
/* Messages one drain takes at most: a peer that keeps the queue full must
 * not keep the doorbell handler, and so the periodic task, from running. */
#define DRAIN_BATCH         TOFU_QUEUE_DEPTH

int memcmp(const void *a, const void *b, size_t n);

static struct {
	bool on;
	uint32_t self, subscriber;
	struct tofu_ipc_info info;
	struct tofu_ring_end ring;      /* our own view: the shared header is the peer's too */
	bool ring_broken_seen;
	uint64_t ring_share;
	uint64_t pause_until;           /* counter value; 0 = not paused */
	bool drain_more;                /* a drain stopped at DRAIN_BATCH: the main loop goes on */
	/* sequence received */
	uint32_t seq_next, seq_count, seq_sum;
	bool seq_inorder;
	uint32_t recv_empty, doorbells;
	/* sequence to send */
	uint32_t send_to, send_next, send_total, send_size;
	char stats[TOFU_MSG_MAX];       /* the last report, as text */
	int stats_len;
} ipc;

static uint8_t msg[TOFU_MSG_MAX];

static uint32_t fnv(uint32_t h, const uint8_t *p, uint32_t n)
{
	while (n--)
		h = (h ^ *p++) * FNV32_PRIME;
	return h;
}

static uint32_t parse_u32(const char **s)
{
	uint32_t v = 0;

	while (**s == ' ')
		(*s)++;
	while (**s >= '0' && **s <= '9')
		v = v * 10 + (uint32_t)(*(*s)++ - '0');
	return v;
}

static void reply(uint32_t to, const char *text, int len)
{
	if (len > (int)TOFU_MSG_MAX)
		len = TOFU_MSG_MAX;
	tofu_msg_send(to, text, (uint32_t)len);   /* a full or stopped peer loses it */
}

static void seq_received(const uint8_t *p, uint32_t len)
{
	uint32_t index = 0;

	for (int i = SEQ_INDEX_BYTES - 1; i >= 0; i--)
		index = (index << 8) | (len > (uint32_t)i ? p[i] : 0);
	if (index != ipc.seq_next)
		ipc.seq_inorder = false;
	ipc.seq_next = index + 1;
	ipc.seq_count++;
	ipc.seq_sum = fnv(ipc.seq_sum, p, len);
}

static void seq_reset(void)
{
	ipc.seq_next = ipc.seq_count = 0;
	ipc.seq_sum = FNV32_OFFSET_BASIS;
	ipc.seq_inorder = true;
	ipc.recv_empty = ipc.doorbells = 0;
}

static void command(uint32_t from, const char *c, uint32_t len)
{
	char out[TOFU_MSG_MAX];
	char text[TOFU_MSG_MAX + 1];

	for (uint32_t i = 0; i < len; i++)
		text[i] = c[i];
	text[len] = '\0';
	const char *arg = text;
	if (!memcmp(text, "stats", 5)) {
		reply(from, ipc.stats, ipc.stats_len);
	} else if (!memcmp(text, "subscribe", 9)) {
		arg += 9;
		ipc.subscriber = parse_u32(&arg) ? from : 0;
	} else if (!memcmp(text, "ring", 4)) {
		reply(from, out, rt_snprintf(out, sizeof(out), "share=%lu", ipc.ring_share));
	} else if (!memcmp(text, "seq", 3)) {
		arg += 3;
		ipc.send_to = from;
		ipc.send_total = parse_u32(&arg);
		ipc.send_size = parse_u32(&arg);
		if (ipc.send_size < SEQ_INDEX_BYTES || ipc.send_size > TOFU_MSG_MAX)
			ipc.send_size = SEQ_DEFAULT_SIZE;
		ipc.send_next = 0;
	} else if (!memcmp(text, "sum", 3)) {
		int n = rt_snprintf(out, sizeof(out),
				    "received=%u inorder=%s checksum=%08x empty-recvs=%u doorbells=%u",
				    ipc.seq_count, ipc.seq_inorder ? "yes" : "no", ipc.seq_sum,
				    ipc.recv_empty, ipc.doorbells);
		rt_printf("rtos: sequence %s\n", out);
		reply(from, out, n);
	} else if (!memcmp(text, "reset", 5)) {
		seq_reset();
	} else if (!memcmp(text, "pause", 5)) {
		arg += 5;
		ipc.pause_until = timer_now() + timer_ms_to_ticks(parse_u32(&arg));
	} else if (!memcmp(text, "share", 5)) {
		uint64_t id = 0;
		uintptr_t page = platform_get()->ram_base + RING_OFFSET + RING_SHARE_BYTES;
		int rc = tofu_share(page, RING_SHARE_BYTES, TOFU_SHARE_RO, 0, &id);
		if (rc == TOFU_OK)
			(void)tofu_revoke(id);
		reply(from, out, rt_snprintf(out, sizeof(out), "share=%s", tofu_strerror(rc)));
	} else if (!memcmp(text, "revoke", 6)) {
		int rc = tofu_revoke(ipc.ring_share);
		rt_printf("rtos: revoked share %lu: %s\n", ipc.ring_share, tofu_strerror(rc));
		reply(from, out, rt_snprintf(out, sizeof(out), "revoked=%s", tofu_strerror(rc)));
	}
}

/* Drain the queue: until RECV says none is left, or DRAIN_BATCH messages
 * (then the main loop drains on).  A message that arrives later rings the
 * doorbell again (edge), so none is missed. */
static void drain(void)
{
	uint32_t from, len, left;

	ipc.drain_more = false;
	for (unsigned n = 0;; n++) {
		if (n == DRAIN_BATCH) {
			ipc.drain_more = true;
			return;
		}
		if (ipc.pause_until && timer_now() < ipc.pause_until)
			return;
		ipc.pause_until = 0;
		int rc = tofu_msg_recv(msg, sizeof(msg), &from, &len, &left);
		if (rc == TOFU_E_EMPTY) {
			ipc.recv_empty++;
			return;
		}
		if (rc != TOFU_OK) {
			rt_printf("rtos: RECV failed: %s\n", tofu_strerror(rc));
			return;
		}
		if (len >= PING_PREFIX_LEN && !memcmp(msg, PING_PREFIX, PING_PREFIX_LEN))
			tofu_msg_send(from, msg, len);
		else if (len >= CMD_PREFIX_LEN && !memcmp(msg, CMD_PREFIX, CMD_PREFIX_LEN))
			command(from, (const char *)msg + CMD_PREFIX_LEN, len - CMD_PREFIX_LEN);
		else
			seq_received(msg, len);
		if (!left)
			return;
	}
}

static void doorbell(uint32_t intid, uint64_t entry_ticks)
{
	(void)intid;
	(void)entry_ticks;
	ipc.doorbells++;
	drain();
}

bool rtos_ipc_init(const void *dtb)
{
	const struct platform *p = platform_get();

	if (tofu_ipc_probe(dtb, &ipc.info) || tofu_vm_id(&ipc.self) != TOFU_OK)
		return false;
	ipc.on = true;
	seq_reset();

	void *region = (void *)(uintptr_t)(p->ram_base + RING_OFFSET);
	tofu_ring_producer_init(&ipc.ring, region, RING_SHARE_BYTES, RING_SLOTS, RING_SLOT_BYTES);
	/* read-write: the consumer advances tail */
	int rc = tofu_share((uintptr_t)region, RING_SHARE_BYTES, TOFU_SHARE_RW, 0, &ipc.ring_share);
	rt_printf("rtos: IPC: VM-ID %u, doorbell INTID %u, stats ring shared as share-ID %lu (%s)\n",
		  ipc.self, ipc.info.doorbell_intid, ipc.ring_share, tofu_strerror(rc));

	irq_set_handler(ipc.info.doorbell_intid, doorbell);
	gic_spi_enable(ipc.info.doorbell_intid, IPC_PRIORITY);
	return true;
}

void rtos_ipc_publish(const struct rtos_stats *s)
{
	if (!ipc.on)
		return;
	ipc.stats_len = rt_snprintf(ipc.stats, sizeof(ipc.stats),
				    "rtos: tick %lu worst-latency %lu us mean-latency %lu us mem %s",
				    s->tick, s->worst_us, s->mean_us, s->mem_ok ? "ok" : "CORRUPT");
	char *slot = tofu_ring_produce_slot(&ipc.ring);
	if (slot) {      /* a full ring: the reader is behind, the record is dropped */
		rt_snprintf(slot, RING_SLOT_BYTES, "tick=%lu worst=%lu mean=%lu", s->tick,
			    s->worst_us, s->mean_us);
		tofu_ring_produce_commit(&ipc.ring);
	} else if (ipc.ring.broken && !ipc.ring_broken_seen) {
		ipc.ring_broken_seen = true;
		rt_printf("rtos: the stats ring's consumer wrote tail %u (head %u): ring stopped\n",
			  ipc.ring.ring->tail, ipc.ring.index);
	}
	if (ipc.subscriber)
		reply(ipc.subscriber, ipc.stats, ipc.stats_len);
}

bool rtos_ipc_work(uint64_t now)
{
	if (!ipc.on)
		return false;
	if ((ipc.pause_until && now >= ipc.pause_until) || ipc.drain_more)
		drain();
	while (ipc.send_next < ipc.send_total) {
		for (uint32_t j = 0; j < ipc.send_size; j++)
			msg[j] = (uint8_t)(ipc.send_next * SEQ_MUL_INDEX + j * SEQ_MUL_BYTE);
		for (int i = 0; i < SEQ_INDEX_BYTES; i++)
			msg[i] = (uint8_t)(ipc.send_next >> (8 * i));
		int rc = tofu_msg_send(ipc.send_to, msg, ipc.send_size);
		if (rc == TOFU_E_FULL)
			return true;            /* retry after the next interrupt */
		if (rc != TOFU_OK) {
			rt_printf("rtos: sequence to VM %u stopped at %u: %s\n", ipc.send_to,
				  ipc.send_next, tofu_strerror(rc));
			ipc.send_total = 0;
			return false;
		}
		ipc.send_next++;
	}
	return ipc.pause_until != 0 || ipc.drain_more;
}
