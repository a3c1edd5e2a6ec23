/* SPDX-License-Identifier: MIT */
/* EL1 exception handling: frame layout, fault probes, fatal reporting. */
#ifndef RT_EXCEPTION_H
#define RT_EXCEPTION_H

/* Saved by vectors.S: x0..x30, ELR_EL1, SPSR_EL1, padding to 16 bytes. */
#define EXC_FRAME_ELR   (31 * 8)
#define EXC_FRAME_SPSR  (32 * 8)
#define EXC_FRAME_SIZE  (34 * 8)

/* Vector slot = (source << 2) | type, in table order. */
#define EXC_SRC_CUR_SP0 0
#define EXC_SRC_CUR_SPX 1
#define EXC_SRC_LOW_A64 2
#define EXC_SRC_LOW_A32 3
#define EXC_TYPE_SYNC   0
#define EXC_TYPE_IRQ    1
#define EXC_TYPE_FIQ    2
#define EXC_TYPE_SERROR 3

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

#include "rt/hw.h"
#include "rt/jump.h"

struct exc_frame {
	uint64_t x[31];
	uint64_t elr;
	uint64_t spsr;
	uint64_t pad;
};
_Static_assert(sizeof(struct exc_frame) == EXC_FRAME_SIZE, "frame layout");
_Static_assert(__builtin_offsetof(struct exc_frame, elr) == EXC_FRAME_ELR, "elr");
_Static_assert(__builtin_offsetof(struct exc_frame, spsr) == EXC_FRAME_SPSR, "spsr");

/* What the synchronous handler saw while a fault probe was armed. */
struct fault_record {
	uint32_t count;  /* exceptions taken while armed */
	uint64_t esr;
	uint64_t far;
	uint64_t elr;
};

/*
 * Fault probes: between begin and end, any synchronous exception from the
 * current EL is recorded and the faulting instruction skipped (ELR += 4).
 * Outside a probe, an exception is fatal and dumps ESR/ELR/FAR.
 */
void exc_probe_begin(void);
struct fault_record exc_probe_end(void);

/* One load or store at addr inside a fault probe; *value is kept if the load faulted. */
struct fault_record exc_probe_read32(uintptr_t addr, uint32_t *value);
struct fault_record exc_probe_write32(uintptr_t addr, uint32_t value);
struct fault_record exc_probe_read64(uintptr_t addr, uint64_t *value);
struct fault_record exc_probe_write64(uintptr_t addr, uint64_t value);

/*
 * Recovery points, for programs that must go on after an exception no
 * probe expected (a probe, when armed, takes precedence):
 *
 *   static struct exc_recovery rec;
 *   if (rt_setjmp(&rec.jmp) == 0) {
 *           exc_recovery_arm(&rec);
 *           risky();
 *           exc_recovery_disarm();
 *   } else {
 *           ... rec.slot and rec.fault say what happened ...
 *   }
 *
 * The exception is reported (ESR/ELR/FAR and registers), the recovery
 * point disarmed, and execution resumes with rt_setjmp returning 1, with
 * IRQs masked.  Not for exceptions taken inside an IRQ handler: the
 * interrupt would stay active.
 */
struct exc_recovery {
	struct rt_jmp_buf jmp;
	uint64_t slot;                 /* vector slot of the exception */
	struct fault_record fault;
};

void exc_recovery_arm(struct exc_recovery *rec);
void exc_recovery_disarm(void);

static inline uint32_t esr_ec(uint64_t esr)
{
	return (uint32_t)((esr >> ESR_EC_SHIFT) & ESR_EC_MASK);
}

/* Called from vectors.S. */
void exc_dispatch(uint64_t slot, struct exc_frame *frame);
#endif

#endif /* RT_EXCEPTION_H */
