/* SPDX-License-Identifier: MIT */
/*
 * EL1 exception dispatch.  IRQs from the current EL go to irq_dispatch();
 * synchronous exceptions are only expected inside a fault probe; anything
 * else is reported with ESR/ELR/FAR and ends the run as a failure.
 */
#include "rt/exception.h"

#include "rt/arch.h"
#include "rt/hw.h"
#include "rt/irq.h"
#include "rt/print.h"
#include "rt/rt.h"
#include "rt/test.h"

static volatile bool probe_armed;
static struct fault_record probe_rec;
static bool exc_in_fatal;

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

static _Noreturn void exc_fatal(uint64_t slot, const struct exc_frame *f)
{
	uint64_t esr = sysreg_read_esr_el1();
	unsigned i;

	if (exc_in_fatal)
		rt_hang();   /* faulted while reporting: nothing more can be printed */
	exc_in_fatal = true;
	rt_printf("\nbmtest: UNEXPECTED EXCEPTION: %s from vector slot %lu\n", exc_slot_name(slot),
		  slot);
	rt_printf("  ESR_EL1 %016lx (EC 0x%02x ISS %lx)\n", esr, esr_ec(esr), esr & ESR_ISS_MASK);
	rt_printf("  ELR_EL1 %016lx  FAR_EL1 %016lx  SPSR_EL1 %016lx\n", f->elr,
		  sysreg_read_far_el1(), f->spsr);
	for (i = 0; i < 31; i++)
		rt_printf("  x%-2u %016lx%s", i, f->x[i], (i % 4 == 3 || i == 30) ? "\n" : "");
	test_abort("unexpected exception");
}

void exc_dispatch(uint64_t slot, struct exc_frame *frame)
{
	uint64_t source = slot >> 2, type = slot & 3;

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
	exc_fatal(slot, frame);
}
