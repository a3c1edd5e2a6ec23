#!/usr/bin/env bash
# The default demo: the Linux VM and the RTOS-style VM boot side by side and
# both print their markers; Linux reads the RTOS's statistics over IPC (a
# message and a shared ring), and again after the RTOS restarts; Linux's poweroff stops only the Linux VM while
# the RTOS VM keeps ticking; the hypervisor shell lists both and starts
# Linux again, which boots and answers on the console.
. "$(dirname "$0")/lib.sh"
qemu_start demo default
wait_for "[rtos] rtos: started" 60
wait_for "[linux] tofu-guest: reached /init" 240
wait_for "tofu-linux# " 60
wait_for "[rtos] rtos: tick 2000 " 60
# IPC: the RTOS's statistics as a message, and from the ring it shares.
send "rtos-stats"
wait_for "message: rtos: tick" 30
wait_for "ring: tick=" 30
# The RTOS restarts: Linux hears it go down and come back (events from tofu),
# and rtos-stats works again on the RTOS's new share.
printf '\x140' >&"$QIN"                      # Ctrl-T 0: the hypervisor shell
wait_for "console: input to the hypervisor shell" 10
send "restart rtos"
wait_for "[rtos] rtos: first tick" 60 2
wait_for "[rtos] rtos: tick 2000 " 60 2
printf '\x141' >&"$QIN"                      # Ctrl-T 1: back to Linux
wait_for "console: input to VM 1 'linux'" 10
send "tofu-msg recv -n 2"
wait_for "event=peer-down vm=2" 20
wait_for "event=peer-up vm=2" 20
wait_for "revoked with its owner" 20         # the driver dropped the RTOS's old share
rings=$(grep -c "ring: tick=" "$QLOG")
send "rtos-stats; echo rtos-stats-status=\$?"
wait_for_re "rtos-stats-status=[0-9]" 30
expect_line "rtos-stats-status=0"
wait_for "ring: tick=" 10 $((rings + 1))
send "poweroff"
wait_for "vm linux: stopped: guest powered off (PSCI SYSTEM_OFF)" 60
refuse_line "no VM left running"
ticks=$(grep -c "\[rtos\] rtos: tick" "$QLOG")
wait_for "[rtos] rtos: tick" 30 $((ticks + 2))
printf '\x140' >&"$QIN"                      # Ctrl-T 0: the hypervisor shell
wait_for "console: input to the hypervisor shell" 10
send "list"
wait_for "linux           stopped" 10
wait_for "rtos            running" 10          # the next line of the list: it may come a moment later
send "start linux"
wait_for "vm linux: started" 30 2
wait_for "[linux] tofu-guest: reached /init" 240 2
printf '\x141' >&"$QIN"                      # Ctrl-T 1: back to Linux
wait_for "console: input to VM 1 'linux'" 10
wait_for "tofu-linux# " 120 2
send "echo back-\$((2 + 3))"
wait_for "back-5" 30
refuse_line "mem CORRUPT"
t_end
