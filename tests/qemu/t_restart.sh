#!/usr/bin/env bash
# Restart a VM many times from the hypervisor shell: every instance's first
# virtual-timer interrupt must arrive (a lost one is reported by the RTOS
# guest itself), and the other VM keeps ticking throughout.  RESTARTS sets
# the count (make soak runs thousands).
. "$(dirname "$0")/lib.sh"
RESTARTS=${RESTARTS:-40}
qemu_start restart restart
wait_for "[churn] rtos: first tick" 60
wait_for "[steady] rtos: first tick" 60
t0=$SECONDS
printf '\x140' >&"$QIN"                      # Ctrl-T 0: the hypervisor shell
wait_for "console: input to the hypervisor shell" 10
send "mem"
wait_for "free: " 10
free_before=$(grep -o 'free: [0-9]* KiB' "$QLOG" | head -1)
for i in $(seq 2 $((RESTARTS + 1))); do
    send "restart churn"
    wait_for "[churn] rtos: first tick" 60 "$i" || break
    if grep -qF "no virtual timer IRQ" "$QLOG"; then t_fail "a first tick was lost (restart $((i - 1)))"; break; fi
done
echo "  $(grep -cF '[churn] rtos: first tick' "$QLOG") starts of churn"
# Every restart gives back what it took: free memory exactly as before.
send "mem"
wait_for "free: " 10 2
free_after=$(grep -o 'free: [0-9]* KiB' "$QLOG" | sed -n 2p)
echo "  hypervisor memory $free_before before the restarts, $free_after after"
[ -n "$free_before" ] && [ "$free_before" = "$free_after" ] || t_fail "memory not given back: $free_before, then $free_after"
# Lifecycle lines are rate-limited by time, not refilled by restarts: at
# most the burst (12) plus 4 a second, whatever the restart rate.
events=$(grep -cE '^\[tofu\] vm churn: (started|stopped|restarting)' "$QLOG")
limit=$((12 + 4 * (SECONDS - t0 + 2)))
echo "  $events lifecycle lines of churn in $((SECONDS - t0)) s (at most $limit)"
[ "$events" -le "$limit" ] || t_fail "lifecycle lines not rate-limited: $events > $limit"
ticks=$(grep -c "\[steady\] rtos: tick" "$QLOG")
wait_for "[steady] rtos: tick" 30 $((ticks + 1))
refuse_line "no virtual timer IRQ"
refuse_line "mem CORRUPT"
refuse_line "RAM not clean"
refuse_line "vm steady: stopped"
t_end
