/* SPDX-License-Identifier: MIT */
#include "rt/rt.h"

#include "tofu/abi.h"

#include "rt/arch.h"
#include "rt/hw.h"
#include "rt/platform.h"
#include "rt/print.h"
#include "rt/smccc.h"
#include "rt/test.h"
#include "rt/uart.h"

static rt_fatal_fn rt_fatal_handler;

void rt_init(const void *dtb, uint64_t load_offset)
{
	platform_probe(dtb, load_offset);
	uart_init(platform_get()->uart_base);
}

unsigned rt_current_el(void)
{
	return (unsigned)((sysreg_read_currentel() >> CURRENT_EL_SHIFT) & CURRENT_EL_MASK);
}

void rt_exit(int status)
{
	struct smccc_res res;

	rt_printf("%s: exit status %d, PSCI SYSTEM_OFF\n", rt_program_name, status);
	uart_flush();
	res = smccc_hvc(PSCI_SYSTEM_OFF_FID, 0, 0, 0);
	rt_printf("%s: SYSTEM_OFF returned %d, halting\n", rt_program_name, smccc_w(res.a0));
	uart_flush();
	rt_hang();
}

void rt_set_fatal_handler(rt_fatal_fn fn)
{
	rt_fatal_handler = fn;
}

void rt_fatal(const char *why)
{
	if (!rt_fatal_handler)
		test_abort(why);
	rt_fatal_handler(why);
	uart_flush();
	rt_hang();
}
