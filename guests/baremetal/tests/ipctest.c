/* SPDX-License-Identifier: MIT */
/*
 * ipctest: tofu's IPC calls (docs/ipc.md) checked from a bare-metal VM,
 * with the RTOS demo (demos/rtos_ipc.c) as the peer.  The device tree picks
 * the role: with a tofu,ipc node this is the main test, VM 1 on a channel
 * with "rtos" (VM 2); without one it is "loner" (VM 3, on no channel), which
 * must reach no one.  Every check compares the exact TOFU_* status.
 *
 * Messages are received only when the doorbell says so: the program runs
 * with IRQs masked, sleeps in WFI with the virtual timer bounding every
 * sleep, and after a doorbell interrupt drains its queue with RECV until
 * TOFU_E_EMPTY.  It never powers off (the other VMs must keep running): it
 * prints its summary and parks; the test harness ends QEMU.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tofu/abi.h"
#include "tofu/ring.h"

#include "rt/arch.h"
#include "rt/exception.h"
#include "rt/gic.h"
#include "rt/hw.h"
#include "rt/irq.h"
#include "rt/platform.h"
#include "rt/print.h"
#include "rt/rt.h"
#include "rt/test.h"
#include "rt/timer.h"
#include "rt/tofu_ipc.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char rt_program_name[] = "ipctest";

int memcmp(const void *a, const void *b, size_t n);

/* VM-IDs: the order of the VMs in tests/configs/ipc-bm.dts. */
#define SELF_VM_ID          1u
#define RTOS_VM_ID          2u
#define LONER_VM_ID         3u
#define ABSENT_VM_ID        9u

#define OUTSIDE_RAM_IPA     0x20000000ul  /* below RAM and no device: not the VM's */
#define SHARE_PAGE_OFFSET   0x800000ul    /* own page to share: RAM + 8 MiB */
#define PAGE_BYTES          0x1000ul
#define MISALIGN_BYTES      0x800ul
#define RIGHTS_WRITE_ONLY   2u            /* not a valid rights value */
#define UNKNOWN_SHARE_ID    12345u
#define LONER_MAP_ID        1u            /* probably rtos's ring: not a peer's */
#define SHARE_TABLE_SLOTS   64u           /* more than tofu's table has */
#define IPCTEST_SHARE_QUOTA 8u            /* ipc-shares in tests/configs/ipc-bm.dts */

#define DOORBELL_PRIORITY   0x90
#define VTIMER_PRIORITY     0x80

#define READY_TIMEOUT_MS    5000          /* rtos answers PING within this */
#define READY_RETRY_MS      200
#define REPLY_TIMEOUT_MS    2000
#define SEND_TIMEOUT_MS     2000          /* one send retried on TOFU_E_FULL */
#define FULL_RETRY_US       200
#define PAUSE_MS            1500          /* rtos stops draining this long ... */
#define PAUSE_SETTLE_MS     300           /* ... once it has read the command */
#define PAUSE_OVER_MS       1600          /* after filling its queue: the pause is over */
#define SEQ_COUNT           2000u
#define SEQ_SIZE            64u
#define SEQ_TIMEOUT_MS      60000
#define SEQ_TAIL_MS         100           /* then nothing more may arrive */
#define RING_WAIT_MS        1100          /* rtos publishes a record once a second */
#define PING_PAYLOAD_BYTES  12

/* Sequence messages (demos/rtos_ipc.c): byte j of message i is (i*31 + j*7) & 0xff,
 * then bytes 0..3 are replaced by i, little-endian. */
#define SEQ_MUL_INDEX       31u
#define SEQ_MUL_BYTE        7u
#define SEQ_INDEX_BYTES     4u
#define FNV32_OFFSET_BASIS  0x811c9dc5u
#define FNV32_PRIME         0x01000193u

#define RING_RECORD_PREFIX  "tick="
#define REVOKE_REPLY        "revoked=TOFU_OK"

static struct tofu_ipc_info ipc;

/* ---- waiting: the doorbell and the virtual timer ---- */

static volatile uint32_t doorbell_irqs;   /* doorbell interrupts taken */
static uint32_t doorbells_seen;           /* doorbell_irqs at the last drain */

static void doorbell_irq(uint32_t intid, uint64_t entry_ticks)
{
	(void)intid;
	(void)entry_ticks;
	doorbell_irqs = doorbell_irqs + 1;
}

/*
 * Masks the timer (drops the level before EOI) only if its condition holds:
 * an interrupt left pending from an earlier sleep, taken after the timer
 * was re-armed for a later deadline, must not mask that one.
 */
static void vtimer_irq(uint32_t intid, uint64_t entry_ticks)
{
	(void)intid;
	(void)entry_ticks;
	if (vtimer_asserted())
		vtimer_mask();
}

static bool doorbell_pending(void)
{
	return doorbell_irqs != doorbells_seen;
}

static uint64_t us_to_ticks(uint64_t us)
{
	return us * timer_rate() / TIMER_US_PER_S;
}

static uint64_t ms_since(uint64_t start)
{
	return timer_ticks_to_us(timer_now() - start) / 1000;
}

/*
 * WFI until `deadline` (counter ticks) or, if `doorbell_wakes`, until a
 * doorbell not drained yet.  IRQs stay masked except between WFI and the
 * next check, so no wake-up is lost (WFI wakes on a pending IRQ even with
 * PSTATE.I set); the virtual timer at the deadline bounds the sleep.
 */
static void sleep_until(uint64_t deadline, bool doorbell_wakes)
{
	vtimer_start_at(deadline);
	while (timer_now() < deadline && !(doorbell_wakes && doorbell_pending())) {
		arch_wfi();
		arch_irq_unmask();
		arch_isb();
		arch_irq_mask();
	}
	vtimer_stop();
}

static void sleep_ms(uint64_t ms)
{
	sleep_until(timer_now() + timer_ms_to_ticks(ms), false);
}

/* ---- receiving: drain after each doorbell ---- */

typedef void (*msg_fn)(const uint8_t *msg, uint32_t len, uint32_t sender);
typedef bool (*done_fn)(void);

static struct {
	uint32_t drains;      /* queue drains, one per doorbell noticed */
	uint32_t empties;     /* RECVs that found nothing: one per drain */
	uint32_t msgs;
} rx;

static uint8_t rx_buf[TOFU_MSG_MAX];

/* RECV until TOFU_E_EMPTY, each message to fn.  Called only after a doorbell. */
static void drain(msg_fn fn)
{
	uint32_t sender, len, left;

	doorbells_seen = doorbell_irqs;
	rx.drains++;
	for (;;) {
		int rc = tofu_msg_recv(rx_buf, sizeof(rx_buf), &sender, &len, &left);

		if (rc == TOFU_E_EMPTY) {
			rx.empties++;
			return;
		}
		if (rc != TOFU_OK) {
			TEST_FAIL("RECV: %s", tofu_strerror(rc));
			return;
		}
		rx.msgs++;
		fn(rx_buf, len, sender);
	}
}

/* Drain on every doorbell until done(), or false at `deadline`. */
static bool receive_until(msg_fn fn, done_fn done, uint64_t deadline)
{
	while (!done()) {
		if (doorbell_pending()) {
			drain(fn);
			continue;
		}
		if (timer_now() >= deadline)
			return false;
		sleep_until(deadline, true);
	}
	return true;
}

static void msg_stray(const uint8_t *msg, uint32_t len, uint32_t sender)
{
	(void)msg;
	rt_printf("  unexpected message from VM %u, %u bytes: ignored\n", sender, len);
}

static bool never(void)
{
	return false;
}

/* Whatever arrived unasked, before a test counts its own interrupts. */
static void drain_strays(void)
{
	if (doorbell_pending())
		drain(msg_stray);
}

/* One reply at a time: the request/response commands. */
static struct {
	uint8_t data[TOFU_MSG_MAX + 1];   /* NUL-terminated copy */
	uint32_t len, sender, count;
} reply;

static void reply_store(const uint8_t *msg, uint32_t len, uint32_t sender)
{
	if (reply.count++) {
		msg_stray(msg, len, sender);
		return;
	}
	for (uint32_t i = 0; i < len; i++)
		reply.data[i] = msg[i];
	reply.data[len] = '\0';
	reply.len = len;
	reply.sender = sender;
}

static bool reply_arrived(void)
{
	return reply.count != 0;
}

/* ---- sending ---- */

static uint32_t text_len(const char *s)
{
	uint32_t n = 0;

	while (s[n])
		n++;
	return n;
}

/* MSG_SEND to rtos, retried after a short sleep while its queue is full. */
static int send_retry(const void *msg, uint32_t len, uint32_t *fulls)
{
	uint64_t give_up = timer_now() + timer_ms_to_ticks(SEND_TIMEOUT_MS);
	int rc;

	while ((rc = tofu_msg_send(RTOS_VM_ID, msg, len)) == TOFU_E_FULL &&
	       timer_now() < give_up) {
		if (fulls)
			(*fulls)++;
		sleep_until(timer_now() + us_to_ticks(FULL_RETRY_US), false);
	}
	return rc;
}

/* A command rtos does not answer. */
static bool rtos_command(const char *cmd)
{
	int rc = send_retry(cmd, text_len(cmd), NULL);

	if (rc != TOFU_OK)
		TEST_FAIL("sending '%s': %s", cmd, tofu_strerror(rc));
	return rc == TOFU_OK;
}

/* Send and wait for rtos's one reply, then in reply.data. */
static bool rtos_call(const void *msg, uint32_t len)
{
	int rc;

	reply.count = 0;
	rc = send_retry(msg, len, NULL);
	if (rc != TOFU_OK) {
		TEST_FAIL("sending a %u-byte request: %s", len, tofu_strerror(rc));
		return false;
	}
	if (!receive_until(reply_store, reply_arrived,
			   timer_now() + timer_ms_to_ticks(REPLY_TIMEOUT_MS))) {
		TEST_FAIL("no reply from rtos within %u ms", REPLY_TIMEOUT_MS);
		return false;
	}
	return EXPECT_EQ(reply.sender, RTOS_VM_ID);
}

static bool rtos_call_text(const char *cmd)
{
	bool ok = rtos_call(cmd, text_len(cmd));

	if (ok)
		rt_printf("  %s -> \"%s\"\n", cmd, (const char *)reply.data);
	return ok;
}

/* ---- text of rtos's replies ---- */

static bool text_starts(const char *s, const char *prefix)
{
	return !memcmp(s, prefix, text_len(prefix));
}

/* The text after "<key>=" in "k1=v1 k2=v2 ...", or NULL. */
static const char *text_field(const char *s, const char *key)
{
	uint32_t n = text_len(key);

	for (const char *p = s; *p; p++)
		if ((p == s || p[-1] == ' ') && !memcmp(p, key, n) && p[n] == '=')
			return p + n + 1;
	return NULL;
}

static int digit_value(char c, unsigned base)
{
	int v = c >= '0' && c <= '9' ? c - '0'
	      : c >= 'a' && c <= 'f' ? c - 'a' + 10
	      : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

	return v >= 0 && (unsigned)v < base ? v : -1;
}

/* A number in `base` at s (NULL: none), up to the first non-digit. */
static bool text_number(const char *s, unsigned base, uint64_t *out)
{
	uint64_t v = 0;
	int d;
	const char *p = s;

	if (!p)
		return false;
	for (; (d = digit_value(*p, base)) >= 0; p++)
		v = v * base + (uint64_t)d;
	*out = v;
	return p != s;
}

static bool field_number(const char *s, const char *key, unsigned base, uint64_t *out)
{
	if (text_number(text_field(s, key), base, out))
		return true;
	TEST_FAIL("no %s=<number> in \"%s\"", key, s);
	return false;
}

/* ---- sequence messages ---- */

static uint8_t seq_byte(uint32_t index, uint32_t j)
{
	if (j < SEQ_INDEX_BYTES)
		return (uint8_t)(index >> (8 * j));
	return (uint8_t)(index * SEQ_MUL_INDEX + j * SEQ_MUL_BYTE);
}

static void seq_fill(uint8_t *msg, uint32_t index, uint32_t size)
{
	for (uint32_t j = 0; j < size; j++)
		msg[j] = seq_byte(index, j);
}

static uint32_t fnv1a(uint32_t h, const uint8_t *p, uint32_t n)
{
	while (n--)
		h = (h ^ *p++) * FNV32_PRIME;
	return h;
}

/* ---- waiting for rtos ---- */

static uint32_t ready_attempt, ready_echo;

static void ready_store(const uint8_t *msg, uint32_t len, uint32_t sender)
{
	static const char prefix[] = "PING ready ";
	char text[TOFU_MSG_MAX + 1];
	uint64_t n;

	for (uint32_t i = 0; i < len; i++)
		text[i] = (char)msg[i];
	text[len] = '\0';
	if (sender != RTOS_VM_ID || !text_starts(text, prefix) ||
	    !text_number(text + sizeof(prefix) - 1, 10, &n)) {
		msg_stray(msg, len, sender);
		return;
	}
	ready_echo = (uint32_t)n;
}

static bool ready_done(void)
{
	return ready_echo == ready_attempt;
}

/*
 * rtos enables its doorbell only after its first timer tick: PING until it
 * answers.  Earlier attempts may be answered too, but rtos serves its queue
 * in order, so once the last one is back no echo is left in flight.
 */
static bool wait_for_rtos(void)
{
	uint64_t start = timer_now(), give_up = start + timer_ms_to_ticks(READY_TIMEOUT_MS);
	char ping[32];

	while (timer_now() < give_up) {
		uint64_t retry = timer_now() + timer_ms_to_ticks(READY_RETRY_MS);
		int n = rt_snprintf(ping, sizeof(ping), "PING ready %u", ++ready_attempt);
		int rc = tofu_msg_send(RTOS_VM_ID, ping, (uint32_t)n);

		if (rc != TOFU_OK && rc != TOFU_E_FULL && rc != TOFU_E_STOPPED) {
			rt_printf("ipctest: PING to rtos: %s\n", tofu_strerror(rc));
			return false;
		}
		if (receive_until(ready_store, ready_done, retry < give_up ? retry : give_up)) {
			rt_printf("ipctest: rtos answered PING %u after %lu ms\n", ready_attempt,
				  ms_since(start));
			return true;
		}
	}
	rt_printf("ipctest: rtos did not answer %u PINGs within %u ms\n", ready_attempt,
		  READY_TIMEOUT_MS);
	return false;
}

/* ---- main tests: VM 1, on a channel with rtos ---- */

static uint64_t ring_share;      /* rtos's ring, from CMD:ring; 0 if unknown */

TEST(ids)
{
	uint32_t id = 0;

	EXPECT_EQ(tofu_vm_id(&id), TOFU_OK);
	EXPECT_EQ(id, SELF_VM_ID);
	id = 0;
	EXPECT_EQ(tofu_vm_lookup("rtos", &id), TOFU_OK);
	EXPECT_EQ(id, RTOS_VM_ID);
	id = 0;
	EXPECT_EQ(tofu_vm_lookup("loner", &id), TOFU_OK);
	EXPECT_EQ(id, LONER_VM_ID);
	EXPECT_EQ(tofu_vm_lookup("nosuch", &id), TOFU_E_NO_VM);
}

TEST(send_errors)
{
	static uint8_t big[TOFU_MSG_MAX + 1];
	static const char hello[] = "hello";
	uint32_t sender, len, left;

	EXPECT_EQ(tofu_msg_send(ABSENT_VM_ID, hello, sizeof(hello)), TOFU_E_NO_VM);
	EXPECT_EQ(tofu_msg_send(LONER_VM_ID, hello, sizeof(hello)), TOFU_E_DENIED);
	EXPECT_EQ(tofu_doorbell(LONER_VM_ID), TOFU_E_DENIED);
	EXPECT_EQ(tofu_msg_send(RTOS_VM_ID, big, sizeof(big)), TOFU_E_TOO_BIG);
	EXPECT_EQ(tofu_msg_send(RTOS_VM_ID, (const void *)OUTSIDE_RAM_IPA, 16), TOFU_E_INVALID);
	EXPECT_EQ(tofu_msg_recv(rx_buf, sizeof(rx_buf), &sender, &len, &left), TOFU_E_EMPTY);
	EXPECT_EQ(tofu_msg_recv((void *)OUTSIDE_RAM_IPA, TOFU_MSG_MAX, &sender, &len, &left),
		  TOFU_E_INVALID);
}

TEST(ping)
{
	/* Binary after the prefix: NUL, CR, LF and both ends of a byte. */
	static const uint8_t msg[4 + PING_PAYLOAD_BYTES] = {
		'P', 'I', 'N', 'G', 0x00, 0xff, 0x01, 0x80, 0x7f, 0x0d, 0x0a, 0x55, 0xaa, 0xfe, 0x00, 0x10,
	};

	drain_strays();
	uint64_t start = timer_now();
	if (!rtos_call(msg, sizeof(msg)))
		return;
	rt_printf("  PING + %u bytes: echo of %u bytes in %lu us\n", PING_PAYLOAD_BYTES,
		  reply.len, timer_ticks_to_us(timer_now() - start));
	EXPECT_EQ(reply.len, sizeof(msg));
	EXPECT_EQ(memcmp(reply.data, msg, sizeof(msg)), 0);
}

TEST(queue_full)
{
	uint8_t msg[SEQ_SIZE];
	uint32_t sent = 0;
	int rc;
	char cmd[32];

	rt_snprintf(cmd, sizeof(cmd), "CMD:pause %u", PAUSE_MS);
	if (!rtos_command(cmd))
		return;
	sleep_ms(PAUSE_SETTLE_MS);      /* rtos has read the command: it stopped draining */
	for (; sent < TOFU_QUEUE_DEPTH; sent++) {
		seq_fill(msg, sent, sizeof(msg));
		rc = tofu_msg_send(RTOS_VM_ID, msg, sizeof(msg));
		if (rc != TOFU_OK) {
			TEST_FAIL("message %u of %u: %s", sent + 1, TOFU_QUEUE_DEPTH,
				  tofu_strerror(rc));
			break;
		}
	}
	EXPECT_EQ(sent, TOFU_QUEUE_DEPTH);
	seq_fill(msg, sent, sizeof(msg));
	EXPECT_EQ(tofu_msg_send(RTOS_VM_ID, msg, sizeof(msg)), TOFU_E_FULL);
	rt_printf("  rtos paused: %u messages accepted, the next one refused\n", sent);

	sleep_ms(PAUSE_OVER_MS);
	uint32_t fulls = 0;
	EXPECT_EQ(send_retry(msg, sizeof(msg), &fulls), TOFU_OK);
	rt_printf("  after the pause: sent again (%u TOFU_E_FULL retries)\n", fulls);
	rtos_command("CMD:reset");
}

TEST(to_rtos_2000)
{
	uint8_t msg[SEQ_SIZE];
	uint32_t sum = FNV32_OFFSET_BASIS, fulls = 0, sent = 0;
	uint64_t start, v;
	const char *r;

	if (!rtos_command("CMD:reset"))
		return;
	start = timer_now();
	for (; sent < SEQ_COUNT; sent++) {
		seq_fill(msg, sent, sizeof(msg));
		int rc = send_retry(msg, sizeof(msg), &fulls);
		if (rc != TOFU_OK) {
			TEST_FAIL("message %u: %s", sent, tofu_strerror(rc));
			break;
		}
		sum = fnv1a(sum, msg, sizeof(msg));
	}
	rt_printf("  sent %u messages in %lu ms, %u TOFU_E_FULL retries; checksum %08x\n", sent,
		  ms_since(start), fulls, sum);
	if (!rtos_call_text("CMD:sum"))
		return;
	r = (const char *)reply.data;
	if (field_number(r, "received", 10, &v))
		EXPECT_EQ(v, SEQ_COUNT);
	EXPECT_TRUE(text_field(r, "inorder") && text_starts(text_field(r, "inorder"), "yes "));
	if (field_number(r, "checksum", 16, &v))
		EXPECT_EQ(v, sum);
	uint64_t empties, doorbells;
	if (field_number(r, "empty-recvs", 10, &empties) &&
	    field_number(r, "doorbells", 10, &doorbells)) {
		/* rtos drains only when woken and stops when RECV says nothing is
		 * left, so RECV finds nothing at most once per doorbell: only when
		 * a doorbell raced with a drain.  A poller would exceed that. */
		EXPECT_LE(empties, doorbells);
		EXPECT_GE(doorbells, 1);
	}
}

static struct {
	uint32_t count, next, out_of_order, bad_bytes, bad_msgs;
} seq_rx;

static void seq_store(const uint8_t *msg, uint32_t len, uint32_t sender)
{
	uint32_t index = 0;

	if (sender != RTOS_VM_ID || len != SEQ_SIZE) {
		if (seq_rx.bad_msgs++ < 3)
			rt_printf("  message %u: from VM %u, %u bytes\n", seq_rx.count, sender, len);
		seq_rx.count++;
		return;
	}
	for (uint32_t i = 0; i < SEQ_INDEX_BYTES; i++)
		index |= (uint32_t)msg[i] << (8 * i);
	if (index != seq_rx.next && seq_rx.out_of_order++ < 3)
		rt_printf("  message %u has index %u, expected %u\n", seq_rx.count, index,
			  seq_rx.next);
	for (uint32_t j = SEQ_INDEX_BYTES; j < len; j++)
		if (msg[j] != seq_byte(index, j) && seq_rx.bad_bytes++ < 3)
			rt_printf("  message %u byte %u: %02x, expected %02x\n", index, j, msg[j],
				  seq_byte(index, j));
	seq_rx.next = index + 1;
	seq_rx.count++;
}

static bool seq_all_received(void)
{
	return seq_rx.count >= SEQ_COUNT;
}

TEST(from_rtos_2000)
{
	uint32_t doorbells, drains, empties;
	uint64_t start;
	char cmd[32];

	if (!rtos_command("CMD:reset"))
		return;
	drain_strays();
	seq_rx.count = seq_rx.next = seq_rx.out_of_order = seq_rx.bad_bytes = seq_rx.bad_msgs = 0;
	uint32_t doorbells0 = doorbell_irqs, drains0 = rx.drains, empties0 = rx.empties;
	start = timer_now();
	rt_snprintf(cmd, sizeof(cmd), "CMD:seq %u %u", SEQ_COUNT, SEQ_SIZE);
	if (!rtos_command(cmd))
		return;
	if (!receive_until(seq_store, seq_all_received,
			   start + timer_ms_to_ticks(SEQ_TIMEOUT_MS)))
		TEST_FAIL("%u of %u messages within %u ms", seq_rx.count, SEQ_COUNT,
			  SEQ_TIMEOUT_MS);
	uint64_t took = ms_since(start);
	/* Anything after the last one would be a duplicate. */
	receive_until(seq_store, never, timer_now() + timer_ms_to_ticks(SEQ_TAIL_MS));
	doorbells = doorbell_irqs - doorbells0;
	drains = rx.drains - drains0;
	empties = rx.empties - empties0;
	rt_printf("  received %u messages in %lu ms: %u doorbell interrupts, %u drains, "
		  "%u empty RECVs\n", seq_rx.count, took, doorbells, drains, empties);
	EXPECT_EQ(seq_rx.count, SEQ_COUNT);
	EXPECT_EQ(seq_rx.next, SEQ_COUNT);
	EXPECT_EQ(seq_rx.out_of_order, 0);
	EXPECT_EQ(seq_rx.bad_bytes, 0);
	EXPECT_EQ(seq_rx.bad_msgs, 0);
	EXPECT_GE(doorbells, 1);
	EXPECT_LE(doorbells, SEQ_COUNT);
	EXPECT_EQ(empties, drains);         /* one TOFU_E_EMPTY ends each drain */
	EXPECT_LE(drains, doorbells);       /* and only a doorbell starts one */
}

TEST(share_errors)
{
	const uint64_t page = platform_get()->ram_base + SHARE_PAGE_OFFSET;
	uint64_t id = 0, other;

	EXPECT_EQ(tofu_share(page, PAGE_BYTES, TOFU_SHARE_RO, 0, &id), TOFU_OK);
	rt_printf("  own page %lx shared read-only as share-ID %lu\n", page, id);
	EXPECT_NE(id, 0);
	EXPECT_EQ(tofu_share(OUTSIDE_RAM_IPA, PAGE_BYTES, TOFU_SHARE_RO, 0, &other),
		  TOFU_E_NOT_OWNER);
	EXPECT_EQ(tofu_share(page + MISALIGN_BYTES, PAGE_BYTES, TOFU_SHARE_RO, 0, &other),
		  TOFU_E_INVALID);
	EXPECT_EQ(tofu_share(page, MISALIGN_BYTES, TOFU_SHARE_RO, 0, &other), TOFU_E_INVALID);
	EXPECT_EQ(tofu_share(page, 0, TOFU_SHARE_RO, 0, &other), TOFU_E_INVALID);
	EXPECT_EQ(tofu_share(page, PAGE_BYTES, RIGHTS_WRITE_ONLY, 0, &other), TOFU_E_INVALID);
	EXPECT_EQ(tofu_share(page, PAGE_BYTES, TOFU_SHARE_RO, LONER_VM_ID, &other),
		  TOFU_E_DENIED);
	EXPECT_EQ(tofu_map(id, ipc.window_ipa, NULL, NULL), TOFU_E_INVALID);
	EXPECT_EQ(tofu_map(UNKNOWN_SHARE_ID, ipc.window_ipa, NULL, NULL), TOFU_E_BAD_SHARE);
	if (id)
		EXPECT_EQ(tofu_revoke(id), TOFU_OK);   /* give the slot back */
}

/*
 * The share table has a quota per VM (tests/configs/ipc-bm.dts gives this
 * VM 8 of its 32 slots): filling ours leaves rtos its own.  (Before quotas
 * this VM took all 31 free slots and rtos's next SHARE failed.)
 */
TEST(share_quota)
{
	const uint64_t page = platform_get()->ram_base + SHARE_PAGE_OFFSET;
	uint64_t ids[SHARE_TABLE_SLOTS];
	unsigned n = 0;
	int rc = TOFU_OK;

	while (n < SHARE_TABLE_SLOTS &&
	       (rc = tofu_share(page + n * PAGE_BYTES, PAGE_BYTES, TOFU_SHARE_RO, 0, &ids[n])) == TOFU_OK)
		n++;
	rt_printf("  %u shares, then %s\n", n, tofu_strerror(rc));
	EXPECT_EQ(n, IPCTEST_SHARE_QUOTA);
	EXPECT_EQ(rc, TOFU_E_BUSY);
	EXPECT_TRUE(rtos_call_text("CMD:share") && text_starts((const char *)reply.data, "share=TOFU_OK"));
	while (n)
		EXPECT_EQ(tofu_revoke(ids[--n]), TOFU_OK);
	EXPECT_EQ(tofu_share(page, PAGE_BYTES, TOFU_SHARE_RO, 0, &ids[0]), TOFU_OK);
	EXPECT_EQ(tofu_revoke(ids[0]), TOFU_OK);
}

/* Every record rtos has published, through the mapping; returns how many. */
static uint32_t ring_consume_all(struct tofu_ring_end *ring)
{
	char text[TOFU_RING_LINE + 1];
	uint32_t n = 0;
	const volatile uint8_t *slot;

	while (n < ring->size && (slot = tofu_ring_consume_slot(ring))) {
		uint32_t i;

		for (i = 0; i < ring->slot_bytes && i < TOFU_RING_LINE && slot[i]; i++)
			text[i] = (char)slot[i];
		text[i] = '\0';
		tofu_ring_consume_commit(ring);
		n++;
		if (!text_starts(text, RING_RECORD_PREFIX))
			TEST_FAIL("ring record %u: \"%s\"", n, text);
		else
			rt_printf("  ring record %u: \"%s\"\n", n, text);
	}
	return n;
}

TEST(share_map)
{
	const struct platform *p = platform_get();
	struct tofu_ring *ring = (struct tofu_ring *)(uintptr_t)ipc.window_ipa;
	struct tofu_ring_end end;
	uint64_t size = 0;
	unsigned rights = 0;

	if (!rtos_call_text("CMD:ring") || !field_number((const char *)reply.data, "share", 10,
							   &ring_share))
		return;
	EXPECT_EQ(tofu_map(ring_share, p->ram_base, NULL, NULL), TOFU_E_OVERLAP);
	EXPECT_EQ(tofu_map(ring_share, p->gicd_base, NULL, NULL), TOFU_E_OVERLAP);
	EXPECT_EQ(tofu_map(ring_share, p->uart_base, NULL, NULL), TOFU_E_OVERLAP);
	if (!EXPECT_EQ(tofu_map(ring_share, ipc.window_ipa, &size, &rights), TOFU_OK))
		return;
	EXPECT_EQ(size, PAGE_BYTES);
	EXPECT_EQ(rights, TOFU_SHARE_RW);
	EXPECT_EQ(tofu_map(ring_share, ipc.window_ipa, NULL, NULL), TOFU_E_BUSY);
	if (!EXPECT_TRUE(tofu_ring_consumer_attach(&end, ring, size)))
		return;
	rt_printf("  ring at %lx: %u slots of %u bytes, head %u tail %u\n", ipc.window_ipa,
		  end.size, end.slot_bytes, ring->head, ring->tail);
	sleep_ms(RING_WAIT_MS);
	EXPECT_GE(ring_consume_all(&end), 1);
	EXPECT_EQ(tofu_unmap(ring_share), TOFU_OK);
	EXPECT_EQ(tofu_unmap(ring_share), TOFU_E_BAD_SHARE);
	EXPECT_EQ(tofu_map(ring_share, ipc.window_ipa, NULL, NULL), TOFU_OK);
}

/*
 * A hostile consumer: rewrite the ring's header as no correct peer would
 * (the geometry of a ring 512 MiB long, and head) and then tail.  rtos's
 * producer keeps its own geometry and head, so its records keep landing
 * inside the ring and it keeps answering; once tail is impossible it stops
 * the ring.  (Before it kept its geometry in the shared page and wrote
 * 256 MiB past its ring: an abort, and the RTOS halted.)
 */
TEST(ring_hostile_header)
{
	struct tofu_ring *ring = (struct tofu_ring *)(uintptr_t)ipc.window_ipa;
	struct tofu_ring_end end;

	if (!ring_share || !EXPECT_TRUE(tofu_ring_consumer_attach(&end, ring, PAGE_BYTES)))
		return;
	(void)ring_consume_all(&end);
	ring->size = 2;
	ring->head = 1;
	ring->slot_bytes = 0x10000000;
	EXPECT_FALSE(tofu_ring_consumer_attach(&(struct tofu_ring_end){ 0 }, ring, PAGE_BYTES));
	sleep_ms(2 * RING_WAIT_MS);
	/* Our own geometry, taken before: rtos's records are where they belong. */
	EXPECT_GE(ring_consume_all(&end), 1);
	EXPECT_FALSE(end.broken);
	EXPECT_TRUE(rtos_call_text("CMD:stats") && text_starts((const char *)reply.data, "rtos: tick"));

	ring->tail = end.index + 1000;     /* consumed what was never produced */
	sleep_ms(2 * RING_WAIT_MS);
	EXPECT_TRUE(rtos_call_text("CMD:stats") && text_starts((const char *)reply.data, "rtos: tick"));
	EXPECT_TRUE(tofu_ring_consume_slot(&end) == NULL);  /* nothing more was produced */
}

TEST(revoke)
{
	uint32_t value = 0;
	struct fault_record rec;

	if (!ring_share) {
		TEST_FAIL("no share-ID from the share_map test");
		return;
	}
	if (!rtos_call_text("CMD:revoke"))
		return;
	EXPECT_TRUE(reply.len == text_len(REVOKE_REPLY) &&
		    !memcmp(reply.data, REVOKE_REPLY, reply.len));
	rec = exc_probe_read32(ipc.window_ipa, &value);
	rt_printf("  read of %lx after the revoke: %u exception(s), ESR %lx (EC 0x%02x) FAR %lx\n",
		  ipc.window_ipa, rec.count, rec.esr, esr_ec(rec.esr), rec.far);
	EXPECT_EQ(rec.count, 1);
	EXPECT_EQ(esr_ec(rec.esr), ESR_EC_DABT_CUR);
	EXPECT_EQ(rec.far, ipc.window_ipa);
	EXPECT_EQ(tofu_map(ring_share, ipc.window_ipa, NULL, NULL), TOFU_E_REVOKED);
	EXPECT_EQ(tofu_unmap(ring_share), TOFU_E_REVOKED);
}

static const struct test_case main_cases[] = {
	TEST_CASE(ids),          TEST_CASE(send_errors),    TEST_CASE(ping),
	TEST_CASE(queue_full),   TEST_CASE(to_rtos_2000),   TEST_CASE(from_rtos_2000),
	TEST_CASE(share_errors), TEST_CASE(share_quota),    TEST_CASE(share_map),
	TEST_CASE(ring_hostile_header),
	TEST_CASE(revoke),
};

/* ---- loner: VM 3, on no channel ---- */

TEST(loner)
{
	static const char hello[] = "hello";
	const uint64_t page = platform_get()->ram_base + SHARE_PAGE_OFFSET;
	uint32_t id = 0, sender, len, left;
	uint64_t share_id;
	int rc;

	EXPECT_EQ(tofu_vm_id(&id), TOFU_OK);
	EXPECT_EQ(id, LONER_VM_ID);
	EXPECT_EQ(tofu_msg_send(SELF_VM_ID, hello, sizeof(hello)), TOFU_E_DENIED);
	EXPECT_EQ(tofu_msg_send(RTOS_VM_ID, hello, sizeof(hello)), TOFU_E_DENIED);
	EXPECT_EQ(tofu_doorbell(SELF_VM_ID), TOFU_E_DENIED);
	EXPECT_EQ(tofu_share(page, PAGE_BYTES, TOFU_SHARE_RO, 0, &share_id), TOFU_E_DENIED);
	rc = tofu_map(LONER_MAP_ID, platform_get()->ram_base + platform_get()->ram_size, NULL,
		      NULL);
	rt_printf("  MAP of share-ID %u: %s\n", LONER_MAP_ID, tofu_strerror(rc));
	EXPECT_TRUE(rc == TOFU_E_DENIED || rc == TOFU_E_BAD_SHARE);
	EXPECT_EQ(tofu_msg_recv(rx_buf, sizeof(rx_buf), &sender, &len, &left), TOFU_E_EMPTY);
}

static const struct test_case loner_cases[] = {
	TEST_CASE(loner),
};

/* ---- set-up and summary ---- */

static void ipctest_fatal(const char *why)
{
	rt_printf("IPCTEST: ABORTED (%s)\n", why);
}

static void irq_setup(void)
{
	enum gic_status status = gic_init();

	if (status != GIC_OK)
		rt_fatal(gic_status_name(status));
	arch_irq_mask();
	irq_set_handler(platform_get()->vtimer_intid, vtimer_irq);
	gic_private_irq_enable(platform_get()->vtimer_intid, VTIMER_PRIORITY);
	irq_set_handler(ipc.doorbell_intid, doorbell_irq);
	gic_spi_enable(ipc.doorbell_intid, DOORBELL_PRIORITY);
}

static unsigned run(const char *prefix, const struct test_case *cases, size_t count)
{
	unsigned failed = test_run_all(cases, count);

	rt_printf("%s: %u passed, %u failed\n", prefix, (unsigned)count - failed, failed);
	if (failed == 0)
		rt_printf("%s: ALL PASS\n", prefix);
	return failed;
}

/* Stay alive and silent: the other VMs go on; the harness ends QEMU. */
static _Noreturn void park(void)
{
	arch_irq_mask();
	vtimer_stop();
	for (;;)
		arch_wfi();
}

int main(const void *dtb)
{
	rt_set_fatal_handler(ipctest_fatal);
	if (tofu_ipc_probe(dtb, &ipc) != 0) {
		rt_printf("ipctest: no tofu,ipc node: the loner checks\n");
		run("IPCTEST-LONER", loner_cases, ARRAY_SIZE(loner_cases));
		park();
	}
	rt_printf("ipctest: doorbell INTID %u, share window %lx size %lx\n", ipc.doorbell_intid,
		  ipc.window_ipa, ipc.window_size);
	irq_setup();
	wait_for_rtos();
	run("IPCTEST", main_cases, ARRAY_SIZE(main_cases));
	gic_spi_disable(ipc.doorbell_intid);
	park();
}
