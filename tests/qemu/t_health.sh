#!/usr/bin/env bash
# Health monitor: a VM whose guest loops on injected aborts (a fault storm)
# is stopped and restarted by its policy (on-failure = "restart",
# max-restarts = 2): two restarts, then the third failure leaves it failed,
# as the shell's list says; the RTOS beside it keeps ticking; a failed VM
# can be started again from the shell.
. "$(dirname "$0")/lib.sh"
qemu_start health storm
wait_for "[steady] rtos: first tick" 60
wait_for "fault storm: 50000 exceptions injected within a second" 120 3
wait_for "vm crasher: failed: 3 failures within 600 s" 60
n=$(grep -c "vm crasher: restarting from a clean image" "$QLOG")
[ "$n" = 2 ] || t_fail "crasher restarted $n times, expected 2"
ticks=$(grep -c "\[steady\] rtos: tick" "$QLOG")
wait_for "[steady] rtos: tick" 30 $((ticks + 2))
refuse_line "no virtual timer IRQ"
refuse_line "vm steady: stopped"
printf '\x140' >&"$QIN"                      # Ctrl-T 0: the hypervisor shell
wait_for "console: input to the hypervisor shell" 10
send "list"
wait_for_re "crasher +failed .* 2 +0  fault storm" 10
send "start crasher"
wait_for "[crasher] fuzz: storm:" 30 4
t_end
