#!/usr/bin/env bash
# pci-functions meet the bus as it is at boot (tests/configs/pci-withheld.dts):
# a function that is there is given, one that is not is withheld with a line
# saying why, and both VMs run; restarting the owner resets its function
# (bus mastering off, its BARs back) and it runs again.  Nothing of it
# stops the hypervisor.
. "$(dirname "$0")/lib.sh"
qemu_start pci-withheld pci-withheld QEMU_DEVICES="edu,dma_mask=0xffffffffffff,addr=0x4"
wait_for "[owner] rtos: tick" 60
wait_for "[absent] rtos: tick" 60
expect_line "vm owner: PCI 00:04.0 given (StreamID 0x20, INTx INTID 35, no reset: bus mastering off at stop)"
expect_line "vm absent: PCI 00:07.0: not given: no such function on bus 0"
printf '\x140' >&"$QIN"                      # Ctrl-T 0: the hypervisor shell
wait_for "console: input to the hypervisor shell" 10
send "restart owner"
wait_for "vm owner: restarting from a clean image" 30
wait_for "[owner] rtos: first tick" 30 2
rtos_kept_ticking absent
refuse_line "iommu: DMA fault"
t_end
