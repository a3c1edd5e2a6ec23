#!/usr/bin/env bash
# The plot of make bench, from the CSV that bench-report.sh writes: every
# figure with a budget (bench/budgets.txt) as the share of its budget it
# uses, labelled with its value and budget in their unit, and below, the
# instruction counts of tofu beside native.  Works on any results CSV:
#   scripts/bench-plot.sh bench/results/<date>-<commit>.csv out.png
set -euo pipefail
cd "$(dirname "$0")/.."
csv=$1; png=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# name,tofu_mean,tofu_max,native_mean,native_max,overhead,ratio_pct,budget_metric,budget[,unit]
# -> tab-separated: tick label, % of budget, value, budget, unit, over (0/1).
# A count with a unit of its own (the CSV's unit column) keeps it; the
# virtio-blk rows compare virtio with passthrough, not tofu with native.
# A ratio_min budget (a throughput, tofu / native at least the limit) uses
# limit / value of its budget: 100 % when tofu is exactly at the limit.
awk -F, 'NR > 1 && $8 != "" {
    m = $8; lim = $9; rel = "≤ "
    if (m == "overhead")       { v = $6;       u = "instr";  what = "overhead" }
    else if (m == "mean")      { v = $2;       u = "instr";  what = "tofu" }
    else if (m == "ratio_pct") { v = $7;       u = "%";      what = "over native" }
    else if (m == "ratio")     { v = $4 > 0 ? $2 / $4 : 0; u = "× native"; what = "tofu / native" }
    else if (m == "ratio_min") { v = $4 > 0 ? $2 / $4 : 0; u = "× native"; what = "tofu / native"; rel = "≥ " }
    else next
    if ((m == "mean" || m == "overhead") && $10 != "" && $10 != "instructions" && $10 != "ms") u = $10
    if ($1 ~ /^vblk_/ && (m == "ratio" || m == "ratio_min")) { u = "× NVMe"; what = "virtio / passthrough" }
    use = m == "ratio_min" ? (v > 0 ? 100 * lim / v : 1000) : 100 * v / lim
    over = m == "ratio_min" ? (v < lim) : (v > lim)
    fmt = (v == int(v) || v >= 100) ? "%.0f" : (v >= 10 ? "%.1f" : "%.2f")
    printf "%s\\n%s\t%.2f\t%s\t%s%s\t%s\t%d\n", $1, what, use, sprintf(fmt, v), rel, lim, u, over
}' "$csv" > "$tmp/budget.tsv"
[ -s "$tmp/budget.tsv" ] || { echo "bench-plot: no budgeted figure in $csv" >&2; exit 1; }
# Instruction counts only: not the wall clock (ms) nor the NVMe rates (a
# results CSV from before the unit column has only the wall clock to drop).
awk -F, 'NR == 1 || ($10 == "" ? $1 != "linux_boot_wall_ms" : $10 == "instructions")' "$csv" > "$tmp/counts.csv"
gnuplot -e "budgetfile='$tmp/budget.tsv'; countfile='$tmp/counts.csv'; outfile='$png'; \
            title_src='$(basename "$csv" .csv)'" bench/plot.gp
