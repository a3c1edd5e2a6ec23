#!/usr/bin/env bash
# A restarted VM starts clean: the quiesce guest owns the PL031, leaves its
# alarm raised and its line high, and is restarted from the hypervisor
# shell; tofu masks and clears the device and its SPI when the VM stops, so
# each new run finds the device quiet and takes no interrupt before it arms
# one (the guest reports what it found).  The PL061 GPIO beside it, which
# tofu cannot reset, is named once in the log, not at every restart.
. "$(dirname "$0")/lib.sh"
RUNS=3
qemu_start quiesce quiesce
wait_for "quiesce: armed: 1 alarm interrupt(s), RIS 1 left high" 60
printf '\x140' >&"$QIN"                      # Ctrl-T 0: the hypervisor shell
wait_for "console: input to the hypervisor shell" 10
for i in $(seq 2 $RUNS); do
    send "restart quiesce"
    wait_for "quiesce: armed: " 30 "$i" || break
done
grep -F "quiesce: start: " "$QLOG" | sed 's/^/  /'
starts=$(grep -cF "quiesce: clean start" "$QLOG")
[ "$starts" = "$RUNS" ] || t_fail "$starts clean starts of $RUNS"
n=$(grep -cF "quiesce: armed: 1 alarm interrupt(s), RIS 1 left high" "$QLOG")
[ "$n" = "$RUNS" ] || t_fail "the alarm was raised in $n runs of $RUNS"
refuse_line "STALE state from the last run"
n=$(grep -cF "device pl061@9030000 (arm,pl061): tofu knows no reset for it" "$QLOG")
[ "$n" = 1 ] || t_fail "the device without a reset named $n times, expected once"
refuse_line "device pl031@9010000 (arm,pl031): tofu knows no reset"
t_end
