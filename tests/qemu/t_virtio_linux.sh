#!/usr/bin/env bash
# virtio-blk served by a Linux backend (docs/virtio.md, "The Linux
# backend"): storage's tofu-vdev serves a 16 MiB file in its tmpfs through
# /dev/tofu-vdev; app (Debian's stock virtio_mmio and virtio_blk), up
# first (the daemon starts 5 s late), sees the device at once (tofu answers
# its probe from the config) and its disk's first read waits for the
# daemon; it writes 1 MiB from /dev/urandom,
# reads it back with the same sha256, reboots (tofu restarts it: the daemon
# hears PEER_DOWN, then PEER_UP, and keeps the file) and reads the same
# checksum again; then reads in a loop while the daemon is killed and
# started again: every read completes; the rtos ticks; no fault lines.
# The daemon's lines are matched without their "[storage] " prefix: the
# shell's prompt on that console may come between them.
. "$(dirname "$0")/lib.sh"
qemu_start virtio-linux virtio-linux
wait_for "virtio_blk virtio0: 1/0/0 default/read/poll queues" 120
wait_for "tofu-vdev: serving 1 device" 120
expect_line "tofu-vdev: device 0: block, 16 MiB from /srv/vda.img, to VM 1 (app), its RAM at 0x800000000 here: register TOFU_OK"
# app probed the disk before its backend was up (the daemon's 5 s delay).
[ "$(grep -n "virtio_blk virtio0: 1/0/0" "$QLOG" | head -1 | cut -d: -f1)" -lt \
  "$(grep -n "tofu-vdev: serving 1 device" "$QLOG" | head -1 | cut -d: -f1)" ] ||
    t_fail "app's virtio_blk probed its disk only after the backend was up"
wait_for "[app] tofu-guest: vda is 32768 sectors" 120
vblk_written
wait_for "tofu-vdev: device 0: VM 1 (app) stopped; disk kept" 30
wait_for "tofu-vdev: device 0: VM 1 (app) started again" 30
vblk_after_reboot
# The daemon restarted under load: app's reads in a loop all complete (the
# new instance registers, tofu posts the live queue again, it serves from
# the used index on) and the file's data is still the disk's.
wait_for "tofu-guest: vda load 3 " 60
printf '\x142' >&"$QIN"                      # Ctrl-T 2: storage's console
wait_for "console: input to VM 2 'storage'" 10
send 'kill $(pidof tofu-vdev); sleep 1; tofu-vdev /srv/vda.img &'
wait_for "tofu-vdev: serving 1 device" 30 2
vda_loads_completed 60 120 daemon
refuse_line "tofu-vdev: device 0: request"
refuse_line "tofu-vdev: device 0: fault"
rtos_kept_ticking rtos
t_end
