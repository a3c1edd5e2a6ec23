#!/usr/bin/env bash
# A warm reset (QEMU's system_reset, as a watchdog or tofu's own panic
# would do) keeps RAM as it was: tofu must find out and clear every VM's
# RAM before it starts, although after a cold boot QEMU's RAM is zero and
# tofu skips that.  The RTOS guest checks its state page reads zero at start.
. "$(dirname "$0")/lib.sh"
qemu_start warm-reset restart QEMU_SERIAL=mon:stdio QEMU_REBOOT=1
wait_for "[churn] rtos: first tick" 60
wait_for "[steady] rtos: first tick" 60
printf '\x01c' >&"$QIN"                      # Ctrl-A c: QEMU's monitor
send "system_reset"
printf '\x01c' >&"$QIN"                      # and back to the serial line
wait_for "tofu hypervisor for ARMv8-A" 60 2
wait_for "[churn] rtos: first tick" 60 2
wait_for "[steady] rtos: first tick" 60 2
refuse_line "RAM not clean"
refuse_line "no virtual timer IRQ"
t_end
