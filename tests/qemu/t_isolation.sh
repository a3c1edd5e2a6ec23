#!/usr/bin/env bash
# Escape attempts from a bare-metal attacker VM beside a victim (the RTOS
# demo): every attempt must be blocked in the attacker (abort, UNDEF, or a
# refused write that reads back unchanged), each one that reaches tofu must
# leave a log line, and the victim must keep ticking with intact memory.
. "$(dirname "$0")/lib.sh"
qemu_start isolation isolation QEMU_DEVICES=edu,addr=2,dma_mask=0xffffffffffff
wait_for "[victim] rtos: tick 1000 " 60
wait_for "ATTACKER: ALL BLOCKED" 120
refuse_line "SUCCEEDED"
# tofu logged the attempts that reach it: stage-2 aborts, foreign INTIDs, SGIs.
for what in "data abort: read of IPA 0x50000000" "data abort: write of IPA 0x50000000" \
            "data abort: read of IPA 0x9010000" "touches INTIDs the VM does not own" \
            "no such vCPU in this VM"; do
    grep -F "vm attacker vcpu0:" "$QLOG" | grep -F "$what" > /dev/null || t_fail "no tofu log line for: $what"
done
# DMA by edu, which no VM owns: every transfer faulted in the SMMU and was logged.
grep -q "ATTACK dma-unassigned-device: blocked" "$QLOG" || t_fail "the DMA attack was not blocked (or not run)"
for what in "StreamID 0x10 (PCI 00:02.0): F_TRANSLATION write of 0x50000000" \
            "StreamID 0x10 (PCI 00:02.0): F_TRANSLATION write of 0x40200000" \
            "StreamID 0x10 (PCI 00:02.0): F_TRANSLATION read of 0x50000000"; do
    grep -F "[tofu] iommu: DMA fault, no VM, $what" "$QLOG" > /dev/null || t_fail "no tofu log line for DMA: $what"
done
# The victim goes on: two more ticks after the attacks, memory intact.
ticks=$(grep -c "\[victim\] rtos: tick" "$QLOG")
wait_for "[victim] rtos: tick" 30 $((ticks + 2))
refuse_line "mem CORRUPT"
wait_for "[attacker] attacker: alive" 30
t_end
