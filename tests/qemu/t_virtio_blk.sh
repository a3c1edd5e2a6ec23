#!/usr/bin/env bash
# virtio-blk served by a backend VM (docs/virtio.md): Debian's Linux (app,
# its stock virtio_mmio and virtio_blk) finds /dev/vda, which the bare-metal
# RAM-disk backend vblk serves; it writes 1 MiB from /dev/urandom, reads it
# back with the same sha256, reboots (tofu restarts it: the backend hears
# PEER_DOWN, then PEER_UP) and reads the same checksum again; then reads in a
# loop while the backend is restarted from the shell: every read completes
# (the new instance registers, tofu posts the live queue again, it serves
# from the used index on), no I/O error; the rtos ticks.
. "$(dirname "$0")/lib.sh"
qemu_start virtio-blk virtio-blk
wait_for "[vblk] vblk: serving 1 device" 60
wait_for "[app] tofu-guest: vda is 32768 sectors" 120
vblk_written
wait_for "[vblk] vblk: device 0: VM 1 (app) stopped; disk kept" 30
vblk_after_reboot
expect_line "[vblk] vblk: device 0: VM 1 (app) started again"
wait_for "tofu-guest: vda load 3 " 60
printf '\x140' >&"$QIN"                      # Ctrl-T 0: the hypervisor shell
wait_for "console: input to the hypervisor shell" 10
grep -qF "vm vblk: stopped" "$QLOG" && t_fail "vblk stopped before it was restarted"
send "restart vblk"
wait_for "[vblk] vblk: serving 1 device" 30 2
vda_loads_completed 30 90 backend
rtos_kept_ticking rtos
t_end
