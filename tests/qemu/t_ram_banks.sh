#!/usr/bin/env bash
# Every RAM bank is used (tests/configs/ram-banks.dts): the boot log's RAM
# line lists each of the board's banks (two on the Raspberry Pi 4B and the
# ZCU102, one on QEMU virt), Linux's 1 GiB is in the last one (by first fit
# on the Raspberry Pi 4B, where the two VMs need more than the first bank
# has; by memory-address on the ZCU102, at 32 GiB), the RTOS is in the
# first; Linux reaches its shell and writes 256 MiB of its RAM and reads them
# back with the host's checksum, beside the RTOS's ticks.  On each board:
# make board-tests runs it with the board's build.
. "$(dirname "$0")/lib.sh"
# shellcheck disable=SC1091
. "$BUILD/ram-banks/qemu.env"
case ${QEMU_BOARD:-qemu-virt} in
rpi4b|zcu102) want_banks=2 ;;
*)            want_banks=1 ;;
esac
# 256 MiB: a 1 MiB pattern 256 times.
yes tofu-bank | head -c $((1 << 20)) > "$BUILD/ram-banks-pattern"
want=$(for _ in $(seq 256); do cat "$BUILD/ram-banks-pattern"; done | md5sum | cut -d' ' -f1)
qemu_start ram-banks ram-banks
wait_for "vm linux: started" 60
wait_for "RAM: " 30
ram=$(grep -a -m1 "RAM: " "$QLOG")
banks=$(grep -oE "0x[0-9a-f]+-0x[0-9a-f]+ \([0-9]+ MiB\)" <<< "$ram")
[ "$(wc -l <<< "$banks")" = "$want_banks" ] || t_fail "the RAM line lists not $want_banks banks: $ram"
first=$(head -1 <<< "$banks" | cut -d- -f1)
last=$(tail -1 <<< "$banks" | cut -d- -f1)
line=$(grep -a -m1 "vm linux: started" "$QLOG")
pa=$(sed -n 's/.*1024 MiB at PA \(0x[0-9a-f]*\).*/\1/p' <<< "$line")
[ -n "$pa" ] || t_fail "no PA for Linux's 1024 MiB: $line"
if [ "$want_banks" -gt 1 ]; then
    [ "$pa" = "$last" ] || t_fail "Linux's RAM at $pa, not at the last bank's start $last"
    rtos_pa=$(grep -a -m1 "vm rtos: started" "$QLOG" | sed -n 's/.* at PA \(0x[0-9a-f]*\).*/\1/p')
    [ -n "$rtos_pa" ] && [ $((rtos_pa)) -ge $((first)) ] && [ $((rtos_pa)) -lt $((last)) ] ||
        t_fail "the RTOS's RAM at '$rtos_pa', not in the first bank"
fi
wait_for "tofu-linux# " 300
send "grep MemTotal /proc/meminfo; yes tofu-bank | head -c $((1 << 20)) > /tmp/p; for i in \$(seq 256); do cat /tmp/p; done > /tmp/fill; md5sum /tmp/fill; rm /tmp/fill"
wait_for "$want  /tmp/fill" 300
wait_for_re "^\[linux\] MemTotal: +(9[0-9]{5}|10[0-9]{5}) kB" 10
wait_for "rtos: tick 2000 " 60
refuse_line "mem CORRUPT"
refuse_line "Internal error"
t_end
