#!/usr/bin/env bash
# Shared physical CPUs (docs/scheduling.md).  sched-bm: two 1 kHz periodic
# tasks (rtos-a, rtos-b) and the bare-metal test guest on ONE physical CPU:
# the test guest passes all its checks (timers, PMU, debug, vGIC, a reset)
# across switches, twice (started again from the shell), and both tasks
# keep ticking, none of them stopped by its watchdog.  sched-linux: Linux with its 2
# vCPUs on one physical CPU, beside an rtos on the same CPU, boots, sees 2
# CPUs, runs the smoke workload on each and powers off; the rtos ticks on.
# Progress markers only: no bound on latency (there are no priorities yet).
. "$(dirname "$0")/lib.sh"
rc=0
# both_tick <n>: each rtos printed its tick <n> line.
both_tick() {
    for vm in rtos-a rtos-b; do wait_for "[$vm] rtos: tick $1 " 120; done
}
for cpu in cortex-a57 max; do
    T_FAILED=0
    qemu_start "sched-bm-$cpu" sched-bm QEMU_CPU=$cpu
    wait_for "VM 3 'bmtest': 1 vCPU on CPU 1" 30
    both_tick 1000
    wait_for "BMTEST: ALL PASS" 240
    expect_line "bmtest: restarted, PMU and debug state of the first run left behind"
    wait_for "vm bmtest: stopped: guest powered off (PSCI SYSTEM_OFF)" 30
    # Started again from the shell while its CPU runs the tasks: the CPU's
    # scheduler loads it (the CPU is never idle).
    printf '\x140' >&"$QIN"                  # Ctrl-T 0: the hypervisor shell
    wait_for "console: input to the hypervisor shell" 10
    send "start bmtest"
    wait_for "BMTEST: ALL PASS" 240 2
    wait_for "vm bmtest: stopped: guest powered off (PSCI SYSTEM_OFF)" 30 2
    n=$(grep -c "\[rtos-a\] rtos: tick" "$QLOG")
    both_tick $(((n + 2) * 1000))
    refuse_line "mem CORRUPT"
    refuse_line "watchdog expired"
    refuse_line "vm rtos-a: stopped"
    refuse_line "vm rtos-b: stopped"
    t_end || rc=1
done

sum=$(cat "$BUILD/linux/testdata.sha256")
T_FAILED=0
qemu_start sched-linux sched-linux
wait_for "VM 1 'linux': 2 vCPUs on CPU 1,1" 30
wait_for "tofu-guest: reached /init" 300
wait_for "tofu-guest: cpus=" 60
expect_line "tofu-guest: cpus=2"
wait_for "tofu-guest: smoke done" 240
expect_line "tofu-guest: sha256 cpu0=$sum cpu1=$sum"
expect_line "tofu-guest: rtc alarm interrupts=1"
wait_for "vm linux: stopped: guest powered off (PSCI SYSTEM_OFF)" 60
rtos_kept_ticking rtos
refuse_line "watchdog expired"
refuse_line "Internal error"
refuse_line "rcu_sched self-detected stall"
t_end || rc=1
exit $rc
