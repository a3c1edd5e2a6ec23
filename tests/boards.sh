#!/usr/bin/env bash
# Each board but the default boots its demo (make run PLATFORM=<board>'s
# build): tofu's banner on the board, every CPU of the board online (PSCI or
# the spin table), the Linux VM to its shell, and its vm_dev (the board's
# device passed through, platforms/<board>/board.dtsi) bound by its driver,
# beside the RTOS VM's ticks.  usage: tests/boards.sh <build dir> [board...]
cd "$(dirname "$0")/.." || exit 1
top=${1:-build}; shift
boards=("$@")
[ ${#boards[@]} -gt 0 ] || boards=(qemu-virt-gicv2 rpi4b zcu102)
rc=0
for board in "${boards[@]}"; do
    # the platform's compatible, the vm_dev's driver (under /sys/bus) and device
    case $board in
    qemu-virt-gicv2) compat=qemu,virt drv=amba/drivers/rtc-pl031 dev=9010000.pl031 ;;
    rpi4b)  compat=raspberrypi,4-model-b drv=platform/drivers/pinctrl-bcm2835 dev=fe200000.gpio ;;
    zcu102) compat=xlnx,zynqmp-zcu102 drv=platform/drivers/xuartps dev=ff010000.serial ;;
    *) echo "FAIL boards: no such board '$board'"; rc=1; continue ;;
    esac
    (
        BUILD=$top/$board
        . tests/qemu/lib.sh
        qemu_start "board-$board" default
        wait_for "platform $compat" 30
        wait_for "CPUs: 4 online of 4" 60
        wait_for "tofu-linux#" 300
        wait_for "rtos: tick 2000 " 60
        seen=$(grep -cF "$dev" "$QLOG")         # the kernel's log may name it already
        send "ls /sys/bus/$drv/"
        wait_for "$dev" 20 $((seen + 1))
        refuse_line "not started from its spin table"
        t_end
    ) || rc=1
done
exit $rc
