#!/usr/bin/env bash
# Booting as a board boots (issue 13, docs/boot-flow.md): QEMU starts
# Debian's U-Boot, which finds tofu.bin through fw_cfg and starts it with
# booti.  U-Boot moves the image to RAM + text_offset, the link address, and
# hands tofu its device tree with /chosen/u-boot,version.  A loader writes
# where it likes, so tofu then clears each VM's RAM before its first start
# (after QEMU's -kernel it clears only where the loader wrote): here U-Boot
# first writes a pattern where the RTOS VM's RAM will be, which must not
# reach the VM.  Then the default demo runs: Linux to its shell beside the
# RTOS.
. "$(dirname "$0")/lib.sh"
MARK=0x64800000                              # inside rtos's RAM (PA 0x62800000, 64 MiB; checked below)
qemu_start uboot default QEMU_SERIAL=mon:stdio BOOT=uboot
wait_for "Hit any key to stop autoboot" 60
send ""
wait_for "=> " 20
send "mw.l $MARK 0x7a7a7a7a 0x100"
send "boot"
wait_for "Moving Image from 0x40400000 to 0x40200000" 60
wait_for "Starting kernel ..." 30
wait_for "[tofu] booted by U-Boot " 30
wait_for "[rtos] rtos: started" 60
pa=$(grep -a -o "vm rtos: started (1 vCPU, 64 MiB at PA 0x[0-9a-f]*" "$QLOG" | sed 's/.* PA //')
[ -n "$pa" ] && (( MARK >= pa && MARK < pa + 0x4000000 )) ||
    t_fail "the rtos VM's RAM (${pa:-?}) no longer covers $MARK: the test checks nothing"
printf '\x01c' >&"$QIN"                      # Ctrl-A c: QEMU's monitor
send "xp /4wx $MARK"
wait_for "00000000${MARK#0x}:" 10
printf '\x01c' >&"$QIN"                      # and back to the serial line
grep -a "^00000000${MARK#0x}:" "$QLOG" | grep -q "0x7a7a7a7a" && t_fail "U-Boot's pattern reached the rtos VM's RAM"
wait_for "[linux] tofu-guest: reached /init" 240
wait_for "tofu-linux# " 60
send "echo uboot-\$((6 * 7))"
wait_for "uboot-42" 30
rtos_kept_ticking rtos
t_end
