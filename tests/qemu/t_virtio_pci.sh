#!/usr/bin/env bash
# virtio-blk as a virtio-pci function (transport = "pci", docs/virtio.md
# "virtio-pci"): app (Debian's stock virtio_pci and virtio_blk, an ITS of
# its own) finds the function on the bus tofu emulates for it, its
# interrupts MSI-X through the ITS; storage's tofu-vdev serves the disk.
# app writes 1 MiB, reads it back, reboots and reads the same sha256 again;
# then the frontend's traps per 4 KiB request, counted as make bench does
# (the slope of app's MMIO exits from the shell's `list` over two counts of
# O_DIRECT reads, so the console's own traps cancel): one, the
# notification (virtio-mmio's floor is two: its InterruptACK).
. "$(dirname "$0")/lib.sh"
qemu_start virtio-pci virtio-pci
wait_for "virtio-pci 0000:00:01.0: enabling device" 120
wait_for "virtio_blk virtio0: 1/0/0 default/read/poll queues" 120
wait_for "tofu-vdev: serving 1 device" 120
wait_for "[app] tofu-guest: vda is 32768 sectors" 120
vblk_written
vblk_after_reboot
wait_for "tofu-guest: vda load done" 60
# The used-buffer interrupts are ITS-MSI LPIs of the function's vectors.
send "awk '/ITS-MSI/ && /virtio0-req/ { for (i = 2; \$i ~ /^[0-9]+\$/; i++) n += \$i } END { print \"app vq-msi=\" n+0 }' /proc/interrupts"
wait_for_re "^\[app\] app vq-msi=[1-9][0-9]*" 30
refuse_line "not its ITS's GITS_TRANSLATER"
# app's MMIO exits, from the hypervisor shell's list (its 9th column after
# the name), into MMIO; the console back to app.  Not in a subshell: the
# counts of console switches seen are kept across calls.
LIST_RE="^\[tofu\] (tofu> )?1 +app "
app_mmio() {
    local seen; seen=$(grep -a -c -E "$LIST_RE" "$QLOG")
    printf '\x140' >&"$QIN"; wait_for "console: input to the hypervisor shell" 10 $((SHELL_IN += 1))
    send list
    local deadline=$((SECONDS + 30 * $(load_scale)))
    until [ "$(grep -a -c -E "$LIST_RE" "$QLOG")" -gt "$seen" ] || [ $SECONDS -ge $deadline ]; do sleep 0.2; done
    printf '\x141' >&"$QIN"; wait_for "console: input to VM 1 'app'" 10 $((APP_IN += 1))
    MMIO=$(grep -a -E "$LIST_RE" "$QLOG" | tail -1 | awk '{ for (j = 2; j <= NF; j++) if ($j == "app") break; print $(j + 8) }')
}
reads() { # count: that many 4 KiB O_DIRECT reads, one request each
    local done_n; done_n=$(grep -a -c "tofu-dd-done $1" "$QLOG")
    send "dd if=/dev/vda of=/dev/null bs=4096 count=$1 iflag=direct 2>/dev/null; echo tofu-dd-done' '$1"
    wait_for "tofu-dd-done $1" 120 $((done_n + 1))      # the output (the echoed command has the quotes)
}
SHELL_IN=$(grep -a -c -F "console: input to the hypervisor shell" "$QLOG")
APP_IN=$(grep -a -c -F "console: input to VM 1 'app'" "$QLOG")
app_mmio; m1=$MMIO; reads 500
app_mmio; m2=$MMIO; reads 2500
app_mmio; m3=$MMIO
traps=$(awk -v a="$m1" -v b="$m2" -v c="$m3" 'BEGIN { if (a == "" || b == "" || c == "") print "none"; else printf "%.3f", ((c - b) - (b - a)) / 2000 }')
echo "  app's MMIO exits $m1, $m2, $m3: $traps traps per 4 KiB request"
awk -v t="$traps" 'BEGIN { exit !(t != "none" && t >= 0.9 && t <= 1.1) }' || t_fail "traps per request $traps, not one"
refuse_line "tofu-vdev: device 0: request"
refuse_line "tofu-vdev: device 0: fault"
refuse_line "I/O error, dev vda"
rtos_kept_ticking rtos
t_end
