#!/usr/bin/env bash
# After a cold boot tofu skips clearing a VM's RAM (QEMU's is zero), but not
# where the loader wrote: QEMU puts the board's DTB at RAM + 128 MiB
# (PA 0x48000000, 1 MiB), pages tofu frees once it has read it, and in the
# default config the Linux VM's RAM covers them.  The VM must not find the
# board's device tree (magic d00dfeed, read little-endian below) there.
. "$(dirname "$0")/lib.sh"
qemu_start boot-dtb default QEMU_SERIAL=mon:stdio
wait_for "vm linux: started" 60
grep -qE "vm linux: started .* at PA 0x4[0-7]" "$QLOG" ||
    t_fail "the Linux VM's RAM no longer starts below the boot DTB: the test checks nothing"
printf '\x01c' >&"$QIN"                      # Ctrl-A c: QEMU's monitor
send "xp /4wx 0x48000000"
wait_for "0000000048000000:" 10
printf '\x01c' >&"$QIN"                      # and back to the serial line
refuse_line "0xedfe0dd0"
t_end
