#!/usr/bin/env bash
# Single PCIe functions given to two Linux VMs (configs/pcie.dts,
# docs/pci.md): tofu enumerates bus 0 and assigns the BARs; `linux` gets the
# NVMe disk (00:01.0) and an e1000e (00:02.0), `peer` the other e1000e
# (00:03.0), each through a virtual ECAM that shows it its own functions
# only, its BARs kept (linux,pci-probe-only).  `linux` has a virtual ITS:
# its bridge node has an msi-map, its vECAM shows MSI and MSI-X, and the
# disk's and the NIC's interrupts come as MSI-X through the ITS, none on
# their INTx lines, before and after its reboot; `peer` has none (MSI and
# MSI-X hidden): its NIC falls back to INTx.
# The two NICs are on one QEMU-internal hub: ping works both ways; the disk
# is mounted, written, read back with the same checksum after linux's
# reboot (its functions reset at stop: the disk by FLR, the NICs, which have
# none, by their own registers; their BARs where they were); peer's
# reboot brings its NIC back and ping works again; no DMA fault.  The test
# runs on a fresh disk image of its own.
. "$(dirname "$0")/lib.sh"
disk=$LOGDIR/pcie-peer-disk.img
rm -f "$disk"
scripts/mkdisk.sh "$disk" > /dev/null || { echo "FAIL pcie-peer: cannot make $disk"; exit 1; }
qemu_start pcie-peer pcie QEMU_NVME_DISK="$disk"
wait_for "vm linux: PCI 00:01.0 given" 30
# The disk resets by FLR at stop; the NICs, which have none, by their own registers.
expect_line "vm linux: PCI 00:01.0 given (StreamID 0x8, INTx INTID 36, FLR at stop)"
expect_line "vm linux: PCI 00:02.0 given (StreamID 0x10, INTx INTID 37, reset by its registers at stop)"
expect_line "vm peer: PCI 00:03.0 given (StreamID 0x18, INTx INTID 38, reset by its registers at stop)"
wait_for "vm linux: PCI 00:01.0: its MSIs through the ITS" 30
wait_for "vm linux: PCI 00:02.0: its MSIs through the ITS" 30
refuse_line "vm peer: PCI 00:03.0: its MSIs"
wait_for "[linux] tofu-guest: nvme0n1 mounted at /mnt/disk" 240
wait_for "[linux] tofu-guest: eth0 up, 169.254.100.1" 120
wait_for "[peer] tofu-guest: eth0 up, 169.254.100.2" 120
wait_for "[linux] tofu-linux# " 120
# Each VM's bus: its own functions and nothing else (not the host bridge).
send "echo fns: \$(ls /sys/bus/pci/devices)"
wait_for "[linux] fns: 0000:00:01.0 0000:00:02.0" 30
send "cd /proc/device-tree/pcie@3f000000 && [ -e interrupt-map ] && [ -e ranges ] && [ -e msi-map ] && [ ! -e iommu-map ] && [ -e /proc/device-tree/chosen/linux,pci-probe-only ] && echo vpci-node-ok; cd /"
wait_for "vpci-node-ok" 30
# MSI-X shown: the NIC does not fall back to INTx.
refuse_line "e1000e 0000:00:02.0 eth0: Failed to initialize MSI-X"
grep -qE "^\[linux\] .*e1000e 0000:00:02.0 .*Falling back to legacy interrupts" "$QLOG" && t_fail "linux's e1000e fell back to INTx"
ping_ok linux ping-a 169.254.100.2
msi_ok msi-a
send "dd if=/dev/urandom of=/mnt/disk/check bs=1024 count=512 2>/dev/null; sync"
disk_sum sum-a; sum_a=$SUM
printf '\x142' >&"$QIN"                      # Ctrl-T 2: peer
send ""
send "echo fns: \$(ls /sys/bus/pci/devices)"
wait_for "[peer] fns: 0000:00:03.0" 30
refuse_line "[peer] fns: 0000:00:03.0 "
# No ITS, no MSI capability shown: peer's NIC runs on INTx.
wait_for_re "^\[peer\] .*e1000e 0000:00:03.0 .*Falling back to legacy interrupts" 5
send "cd /proc/device-tree/pcie@3f000000 && [ ! -e msi-map ] && echo peer-node-ok; cd /"
wait_for "[peer] peer-node-ok" 30
ping_ok peer ping-b 169.254.100.1
# peer restarts: its function reset and its BARs back; its NIC comes up again.
send "reboot"
wait_for "vm peer: stopped: guest reset (PSCI SYSTEM_RESET)" 60
wait_for "vm peer: restarting from a clean image" 60
wait_for "[peer] tofu-guest: eth0 up, 169.254.100.2" 240 2
wait_for "[peer] tofu-linux# " 120 2
ping_ok peer ping-c 169.254.100.1
# linux restarts: the disk's file survives, read through the reset NVMe.
printf '\x141' >&"$QIN"                      # Ctrl-T 1: linux
send ""
send "reboot"
wait_for "vm linux: stopped: guest reset (PSCI SYSTEM_RESET)" 60
wait_for "vm linux: restarting from a clean image" 60
wait_for "[linux] tofu-guest: nvme0n1 mounted at /mnt/disk" 240 2
wait_for "[linux] tofu-guest: eth0 up, 169.254.100.1" 120 2
wait_for "[linux] tofu-linux# " 120 2
disk_sum sum-b; sum_b=$SUM
[ -n "$sum_a" ] && [ "$sum_a" = "$sum_b" ] || t_fail "checksum before reboot '$sum_a', after '$sum_b'"
ping_ok linux ping-d 169.254.100.2
msi_ok msi-b
rtos_kept_ticking rtos
refuse_line "iommu: DMA fault"
refuse_line "not given:"
refuse_line "tofu-guest: no /dev/nvme0n1"
refuse_line "failed to load"
refuse_line "vPCI:"
refuse_line "nobody cared"
refuse_line "its reset did not finish"
t_end
st=$?
rm -f "$disk"
exit $st
