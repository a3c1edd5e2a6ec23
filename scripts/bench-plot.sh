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
# name,tofu_mean,tofu_max,native_mean,native_max,overhead,ratio_pct,budget_metric,budget
# -> tab-separated: tick label, % of budget, value, budget, unit, over (0/1)
awk -F, 'NR > 1 && $8 != "" {
    m = $8
    if (m == "overhead")       { v = $6;       u = "instr";  what = "overhead" }
    else if (m == "mean")      { v = $2;       u = "instr";  what = "tofu" }
    else if (m == "ratio_pct") { v = $7;       u = "%";      what = "over native" }
    else if (m == "ratio")     { v = $4 > 0 ? $2 / $4 : 0; u = "× native"; what = "tofu / native" }
    else next
    fmt = (v == int(v) || v >= 100) ? "%.0f" : (v >= 10 ? "%.1f" : "%.2f")
    printf "%s\\n%s\t%.2f\t%s\t%s\t%s\t%d\n", $1, what, 100 * v / $9, sprintf(fmt, v), $9, u, (v > $9)
}' "$csv" > "$tmp/budget.tsv"
[ -s "$tmp/budget.tsv" ] || { echo "bench-plot: no budgeted figure in $csv" >&2; exit 1; }
# Instruction counts only: the wall-clock figure is in milliseconds.
grep -v '^linux_boot_wall_ms,' "$csv" > "$tmp/counts.csv"
gnuplot -e "budgetfile='$tmp/budget.tsv'; countfile='$tmp/counts.csv'; outfile='$png'; \
            title_src='$(basename "$csv" .csv)'" bench/plot.gp
