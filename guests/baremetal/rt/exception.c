/* SPDX-License-Identifier: MIT */
/*
 * EL1 exception dispatch.  IRQs from the current EL go to irq_dispatch();
 * synchronous exceptions are only expected inside a fault probe; anything
 * else is reported with ESR/ELR/FAR, then resumes at an armed recovery
 * point or ends the program (rt_fatal).
 */
#include "rt/exception.h"

#include "rt/arch.h"
#include "rt/hw.h"
#include "rt/irq.h"
#include "rt/print.h"
#include "rt/rt.h"

static volatile bool probe_armed;
static struct fault_record probe_rec;
static struct exc_recovery *volatile recovery;
static bool exc_in_report;

void exc_probe_begin(void)
{
	probe_rec = (struct fault_record){ .count = 0 };
	probe_armed = true;
	__asm__ volatile("" : : : "memory");
}

struct fault_record exc_probe_end(void)
{
	__asm__ volatile("" : : : "memory");
	probe_armed = false;
	return probe_rec;
}

struct fault_record exc_probe_read32(uintptr_t addr, uint32_t *value)
{
	uint32_t v = *value;

	exc_probe_begin();
	__asm__ volatile("ldr %w0, [%1]" : "+r"(v) : "r"(addr) : "memory");
	*value = v;
	return exc_probe_end();
}

struct fault_record exc_probe_write32(uintptr_t addr, uint32_t value)
{
	exc_probe_begin();
	__asm__ volatile("str %w0, [%1]" : : "rZ"(value), "r"(addr) : "memory");
	return exc_probe_end();
}

struct fault_record exc_probe_read64(uintptr_t addr, uint64_t *value)
{
	uint64_t v = *value;

	exc_probe_begin();
	__asm__ volatile("ldr %0, [%1]" : "+r"(v) : "r"(addr) : "memory");
	*value = v;
	return exc_probe_end();
}

struct fault_record exc_probe_write64(uintptr_t addr, uint64_t value)
{
	exc_probe_begin();
	__asm__ volatile("str %0, [%1]" : : "rZ"(value), "r"(addr) : "memory");
	return exc_probe_end();
}

void exc_recovery_arm(struct exc_recovery *rec)
{
	rec->slot = 0;
	rec->fault = (struct fault_record){ .count = 0 };
	recovery = rec;
	__asm__ volatile("" : : : "memory");
}

void exc_recovery_disarm(void)
{
	__asm__ volatile("" : : : "memory");
	recovery = 0;
}

static const char *exc_slot_name(uint64_t slot)
{
	static const char *const names[] = {
		"EL1t sync", "EL1t IRQ", "EL1t FIQ", "EL1t SError",
		"EL1h sync", "EL1h IRQ", "EL1h FIQ", "EL1h SError",
		"lower-EL A64 sync", "lower-EL A64 IRQ", "lower-EL A64 FIQ", "lower-EL A64 SError",
		"lower-EL A32 sync", "lower-EL A32 IRQ", "lower-EL A32 FIQ", "lower-EL A32 SError",
	};

	return slot < sizeof(names) / sizeof(names[0]) ? names[slot] : "?";
}

static void exc_report(uint64_t slot, const struct exc_frame *f)
{
	uint64_t esr = sysreg_read_esr_el1();
	unsigned i;

	rt_printf("\n%s: UNEXPECTED EXCEPTION: %s from vector slot %lu\n", rt_program_name,
		  exc_slot_name(slot), slot);
	rt_printf("  ESR_EL1 %016lx (EC 0x%02x ISS %lx)\n", esr, esr_ec(esr), esr & ESR_ISS_MASK);
	rt_printf("  ELR_EL1 %016lx  FAR_EL1 %016lx  SPSR_EL1 %016lx\n", f->elr,
		  sysreg_read_far_el1(), f->spsr);
	for (i = 0; i < 31; i++)
		rt_printf("  x%-2u %016lx%s", i, f->x[i], (i % 4 == 3 || i == 30) ? "\n" : "");
}

/* Return from the exception into rt_longjmp(&rec->jmp, 1), IRQs masked. */
static void exc_recover(struct exc_recovery *rec, uint64_t slot, struct exc_frame *f)
{
	rec->slot = slot;
	rec->fault = (struct fault_record){
		.count = 1,
		.esr = sysreg_read_esr_el1(),
		.far = sysreg_read_far_el1(),
		.elr = f->elr,
	};
	f->x[0] = (uintptr_t)&rec->jmp;
	f->x[1] = 1;
	f->elr = (uintptr_t)rt_longjmp;
	f->spsr |= DAIF_IRQ_BIT;   /* SPSR_EL1.I sits where DAIF.I does */
}

void exc_dispatch(uint64_t slot, struct exc_frame *frame)
{
	uint64_t source = slot >> 2, type = slot & 3;
	struct exc_recovery *rec;

	if (source == EXC_SRC_CUR_SPX && type == EXC_TYPE_IRQ) {
		irq_dispatch();
		return;
	}
	if (source == EXC_SRC_CUR_SPX && type == EXC_TYPE_SYNC && probe_armed) {
		probe_rec.count++;
		probe_rec.esr = sysreg_read_esr_el1();
		probe_rec.far = sysreg_read_far_el1();
		probe_rec.elr = frame->elr;
		frame->elr += A64_INSN_SIZE;   /* skip the probed instruction */
		return;
	}
	if (exc_in_report)
		rt_hang();   /* faulted while reporting: nothing more can be printed */
	exc_in_report = true;
	exc_report(slot, frame);
	exc_in_report = false;
	rec = recovery;
	if (rec) {
		recovery = 0;   /* one shot: a fault in the recovery path is fatal */
		exc_recover(rec, slot, frame);
		return;
	}
	exc_in_report = true;
	rt_fatal("unexpected exception");
}
