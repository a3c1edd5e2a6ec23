#!/usr/bin/env bash
# The PCIe bus given whole to Linux (configs/pcie-bridge.dts, docs/pci.md): Linux
# enumerates the bus, Debian's nvme driver finds the NVMe disk (INTx through
# hardware-mapped list registers, DMA through the VM's stage 2 in the SMMU)
# and rcS mounts it at /mnt/disk, e1000e its NIC (packets out, interrupts in); a file written there is read back with the
# same checksum after the VM's own `reboot` (tofu restarts it from a clean
# image, the disk persists) and after a new run of QEMU (the image kept);
# the rtos keeps ticking; no DMA faults; the second run's VM has a virtual
# ITS, and the same devices interrupt by MSI-X through it.  The test
# runs on a fresh disk image of its own, never the user's build/pcie-disk.img.
. "$(dirname "$0")/lib.sh"
disk=$LOGDIR/pcie-disk.img
rm -f "$disk"
scripts/mkdisk.sh "$disk" > /dev/null || { echo "FAIL pcie: cannot make $disk"; exit 1; }
qemu_start pcie pcie-bridge QEMU_NVME_DISK="$disk"
wait_for "tofu-guest: nvme0n1 mounted at /mnt/disk" 240
wait_for "tofu-linux# " 120
send "[ -b /dev/nvme0n1 ] && echo nvme-dev-ok"
wait_for "nvme-dev-ok" 30
# The bridge's node as the tool writes it: INTx and windows (MMIO and I/O), no MSI or IOMMU.
send "cd /proc/device-tree/pcie@4010000000 && [ -e interrupt-map ] && [ -e ranges ] && [ -e dma-coherent ] && [ ! -e msi-map ] && [ ! -e iommu-map ] && echo pcie-node-ok; cd /"
wait_for "pcie-node-ok" 30
# The I/O window is the bridge's I/O range: Linux numbers the I/O BARs in it.
send "grep -q 'PCI Bus 0000:00' /proc/ioports && grep -q ' : 0000:00:0[0-9a-f].[0-7]' /proc/ioports && echo pcie-io-ok"
wait_for "pcie-io-ok" 30
send "dd if=/dev/urandom of=/mnt/disk/check bs=1024 count=512 2>/dev/null; sync"
disk_sum sum-a; sum_a=$SUM
# Its interrupts arrive as INTx (no MSI: no virtual ITS).
send "awk '/nvme/ { n += \$2 + \$3 } END { print \"nvme-irqs=\" n }' /proc/interrupts"
wait_for_re "^\[linux\] nvme-irqs=[1-9][0-9]*" 30
# The e1000e NIC: driven on INTx too; with no peer on the hub yet, its ARP
# requests go out (the transmit DMA through the SMMU) and its interrupts come.
expect_line "tofu-guest: eth0 up, 169.254.100.1"
send "for i in \$(seq 50); do [ \"\$(cat /sys/class/net/eth0/carrier)\" = 1 ] && break; sleep 0.2; done; ping -c 2 -W 1 169.254.100.2 > /dev/null; echo eth0-tx=\$(cat /sys/class/net/eth0/statistics/tx_packets) eth0-irqs=\$(awk '/eth0/ { n += \$2 + \$3 } END { print n }' /proc/interrupts)"
wait_for_re "^\[linux\] eth0-tx=[1-9][0-9]* eth0-irqs=[1-9][0-9]*" 60
send "reboot"
wait_for "vm linux: stopped: guest reset (PSCI SYSTEM_RESET)" 60
wait_for "vm linux: restarting from a clean image" 60
wait_for "tofu-guest: nvme0n1 mounted at /mnt/disk" 240 2
wait_for "tofu-linux# " 120 2
disk_sum sum-b; sum_b=$SUM
[ -n "$sum_a" ] && [ "$sum_a" = "$sum_b" ] || t_fail "checksum before reboot '$sum_a', after '$sum_b'"
rtos_kept_ticking rtos
refuse_line "iommu: DMA fault"
refuse_line "tofu-guest: no /dev/nvme0n1"
refuse_line "failed to load"
send "poweroff"
wait_for "vm linux: stopped: guest powered off (PSCI SYSTEM_OFF)" 60
t_end; st=$?
# A new run on the same image, the VM with a virtual ITS this time
# (tests/configs/pcie-bridge-its.dts): the file is still there, and the
# disk's and the NIC's interrupts come as MSI-X through the ITS (the
# bridge node's msi-map), none on their INTx lines (INTIDs 36, 37).
qemu_start pcie-rerun pcie-bridge-its QEMU_NVME_DISK="$disk"
wait_for "vm linux: PCI 00:01.0: its MSIs through the ITS" 30
wait_for "vm linux: PCI 00:02.0: its MSIs through the ITS" 30
wait_for "tofu-guest: nvme0n1 mounted at /mnt/disk" 240
wait_for "tofu-linux# " 120
disk_sum sum-c; sum_c=$SUM
[ -n "$sum_a" ] && [ "$sum_a" = "$sum_c" ] || t_fail "checksum in the first run '$sum_a', in the second '$sum_c'"
send "[ -e /proc/device-tree/pcie@4010000000/msi-map ] && echo msi-map-ok"
wait_for "msi-map-ok" 30
send "for i in \$(seq 50); do [ \"\$(cat /sys/class/net/eth0/carrier)\" = 1 ] && break; sleep 0.2; done; ping -c 2 -W 1 169.254.100.2 > /dev/null"
msi_ok msi 60
refuse_line "iommu: DMA fault"
t_end || st=1
rm -f "$disk"
exit $st
