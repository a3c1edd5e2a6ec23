#!/usr/bin/env bash
# Hang detection by the watchdog hypercall: the RTOS arms its watchdog and
# pets it from its periodic task; 'hanger' then hangs with interrupts
# masked (rtos.hang=2); tofu stops it ("watchdog expired"), restarts it once
# by its policy (max-restarts = 1), and the second hang leaves it failed.
# 'steady', beside it, keeps ticking throughout.
. "$(dirname "$0")/lib.sh"
qemu_start watchdog watchdog
wait_for "[steady] rtos: watchdog armed, 3000 ms" 60
wait_for "[hanger] rtos: hanging now (rtos.hang=2)" 60
wait_for "vm hanger: watchdog expired: not petted within 3000 ms (TOFU_HC_WDOG_ARM): stopping the VM" 30
wait_for "vm hanger: stopped: watchdog expired" 10
wait_for "vm hanger: restarting from a clean image" 10
wait_for "[hanger] rtos: hanging now (rtos.hang=2)" 60 2
wait_for "vm hanger: failed: 2 failures within 600 s" 30
rtos_kept_ticking steady
printf '\x140' >&"$QIN"                      # Ctrl-T 0: the hypervisor shell
wait_for "console: input to the hypervisor shell" 10
send "list"
wait_for_re "hanger +failed .* 1 +0  watchdog expired" 10
t_end
