#!/usr/bin/env bash
# Escape attempts from a bare-metal attacker VM beside a victim (the RTOS
# demo): every attempt must be blocked in the attacker (abort, UNDEF, or a
# refused write that reads back unchanged), each one that reaches tofu must
# leave a log line, and the victim must keep ticking with intact memory.
# The attacker owns the PCIe bus and device 2's StreamIDs: its edu (00:02.0)
# DMAs within its own RAM, and faults against it anywhere else; the edu at
# 00:03.0 is no VM's and faults everywhere.  An MSI of its own edu aimed at the
# ITS's doorbell faults in the SMMU too (no ITS in its stage 2).  Then the attacker is restarted
# from the shell: its DMA is confined again, and it finds bus mastering off.
. "$(dirname "$0")/lib.sh"
qemu_start isolation isolation \
    "QEMU_DEVICES=edu,addr=2,dma_mask=0xffffffffffff edu,addr=3,dma_mask=0xffffffffffff"
wait_for "[victim] rtos: tick 1000 " 60
wait_for "ATTACKER: ALL BLOCKED" 120
refuse_line "SUCCEEDED"
# tofu logged the attempts that reach it: stage-2 aborts, foreign INTIDs, SGIs.
for what in "data abort: read of IPA 0x50000000" "data abort: write of IPA 0x50000000" \
            "data abort: read of IPA 0x9010000" "touches INTIDs the VM does not own" \
            "no such vCPU in this VM"; do
    grep -F "vm attacker vcpu0:" "$QLOG" | grep -F "$what" > /dev/null || t_fail "no tofu log line for: $what"
done
# DMA: the attacker's StreamIDs were given its stage 2; its own edu copied
# within its RAM and faulted outside it, against the attacker; the other edu,
# no VM's, faulted everywhere.  Each fault was logged.
expect_line "vm attacker: PCIe StreamIDs 0x10-0x17: their DMA goes through its stage 2"
grep -q "ATTACK dma-own-device: blocked (own RAM both ways works" "$QLOG" ||
    t_fail "the attacker's own DMA did not work, or got out (or did not run)"
grep -q "ATTACK dma-unassigned-device: blocked" "$QLOG" || t_fail "the DMA attack was not blocked (or not run)"
# Nothing else is on the bus (tofu lists it at boot): no device whose DMA
# bypasses the SMMU, like QEMU's default virtio-net-pci, for the attacker,
# which owns the bus, to program.
others=$(grep "^\[tofu\] pci [0-9a-f]*:[0-9a-f.]*: " "$QLOG" | grep -vE ": (1b36:0008|1234:11e8)[, ]" || true)
[ -z "$others" ] || t_fail "devices on the bus besides the host bridge and the edus: $others"
[ "$(grep -c "^\[tofu\] pci [0-9a-f]*:[0-9a-f.]*: 1234:11e8" "$QLOG")" = 2 ] || t_fail "tofu did not list the two edus"
dma_lines() {
    for what in "vm attacker, StreamID 0x10 (PCI 00:02.0): F_TRANSLATION write of 0x50000000" \
                "vm attacker, StreamID 0x10 (PCI 00:02.0): F_TRANSLATION write of 0x80000000" \
                "vm attacker, StreamID 0x10 (PCI 00:02.0): F_TRANSLATION read of 0x50000000" \
                "vm attacker, StreamID 0x10 (PCI 00:02.0): F_TRANSLATION write of 0x8090040" \
                "no VM, StreamID 0x18 (PCI 00:03.0): F_TRANSLATION write of 0x50000000" \
                "no VM, StreamID 0x18 (PCI 00:03.0): F_TRANSLATION write of 0x40200000" \
                "no VM, StreamID 0x18 (PCI 00:03.0): F_TRANSLATION read of 0x50000000"; do
        n=$(grep -cF "[tofu] iommu: DMA fault, $what" "$QLOG")
        [ "$n" -ge "$1" ] || t_fail "$n tofu log lines for DMA: $what (expected $1)"
    done
}
dma_lines 1
# No DMA of the attacker's edu into its own RAM (IPA 0x40000000..) faulted.
refuse_line "vm attacker, StreamID 0x10 (PCI 00:02.0): F_TRANSLATION write of 0x4"
refuse_line "vm attacker, StreamID 0x10 (PCI 00:02.0): F_TRANSLATION read of 0x4"
refuse_line "vm victim, StreamID"
# The victim goes on: two more ticks after the attacks, memory intact.
rtos_kept_ticking victim
wait_for "[attacker] attacker: alive" 30
# A restart of the DMA-owning VM: tofu turns its devices' bus mastering off
# (the guest checks), and its DMA is confined as before.
# The first round's fault lines used the log's burst (DMA_LOG_BURST 8,
# then 2 a second, src/core/iommu_report.c): let it refill, so that the
# second round's lines are all printed (dma_lines 2 below).
sleep 4
printf '\x140' >&"$QIN"                      # Ctrl-T 0: the hypervisor shell
wait_for "console: input to the hypervisor shell" 10
send "restart attacker"
wait_for "ATTACKER: ALL BLOCKED" 120 2
refuse_line "SUCCEEDED"
[ "$(grep -c "ATTACK dma-own-device: blocked (own RAM both ways works" "$QLOG")" = 2 ] ||
    t_fail "after the restart, the attacker's own DMA did not work or got out"
dma_lines 2
rtos_kept_ticking victim
t_end
