#!/usr/bin/env bash
# A hostile virtio frontend (docs/virtio.md): vhostile pokes its virtio-mmio
# window at every width and feeds its backend bad descriptor chains (outside
# its RAM, a loop, an oversize length, beyond the disk, a bad head); the
# bare-metal backend vblk refuses each with an error status and keeps
# serving; tofu logs the forbidden accesses, rate-limited; nothing crashes,
# the rtos beside them keeps ticking.
. "$(dirname "$0")/lib.sh"
qemu_start virtio-hostile virtio-hostile
wait_for "[vblk] vblk: serving 1 device" 60
wait_for "VHOSTILE: " 120
expect_line "[vhostile] VHOSTILE: ALL PASS"
refuse_line "FAIL"
refuse_line "UNEXPECTED EXCEPTION"
refuse_line "vm vblk: stopped"
refuse_line "vm vhostile: stopped"
# tofu's lines about the forbidden accesses: some, then suppressed.
grep -qE "vm vhostile vcpu0: virtio0: [0-9]-byte (read|write) at offset" "$QLOG" ||
    t_fail "no tofu log line for a forbidden access to the virtio window"
grep -qF "vm vhostile vcpu0: further virtio lines suppressed for a while" "$QLOG" ||
    t_fail "tofu's virtio lines were not rate-limited"
# The backend refused the bad chains (its own lines), and served after them.
for why in "buffer outside the window" "descriptor chain loops" "descriptor index beyond the queue"; do
    grep -F "[vblk] vblk: device 0: request" "$QLOG" | grep -qF "$why" ||
        t_fail "the backend did not report '$why'"
done
rtos_kept_ticking rtos
t_end
