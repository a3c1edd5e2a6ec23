#!/usr/bin/env bash
# A device reset waits for the backend, boundedly (docs/virtio.md): vblk never
# acknowledges, so each of vhostile's resets completes after tofu's 100 ms
# timeout, with a log line; once vblk is stopped from the shell, a reset
# completes at once (no backend to wait for); started again, vblk registers
# again; tofu's free memory is the same as before (the window's tables).
. "$(dirname "$0")/lib.sh"
qemu_start virtio-reset virtio-reset
wait_for "[vblk] vblk: serving 1 device, deaf to resets" 60
wait_for "[vhostile] vhostile: reset 3:" 60
for n in 2 3; do
    ms=$(sed -n "s/^\[vhostile\] vhostile: reset $n: \([0-9]*\) ms.*/\1/p" "$QLOG")
    [ -n "$ms" ] && [ "$ms" -ge 90 ] && [ "$ms" -lt 1000 ] || t_fail "reset $n took '$ms' ms, not tofu's 100 ms timeout"
done
expect_line "virtio0: backend 'vblk' did not acknowledge the reset within 100 ms: reset locally"
expect_line "vhostile: reset 3: "
printf '\x140' >&"$QIN"                      # Ctrl-T 0: the hypervisor shell
wait_for "console: input to the hypervisor shell" 10
free_now; free_before=$free
send "stop vblk"
wait_for "vm vblk: stopped" 30
done_before=$(grep -c "vhostile: reset [0-9]*:" "$QLOG")
wait_for "vhostile: reset " 30 $((done_before + 2))
last=$(grep "vhostile: reset [0-9]*:" "$QLOG" | tail -1 | sed -n 's/.*reset [0-9]*: \([0-9]*\) ms.*/\1/p')
[ -n "$last" ] && [ "$last" -lt 50 ] || t_fail "with the backend stopped a reset took '$last' ms"
send "start vblk"
wait_for "[vblk] vblk: serving 1 device" 30 2
free_now
[ -n "$free_before" ] && [ "$free_before" = "$free" ] || t_fail "free memory $free_before KiB, then $free KiB"
refuse_line "UNEXPECTED EXCEPTION"
refuse_line "vm vhostile: stopped"
t_end
