#!/usr/bin/env bash
# Interrupt isolation through the ITS (issue 12, docs/its.md): two VMs with a
# virtual ITS and an edu each (tests/configs/its-attack.dts).  The victim
# maps every event of its edu (DeviceID 0x10) and raises its MSIs in a loop,
# checking that each arrives once and nothing else does.  The attacker (its
# edu is DeviceID 0x18) maps its own events onto the victim's LPI numbers,
# MAPDs the victim's DeviceID and others (refused, logged), raises its edu's
# MSI with every EventID and beyond, aims it at addresses other than its
# doorbell (SMMU faults, logged against it), and writes EventIDs to its
# GITS_TRANSLATER page from its CPU (the physical ITS's doorbell: a CPU's
# write carries DeviceID 0 on QEMU, no VM's function).  Nothing may arrive in
# the victim, which keeps running; the attacker's own MSIs and INTs arrive in
# it; the RTOS keeps ticking.
. "$(dirname "$0")/lib.sh"
qemu_start its-attack its-attack \
    "QEMU_DEVICES=edu,addr=2,dma_mask=0xffffffffffff edu,addr=3,dma_mask=0xffffffffffff"
wait_for "[victim] itsvictim: ready" 60
wait_for "ITSATTACK: " 120
expect_line "[attacker] ITSATTACK: ALL BLOCKED"
refuse_line "SUCCEEDED"
expect_line "[attacker] itsattack: its own MSIs, events 0-15: each arrived here once"
expect_line "[attacker] itsattack: its own MSIs after the attacks: each arrived here once"
for a in forged-mapd int-victim-lpis msi-every-event msi-elsewhere cpu-translater; do
    expect_line "[attacker] ATTACK $a: blocked"
done
# The victim had mapped its events before the first attack.
ready=$(grep -n "itsvictim: ready" "$QLOG" | head -1 | cut -d: -f1)
first=$(grep -n "ATTACK " "$QLOG" | head -1 | cut -d: -f1)
[ -n "$ready" ] && [ -n "$first" ] && [ "$ready" -lt "$first" ] || t_fail "the attacks began before the victim was ready"
# tofu: the two VMs' functions on the physical ITS; the forged MAPDs refused
# and logged against the attacker, rate-limited.
expect_line "vm victim: PCI 00:02.0: its MSIs through the ITS"
expect_line "vm attacker: PCI 00:03.0: its MSIs through the ITS"
grep -a -F "vm attacker vcpu0:" "$QLOG" | grep -F "device-not-owned" > /dev/null || t_fail "no tofu log line for the forged MAPD"
grep -a -F "vm attacker vcpu0:" "$QLOG" | grep -F "device-out-of-range" > /dev/null || t_fail "no tofu log line for DeviceID 0x10000"
grep -a -F "vm attacker vcpu0:" "$QLOG" | grep -qF "suppressed" || t_fail "tofu's log of the attacker's refused commands was not rate-limited"
# Each MSI aimed elsewhere faulted in the SMMU, against the attacker's VM
# and StreamID, for the five named addresses (the random ones may fall in
# the log's rate limit).
for addr in 0x8080000 0x80a0040 0x48000040 0xa000040 0x80000040; do
    grep -a -qF "iommu: DMA fault, vm attacker, StreamID 0x18 (PCI 00:03.0): F_TRANSLATION write of $addr;" "$QLOG" ||
        t_fail "no SMMU fault line for the attacker's MSI to $addr"
done
refuse_line "vm victim, StreamID"
refuse_line "DMA fault, no VM"
expect_line "[attacker]   516 CPU writes to GITS_TRANSLATER (8090040), 0 faulted"
# The victim goes on, still taking exactly its own MSIs, after every attack
# (after a FAIL line it prints no more of them: nothing to wait for).
if grep -qF "itsvictim: FAIL" "$QLOG"; then
    t_fail "the victim took an LPI it did not send, or lost one: $(grep -a -m1 -F "itsvictim: FAIL" "$QLOG")"
else
    n=$(grep -c "\[victim\] itsvictim: [0-9]* MSIs of its own, each arrived once, nothing else" "$QLOG")
    wait_for "MSIs of its own, each arrived once, nothing else" 60 $((n + 2))
    refuse_line "itsvictim: FAIL"
fi
refuse_line "vm victim: stopped"
refuse_line "vm attacker: stopped"
refuse_line "unexpected IRQ"
wait_for "[attacker] itsattack: alive" 30
rtos_kept_ticking rtos
t_end
