#!/usr/bin/env bash
# A board whose CPU numbering is not its MPIDRs' (tests/configs/cpu-map.dts,
# docs/porting.md): tofu starts each CPU by its MPIDR, finds its
# redistributor by affinity, routes SPIs and sends SGIs by MPIDR.  Debian's
# Linux on 2 vCPUs (the cores with MPIDRs 3 and 1) runs its smoke workload:
# a checksum on each vCPU, the RTC's alarm interrupt exactly once; the RTOS
# on the core with MPIDR 2 ticks beside it; Linux's poweroff stops its VM.
# With CPU index taken for Aff0 anywhere, interrupts would reach the wrong
# core and Linux would hang.
. "$(dirname "$0")/lib.sh"
sum=$(cat "$BUILD/linux/testdata.sha256")
qemu_start cpu-map cpu-map
wait_for "CPUs: 4 online of 4" 30
refuse_line "as the board's description (cpu-mpidrs) says"
refuse_line "no redistributor has its affinity"
wait_for "[rtos] rtos: started" 60
wait_for "tofu-guest: smoke done" 240
expect_line "tofu-guest: cpus=2"
expect_line "tofu-guest: sha256 cpu0=$sum cpu1=$sum"
expect_line "tofu-guest: rtc alarm interrupts=1"
wait_for "vm linux: stopped: guest powered off (PSCI SYSTEM_OFF)" 60
rtos_kept_ticking rtos
refuse_line "rcu_sched self-detected stall"
t_end
