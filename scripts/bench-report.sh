#!/usr/bin/env bash
# Turn the logs of scripts/bench.sh into <prefix>.json and <prefix>.csv, print
# a table, and check the figures against the budgets.
# usage: bench-report.sh <log dir> <output prefix> <budgets file>
# Exit status 1 when a figure exceeds its budget.
set -euo pipefail
dir=$1; prefix=$2; budgets=$3

# BENCH <name> iters=<n> mean=<x> max=<y>   (counter ticks = instructions)
extract() { sed -n 's/^.*BENCH \([a-z0-9_]*\) iters=\([0-9]*\) mean=\([0-9.]*\) max=\([0-9]*\).*$/\1 \2 \3 \4/p' "$1"; }
extract "$dir/tofu.log" > "$dir/tofu.txt"
extract "$dir/native.log" > "$dir/native.txt"

# Linux: the guest counter at /init in instructions (ticks * 1e9 / CNTFRQ under
# icount), and the wall-clock medians.
cnt() { sed -n 's/^.*tofu-guest: cntvct=\([0-9]*\) cntfrq=\([0-9]*\).*$/\1 \2/p' "$1" | head -1 |
        awk '{ printf "%.0f", $1 * (1e9 / $2) }'; }
lt=$(cnt "$dir/linux-icount-tofu.log" 2>/dev/null || true)
ln=$(cnt "$dir/linux-icount-native.log" 2>/dev/null || true)
median() { grep "^$1 " "$dir/wall.txt" 2>/dev/null | awk '{print $2}' | sort -g | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]}'; }
wt=$(median tofu || true); wn=$(median native || true)

awk -v lt="${lt:-}" -v ln="${ln:-}" -v wt="${wt:-}" -v wn="${wn:-}" -v prefix="$prefix" -v budgets="$budgets" '
FILENAME ~ /native.txt$/ { nmean[$1] = $3; nmax[$1] = $4; next }
FILENAME ~ /tofu.txt$/   { order[++n] = $1; iters[$1] = $2; tmean[$1] = $3; tmax[$1] = $4; next }
END {
    while ((getline line < budgets) > 0) {
        if (line ~ /^#/ || line ~ /^[ \t]*$/) continue
        split(line, f, /[ \t]+/); bmetric[f[1]] = f[2]; blimit[f[1]] = f[3]
    }
    csv = prefix ".csv"; json = prefix ".json"
    print "name,tofu_mean,tofu_max,native_mean,native_max,overhead,ratio_pct,budget_metric,budget" > csv
    printf "{\n  \"unit\": \"instructions (counter ticks under -icount shift=0, -cpu max)\",\n  \"results\": [\n" > json
    printf "%-22s %12s %10s %12s %12s %10s %10s  %s\n", "benchmark", "tofu mean", "tofu max", "native mean", "overhead", "ratio %", "budget", "ok"
    bad = 0
    if (lt != "" && ln != "") { order[++n] = "linux_boot_counter"; tmean["linux_boot_counter"] = lt; nmean["linux_boot_counter"] = ln; tmax["linux_boot_counter"] = lt; nmax["linux_boot_counter"] = ln }
    if (wt != "" && wn != "") { order[++n] = "linux_boot_wall_ms"; tmean["linux_boot_wall_ms"] = wt; nmean["linux_boot_wall_ms"] = wn; tmax["linux_boot_wall_ms"] = wt; nmax["linux_boot_wall_ms"] = wn }
    for (i = 1; i <= n; i++) {
        k = order[i]; has_n = (k in nmean)
        over = has_n ? tmean[k] - nmean[k] : tmean[k]
        ratio = (has_n && nmean[k] > 0) ? 100 * (tmean[k] - nmean[k]) / nmean[k] : ""
        ok = "-"
        if (k in bmetric) {
            v = bmetric[k] == "overhead" ? over : bmetric[k] == "mean" ? tmean[k] : bmetric[k] == "ratio_pct" ? ratio : bmetric[k] == "ratio" ? (nmean[k] > 0 ? tmean[k] / nmean[k] : "") : ""
            ok = (v != "" && v + 0 <= blimit[k] + 0) ? "yes" : "NO"
            if (ok == "NO") { bad++; failed = failed " " k "(" bmetric[k] "=" v " > " blimit[k] ")" }
        }
        printf "%-22s %12.1f %10d %12s %12.1f %10s %10s  %s\n", k, tmean[k], tmax[k], has_n ? sprintf("%.1f", nmean[k]) : "-", over, ratio == "" ? "-" : sprintf("%.2f", ratio), (k in bmetric) ? bmetric[k] "<=" blimit[k] : "-", ok
        printf "%s,%s,%s,%s,%s,%.2f,%s,%s,%s\n", k, tmean[k], tmax[k], has_n ? nmean[k] : "", has_n ? nmax[k] : "", over, ratio, bmetric[k], blimit[k] > csv
        printf "    {\"name\": \"%s\", \"tofu_mean\": %s, \"tofu_max\": %s, \"native_mean\": %s, \"overhead\": %.2f, \"budget\": %s}%s\n", k, tmean[k], tmax[k], has_n ? nmean[k] : "null", over, (k in bmetric) ? "\"" bmetric[k] " <= " blimit[k] "\"" : "null", i < n ? "," : "" > json
    }
    printf "  ]\n}\n" > json
    if (bad) { print "over budget:" failed; exit 1 }
}' "$dir/native.txt" "$dir/tofu.txt"
