#!/usr/bin/env bash
# The virtual ITS (issue 12, docs/its.md): itstest, on two vCPUs, probes its
# ITS and LPI registers, sets up the tables, and drives every command: INT
# delivers the LPI to the collection's vCPU, MOVI moves it, CLEAR and
# DISCARD stop it (on the issuing and on the other vCPU), INV and INVALL
# apply a changed enable and priority, malformed commands change nothing and
# the queue goes on (a stalled one recovers with Retry), and a DeviceID the
# VM does not own is refused.  The RTOS beside it keeps ticking, and tofu
# logs the refusals.  Then the same guest on bare QEMU, against QEMU's own
# ITS: every case but the ownership one must hold there too (the runtime
# finds no edu there: the device MSIs are checked under tofu only).  Last, Debian's
# Linux with an ITS: its driver finds it, allocates its tables, and both
# CPUs take LPIs on, with nothing refused.
. "$(dirname "$0")/lib.sh"
rc=0
CASES=(its_registers its_setup int_delivers movi_moves clear_and_discard_stop inv_invall_apply
       malformed_refused foreign_device_refused device_msi lpi_survives_cpu_off)
T_FAILED=0
EDUS="edu,addr=2,dma_mask=0xffffffffffff edu,addr=3,dma_mask=0xffffffffffff"
qemu_start its its "QEMU_DEVICES=$EDUS"
wait_for "ITSTEST: " 120
expect_line "itstest: under tofu"
for t in "${CASES[@]}"; do expect_line "TEST $t: PASS"; done
expect_line "ITSTEST: ALL PASS (0 failed, 0 unexpected IRQs)"
for why in "event-out-of-range" "lpi-out-of-range" "collection-out-of-range" "unknown-command" \
           "device-not-owned" "event-mapped" "lpi-mapped" "collection-unmapped" "cwriter-beyond-queue"; do
    grep -a -F "vm itstest vcpu0:" "$QLOG" | grep -F "$why" > /dev/null || t_fail "no tofu log line for: $why"
done
expect_line "vm itstest: PCI 00:02.0: its MSIs through the ITS"
expect_line "itstest: edu's MSIs: event 9 on vCPU 1 then 0"
grep -a -q "StreamID 0x18 (PCI 00:03.0): .* write of 0x8090040" "$QLOG" || t_fail "no SMMU fault for the MSI of the edu that is no VM's"
wait_for "vm itstest: stopped: guest powered off (PSCI SYSTEM_OFF)" 20
# On a GICv3 (the default) every device MSI is tofu's to inject; with
# GIC=4, none is (t_its_v4 checks that).
if [ "${QEMU_GIC:-3}" = 3 ]; then
    wait_for_re "vm itstest: device MSIs: [1-9][0-9]* injected by tofu, 0 doorbells" 10
    refuse_line "direct injection on"
fi
rtos_kept_ticking rtos
t_end || rc=1

T_NAME=its-native; T_FAILED=0; T_START=$SECONDS
QLOG=$LOGDIR/$T_NAME.log
timeout 120 qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a57 -smp 2 -m 256 -display none \
    -serial stdio -monitor none -kernel "$BUILD/guests/baremetal/itstest.bin" < /dev/null > "$QLOG" 2>&1 &
QPID=$!
wait_for "ITSTEST: " 120
expect_line "itstest: on bare QEMU"
for t in "${CASES[@]}"; do expect_line "TEST $t: PASS"; done
t_end || rc=1

T_FAILED=0
qemu_start linux-its linux-its
wait_for "tofu-guest: smoke done" 180
expect_line "ITS@0x0000000008080000: allocated"
expect_line "GICv3: CPU0: using allocated LPI pending table"
expect_line "GICv3: CPU1: using allocated LPI pending table"
expect_line "PCI/MSI: /intc@8000000/its@8080000 domain created"
refuse_line "ITS command"
refuse_line "ITS write"
t_end || rc=1
exit $rc
