#!/usr/bin/env bash
# The console figure of make bench (and of make test's budget check): the
# RTOS VM's timer latency, CNTVCT at its IRQ entry minus the CVAL that fired,
# while the VM beside it writes 64-byte lines to its console every 100 us
# (tests/configs/bench-flood.dts), beside the same with the neighbour
# silent (bench-flood-quiet.dts) and the RTOS alone on bare QEMU; and the
# RTOS on a CPU it shares (docs/scheduling.md), at the higher priority,
# beside CPU-bound VMs without budgets (sched-prio.dts: rtos_latency_shared)
# and beside one with a budget (sched-budget.dts: rtos_latency_shared_budget),
# against the same native run.  Under
# -icount shift=0 -cpu max the counter runs at 1 GHz: nanoseconds are
# instructions.  Appends "BENCH rtos_latency_{flood,quiet} ..." to
# <log dir>/tofu.log and the native figures to <log dir>/native.log, in
# scripts/bench-report.sh's format (mean and worst over 1,000 ticks).
# usage: scripts/bench-console.sh <build dir> <log dir>
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=$1; dir=$2
TICKS=1000
ICOUNT=(-icount shift=0,align=off,sleep=off -display none -serial stdio -monitor none)

# Run QEMU until the RTOS's report at $TICKS, then print "BENCH <name> ...".
latency() { # name, log, qemu args
    local name=$1 log=$2; shift 2
    timeout 300 qemu-system-aarch64 "$@" "${ICOUNT[@]}" < /dev/null > "$log" 2>&1 &
    local pid=$! deadline=$((SECONDS + 300))
    until grep -qs "rtos: tick $TICKS " "$log" || ! kill -0 $pid 2>/dev/null || [ $SECONDS -ge $deadline ]; do
        sleep 0.1
    done
    local st=0
    kill -0 $pid 2>/dev/null || { wait $pid 2>/dev/null; st=$?; }   # ended by itself: why
    kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
    # rtos: tick <n> worst-latency <w.www> us mean-latency <m.mmm> us mem ok
    sed -n "s/^.*rtos: tick $TICKS worst-latency \([0-9]*\)\.\([0-9]*\) us mean-latency \([0-9]*\)\.\([0-9]*\) us mem ok.*/\1 \2 \3 \4/p" "$log" |
        awk -v name="$name" -v n=$TICKS '{ printf "BENCH %s iters=%d mean=%d max=%d\n", name, n, $3 * 1000 + $4, $1 * 1000 + $2 }' |
        grep . || { echo "bench-console: no report at tick $TICKS in $log (QEMU's exit status $st, $(wc -c < "$log") bytes of output)" >&2
                    tail -5 "$log" >&2; return 1; }
}
TOFU=(-M virt,virtualization=on,gic-version=3,iommu=smmuv3 -cpu max -smp 2 -m 1024)
latency rtos_latency_flood "$dir/console-flood.log" "${TOFU[@]}" -kernel "$BUILD/bench-flood/tofu.bin" >> "$dir/tofu.log"
latency rtos_latency_quiet "$dir/console-quiet.log" "${TOFU[@]}" -kernel "$BUILD/bench-flood-quiet/tofu.bin" >> "$dir/tofu.log"
latency rtos_latency_native "$dir/console-native.log" -M virt,gic-version=3 -cpu max -smp 1 -m 1024 \
    -kernel "$BUILD/guests/baremetal/rtos.bin" > "$dir/console-native.txt"
latency rtos_latency_shared "$dir/sched-prio.log" "${TOFU[@]}" -kernel "$BUILD/sched-prio/tofu.bin" >> "$dir/tofu.log"
latency rtos_latency_shared_budget "$dir/sched-budget.log" "${TOFU[@]}" -kernel "$BUILD/sched-budget/tofu.bin" >> "$dir/tofu.log"
# Native has no neighbour: the RTOS alone is the reference of every figure.
for f in flood quiet shared shared_budget; do
    sed "s/rtos_latency_native/rtos_latency_$f/" "$dir/console-native.txt"
done >> "$dir/native.log"
lines=$(grep -c "flood: line" "$dir/console-flood.log" || true)
echo "bench-console: the neighbour wrote $lines lines meanwhile"
