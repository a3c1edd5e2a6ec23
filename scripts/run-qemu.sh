#!/usr/bin/env bash
# Boot a built configuration on its board's QEMU model (QEMU virt, or another
# board: the config's qemu.env says which, from platforms/<board>.mk).
# usage: run-qemu.sh <build/CONFIG> [extra QEMU arguments]
# Environment: QEMU_CPU (the board's; cortex-a57 on virt), QEMU_SMP (from the config's platform),
# QEMU_ICOUNT=1 for deterministic instruction counting, QEMU_SERIAL (mon:stdio),
# QEMU_MTE (1: with -cpu max, give the machine tag memory, mte=on, so that
# the CPU has FEAT_MTE2 and tofu passes MTE on to its VMs; 0: no tags),
# QEMU_DEVICES (extra -device arguments, split on spaces, e.g. edu,dma_mask=0xffffffffffff),
# QEMU_GIC (on virt: the board's, 3, or 2 for qemu-virt-gicv2; 4: a GICv4.0,
# vLPI direct injection, docs/its.md),
# QEMU_REBOOT=1 to let a machine reset reboot (by default QEMU exits),
# BOOT=uboot to boot as the board boots: QEMU starts Debian's U-Boot
# (.cache/u-boot, from scripts/setup.sh), which loads tofu.bin through
# fw_cfg and starts it with booti (docs/boot-flow.md); BOOT=kernel (the
# default) has QEMU's -kernel load and start it,
# QEMU_NVME_DISK (the NVMe disk image; by default the config's nvme-disk,
# under the build folder, made by scripts/mkdisk.sh when missing);
# the config's e1000e-nics: that many e1000e NICs on one QEMU-internal hub
# (nothing leaves QEMU).  Slots: NVMe 00:01.0, e1000e n at 00:0(2+n).0;
# the config's igb-nic: QEMU's igb (SR-IOV, 8 VFs at 00:16.0-00:17.6) at
# 00:06.0, on the same hub.
# Nothing else is on the bus: QEMU's default NIC, a virtio-net-pci whose
# DMA does not go through the SMMU, is never created (-nic none).
set -euo pipefail
out=$1; shift
# shellcheck disable=SC1091
. "$out/qemu.env"
# The board (a config built before boards were: QEMU virt): its machine, a
# GIC version where the machine has a choice, a CPU, RAM or a CPU count where
# the model fixes them, what -kernel loads, and further arguments.
smp=${QEMU_SMP:-${QEMU_SMP_BOARD:-$QEMU_SMP_CONFIG}}
cpu=${QEMU_CPU:-${QEMU_CPU_BOARD:-cortex-a57}}
machine=${QEMU_MACHINE_BOARD:-virt,virtualization=on,iommu=smmuv3}
gic=${QEMU_GIC_BOARD-3}
[ -n "$gic" ] && machine+=,gic-version=${QEMU_GIC:-$gic}
[ "$cpu" = max ] && [ "${QEMU_MTE:-1}" = 1 ] && machine+=,mte=on
args=(-M "$machine" -cpu "$cpu"
      -smp "$smp" -m "${QEMU_MEM_MB_BOARD:-$QEMU_MEM_MB}" -kernel "$out/${QEMU_KERNEL_BOARD:-tofu.bin}"
      -display none -serial "${QEMU_SERIAL:-mon:stdio}"
      -nic none)    # no default virtio-net-pci: its DMA would bypass the SMMU
# shellcheck disable=SC2206
args+=(${QEMU_ARGS_BOARD:-})
case "${BOOT:-kernel}" in
kernel) ;;
uboot)  case ${QEMU_BOARD:-qemu-virt} in
        qemu-virt*) ;;
        *) echo "run-qemu: BOOT=uboot is for QEMU virt, not $QEMU_BOARD" >&2; exit 1 ;;
        esac
        uboot=${CACHE:-$(dirname "$0")/../.cache}/u-boot/qemu_arm64/u-boot.bin
        [ -f "$uboot" ] || { echo "run-qemu: no $uboot: run scripts/setup.sh (make setup)" >&2; exit 1; }
        args+=(-bios "$uboot") ;;    # -kernel's image goes to fw_cfg, where U-Boot's qfw finds it
*)      echo "run-qemu: BOOT must be kernel or uboot, not '$BOOT'" >&2; exit 1 ;;
esac
[ "${QEMU_REBOOT:-0}" = 1 ] || args+=(-no-reboot)
for d in ${QEMU_DEVICES:-}; do args+=(-device "$d"); done
disk=${QEMU_NVME_DISK:-}
[ -n "$disk" ] || [ -z "${QEMU_NVME_DISK_CONFIG:-}" ] || disk=$(dirname "$out")/$QEMU_NVME_DISK_CONFIG
if [ -n "$disk" ]; then
    [ -f "$disk" ] || "$(dirname "$0")/mkdisk.sh" "$disk"
    # Shadow doorbells off: with them QEMU's NVMe loses completions on INTx
    # (docs/performance.md), which Linux reports as "irq nobody cared".
    args+=(-drive "file=$disk,if=none,id=nvm,format=raw" -device nvme,serial=tofu0,drive=nvm,addr=0x1,dbcs=off)
fi
# Fixed slots, so that a config can name its functions (pci-functions,
# docs/pci.md): the NVMe disk at 00:01.0, the e1000e NICs at 00:02.0 up.
for ((n = 0; n < ${QEMU_E1000E_NICS_CONFIG:-0}; n++)); do
    args+=(-netdev "hubport,id=nic$n,hubid=0"
           -device "e1000e,netdev=nic$n,mac=52:54:00:10:00:0$((n + 1)),addr=$(printf '0x%x' $((2 + n)))")
done
if [ "${QEMU_IGB_NIC_CONFIG:-0}" = 1 ]; then
    args+=(-netdev "hubport,id=igb0,hubid=0" -device "igb,netdev=igb0,mac=52:54:00:10:00:10,addr=0x6")
fi
[ "${QEMU_ICOUNT:-0}" = 1 ] && args+=(-icount shift=0,align=off,sleep=off)
# Colour the console's VM markers when a person is watching.
[ -t 1 ] && [ "${QEMU_DTB_BOARD:-1}" = 1 ] && args+=(-append tofu.color=1)
exec qemu-system-aarch64 "${args[@]}" "$@"
