#!/usr/bin/env bash
# The bare-metal test guest checks tofu from inside a VM: SMCCC and PSCI
# versions, tofu's own calls, unknown calls answered NOT_SUPPORTED (HVC and
# trapped SMC), aborts injected for unassigned IPAs, the virtual and the EL1
# physical timer, SGIs, level-sensitive interrupts (the PL031 passed through,
# the emulated PL011), and the CPU's own state: IMPLEMENTATION DEFINED
# registers, RAS records, the PMU (counters, its overflow PPI 23), debug
# registers and MTE, all reset by a restart (the guest resets itself once
# with the state dirty).  These tests run on bare QEMU too: the same guest
# must see the same behaviour there (the equivalence property).  The max
# CPU runs with mte=on (tag memory), so that its MTE is passed to the guest.
. "$(dirname "$0")/lib.sh"
rc=0
IRQ_TESTS=(vtimer_rearm_cval vtimer_rearm_tval vtimer_level vtimer_disabled_not_pending vtimer_icactiver vtimer_masked_wait
           ptimer_registers ptimer_irq ptimer_rearm_cval ptimer_rearm_tval ptimer_level
           ptimer_disabled_not_pending rtc_one_interrupt uart_level
           pmu_debug_reset_state imp_def_undef ras_registers pmu_counters pmu_excludes_el2
           pmu_overflow_irq
           debug_registers mte_tags)
# What each CPU model shows of MTE: FEAT_MTE3 on QEMU 10's max (mte=on), none on the A57.
declare -A MTE=([cortex-a57]="ID_AA64PFR1_EL1.MTE 0" [max]="ID_AA64PFR1_EL1.MTE 3")
# The same cases, whoever runs them.
expect_cpu_cases() { # cpu
    expect_line "bmtest: restarted, PMU and debug state of the first run left behind"
    expect_line "${MTE[$1]}"
    for t in "${IRQ_TESTS[@]}"; do expect_line "TEST $t: PASS"; done
}
for cpu in cortex-a57 max; do
    T_FAILED=0
    qemu_start "bmtest-$cpu" bmtest QEMU_CPU=$cpu
    wait_for "BMTEST: ALL PASS" 120
    expect_line "bmtest: hello from EL1"
    expect_line "not the VM's; injecting abort"
    expect_line "vm bmtest: stopped: guest reset (PSCI SYSTEM_RESET)"
    expect_cpu_cases $cpu
    wait_for "vm bmtest: stopped: guest powered off (PSCI SYSTEM_OFF)" 20
    qemu_exit 0 20
    t_end || rc=1
done

# Under -icount, QEMU's PMU counts INST_RETIRED, and the cycle counter counts
# instructions: exact counts show that a guest's counters skip EL2
# (MDCR_EL2.HPMD, HCCD) even when it asks them to count there.
T_FAILED=0
qemu_start "bmtest-max-icount" bmtest QEMU_CPU=max QEMU_ICOUNT=1
wait_for "BMTEST: ALL PASS" 120
expect_line "HVCs: INST_RETIRED"
t_end || rc=1

# Bare QEMU, no hypervisor: tofu's own calls fail there, the rest must pass.
# The same image on a GICv2 (its runtime takes the version from the device
# tree): the timers, SGIs and SPIs through GICD/GICC.
declare -A NATIVE_MACHINE=([cortex-a57]=virt,gic-version=3 [max]=virt,gic-version=3,mte=on
                           [cortex-a57-gicv2]=virt,gic-version=2)
for run in cortex-a57 max cortex-a57-gicv2; do
    cpu=${run%-gicv2}
    T_NAME=bmtest-native-$run; T_FAILED=0; T_START=$SECONDS
    QLOG=$LOGDIR/$T_NAME.log
    timeout 120 qemu-system-aarch64 -M "${NATIVE_MACHINE[$run]}" -cpu $cpu -m 256 -display none \
        -serial stdio -monitor none -kernel "$BUILD/guests/baremetal/bmtest.bin" < /dev/null > "$QLOG" 2>&1 &
    QPID=$!
    wait_for "bmtest: exit status" 120
    expect_cpu_cases $cpu
    if [ "$run" != "$cpu" ]; then
        expect_line "bmtest: GICv2: gicd 8000000 gicc 8010000 (dtb)"
        expect_line "TEST sgi_self: PASS"
    fi
    t_end || rc=1
done
exit $rc
