#!/usr/bin/env bash
# The hostile virtio frontend against the Linux backend (docs/virtio.md):
# vhostile pokes its virtio-mmio window at every width and feeds storage's
# tofu-vdev bad descriptor chains (outside its RAM, a loop, an oversize
# length, beyond the disk, a bad head); the daemon refuses each with an
# error status (the bare-metal library's checks, rt/virtq.c) and keeps
# serving; nothing crashes, the rtos keeps ticking.  The daemon's lines are
# matched without their "[storage] " prefix (the shell's prompt may come
# between).
. "$(dirname "$0")/lib.sh"
qemu_start virtio-hostile-linux virtio-hostile-linux
wait_for "tofu-vdev: serving 1 device" 120
wait_for "VHOSTILE: " 120
expect_line "[vhostile] VHOSTILE: ALL PASS"
refuse_line "FAIL"
refuse_line "UNEXPECTED EXCEPTION"
refuse_line "vm storage: stopped"
refuse_line "vm vhostile: stopped"
refuse_line "did not acknowledge the reset"
for why in "buffer outside the window" "descriptor chain loops" "descriptor index beyond the queue"; do
    grep -F "tofu-vdev: device 0: request" "$QLOG" | grep -qF "$why" ||
        t_fail "the daemon did not report '$why'"
done
# vhostile's GET_ID after the bad chains and its reset at the end (which
# waits for the daemon's RESET_DONE) show the daemon still serving.
rtos_kept_ticking rtos
t_end
