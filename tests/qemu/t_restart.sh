#!/usr/bin/env bash
# Restart a VM many times from the hypervisor shell: every instance's first
# virtual-timer interrupt must arrive (a lost one is reported by the RTOS
# guest itself), the other VM keeps ticking throughout, and the
# hypervisor's free memory comes back to exactly its value (checked every
# MEM_EVERY restarts and at the end).  RESTARTS sets the count (make test
# runs 40, make soak 10,000); the closing lines give the counts.
. "$(dirname "$0")/lib.sh"
RESTARTS=${RESTARTS:-40}
MEM_EVERY=${MEM_EVERY:-1000}
qemu_start restart restart
wait_for "[churn] rtos: first tick" 60
wait_for "[steady] rtos: first tick" 60
t0=$SECONDS     # about the steady VM's first tick
printf '\x140' >&"$QIN"                      # Ctrl-T 0: the hypervisor shell
wait_for "console: input to the hypervisor shell" 10
free_now; free_before=$free
mem_bad=0
done_restarts=0
for i in $(seq 1 "$RESTARTS"); do
    send "restart churn"
    wait_for "[churn] rtos: first tick" 60 $((i + 1)) || break
    done_restarts=$i
    if grep -qF "no virtual timer IRQ" "$QLOG"; then t_fail "a first tick was lost (restart $i)"; break; fi
    if [ $((i % MEM_EVERY)) = 0 ] && [ "$i" != "$RESTARTS" ]; then
        free_now
        [ "$free" = "$free_before" ] || { mem_bad=$((mem_bad + 1)); t_fail "after $i restarts $free KiB free, before $free_before"; }
        echo "  $i restarts in $((SECONDS - t0)) s: $free KiB free"
    fi
done
free_now; free_after=$free
[ -n "$free_before" ] && [ "$free_before" = "$free_after" ] || { mem_bad=$((mem_bad + 1)); t_fail "memory not given back: $free_before, then $free_after"; }
# Lifecycle lines are rate-limited by time, not refilled by restarts: at
# most the burst (12) plus 4 a second, whatever the restart rate.
events=$(grep -cE '^\[tofu\] vm churn: (started|stopped|restarting)' "$QLOG")
limit=$((12 + 4 * (SECONDS - t0 + 2)))
[ "$events" -le "$limit" ] || t_fail "lifecycle lines not rate-limited: $events > $limit"
# The steady VM: one line every 1000 ticks (1 s), each 1000 past the last.
ticks=$(grep -c "\[steady\] rtos: tick" "$QLOG")
wait_for "[steady] rtos: tick" 30 $((ticks + 1))
steady=$(grep -o '\[steady\] rtos: tick [0-9]* worst-latency [0-9.]* us' "$QLOG")
last_tick=$(tail -1 <<<"$steady" | awk '{ print $4 }')
worst=$(tail -1 <<<"$steady" | awk '{ print $6 }')
[ -n "$steady" ] || t_fail "no tick line of the steady VM parsed"
gaps=$(awk 'p && $4 != p + 1000 { g++ } { p = $4 } END { print g + 0 }' <<<"$steady")
[ "$gaps" = 0 ] || t_fail "$gaps gaps in the steady VM's tick lines"
# wfi = "native" (steady): its 1 ms ticks come, its WFI never exits;
# churn's (the default, trap) does.
send "list"
wait_for_re "^\[tofu\] [0-9]+ +steady +running " 10
read -r s_wfi s_irq < <(grep -E "^\[tofu\] [0-9]+ +steady +running " "$QLOG" | tail -1 | awk '{ print $8, $12 }')
c_wfi=$(grep -E "^\[tofu\] [0-9]+ +churn +running " "$QLOG" | tail -1 | awk '{ print $8 }')
echo "  WFI exits: steady (wfi = \"native\") $s_wfi with $s_irq interrupt exits, churn (trap) $c_wfi"
[ "$s_wfi" = 0 ] && [ "${s_irq:-0}" -gt 1000 ] || t_fail "steady's WFI trapped ($s_wfi exits) or it had no ticks ($s_irq)"
[ "${c_wfi:-0}" -gt 0 ] || t_fail "churn's WFI did not trap"
starts=$(grep -cF '[churn] rtos: first tick' "$QLOG")
lost=$(grep -cF "no virtual timer IRQ" "$QLOG")
late=$(grep -cF "rtos: first tick LATE" "$QLOG")       # the host held QEMU back: no loss
refuse_line "mem CORRUPT"
refuse_line "RAM not clean"
refuse_line "vm steady: stopped"
echo "  restarts: $done_restarts done of $RESTARTS in $((SECONDS - t0)) s; churn started $starts times, its first tick lost $lost times, late $late times"
echo "  steady: tick $last_tick ($((SECONDS - t0)) s after its first), worst latency $worst us, $gaps gaps in its tick lines, never stopped"
echo "  free memory: $free_before KiB before, $free_after KiB after; checked $mem_checks times, $mem_bad differences"
echo "  lifecycle lines of churn: $events (at most $limit)"
t_end
