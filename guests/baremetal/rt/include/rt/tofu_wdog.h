/* SPDX-License-Identifier: MIT */
/*
 * tofu's watchdog for bare-metal guests (docs/ipc.md, "Watchdog"): once
 * armed, a VM that does not pet it within the timeout has hung, and tofu
 * stops it by its on-failure policy.  Each returns TOFU_OK or a TOFU_E_*
 * status (tofu/abi.h).
 */
#ifndef RT_TOFU_WDOG_H
#define RT_TOFU_WDOG_H

#include <stdint.h>
#include "tofu/abi.h"

int tofu_wdog_arm(uint32_t timeout_ms);   /* TOFU_WDOG_MIN_MS..TOFU_WDOG_MAX_MS */
int tofu_wdog_pet(void);
int tofu_wdog_disarm(void);

#endif /* RT_TOFU_WDOG_H */
