/* SPDX-License-Identifier: MIT */
/* tofu's watchdog calls: SMCCC fast calls through HVC #0 (docs/ipc.md). */
#include "rt/tofu_wdog.h"
#include "rt/smccc.h"

int tofu_wdog_arm(uint32_t timeout_ms)
{
	return (int)smccc_hvc(TOFU_HC_WDOG_ARM, timeout_ms, 0, 0).a0;
}

int tofu_wdog_pet(void)
{
	return (int)smccc_hvc(TOFU_HC_WDOG_PET, 0, 0, 0).a0;
}

int tofu_wdog_disarm(void)
{
	return (int)smccc_hvc(TOFU_HC_WDOG_DISARM, 0, 0, 0).a0;
}
