#!/usr/bin/env bash
# Linux crash detection, per kind, with the RTOS beside it keeping its ticks:
#   - first a clean reboot: the guest's own reset, not a failure;
#   - a panic (echo c > /proc/sysrq-trigger; panic=1 reboot=panic_warm):
#     tofu reports "guest panic" with the kernel's panic line (seen before
#     the PSCI SYSTEM_RESET2 warm reset it ends in) and restarts
#     Linux by its policy, CYCLES times in a row (3 in make test, 100 in
#     make soak);
#   - a hang: busybox's watchdog killed (kill -9), so the SP805 is no
#     longer petted: tofu reports "watchdog expired" and restarts Linux.
# The closing line counts what was detected.
. "$(dirname "$0")/lib.sh"
CYCLES=${CYCLES:-3}
qemu_start "linux-crash${CYCLES_TAG:-}" crashloop
wait_for "[rtos] rtos: watchdog armed" 60
boots=1
wait_for "[linux] tofu-guest: watchdog started, timeout 4 s" 240
wait_for "tofu-linux# " 60
send "reboot"
wait_for "vm linux: stopped: guest reset (PSCI SYSTEM_RESET)" 60
boots=2
wait_for "[linux] tofu-guest: watchdog started, timeout 4 s" 240 "$boots"
for ((i = 1; i <= CYCLES && T_FAILED == 0; i++)); do
    wait_for "tofu-linux# " 60 "$boots" || break
    send "echo c > /proc/sysrq-trigger"
    # Then its warm reset; or, if a starved host let the watchdog's
    # deadline pass first, the watchdog: both are told as the panic.
    wait_for "vm linux: guest panic: \"Kernel panic - not syncing: sysrq triggered crash\", then " 60 "$i" || break
    wait_for "vm linux: stopped: guest panic" 30 "$i" || break
    boots=$((boots + 1))
    wait_for "[linux] tofu-guest: watchdog started, timeout 4 s" 240 "$boots" || break
    [ $((i % 10)) = 0 ] && echo "  $i of $CYCLES panics detected and restarted"
done
if [ $T_FAILED = 0 ]; then
    wait_for "tofu-linux# " 60 "$boots"
    send "kill -9 \$(pidof watchdog)"
    wait_for "vm linux: watchdog expired: its SP805 reached zero twice without WdogIntClr" 60
    wait_for "vm linux: stopped: watchdog expired" 10
    boots=$((boots + 1))
    wait_for "[linux] tofu-guest: watchdog started, timeout 4 s" 240 "$boots"
fi
rtos_kept_ticking rtos
panics=$(grep -c "vm linux: stopped: guest panic" "$QLOG")
hangs=$(grep -c "vm linux: stopped: watchdog expired" "$QLOG")
restarts=$(grep -c "vm linux: restarting from a clean image" "$QLOG")
worst=$(grep -o "\[rtos\] rtos: tick [0-9]* worst-latency [0-9.]* us" "$QLOG" | tail -1 | awk '{print $6}')
[ "$panics" = "$CYCLES" ] || t_fail "$panics panics detected, expected $CYCLES"
[ "$restarts" = $((CYCLES + 2)) ] || t_fail "$restarts restarts, expected $((CYCLES + 2))"
refuse_line "vm linux: failed:"
printf '\x140' >&"$QIN"                      # Ctrl-T 0: the hypervisor shell
wait_for "console: input to the hypervisor shell" 10
send "list"                                  # failures only: the panics and the hang
wait_for_re "linux +running .* $((CYCLES + 1)) +[0-9]+  watchdog expired" 10
echo "  linux crash: $panics panics and $hangs watchdog hang detected, $restarts restarts;" \
     "rtos ticks $(grep -c '\[rtos\] rtos: tick' "$QLOG") s, worst latency ${worst:-?} us"
t_end
