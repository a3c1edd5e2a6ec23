/* SPDX-License-Identifier: MIT */
/*
 * fuzz: a seeded, bounded hostile guest.  It throws random operations at
 * the hypervisor from both of its vCPUs at once and checks only that it
 * survives them: every call returns, every fault it causes comes back to it
 * as an exception, it keeps its own memory.  The test around it checks that
 * tofu kept running and that the VM beside it kept its timing.
 *
 *   bootargs "fuzz.seed=<n> fuzz.ops=<n>": the seed (default: from the
 *   counter) and the number of operations of vCPU 0 (default 10000).
 *   The seed is printed first; the same seed replays the same operations
 *   (vCPU 1's interleaving with them is the machine's).
 *   "fuzz.storm=1": instead, read an unassigned address forever, each
 *   abort skipped (a crashed guest in a fault loop, for the health tests).
 *
 * vCPU 0 draws from: any HVC/SMC (function ID and immediate, arguments
 * that point into its scratch buffer, outside its RAM or anywhere),
 * loads and stores of every width and alignment, pairs, exclusives and
 * writeback forms to its emulated GIC and UART and to unassigned IPA space,
 * MRS of any system register encoding, MSR of any encoding but the few that
 * would take the fuzzer's own control away (a guest may break itself; the
 * point is to see that it cannot break anything else), SYS instructions
 * (TLBI, AT, DC, IC) on any address, and PSCI sequences racing with vCPU 1.
 * vCPU 1 runs random HVC/SMC calls and turns itself off and on.
 *
 * The one call that would end the fuzzer by design, TOFU_HC_WDOG_ARM (a
 * VM that arms its watchdog and never pets it has hung), is made with a
 * timeout of 0, which tofu refuses: no draw changes, so seeds replay.
 *
 * Each instruction is generated into a buffer and executed with x0..x7
 * loaded, inside a fault probe: whatever synchronous exception comes back
 * is counted and skipped.  Interrupts stay masked throughout (a random GIC
 * write can pend anything).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rt/arch.h"
#include "rt/exception.h"
#include "rt/fdt.h"
#include "rt/hw.h"
#include "rt/platform.h"
#include "rt/print.h"
#include "rt/rt.h"
#include "rt/uart.h"
#include "tofu/abi.h"

const char rt_program_name[] = "fuzz";

#define DEFAULT_OPS        10000u
#define PROGRESS_EVERY     2000u
#define SCRATCH_BYTES      0x10000u
#define SCRATCH_GUARD      0x1000u         /* a message received near the end stays inside */
#define SECONDARY_STACK    0x4000u
#define NR_ARGS            8u
#define GICD_WINDOW        0x10000u
#define GICR_FRAME_BYTES   0x20000u
#define UART_WINDOW        0x1000u
#define IPA_PROBE_BITS     40u             /* unassigned addresses below 1 TiB */
#define VCPU1_MPIDR        1u
#define VCPU1_OFF_ODDS     64u             /* vCPU 1 turns itself off once in this many */
#define WAIT_SPINS         100000000u
#define STORM_ADDR         0x0a000000ul    /* unassigned in a VM's map */

/* A64 encodings (Arm ARM C6): Rt = x0 for system instructions. */
#define A64_RET            0xd65f03c0u
#define A64_HVC(imm)       (0xd4000002u | ((uint32_t)(imm) << 5))
#define A64_SMC(imm)       (0xd4000003u | ((uint32_t)(imm) << 5))
#define A64_SYSREG(l, op0, op1, crn, crm, op2) \
	(0xd5000000u | ((uint32_t)(l) << 21) | ((uint32_t)(op0) << 19) | ((uint32_t)(op1) << 16) | \
	 ((uint32_t)(crn) << 12) | ((uint32_t)(crm) << 8) | ((uint32_t)(op2) << 5))
/* Loads and stores, x0 = address, x1/x2 = data (C6.2). */
#define A64_LDRB           0x39400001u     /* ldrb w1, [x0] */
#define A64_LDRH           0x79400001u
#define A64_LDRW           0xb9400001u
#define A64_LDRX           0xf9400001u
#define A64_STRB           0x39000001u
#define A64_STRH           0x79000001u
#define A64_STRW           0xb9000001u
#define A64_STRX           0xf9000001u
#define A64_LDRSW          0xb9800001u     /* ldrsw x1, [x0] */
#define A64_LDP            0xa9400801u     /* ldp x1, x2, [x0] */
#define A64_STP            0xa9000801u     /* stp x1, x2, [x0] */
#define A64_LDXR           0xc85f7c01u     /* ldxr x1, [x0] */
#define A64_STXR           0xc8037c01u     /* stxr w3, x1, [x0] */
#define A64_LDAR           0xc8dffc01u     /* ldar x1, [x0] */
#define A64_STLR           0xc89ffc01u     /* stlr x1, [x0] */
#define A64_LDR_POST       0xf8408401u     /* ldr x1, [x0], #8 */
#define A64_STR_PRE        0xf8008c01u     /* str x1, [x0, #8]! */

/* SMCCC function IDs the fuzzer must not make on vCPU 0: they end or park it. */
#define PSCI_CPU_SUSPEND   0x84000001u
#define PSCI_CPU_OFF       0x84000002u
#define PSCI_CPU_ON        0x84000003u
#define PSCI_AFFINITY_INFO 0x84000004u
#define PSCI_SYSTEM_OFF    0x84000008u
#define PSCI_SYSTEM_RESET  0x84000009u
#define PSCI_CPU_FREEZE    0x8400000bu
#define PSCI_DEFAULT_SUSP  0x8400000cu
#define PSCI_SYSTEM_SUSP   0x8400000eu
#define PSCI_SYSTEM_RESET2 0x84000012u
#define SMCCC_64           0x40000000u
#define SMCCC_FAST         0x80000000u

static const uint32_t fid_bases[] = {
	0x80000000u,    /* Arm architecture calls */
	0x84000000u,    /* PSCI, 32-bit */
	0xc4000000u,    /* PSCI, 64-bit */
	0x86000000u,    /* vendor hypervisor (tofu), 32-bit */
	0xc6000000u,    /* vendor hypervisor (tofu), 64-bit */
	0x8600ff00u,    /* its general queries */
	0xc5000000u,    /* standard hypervisor (stolen time, ...) */
	0x82000000u,    /* SiP */
	0xbf000000u,    /* trusted OS */
	0x00000000u,    /* yielding calls */
};

static uint64_t rng_state;
static uint8_t scratch[SCRATCH_BYTES] __attribute__((aligned(4096)));
static uint8_t secondary_stack[SECONDARY_STACK] __attribute__((aligned(16)));
static volatile bool stop_secondary;
static volatile uint64_t secondary_calls, secondary_starts;
static uint32_t code0[2] __attribute__((aligned(64)));

static struct {
	uint64_t ops, faults, hvc, mmio, sysreg_read, sysreg_write, sys, psci;
} stats;

void fuzz_exec(uint64_t *regs, const uint32_t *code);
void fuzz_secondary_entry(void);

/* x0..x7 from regs[], call code, x0..x3 back into regs[]. */
__asm__(
	"	.text\n"
	"	.balign	4\n"
	"	.globl	fuzz_exec\n"
	"	.type	fuzz_exec, %function\n"
	"fuzz_exec:\n"
	"	stp	x29, x30, [sp, #-32]!\n"
	"	mov	x29, sp\n"
	"	str	x0, [sp, #16]\n"
	"	mov	x16, x1\n"
	"	ldp	x6, x7, [x0, #48]\n"
	"	ldp	x4, x5, [x0, #32]\n"
	"	ldp	x2, x3, [x0, #16]\n"
	"	ldp	x0, x1, [x0]\n"
	"	blr	x16\n"
	"	ldr	x16, [sp, #16]\n"
	"	stp	x0, x1, [x16]\n"
	"	stp	x2, x3, [x16, #16]\n"
	"	ldp	x29, x30, [sp], #32\n"
	"	ret\n"
	"	.size	fuzz_exec, . - fuzz_exec\n"
	"	.balign	4\n"
	"	.globl	fuzz_secondary_entry\n"
	"	.type	fuzz_secondary_entry, %function\n"
	"fuzz_secondary_entry:\n"
	"	msr	daifset, #" "15" "\n"
	"	mov	sp, x0\n"
	"	adrp	x1, rt_vectors\n"
	"	add	x1, x1, :lo12:rt_vectors\n"
	"	msr	vbar_el1, x1\n"
	"	isb\n"
	"	bl	fuzz_secondary_main\n"
	"	b	rt_hang\n"
	"	.size	fuzz_secondary_entry, . - fuzz_secondary_entry\n");

_Noreturn void fuzz_secondary_main(void);

/* xorshift64*: small, and the same sequence for the same seed everywhere. */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

static uint64_t rnd(void)
{
	return rng_next(&rng_state);
}

static uint64_t below(uint64_t n)
{
	return rnd() % n;
}

/* ---- operands ---- */

static bool in_ram(uint64_t a, uint64_t len)
{
	const struct platform *p = platform_get();
	return a < p->ram_base + p->ram_size && p->ram_base < a + len;
}

/* An argument: small, a pointer into the scratch buffer, outside RAM, or any bits. */
static uint64_t pick_arg(void)
{
	switch (below(6)) {
	case 0: return below(16);
	case 1: return (uintptr_t)scratch + below(SCRATCH_BYTES - SCRATCH_GUARD);
	case 2: return (uintptr_t)scratch + (below((SCRATCH_BYTES - SCRATCH_GUARD) / 4096) << 12);
	case 3: return platform_get()->ram_base + platform_get()->ram_size + below(1ull << 32);
	case 4: return ~0ull - below(4096);
	default: return rnd();
	}
}

static bool fid_forbidden(uint32_t fid, bool on_vcpu1)
{
	uint32_t f = fid & ~SMCCC_64;
	if (f == PSCI_CPU_OFF)
		return !on_vcpu1;
	return f == PSCI_CPU_SUSPEND || f == PSCI_CPU_ON || f == PSCI_SYSTEM_OFF ||
	       f == PSCI_SYSTEM_RESET || f == PSCI_CPU_FREEZE || f == PSCI_DEFAULT_SUSP ||
	       f == PSCI_SYSTEM_SUSP || f == PSCI_SYSTEM_RESET2;
}

static uint32_t pick_fid(uint64_t *s, bool on_vcpu1)
{
	for (;;) {
		uint64_t r = rng_next(s);
		uint32_t fid = (r & 7) == 7 ? (uint32_t)(r >> 32)
			     : fid_bases[(r >> 3) % (sizeof(fid_bases) / sizeof(fid_bases[0]))] +
			       (uint32_t)((r >> 16) % 40);
		if (!fid_forbidden(fid, on_vcpu1))
			return fid;
	}
}

/* TOFU_HC_WDOG_ARM with timeout 0: refused (TOFU_E_INVALID), nothing armed. */
static void defuse_watchdog(uint32_t fid, uint64_t *x1)
{
	if (fid == TOFU_HC_WDOG_ARM)
		*x1 = 0;
}

/* ---- running one generated instruction ---- */

static void run(uint32_t insn, uint64_t *regs)
{
	code0[0] = insn;
	code0[1] = A64_RET;
	__asm__ volatile("dc cvau, %0\n\tdsb ish\n\tic ivau, %0\n\tdsb ish\n\tisb"
			 : : "r"(code0) : "memory");
	exc_probe_begin();
	fuzz_exec(regs, code0);
	struct fault_record rec = exc_probe_end();
	stats.faults += rec.count;
}

static void op_call(void)
{
	uint64_t regs[NR_ARGS];
	uint32_t fid = pick_fid(&rng_state, false);
	uint32_t imm = below(8) ? 0 : (uint32_t)below(0x10000);

	regs[0] = fid;
	for (unsigned i = 1; i < NR_ARGS; i++)
		regs[i] = pick_arg();
	defuse_watchdog(fid, &regs[1]);
	run(below(2) ? A64_HVC(imm) : A64_SMC(imm), regs);
	stats.hvc++;
}

/* An address in one of the VM's emulated windows, or unassigned.  A VM
 * with a PCIe ECAM (tofu's virtual one) draws from one more window; the
 * others draw as before, so that a seed replays the same operations. */
static uint64_t pick_mmio(void)
{
	const struct platform *p = platform_get();
	uint64_t a, pick = below(p->pci_ecam_size ? 5 : 4);
	if (pick == 4)
		return p->pci_ecam_base + below(p->pci_ecam_size);
	switch (pick) {
	case 0: return p->gicd_base + below(GICD_WINDOW);
	case 1:   /* the CPU interface's window: a GICv3's redistributors, a GICv2's GICC */
		if (p->gic_version == 2)
			return p->gicc_base + below(GICC_SIZE);
		return p->gicr_base + below(p->gicr_size ? p->gicr_size : GICR_FRAME_BYTES);
	case 2: return p->uart_base + below(UART_WINDOW);
	default:
		do
			a = below(1ull << IPA_PROBE_BITS);
		while (in_ram(a, 16));
		return a;
	}
}

static void op_mmio(void)
{
	static const uint32_t loads[] = { A64_LDRB, A64_LDRH, A64_LDRW, A64_LDRX, A64_LDRSW,
					  A64_LDP, A64_LDXR, A64_LDAR, A64_LDR_POST };
	static const uint32_t stores[] = { A64_STRB, A64_STRH, A64_STRW, A64_STRX,
					   A64_STP, A64_STXR, A64_STLR, A64_STR_PRE };
	const struct platform *p = platform_get();
	uint64_t regs[NR_ARGS] = { 0 };
	bool store = below(2);
	uint32_t insn = store ? stores[below(sizeof(stores) / sizeof(stores[0]))]
			      : loads[below(sizeof(loads) / sizeof(loads[0]))];

	regs[0] = pick_mmio();
	regs[1] = rnd();
	regs[2] = rnd();
	/* Bytes for the console: letters, so the log stays readable. */
	if (store && regs[0] - p->uart_base < sizeof(uint64_t))
		regs[1] = regs[2] = 'a' + below(26);
	if (in_ram(regs[0], 2 * sizeof(uint64_t)))
		return;
	run(insn, regs);
	stats.mmio++;
}

static bool write_forbidden(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2)
{
	static const uint8_t deny[][5] = {
		{ 3, 0, 1, 0, 0 },      /* SCTLR_EL1 */
		{ 3, 0, 1, 0, 2 },      /* CPACR_EL1 */
		{ 3, 0, 12, 0, 0 },     /* VBAR_EL1 */
		{ 3, 0, 4, 1, 0 },      /* SP_EL0 */
		{ 3, 0, 4, 2, 0 },      /* SPSel */
		{ 3, 3, 4, 2, 1 },      /* DAIF */
		{ 3, 3, 4, 2, 2 },      /* SVCR */
		{ 3, 0, 2, 5, 0 },      /* GCSCR_EL1 */
		{ 3, 0, 2, 5, 1 },      /* GCSPR_EL1 */
		{ 3, 0, 13, 0, 4 },     /* TPIDR_EL1 */
	};
	for (unsigned i = 0; i < sizeof(deny) / sizeof(deny[0]); i++)
		if (deny[i][0] == op0 && deny[i][1] == op1 && deny[i][2] == crn &&
		    deny[i][3] == crm && deny[i][4] == op2)
			return true;
	/*
	 * The GIC CPU interface (CRn 12, CRm 8-15) is QEMU's model, not
	 * trapped: only the SGI registers, which tofu emulates, are fuzzed.
	 * (QEMU 10.0.2 aborts on some BPR writes: docs/isolation.md.)
	 */
	return op0 == 3 && op1 == 0 && crn == 12 && crm >= 8 &&
	       !(crm == 11 && op2 >= 5);
}

static void op_sysreg(bool write)
{
	uint64_t regs[NR_ARGS] = { 0 };
	unsigned op0 = 2 + (unsigned)below(2), op1 = (unsigned)below(8), crn = (unsigned)below(16);
	unsigned crm = (unsigned)below(16), op2 = (unsigned)below(8);

	if (write && write_forbidden(op0, op1, crn, crm, op2))
		return;
	regs[0] = below(4) ? rnd() : below(4);
	run(A64_SYSREG(!write, op0, op1, crn, crm, op2), regs);
	if (write)
		stats.sysreg_write++;
	else
		stats.sysreg_read++;
}

/* SYS (op0 = 1): TLBI, AT, DC and IC on any address; no DC ZVA/GVA/GZVA,
 * which would zero the fuzzer's own memory. */
static void op_sys(void)
{
	uint64_t regs[NR_ARGS] = { 0 };
	unsigned op1 = (unsigned)below(8), crn = 7 + (unsigned)below(3), crm = (unsigned)below(16);
	unsigned op2 = (unsigned)below(8);

	if (crn == 7 && crm == 4)
		return;
	regs[0] = below(2) ? pick_mmio() : pick_arg();
	run(A64_SYSREG(0, 1, op1, crn, crm, op2), regs);
	stats.sys++;
}

static int64_t psci(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	uint64_t regs[NR_ARGS] = { fid, a1, a2, a3 };
	run(A64_HVC(0), regs);
	return (int64_t)regs[0];
}

/* PSCI racing with vCPU 1: start it (it may be turning itself off), ask for
 * it, start CPUs that do not exist, at entry points that are not code. */
static void op_psci(void)
{
	uint64_t entry = (uintptr_t)fuzz_secondary_entry;
	uint64_t stack = (uintptr_t)secondary_stack + sizeof(secondary_stack);

	switch (below(4)) {
	case 0:
	case 1:
		if (psci(PSCI_CPU_ON | SMCCC_64, VCPU1_MPIDR, entry, stack) == 0)
			secondary_starts++;
		break;
	case 2:
		(void)psci(PSCI_AFFINITY_INFO | SMCCC_64, below(2) ? VCPU1_MPIDR : rnd(), below(4), 0);
		break;
	default: {
		uint64_t target = rnd() & ~(uint64_t)VCPU1_MPIDR;   /* never vCPU 1 at a bad entry */
		(void)psci(PSCI_CPU_ON | (below(2) ? SMCCC_64 : 0), target, pick_arg(), rnd());
		break;
	}
	}
	stats.psci++;
}

/* ---- vCPU 1 ---- */

_Noreturn void fuzz_secondary_main(void)
{
	uint64_t s = rng_state ^ 0x9e3779b97f4a7c15ull;

	while (!stop_secondary) {
		uint64_t a[NR_ARGS];
		uint32_t fid = pick_fid(&s, true);
		if (rng_next(&s) % VCPU1_OFF_ODDS == 0)
			fid = PSCI_CPU_OFF;
		for (unsigned i = 0; i < NR_ARGS; i++)
			a[i] = rng_next(&s) & 1
				? (uintptr_t)scratch + rng_next(&s) % (SCRATCH_BYTES - SCRATCH_GUARD)
				: rng_next(&s);
		defuse_watchdog(fid, &a[1]);
		register uint64_t x0 __asm__("x0") = fid;
		register uint64_t x1 __asm__("x1") = a[1], x2 __asm__("x2") = a[2];
		register uint64_t x3 __asm__("x3") = a[3], x4 __asm__("x4") = a[4];
		register uint64_t x5 __asm__("x5") = a[5], x6 __asm__("x6") = a[6];
		register uint64_t x7 __asm__("x7") = a[7];
		if (a[0] & 1)
			__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
					 : "r"(x4), "r"(x5), "r"(x6), "r"(x7)
					 : "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
					   "x16", "x17", "memory");
		else
			__asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
					 : "r"(x4), "r"(x5), "r"(x6), "r"(x7)
					 : "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
					   "x16", "x17", "memory");
		secondary_calls = secondary_calls + 1;
	}
	register uint64_t x0 __asm__("x0") = PSCI_CPU_OFF;
	__asm__ volatile("hvc #0" : "+r"(x0) : : "memory");
	rt_hang();
}

/* ---- vCPU 0 ---- */

static void progress(const char *what)
{
	uart_init(platform_get()->uart_base);   /* the fuzzer may have turned it off */
	rt_printf("fuzz: %s: %lu ops (%lu calls, %lu MMIO, %lu MRS, %lu MSR, %lu SYS, %lu PSCI), "
		  "%lu exceptions back; vCPU 1: %lu calls, %lu starts\n",
		  what, stats.ops, stats.hvc, stats.mmio, stats.sysreg_read, stats.sysreg_write,
		  stats.sys, stats.psci, stats.faults, secondary_calls, secondary_starts);
}

int main(const void *dtb)
{
	const char *args = platform_bootargs();
	bool seeded = false;

	(void)dtb;
	uint64_t seed = platform_bootarg(args, "fuzz.seed", 0, &seeded);
	uint64_t ops = platform_bootarg(args, "fuzz.ops", DEFAULT_OPS, NULL);
	if (platform_bootarg(args, "fuzz.storm", 0, NULL)) {
		uint32_t value;
		rt_printf("fuzz: storm: reading %lx until stopped\n", (uint64_t)STORM_ADDR);
		for (;;)
			(void)exc_probe_read32(STORM_ADDR, &value);
	}
	if (!seeded)
		seed = arch_counter_read();
	rng_state = seed ? seed : 1;
	rt_printf("fuzz: seed %lu%s, %lu operations\n", seed, seeded ? "" : " (from the counter)", ops);

	__asm__ volatile("msr daifset, #15" : : : "memory");
	for (stats.ops = 0; stats.ops < ops; stats.ops++) {
		switch (below(16)) {
		case 0: case 1: case 2: case 3: op_call(); break;
		case 4: case 5: case 6: case 7: op_mmio(); break;
		case 8: case 9: op_sysreg(false); break;
		case 10: case 11: op_sysreg(true); break;
		case 12: op_sys(); break;
		default: op_psci(); break;
		}
		if ((stats.ops + 1) % PROGRESS_EVERY == 0)
			progress("progress");
	}
	stop_secondary = true;
	for (uint64_t i = 0; i < WAIT_SPINS && psci(PSCI_AFFINITY_INFO | SMCCC_64, VCPU1_MPIDR, 0, 0) == 0; i++)
		;
	progress("done");
	rt_printf("FUZZ: DONE seed %lu\n", seed);
	rt_exit(0);
}
