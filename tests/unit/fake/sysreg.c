/* SPDX-License-Identifier: MIT */
/* A register file by name, behind fake/arch/sysreg.h's read_sysreg(). */
#include <string.h>
#include "unit.h"
#include "fake.h"
#include "arch/sysreg.h"
#include "arch/cpu.h"

#define FAKE_NR_SYSREGS 64

static struct {
    char name[32];
    uint64_t value;
    unsigned reads;
} regs[FAKE_NR_SYSREGS];
static unsigned nr_regs;

static unsigned slot(const char *name)
{
    for (unsigned i = 0; i < nr_regs; i++)
        if (!strcmp(regs[i].name, name))
            return i;
    assert_true(nr_regs < FAKE_NR_SYSREGS);
    assert_true(strlen(name) < sizeof(regs[0].name));
    strcpy(regs[nr_regs].name, name);
    regs[nr_regs].value = 0;
    regs[nr_regs].reads = 0;
    return nr_regs++;
}

void fake_sysreg_reset(void)
{
    nr_regs = 0;
}

void fake_sysreg_set(const char *name, uint64_t v)
{
    regs[slot(name)].value = v;
}

unsigned fake_sysreg_reads(const char *name)
{
    return regs[slot(name)].reads;
}

uint64_t fake_read_sysreg(const char *name)
{
    unsigned i = slot(name);
    regs[i].reads++;
    return regs[i].value;
}

void fake_write_sysreg(const char *name, uint64_t v)
{
    regs[slot(name)].value = v;
}

/* No lazy switching of the debug registers and the PMU here: every trapped
 * access is the table's (arch_vcpu_lazy_trap in vcpu_ctx.c). */
bool arch_vcpu_lazy_trap(struct vcpu *v, uint32_t enc)
{
    (void)v;
    (void)enc;
    return false;
}
