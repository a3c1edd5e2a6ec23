#!/usr/bin/env bash
# The bare-metal test guest checks tofu from inside a VM: SMCCC and PSCI
# versions, tofu's own calls, unknown calls answered NOT_SUPPORTED (HVC and
# trapped SMC), aborts injected for unassigned IPAs, the virtual timer, SGIs.
. "$(dirname "$0")/lib.sh"
rc=0
for cpu in cortex-a57 max; do
    T_FAILED=0
    qemu_start "bmtest-$cpu" bmtest QEMU_CPU=$cpu
    wait_for "BMTEST: ALL PASS" 60
    expect_line "bmtest: hello from EL1"
    expect_line "not the VM's; injecting abort"
    wait_for "vm bmtest: stopped: guest powered off (PSCI SYSTEM_OFF)" 20
    qemu_exit 0 20
    t_end || rc=1
done
exit $rc
