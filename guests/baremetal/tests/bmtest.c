/* SPDX-License-Identifier: MIT */
/*
 * bmtest: bare-metal guest checking tofu's guest-visible behaviour: SMCCC
 * and PSCI answers, tofu's own calls, unknown calls, stage-2 aborts
 * reflected to EL1, virtual timer interrupts and self-SGIs.
 */
#include <stdbool.h>
#include <stdint.h>

#include "tofu/abi.h"

#include "rt/arch.h"
#include "rt/exception.h"
#include "rt/fdt.h"
#include "rt/gic.h"
#include "rt/hw.h"
#include "rt/irq.h"
#include "rt/platform.h"
#include "rt/print.h"
#include "rt/rt.h"
#include "rt/smccc.h"
#include "rt/test.h"
#include "rt/timer.h"
#include "bmtest.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char rt_program_name[] = "bmtest";

/* A PSCI function ID no PSCI version defines. */
#define PSCI_UNDEFINED_FID   0x8400001fu
/* virtio-mmio on plain QEMU virt; tofu maps nothing there. */
#define UNASSIGNED_IPA       0x0a000000ul
#define HIGH_DEVICE_MIN      0x4000000000ul  /* above 256 GiB: a 39-bit IPA space */
#define PCI_ID_QEMU_HOST_BRIDGE 0x00081b36u  /* device 0x0008, vendor 0x1b36 (Red Hat) */
/* Above RAM and every device on QEMU virt (external abort) and in the VM. */
#define ABSENT_ADDR          0x200000000ul
#define PROBE_POISON         0xdeadbeefu

#define TEST_IRQ_PRIORITY    0x80
#define SGI_TEST_INTID       1
#define SGI_ROUNDS           2
#define VTIMER_DEADLINE_MS   1
#define VTIMER_BOUND_MS      500     /* a late tick, not a slow one: make bench measures latency */
#define VTIMER_WFI_ROUNDS    5
#define IRQ_WAIT_MS          2000    /* give up waiting for an IRQ after this (loaded host) */
#define TICKS_PER_US_DIV     1000000u
#define BMTEST_MAX_CASES     48

/* ---- helpers ---- */

/* Unknown calls must answer NOT_SUPPORTED: in w0 for SMC32, x0 for SMC64. */
static void expect_not_supported(const char *conduit, uint32_t fid, uint64_t x0)
{
	int64_t ret = (fid & SMCCC_SMC64) ? (int64_t)x0 : smccc_w(x0);

	if (ret != SMCCC_RET_NOT_SUPPORTED)
		TEST_FAIL("%s fid %08x: x0 = 0x%lx, expected NOT_SUPPORTED (-1)", conduit, fid, x0);
}

/* One 32-bit load from addr inside a fault probe; *insn gets the load's address. */
static struct fault_record probe_read32(uintptr_t addr, uint32_t *value, uint64_t *insn)
{
	uint32_t v = PROBE_POISON;
	uint64_t pc;

	exc_probe_begin();
	__asm__ volatile("adr %1, 1f\n1:\tldr %w0, [%2]"
			 : "+r"(v), "=&r"(pc)
			 : "r"(addr)
			 : "memory");
	*value = v;
	*insn = pc;
	return exc_probe_end();
}

static void check_read_aborts(uintptr_t addr)
{
	uint64_t insn;
	uint32_t value;
	struct fault_record rec = probe_read32(addr, &value, &insn);

	if (rec.count == 0) {
		TEST_FAIL("read of %lx returned 0x%x without a data abort", addr, value);
		return;
	}
	rt_printf("  read %lx: ESR %lx (EC 0x%02x DFSC 0x%02lx) FAR %lx ELR %lx\n", addr, rec.esr,
		  esr_ec(rec.esr), rec.esr & ESR_DABT_DFSC_MASK, rec.far, rec.elr);
	EXPECT_EQ(rec.count, 1);
	EXPECT_EQ(esr_ec(rec.esr), ESR_EC_DABT_CUR);
	EXPECT_EQ(rec.far, addr);
	EXPECT_EQ(rec.elr, insn);
	EXPECT_EQ(rec.esr & ESR_DABT_WNR_BIT, 0);   /* reported as a read */
	EXPECT_EQ(value, PROBE_POISON);             /* the load was skipped */
}

/*
 * Wait for IRQ handlers to bring *count to want.  IRQs stay masked except
 * for a window after each check, so a wake-up cannot be lost between the
 * check and WFI (WFI wakes on a pending IRQ even when PSTATE.I masks it).
 */
bool bmtest_wait_irqs(volatile uint32_t *count, uint32_t want, bool use_wfi, uint64_t timeout_ticks)
{
	uint64_t deadline = timer_now() + timeout_ticks;

	arch_irq_mask();
	while (*count < want) {
		if (use_wfi)
			arch_wfi();
		arch_irq_unmask();
		arch_isb();
		arch_irq_mask();
		if (timer_now() > deadline)
			break;
	}
	return *count >= want;
}

struct irq_record {
	volatile uint32_t count;
	volatile uint32_t intid;
	volatile uint64_t entry_ticks;
};

static struct irq_record vtimer_irq, sgi_irq;

static void vtimer_handler(uint32_t intid, uint64_t entry_ticks)
{
	vtimer_irq.intid = intid;
	vtimer_irq.entry_ticks = entry_ticks;
	vtimer_irq.count = vtimer_irq.count + 1;
	vtimer_mask();   /* drop the level before EOI */
}

static void sgi_handler(uint32_t intid, uint64_t entry_ticks)
{
	(void)entry_ticks;
	sgi_irq.intid = intid;
	sgi_irq.count = sgi_irq.count + 1;
}

static bool gic_ready_for_test(void)
{
	enum gic_status status = gic_init();

	if (status != GIC_OK)
		TEST_FAIL("GIC set-up failed: %s", gic_status_name(status));
	return status == GIC_OK;
}

/* ---- tests ---- */

TEST(smccc_version)
{
	struct smccc_res res = smccc_hvc(SMCCC_VERSION_FID, 0, 0, 0);

	EXPECT_EQ(smccc_w(res.a0), SMCCC_VERSION_1_1);
}

TEST(psci_version)
{
	struct smccc_res res = smccc_hvc(PSCI_VERSION_FID, 0, 0, 0);

	rt_printf("  PSCI version %u.%u\n", (uint32_t)res.a0 >> 16, (uint32_t)res.a0 & 0xffff);
	EXPECT_EQ(smccc_w(res.a0), PSCI_VERSION_1_1);
	res = smccc_hvc(PSCI_FEATURES_FID, PSCI_CPU_ON_FID, 0, 0);
	EXPECT_EQ(smccc_w(res.a0), PSCI_RET_SUCCESS);
	res = smccc_hvc(PSCI_FEATURES_FID, PSCI_UNDEFINED_FID, 0, 0);
	EXPECT_EQ(smccc_w(res.a0), PSCI_RET_NOT_SUPPORTED);
}

TEST(tofu_uid)
{
	struct smccc_res res = smccc_hvc(TOFU_HC_CALL_UID, 0, 0, 0);

	rt_printf("  UID %08x %08x %08x %08x\n", (uint32_t)res.a0, (uint32_t)res.a1,
		  (uint32_t)res.a2, (uint32_t)res.a3);
	EXPECT_EQ((uint32_t)res.a0, TOFU_UID_0);
	EXPECT_EQ((uint32_t)res.a1, TOFU_UID_1);
	EXPECT_EQ((uint32_t)res.a2, TOFU_UID_2);
	EXPECT_EQ((uint32_t)res.a3, TOFU_UID_3);

	res = smccc_hvc(TOFU_HC_VM_ID, 0, 0, 0);
	rt_printf("  VM_ID: status %d, VM id %u, vCPU %u\n", smccc_w(res.a0), (uint32_t)res.a1,
		  (uint32_t)res.a2);
	EXPECT_EQ(smccc_w(res.a0), TOFU_OK);
	EXPECT_EQ((uint32_t)res.a2, 0);
}

TEST(unknown_call)
{
	static const uint32_t fids[] = {
		0x8200ffffu,   /* SiP service */
		0xc600abcdu,   /* vendor hypervisor, SMC64, unknown number */
		0x86001234u,   /* vendor hypervisor, unknown number */
		0xbf000000u,   /* trusted OS range */
		0x84000077u,   /* PSCI, unknown number */
	};
	const uint32_t smc_fid = 0x8200ffffu;
	struct fault_record rec;
	struct smccc_res res;
	uint64_t clobbered;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fids); i++) {
		res = smccc_hvc(fids[i], 0, 0, 0);
		expect_not_supported("hvc", fids[i], res.a0);
	}
	clobbered = smccc_hvc_preserve_check(fids[0]);
	if (clobbered)
		TEST_FAIL("hvc fid %08x changed registers (mask of x4..x30): %lx", fids[0], clobbered);

	/* A trapped SMC must be answered and skipped by the hypervisor. */
	exc_probe_begin();
	res = smccc_smc(smc_fid, 0, 0, 0);
	clobbered = smccc_smc_preserve_check(smc_fid);
	rec = exc_probe_end();
	if (rec.count) {
		TEST_FAIL("smc #0 raised %u exception(s) at EL1 (ESR %lx, EC 0x%02x): SMC not "
			  "trapped by a hypervisor", rec.count, rec.esr, esr_ec(rec.esr));
		return;
	}
	expect_not_supported("smc", smc_fid, res.a0);
	if (clobbered)
		TEST_FAIL("smc fid %08x changed registers (mask of x4..x30): %lx", smc_fid, clobbered);
}

TEST(abort_unassigned)
{
	check_read_aborts(UNASSIGNED_IPA);
}

TEST(abort_absent)
{
	check_read_aborts(ABSENT_ADDR);
}

/*
 * A device far above RAM: QEMU's high PCIe ECAM at 0x40_1000_0000 (passed
 * through by tests/configs/bmtest.dts).  The VM's address space must reach
 * it: before, such a config built and then stopped tofu at boot.  Function
 * 0 of bus 0 is QEMU's host bridge, vendor 0x1b36, device 0x0008.
 */
TEST(high_device)
{
	struct fdt fdt;
	struct fdt_node node;
	uint64_t base = 0, size = 0;
	uint32_t id = 0;

	if (!fdt_init(&fdt, (const void *)platform_get()->dtb) ||
	    !fdt_find_compatible(&fdt, "pci-host-ecam-generic", &node) ||
	    !fdt_reg(&fdt, &node, 0, &base, &size)) {
		TEST_FAIL("no PCIe ECAM in the device tree (tests/configs/bmtest.dts gives one)");
		return;
	}
	rt_printf("  ECAM at %lx (%lu MiB)\n", base, size >> 20);
	EXPECT_GE(base, HIGH_DEVICE_MIN);
	struct fault_record rec = exc_probe_read32((uintptr_t)base, &id);
	EXPECT_EQ(rec.count, 0);
	EXPECT_EQ(id, PCI_ID_QEMU_HOST_BRIDGE);
}

/*
 * Stolen time (DEN0057A), as Linux finds it: SMCCC_ARCH_FEATURES says
 * PV_TIME_FEATURES is there, which says PV_TIME_ST is; PV_TIME_ST gives
 * this vCPU's record, revision 0, attributes 0, and no more stolen than
 * the time since the VM started (all of it on a CPU of its own: none).
 * The record is read-only: a write aborts and changes nothing.
 */
TEST(stolen_time)
{
	struct smccc_res res = smccc_hvc(SMCCC_ARCH_FEATURES_FID, PV_TIME_FEATURES_FID, 0, 0);
	if (!EXPECT_EQ(smccc_w(res.a0), SMCCC_RET_SUCCESS))
		return;
	res = smccc_hvc(PV_TIME_FEATURES_FID, PV_TIME_ST_FID, 0, 0);
	EXPECT_EQ((int64_t)res.a0, SMCCC_RET_SUCCESS);
	res = smccc_hvc(PV_TIME_FEATURES_FID, PV_TIME_FEATURES_FID, 0, 0);
	EXPECT_EQ((int64_t)res.a0, SMCCC_RET_SUCCESS);
	res = smccc_hvc(PV_TIME_FEATURES_FID, PV_TIME_ST_FID + 1, 0, 0);
	EXPECT_EQ((int64_t)res.a0, SMCCC_RET_NOT_SUPPORTED);
	res = smccc_hvc(PV_TIME_ST_FID + 1, 0, 0, 0);
	EXPECT_EQ((int64_t)res.a0, SMCCC_RET_NOT_SUPPORTED);

	res = smccc_hvc(PV_TIME_ST_FID, 0, 0, 0);
	uintptr_t rec = (uintptr_t)res.a0;
	uint32_t vcpu = (uint32_t)(sysreg_read_mpidr_el1() & 0xff);
	if (!EXPECT_NE((int64_t)rec, SMCCC_RET_NOT_SUPPORTED) || !EXPECT_EQ(rec % PV_TIME_ST_SIZE, 0))
		return;
	uint32_t revision = PROBE_POISON, attributes = PROBE_POISON;
	uint64_t stolen = PROBE_POISON;
	EXPECT_EQ(exc_probe_read32(rec, &revision).count, 0);
	EXPECT_EQ(exc_probe_read32(rec + 4, &attributes).count, 0);
	EXPECT_EQ(exc_probe_read64(rec + PV_TIME_ST_STOLEN_OFFSET, &stolen).count, 0);
	uint64_t up_ns = timer_ticks_to_ns(timer_now());
	rt_printf("  stolen-time record of vCPU %u at %lx: revision %u, attributes %u, stolen %lu of %lu ns\n", vcpu,
		  rec, revision, attributes, stolen, up_ns);
	EXPECT_EQ(revision, 0);
	EXPECT_EQ(attributes, 0);
	EXPECT_LE(stolen, up_ns);

	struct fault_record f = exc_probe_write64(rec + PV_TIME_ST_STOLEN_OFFSET, 0);
	EXPECT_EQ(f.count, 1);
	EXPECT_EQ(esr_ec(f.esr), ESR_EC_DABT_CUR);
	f = exc_probe_write32(rec, 1);
	EXPECT_EQ(f.count, 1);
	EXPECT_EQ(exc_probe_read32(rec, &revision).count, 0);
	EXPECT_EQ(revision, 0);
}

/*
 * FP/SIMD and the PAuth keys survive what runs beside the VM: on a shared
 * CPU tofu loads them lazily (the first FP instruction and the first key
 * access trap, then they are switched with the vCPU), on a CPU of its own
 * they never leave.  Each round puts new values in v0-v31 and APIAKey,
 * spins a few milliseconds (the VMs beside this one on its CPU run
 * meanwhile: sched-bm), and reads them back.
 */
#define CPACR_FPEN_ALL      (3ul << 20)   /* CPACR_EL1.FPEN: no FP/SIMD trap at EL1 or EL0 */
#define ISAR1_APA_API_SHIFT 4             /* ID_AA64ISAR1_EL1.APA (7:4) and API (11:8) */
#define ISAR1_APA_API_MASK  0xffu
/* APIAKeyLo_EL1, APIAKeyHi_EL1 by encoding (the assembler knows them only for armv8.3-a). */
#define FP_ROUNDS           8
#define FP_SPIN_MS          3
#define FP_WORDS            64      /* v0-v31, two 64-bit halves each */

static void fp_fill(const uint64_t *p)
{
	__asm__ volatile("ld1 {v0.2d-v3.2d}, [%0], #64\n\tld1 {v4.2d-v7.2d}, [%0], #64\n\t"
			 "ld1 {v8.2d-v11.2d}, [%0], #64\n\tld1 {v12.2d-v15.2d}, [%0], #64\n\t"
			 "ld1 {v16.2d-v19.2d}, [%0], #64\n\tld1 {v20.2d-v23.2d}, [%0], #64\n\t"
			 "ld1 {v24.2d-v27.2d}, [%0], #64\n\tld1 {v28.2d-v31.2d}, [%0], #64"
			 : "+r"(p) : : "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10",
			   "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22",
			   "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31");
}

static void fp_dump(uint64_t *p)
{
	__asm__ volatile("st1 {v0.2d-v3.2d}, [%0], #64\n\tst1 {v4.2d-v7.2d}, [%0], #64\n\t"
			 "st1 {v8.2d-v11.2d}, [%0], #64\n\tst1 {v12.2d-v15.2d}, [%0], #64\n\t"
			 "st1 {v16.2d-v19.2d}, [%0], #64\n\tst1 {v20.2d-v23.2d}, [%0], #64\n\t"
			 "st1 {v24.2d-v27.2d}, [%0], #64\n\tst1 {v28.2d-v31.2d}, [%0], #64"
			 : "+r"(p) : : "memory");
}

TEST(fp_pauth_kept)
{
	static uint64_t want[FP_WORDS], got[FP_WORDS];
	uint64_t isar1, cpacr;
	__asm__ volatile("mrs %0, id_aa64isar1_el1\n\tmrs %1, cpacr_el1" : "=r"(isar1), "=r"(cpacr));
	bool pauth = (isar1 >> ISAR1_APA_API_SHIFT) & ISAR1_APA_API_MASK;
	unsigned bad = 0;

	__asm__ volatile("msr cpacr_el1, %0\n\tisb" : : "r"(cpacr | CPACR_FPEN_ALL) : "memory");
	for (unsigned r = 0; r < FP_ROUNDS; r++) {
		for (unsigned i = 0; i < FP_WORDS; i++)
			want[i] = 0x0123456789abcdeful * (r + 1) ^ ((uint64_t)i << 56);
		fp_fill(want);
		if (pauth)
			__asm__ volatile("msr S3_0_C2_C1_0, %0\n\tmsr S3_0_C2_C1_1, %1" : : "r"(want[0] + r), "r"(~want[1]));
		uint64_t end = timer_now() + timer_ms_to_ticks(FP_SPIN_MS);
		while (timer_now() < end)
			;
		fp_dump(got);
		for (unsigned i = 0; i < FP_WORDS; i++)
			bad += got[i] != want[i];
		if (pauth) {
			uint64_t lo, hi;
			__asm__ volatile("mrs %0, S3_0_C2_C1_0\n\tmrs %1, S3_0_C2_C1_1" : "=r"(lo), "=r"(hi));
			bad += (lo != want[0] + r) + (hi != ~want[1]);
		}
	}
	rt_printf("  %u rounds of v0-v31%s across %u ms spins: %u words changed\n", FP_ROUNDS,
		  pauth ? " and APIAKey" : "", FP_SPIN_MS, bad);
	EXPECT_EQ(bad, 0);
}

static bool vtimer_round(unsigned round, bool use_wfi, uint64_t *worst)
{
	const uint32_t intid = platform_get()->vtimer_intid;
	const uint64_t bound = timer_ms_to_ticks(VTIMER_BOUND_MS);
	uint64_t cval, latency;
	bool ok;

	vtimer_irq.count = 0;
	cval = vtimer_start(timer_ms_to_ticks(VTIMER_DEADLINE_MS));
	ok = bmtest_wait_irqs(&vtimer_irq.count, 1, use_wfi, timer_ms_to_ticks(IRQ_WAIT_MS));
	if (!ok) {
		TEST_FAIL("round %u: no vtimer IRQ (ISTATUS %d, pending in the GIC %d)", round,
			  vtimer_asserted(), gic_private_irq_pending(intid));
		vtimer_stop();
		return false;
	}
	vtimer_stop();
	latency = vtimer_irq.entry_ticks - cval;
	rt_printf("  round %u (%s): CVAL %lx, IRQ entry %lx, latency %lu ticks\n", round,
		  use_wfi ? "wfi" : "poll", cval, vtimer_irq.entry_ticks, latency);
	EXPECT_EQ(vtimer_irq.count, 1);
	EXPECT_EQ(vtimer_irq.intid, intid);
	EXPECT_GE(vtimer_irq.entry_ticks, cval);
	EXPECT_LT(latency, bound);
	if (vtimer_irq.entry_ticks >= cval && latency > *worst)
		*worst = latency;
	return true;
}

TEST(vtimer)
{
	const uint32_t intid = platform_get()->vtimer_intid;
	const uint64_t freq = timer_freq();
	uint32_t unexpected = irq_unexpected_count();
	uint64_t worst = 0;
	unsigned round;

	rt_printf("  CNTFRQ_EL0 %lu Hz, deadline %lu ticks, bound %lu ticks\n", freq,
		  timer_ms_to_ticks(VTIMER_DEADLINE_MS), timer_ms_to_ticks(VTIMER_BOUND_MS));
	if (!EXPECT_NE(freq, 0) || !gic_ready_for_test())
		return;
	irq_set_handler(intid, vtimer_handler);
	gic_private_irq_enable(intid, TEST_IRQ_PRIORITY);

	/* Round 0 polls, so a timer that never fires cannot park the guest in WFI. */
	if (vtimer_round(0, false, &worst))
		for (round = 1; round <= VTIMER_WFI_ROUNDS; round++)
			if (!vtimer_round(round, true, &worst))
				break;
	rt_printf("  worst latency %lu ticks (%lu us)\n", worst,
		  worst * TICKS_PER_US_DIV / freq);

	gic_private_irq_disable(intid);
	irq_set_handler(intid, 0);
	EXPECT_EQ(irq_unexpected_count(), unexpected);
}

TEST(sgi_self)
{
	uint32_t unexpected = irq_unexpected_count();
	unsigned round;

	if (!gic_ready_for_test())
		return;
	irq_set_handler(SGI_TEST_INTID, sgi_handler);
	gic_private_irq_enable(SGI_TEST_INTID, TEST_IRQ_PRIORITY);

	/* Round 0 polls; round 1 sleeps in WFI once delivery is known to work. */
	for (round = 0; round < SGI_ROUNDS; round++) {
		sgi_irq.count = 0;
		gic_sgi_send_self(SGI_TEST_INTID);
		if (!bmtest_wait_irqs(&sgi_irq.count, 1, round > 0, timer_ms_to_ticks(IRQ_WAIT_MS))) {
			TEST_FAIL("round %u: SGI %u not received (pending in the GIC %d)", round,
				  SGI_TEST_INTID, gic_private_irq_pending(SGI_TEST_INTID));
			break;
		}
		EXPECT_EQ(sgi_irq.count, 1);
		EXPECT_EQ(sgi_irq.intid, SGI_TEST_INTID);
	}

	gic_private_irq_disable(SGI_TEST_INTID);
	irq_set_handler(SGI_TEST_INTID, 0);
	EXPECT_EQ(irq_unexpected_count(), unexpected);
}

static const struct test_case bmtest_cases[] = {
	TEST_CASE(smccc_version),
	TEST_CASE(psci_version),
	TEST_CASE(tofu_uid),
	TEST_CASE(unknown_call),
	TEST_CASE(abort_unassigned),
	TEST_CASE(abort_absent),
	TEST_CASE(high_device),
	TEST_CASE(stolen_time),
	TEST_CASE(fp_pauth_kept),
	TEST_CASE(vtimer),
	TEST_CASE(sgi_self),
};

int main(const void *dtb)
{
	static struct test_case all[BMTEST_MAX_CASES];
	unsigned el = rt_current_el();
	size_t i, n = 0;

	(void)dtb;   /* already parsed by rt_init(); platform_print() shows it */
	rt_printf("bmtest: hello from EL1\n");
	rt_printf("bmtest: CurrentEL = EL%u%s, MPIDR_EL1 = %lx\n", el,
		  el == 1 ? "" : " (expected EL1)", sysreg_read_mpidr_el1());
	platform_print();
	bmtest_cpu_restart();
	/* First: the CPU state a VM starts with, before any test changes it. */
	for (i = 0; i < bmtest_cpu_count && n < ARRAY_SIZE(all); i++)
		all[n++] = bmtest_cpu_cases[i];
	for (i = 0; i < ARRAY_SIZE(bmtest_cases); i++)
		all[n++] = bmtest_cases[i];
	for (i = 0; i < bmtest_irq_count && n < ARRAY_SIZE(all); i++)
		all[n++] = bmtest_irq_cases[i];
	return test_run_all(all, n) ? 1 : 0;
}
