#!/usr/bin/env bash
# Debian's stock arm64 kernel under tofu: reaches /init, sees exactly its 2
# vCPUs, checksums a file on each vCPU (compared with the host's checksum),
# drives the PL031 RTC passed through to it (its alarm interrupt arrives
# exactly once), and its poweroff ends QEMU with status 0.  It uses tofu's
# stolen time (DEN0057), and alone on its CPUs it has none.  On cortex-a57 with 2 and 4
# physical CPUs, and on -cpu max.
. "$(dirname "$0")/lib.sh"
sum=$(cat "$BUILD/linux/testdata.sha256")
rc=0
for variant in "cortex-a57 2" "max 2" "cortex-a57 4"; do
    set -- $variant
    T_FAILED=0
    qemu_start "linux-smoke-$1-smp$2" linux-smoke QEMU_CPU=$1 QEMU_SMP=$2
    wait_for "CPUs: $2 online of $2" 30
    wait_for "tofu-guest: reached /init" 240
    wait_for "tofu-guest: cpus=" 60
    expect_line "tofu-guest: cpus=2"
    wait_for "tofu-guest: smoke done" 120
    expect_line "tofu-guest: sha256 cpu0=$sum cpu1=$sum"
    expect_line "arm-pv: using stolen time PV"
    expect_line "tofu-guest: steal after cpu0=0 cpu1=0 "
    expect_line "tofu-guest: rtc0 is rtc-pl031 9010000.pl031"
    expect_line "tofu-guest: rtc alarm interrupts=1"
    wait_for "vm linux: stopped: guest powered off (PSCI SYSTEM_OFF)" 60
    wait_for "no VM left running: powering off" 10
    qemu_exit 0 20
    refuse_line "Internal error"
    refuse_line "rcu_sched self-detected stall"
    t_end || rc=1
done
exit $rc
