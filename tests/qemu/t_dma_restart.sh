#!/usr/bin/env bash
# A VM restarted while its device is busy: the dmabusy guest keeps QEMU's edu
# copying between its RAM and edu's buffer (a transfer in flight nearly all
# the time) and is restarted from the hypervisor shell RESTARTS times (100 in
# make test).  Every new instance must find bus mastering off, the last
# instance's transfer ended without landing in its RAM, and its own DMA
# working; no DMA fault may be logged (its DMA stays in its own RAM); the
# hypervisor's free memory comes back to its value; the steady VM keeps
# ticking with intact memory.
. "$(dirname "$0")/lib.sh"
RESTARTS=${RESTARTS:-100}
qemu_start dma-restart dmabusy "QEMU_DEVICES=edu,addr=2,dma_mask=0xffffffffffff"
wait_for "[steady] rtos: first tick" 60
wait_for "[busy] dmabusy: busy" 60
printf '\x140' >&"$QIN"                      # Ctrl-T 0: the hypervisor shell
wait_for "console: input to the hypervisor shell" 10
free_now; free_before=$free
done_restarts=0
for i in $(seq 1 "$RESTARTS"); do
    # At a different point of the transfer each time: 0-99 ms into it.
    sleep "0.0$((RANDOM % 10))"
    send "restart busy"
    wait_for "[busy] dmabusy: busy" 30 $((i + 1)) || break
    done_restarts=$i
    if grep -qF "dmabusy: start: STALE" "$QLOG"; then t_fail "restart $i found stale state"; break; fi
done
free_now; free_after=$free
[ -n "$free_before" ] && [ "$free_before" = "$free_after" ] || t_fail "memory not given back: $free_before KiB free, then $free_after"
starts=$(grep -cF "[busy] dmabusy: start: bus mastering off, edu idle after" "$QLOG")
clean=$(grep -F "[busy] dmabusy: start: bus mastering off, edu idle after" "$QLOG" | grep -cF "target page clean")
# How many restarts came with a transfer in flight: its edu was not idle at once.
inflight=$(grep -F "[busy] dmabusy: start:" "$QLOG" | grep -cvE "idle after 0 ms")
echo "  restarts: $done_restarts of $RESTARTS; $starts starts with bus mastering off, $clean with the page clean; $inflight with a transfer in flight"
[ "$done_restarts" = "$RESTARTS" ] || t_fail "only $done_restarts restarts of $RESTARTS"
[ "$clean" = "$((RESTARTS + 1))" ] || t_fail "$clean clean starts of $((RESTARTS + 1))"
[ "$inflight" -ge $((RESTARTS / 4)) ] || t_fail "only $inflight restarts with a transfer in flight: the test did not test"
refuse_line "dmabusy: round"
refuse_line "iommu: DMA fault"
rtos_kept_ticking steady
t_end
