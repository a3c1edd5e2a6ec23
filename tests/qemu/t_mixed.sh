#!/usr/bin/env bash
# The mixed-criticality demo (configs/mixed.dts, docs/scheduling.md): two
# Linux VMs of 2 vCPUs and the RTOS VM, five vCPUs on four CPUs, the RTOS at
# the higher priority on the CPU it shares with linux2's second vCPU.  Both
# Linux shells answer on the console (Ctrl-T 1, Ctrl-T 2), linux2 sees both
# its CPUs and runs work on the shared one, and the RTOS ticks on with its
# memory intact.  (Its latency bound is checked under icount by t_sched.)
. "$(dirname "$0")/lib.sh"
qemu_start mixed mixed
wait_for "[rtos] rtos: started" 60
wait_for "[linux] tofu-guest: reached /init" 240
wait_for "[linux2] tofu-guest: reached /init" 240
wait_for "[linux] tofu-linux# " 120
# linux2's prompt, a line without its end, shows when it has the focus.
wait_for "[linux2] Enter 'help' for a list of built-in commands." 120
send "echo one-\$((1 + 1))"
wait_for "[linux] one-2" 30
printf '\x142' >&"$QIN"                      # Ctrl-T 2: linux2
wait_for "console: input to VM 2 'linux2'" 10
send "echo cpus-\$(nproc); taskset -c 1 sha256sum /data/testdata | cut -c1-16"
wait_for "[linux2] cpus-2" 30
sum=$(cut -c1-16 "$BUILD/linux/testdata.sha256")
wait_for "[linux2] $sum" 120
n=$(grep -c "\[rtos\] rtos: tick" "$QLOG")
wait_for "[rtos] rtos: tick $(((n + 2) * 1000)) " 60
printf '\x141' >&"$QIN"                      # Ctrl-T 1: back to linux
wait_for "console: input to VM 1 'linux'" 10
send "echo back-\$((2 + 3))"
wait_for "[linux] back-5" 30
echo "  rtos: $(grep -o 'rtos: tick [0-9]* worst-latency [0-9.]* us mean-latency [0-9.]* us' "$QLOG" | tail -1)"
refuse_line "mem CORRUPT"
refuse_line "watchdog expired"
refuse_line "rcu_sched self-detected stall"
refuse_line "vm rtos: stopped"
t_end
