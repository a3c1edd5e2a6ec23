/* SPDX-License-Identifier: MIT */
#ifndef RTOS_IPC_H
#define RTOS_IPC_H

#include <stdbool.h>
#include <stdint.h>

struct rtos_stats {
	uint64_t tick, worst_us, mean_us;
	bool mem_ok;
};

/* Probe the tofu,ipc node; enable the doorbell.  False when no channel. */
bool rtos_ipc_init(const void *dtb);
/* Once a second: the stats into the shared ring and to a subscriber. */
void rtos_ipc_publish(const struct rtos_stats *s);
/* Background work for the main loop (IRQs masked); true while more is due. */
bool rtos_ipc_work(uint64_t now);

#endif
