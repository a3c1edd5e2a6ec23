#!/usr/bin/env bash
# The bare-metal test guest checks tofu from inside a VM: SMCCC and PSCI
# versions, tofu's own calls, unknown calls answered NOT_SUPPORTED (HVC and
# trapped SMC), aborts injected for unassigned IPAs, the virtual and the EL1
# physical timer, SGIs, level-sensitive interrupts (the PL031 passed through,
# the emulated PL011).  The interrupt tests run on bare QEMU too: the same
# guest must see the same behaviour there (the equivalence property).
. "$(dirname "$0")/lib.sh"
rc=0
IRQ_TESTS=(vtimer_rearm_cval vtimer_rearm_tval vtimer_level vtimer_disabled_not_pending
           ptimer_registers ptimer_irq ptimer_rearm_cval ptimer_rearm_tval ptimer_level
           ptimer_disabled_not_pending rtc_one_interrupt uart_level)
for cpu in cortex-a57 max; do
    T_FAILED=0
    qemu_start "bmtest-$cpu" bmtest QEMU_CPU=$cpu
    wait_for "BMTEST: ALL PASS" 120
    expect_line "bmtest: hello from EL1"
    expect_line "not the VM's; injecting abort"
    for t in "${IRQ_TESTS[@]}"; do expect_line "TEST $t: PASS"; done
    wait_for "vm bmtest: stopped: guest powered off (PSCI SYSTEM_OFF)" 20
    qemu_exit 0 20
    t_end || rc=1
done

# Bare QEMU, no hypervisor: tofu's own calls fail there, the rest must pass.
T_NAME=bmtest-native; T_FAILED=0; T_START=$SECONDS
QLOG=$LOGDIR/$T_NAME.log
timeout 120 qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a57 -m 256 -display none \
    -serial stdio -monitor none -kernel "$BUILD/guests/baremetal/bmtest.bin" < /dev/null > "$QLOG" 2>&1 &
QPID=$!
wait_for "bmtest: exit status" 120
for t in "${IRQ_TESTS[@]}"; do expect_line "TEST $t: PASS"; done
t_end || rc=1
exit $rc
