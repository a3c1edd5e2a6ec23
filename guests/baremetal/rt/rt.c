/* SPDX-License-Identifier: MIT */
#include "rt/rt.h"

#include "tofu/abi.h"

#include "rt/arch.h"
#include "rt/fdt.h"
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

uint64_t rt_bootarg(const void *dtb, const char *key, uint64_t dflt, bool *found)
{
	struct fdt fdt;
	struct fdt_node chosen;
	const char *args = NULL;
	unsigned n = 0;

	if (fdt_init(&fdt, dtb) && fdt_find_path(&fdt, "/chosen", 7, &chosen))
		args = fdt_prop(&fdt, &chosen, "bootargs", NULL);
	while (key[n])
		n++;
	for (const char *p = args; p && *p; p++) {
		bool match = (p == args || p[-1] == ' ');
		for (unsigned i = 0; match && i < n; i++)
			match = p[i] == key[i];
		if (match && p[n] == '=') {
			uint64_t v = 0;
			for (p += n + 1; *p >= '0' && *p <= '9'; p++)
				v = v * 10 + (uint64_t)(*p - '0');
			if (found)
				*found = true;
			return v;
		}
	}
	return dflt;
}
