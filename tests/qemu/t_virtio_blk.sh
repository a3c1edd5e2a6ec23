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
wait_for "tofu-guest: virtio-blk written" 120
line=$(grep -F "tofu-guest: virtio-blk written" "$QLOG" | head -1)
sum=$(sed -n 's/.*sha256 \([0-9a-f]*\), read back \([0-9a-f]*\).*/\1/p' <<< "$line")
back=$(sed -n 's/.*sha256 \([0-9a-f]*\), read back \([0-9a-f]*\).*/\2/p' <<< "$line")
[ -n "$sum" ] && [ "$sum" = "$back" ] || t_fail "read back '$back', written '$sum'"
wait_for "vm app: restarting from a clean image" 60
wait_for "[vblk] vblk: device 0: VM 1 (app) stopped; disk kept" 30
wait_for "tofu-guest: virtio-blk after reboot" 120
after=$(grep -F "tofu-guest: virtio-blk after reboot" "$QLOG" | sed -n 's/.*sha256 \([0-9a-f]*\).*/\1/p')
[ "$after" = "$sum" ] || t_fail "after the reboot sha256 '$after', written '$sum'"
expect_line "[vblk] vblk: device 0: VM 1 (app) started again"
wait_for "tofu-guest: vda load 3 " 60
printf '\x140' >&"$QIN"                      # Ctrl-T 0: the hypervisor shell
wait_for "console: input to the hypervisor shell" 10
grep -qF "vm vblk: stopped" "$QLOG" && t_fail "vblk stopped before it was restarted"
send "restart vblk"
wait_for "[vblk] vblk: serving 1 device" 30 2
wait_for "tofu-guest: vda load done" 90
grep -q "tofu-guest: vda load [0-9]* FAILED" "$QLOG" && t_fail "a read failed while the backend restarted"
[ "$(grep -c "tofu-guest: vda load [0-9]* ok" "$QLOG")" = 30 ] || t_fail "not every read of the loop completed"
refuse_line "I/O error, dev vda"
refuse_line "UNEXPECTED EXCEPTION"
refuse_line "did not acknowledge the reset"
rtos_kept_ticking rtos
t_end
