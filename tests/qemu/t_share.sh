#!/usr/bin/env bash
# One disk and one NIC shared through a backend VM (configs/share.dts,
# docs/virtio.md), app in test mode (tests/configs/share-test.dts): app,
# the first VM, starts with storage and sees its three virtio devices at
# once; storage's tofu-vdev serves them (a file of its NVMe disk, a TAP in
# its bridge, a pty), ramdisk serves a second disk.  app writes both disks,
# reboots, reads the same checksums; the host reads the same checksum from
# the NVMe image (storage's ext4, then app's ext2 inside: e2fsck replays
# the journal of a copy, debugfs reads the files); app pings storage and,
# through storage's bridge and e1000e, peer; a command sent from storage
# through the console's pty runs in app's shell on hvc0 and its output comes
# back; the rtos ticks beside them; no DMA or window faults.  A fresh disk
# image of its own, never the user's build/share-disk.img.
. "$(dirname "$0")/lib.sh"
PATH=$PATH:/usr/sbin:/sbin          # e2fsck, debugfs (e2fsprogs)
disk=$LOGDIR/share-disk.img
rm -f "$disk"
scripts/mkdisk.sh "$disk" > /dev/null || { echo "FAIL share: cannot make $disk"; exit 1; }
qemu_start share share-test QEMU_NVME_DISK="$disk"
wait_for "tofu-vdev: serving 3 devices" 300
expect_line "tofu-vdev: device 0: block, 64 MiB from /mnt/disk/app-vda.img, to VM 1 (app)"
expect_line "tofu-vdev: device 1: net, tofu-vnet1 in bridge br0, to VM 1 (app)"
wait_for "[ramdisk] vblk: serving 1 device" 60
# app probed its devices before storage's daemon served them: tofu showed
# them from the config (virtio_net's probe is instant; its eth0 came up).
first_up=$(grep -n "\[app\] tofu-guest: eth0 up, 169.254.101.2" "$QLOG" | head -1 | cut -d: -f1)
served=$(grep -n "tofu-vdev: serving 3 devices" "$QLOG" | head -1 | cut -d: -f1)
[ -n "$first_up" ] && [ "$first_up" -lt "$served" ] || t_fail "app's virtio NIC came up only after storage's daemon served it"
wait_for "[app] tofu-guest: vda mounted at /mnt/vda" 300
wait_for "[app] tofu-guest: share written" 120
# The two sums lines are longer than the console's CONSOLE_LINE_MAX (160):
# each may come out in two pieces, another VM's line between them (seen on a
# loaded host).  app's output with its lines joined again has them whole.
# The second piece may come a moment after the first: up to 10 s.
app_joined_has() {
    local i
    for i in $(seq 50); do
        sed -n 's/^\[app\] //p' "$QLOG" | tr -d '\r\n' | grep -qF -- "$1" && return 0
        sleep 0.2
    done
    return 1
}
line=$(grep -F "tofu-guest: share written" "$QLOG" | head -1)
sum=$(sed -n 's/.*: sha256 \([0-9a-f]*\), .*/\1/p' <<< "$line")
[ -n "$sum" ] && app_joined_has "share written: sha256 $sum, vda $sum, vdb $sum" ||
    t_fail "read back other data: '$line'"
wait_for "vm app: restarting from a clean image" 60
wait_for "[app] tofu-guest: share after reboot" 300
app_joined_has "tofu-guest: share after reboot: vda sha256 $sum, vdb sha256 $sum" ||
    t_fail "missing 'tofu-guest: share after reboot: vda sha256 $sum, vdb sha256 $sum'"
wait_for_re "^\[app\] tofu-guest: ping 169.254.101.1: 3 packets transmitted, 3 packets received" 300
wait_for_re "^\[app\] tofu-guest: ping 169.254.100.2: 3 packets transmitted, 3 packets received" 300
# The console: a command from storage through /dev/tofu-vcon2 runs in app's
# shell on hvc0; what it prints comes back through the pty.
printf '\x142' >&"$QIN"                      # Ctrl-T 2: storage's console
wait_for "console: input to VM 2 'storage'" 10
send "cat /dev/tofu-vcon2 & sleep 1; echo > /dev/tofu-vcon2; sleep 1; echo 'echo vcon-\$((6 * 7))-ok' > /dev/tofu-vcon2"
wait_for "vcon-42-ok" 60
# The host's view: storage's file system on the NVMe image, app's inside it.
send "sync; echo synced-\$((1 + 1))"
wait_for "synced-2" 60
cp "$disk" "$LOGDIR/share-outer.img"
e2fsck -fy "$LOGDIR/share-outer.img" > /dev/null 2>&1
debugfs -R "dump /app-vda.img $LOGDIR/share-inner.img" "$LOGDIR/share-outer.img" > /dev/null 2>&1
e2fsck -fy "$LOGDIR/share-inner.img" > /dev/null 2>&1
debugfs -R "dump /check $LOGDIR/share-check" "$LOGDIR/share-inner.img" > /dev/null 2>&1
host=$(sha256sum "$LOGDIR/share-check" 2>/dev/null | cut -d' ' -f1)
[ "$host" = "$sum" ] || t_fail "the host reads sha256 '$host' in app-vda.img's /check, app wrote '$sum'"
rm -f "$LOGDIR/share-outer.img" "$LOGDIR/share-inner.img" "$LOGDIR/share-check"
rtos_kept_ticking rtos
refuse_line "iommu: DMA fault"
for n in 0 1 2; do refuse_line "tofu-vdev: device $n: request"; done
# (A net device may fault once at app's reboot: a frame that came in after
# tofu unmapped app's RAM, before the daemon read the stop's reset.)
refuse_line "tofu-vdev: device 0: fault in VM"
refuse_line "failed to load"
refuse_line "I/O error"
t_end; st=$?
rm -f "$disk"
exit $st
