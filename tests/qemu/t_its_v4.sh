#!/usr/bin/env bash
# GICv4.0 direct injection (docs/its.md, "Direct injection"), on QEMU's
# gic-version=4: the MSIs of a device given to a VM with a virtual ITS
# reach the guest as vLPIs, with no exit and nothing injected by tofu.
# First itstest (tests/configs/its.dts, as t_its): every case passes, the
# edu's MSIs arrive on the vCPU the guest's collection names, after MOVI on
# the other, once while that vCPU sleeps in WFI (its vPE not resident: the
# doorbell wakes it), and tofu's count of the MSIs it injected itself
# stays 0 (the software path would count them).  Then Linux with the PCIe
# bus and a virtual ITS (tests/configs/pcie-bridge-its.dts): nvme's and
# e1000e's MSI-X as vLPIs, a file read back from the disk with its
# checksum, ping, across the VM's reboot; none injected by tofu.  Between
# the two, itstest with the RTOS on its second CPU (its-shared.dts): a VM
# on a shared CPU gets its MSIs through the list registers, all of them.
. "$(dirname "$0")/lib.sh"
export QEMU_GIC=4
rc=0
CASES=(its_registers its_setup int_delivers movi_moves clear_and_discard_stop inv_invall_apply
       malformed_refused foreign_device_refused device_msi)
EDUS="edu,addr=2,dma_mask=0xffffffffffff edu,addr=3,dma_mask=0xffffffffffff"
qemu_start its-v4 its "QEMU_DEVICES=$EDUS"
wait_for "ITSTEST: " 120
expect_line "vm itstest: direct injection on: its devices' MSIs as vLPIs (GICv4.0, vPEs 0-1)"
for t in "${CASES[@]}"; do expect_line "TEST $t: PASS"; done
expect_line "ITSTEST: ALL PASS (0 failed, 0 unexpected IRQs)"
expect_line "itstest: edu's MSIs: event 9 on vCPU 1 then 0"
wait_for "vm itstest: stopped: guest powered off (PSCI SYSTEM_OFF)" 20
wait_for_re "vm itstest: device MSIs: 0 injected by tofu, [1-9][0-9]* doorbells, the rest direct vLPIs" 10
rtos_kept_ticking rtos
t_end || rc=1

# The same beside the RTOS on itstest's second CPU (its-shared.dts): no
# direct injection there, the software path delivers every MSI.
T_FAILED=0
qemu_start its-v4-shared its-shared "QEMU_DEVICES=$EDUS"
wait_for "ITSTEST: " 120
expect_line "vm itstest: direct injection off: a vCPU of it shares its CPU"
for t in "${CASES[@]}"; do expect_line "TEST $t: PASS"; done
expect_line "ITSTEST: ALL PASS (0 failed, 0 unexpected IRQs)"
wait_for "vm itstest: stopped: guest powered off (PSCI SYSTEM_OFF)" 20
rtos_kept_ticking rtos
t_end || rc=1

T_FAILED=0
disk=$LOGDIR/its-v4-disk.img
rm -f "$disk"
scripts/mkdisk.sh "$disk" > /dev/null || { echo "FAIL linux-its-v4: cannot make $disk"; exit 1; }
qemu_start linux-its-v4 pcie-bridge-its QEMU_NVME_DISK="$disk"
wait_for "vm linux: direct injection on: its devices' MSIs as vLPIs" 30
wait_for "tofu-guest: nvme0n1 mounted at /mnt/disk" 240
wait_for "tofu-linux# " 120
send "dd if=/dev/urandom of=/mnt/disk/check bs=1024 count=512 2>/dev/null; sync; echo 3 > /proc/sys/vm/drop_caches"
disk_sum sum-a; sum_a=$SUM
send "for i in \$(seq 50); do [ \"\$(cat /sys/class/net/eth0/carrier)\" = 1 ] && break; sleep 0.2; done; ping -c 2 -W 1 169.254.100.2 > /dev/null"
msi_ok msi 60
send "reboot"
wait_for "vm linux: stopped: guest reset (PSCI SYSTEM_RESET)" 60
wait_for_re "vm linux: device MSIs: 0 injected by tofu, [0-9]* doorbells, the rest direct vLPIs" 10
wait_for "vm linux: restarting from a clean image" 60
wait_for "tofu-guest: nvme0n1 mounted at /mnt/disk" 240 2
wait_for "tofu-linux# " 120 2
disk_sum sum-b; sum_b=$SUM
[ -n "$sum_a" ] && [ "$sum_a" = "$sum_b" ] || t_fail "checksum before reboot '$sum_a', after '$sum_b'"
send "poweroff"
wait_for "vm linux: stopped: guest powered off (PSCI SYSTEM_OFF)" 60
sleep 1
[ "$(grep -caE 'vm linux: device MSIs: 0 injected by tofu, [0-9]+ doorbells, the rest direct vLPIs' "$QLOG")" = 2 ] ||
    t_fail "MSIs injected by tofu in the VM's second run"
refuse_line "iommu: DMA fault"
refuse_line "the physical ITS refused"
t_end || rc=1
rm -f "$disk"
exit $rc
