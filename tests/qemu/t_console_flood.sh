#!/usr/bin/env bash
# The console never blocks: 10,000 characters typed into a VM that does not
# read its UART (the RTOS) fill its buffer, the rest is dropped with one
# notice, and then Ctrl-T still reaches the hypervisor shell and QEMU's own
# Ctrl-A x still ends QEMU.  (Before, 34 characters locked Ctrl-T.)  The
# shell's log shows a VM's last lines.
. "$(dirname "$0")/lib.sh"
qemu_start console-flood restart QEMU_SERIAL=mon:stdio
wait_for "[churn] rtos: first tick" 60
wait_for "[steady] rtos: first tick" 60
head -c 10000 /dev/zero | tr '\0' 'k' >&"$QIN"
wait_for "console: vm churn is not reading its input" 30
printf '\x140' >&"$QIN"                      # Ctrl-T 0: the hypervisor shell
wait_for "console: input to the hypervisor shell" 30
send "list"
wait_for_re "steady +running" 10
# The shell keeps each VM's last lines: steady's, though it never had the focus.
wait_for "[steady] rtos: tick 1000 " 60
send "log steady"
wait_for "log of vm steady" 10
wait_for_re "^\[tofu\] \| rtos: tick [0-9]+ worst-latency" 10
n=$(grep -cF "console: vm churn is not reading its input" "$QLOG")
[ "$n" = 1 ] || t_fail "the drop notice came $n times, not once"
ticks=$(grep -c "\[steady\] rtos: tick" "$QLOG")
wait_for "[steady] rtos: tick" 30 $((ticks + 1))
printf '\x01x' >&"$QIN"                      # QEMU's Ctrl-A x: quit
qemu_exit 0 30
t_end
