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
# The benchmark guest in a VM with SMMU streams (bench-smmu): its *_smmu
# figures, compared with the same figure of the VM without streams.
[ ! -f "$dir/tofu-smmu.log" ] || extract "$dir/tofu-smmu.log" >> "$dir/tofu.txt"
extract "$dir/native.log" > "$dir/native.txt"

# Linux: the guest counter at /init in instructions (ticks * 1e9 / CNTFRQ under
# icount), and the wall-clock medians.
cnt() { sed -n 's/^.*tofu-guest: cntvct=\([0-9]*\) cntfrq=\([0-9]*\).*$/\1 \2/p' "$1" | head -1 |
        awk '{ printf "%.0f", $1 * (1e9 / $2) }'; }
lt=$(cnt "$dir/linux-icount-tofu.log" 2>/dev/null || true)
ln=$(cnt "$dir/linux-icount-native.log" 2>/dev/null || true)
median() { grep "^$1 " "$dir/wall.txt" 2>/dev/null | awk '{print $2}' | sort -g | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]}'; }
wt=$(median tofu || true); wn=$(median native || true)

# NVMe reads (diskbench, host clock): per run MB/s (10^6 bytes a second) of
# the 1 MiB sequential reads and IOPS of the 4 KiB random reads; the medians
# of the runs (the "max" columns: the fastest run).  A run without its
# figures fails the report.
nvme() { # kind -> "<MB/s median> <MB/s max> <IOPS median> <IOPS max>", empty without runs
    local f n=0
    for f in "$dir"/nvme-"$1"-*.log; do
        [ -f "$f" ] || continue
        n=$((n + 1))
        sed -n 's/^.*tofu-guest: diskbench bytes=[0-9]* seq_bytes=\([0-9]*\) seq_ticks=\([0-9]*\) rand_reads=\([0-9]*\) rand_ticks=\([0-9]*\) cntfrq=\([0-9]*\).*$/\1 \2 \3 \4 \5/p' "$f" | head -1 |
            awk -v f="$f" 'NF == 5 && $2 > 0 && $4 > 0 && $5 > 0 { printf "%.1f %.1f\n", $1 / ($2 / $5) / 1e6, $3 / ($4 / $5); ok = 1 }
                           END { if (!ok) { print "bench-report: no diskbench figures in " f > "/dev/stderr"; exit 1 } }' || return 1
    done > "$dir/nvme-$1.txt"
    [ $n -gt 0 ] || return 0
    local col
    for col in 1 2; do      # median, then the fastest run
        awk -v c=$col '{print $c}' "$dir/nvme-$1.txt" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)], a[NR]}'
    done | tr '\n' ' '
}
nt=$(nvme tofu) || exit 1
nn=$(nvme native) || exit 1

# The ping between two VMs (host clock): busybox's "round-trip min/avg/max
# = a/b/c ms" as microseconds, "<avg> <max>"; empty without the run.
pt=""
if [ -f "$dir/ping-tofu.log" ]; then
    pt=$(sed -n 's/^.*tofu-guest: ping round-trip min\/avg\/max = \([0-9.]*\)\/\([0-9.]*\)\/\([0-9.]*\) ms.*$/\2 \3/p' "$dir/ping-tofu.log" |
         head -1 | awk '{ printf "%.0f %.0f", $1 * 1000, $2 * 1000 }')
    [ -n "$pt" ] || { echo "bench-report: no ping figures in $dir/ping-tofu.log" >&2; exit 1; }
fi

awk -v lt="${lt:-}" -v ln="${ln:-}" -v wt="${wt:-}" -v wn="${wn:-}" -v nt="$nt" -v nn="$nn" -v pt="$pt" -v prefix="$prefix" -v budgets="$budgets" '
FILENAME ~ /native.txt$/ { nmean[$1] = $3; nmax[$1] = $4; next }
FILENAME ~ /tofu.txt$/   { order[++n] = $1; iters[$1] = $2; tmean[$1] = $3; tmax[$1] = $4; next }
END {
    while ((getline line < budgets) > 0) {
        if (line ~ /^#/ || line ~ /^[ \t]*$/) continue
        split(line, f, /[ \t]+/); bmetric[f[1]] = f[2]; blimit[f[1]] = f[3]
    }
    csv = prefix ".csv"; json = prefix ".json"
    print "name,tofu_mean,tofu_max,native_mean,native_max,overhead,ratio_pct,budget_metric,budget,unit" > csv
    printf "{\n  \"unit\": \"instructions (counter ticks under -icount shift=0, -cpu max), unless a result names its own\",\n  \"results\": [\n" > json
    printf "%-22s %12s %10s %12s %12s %10s %10s  %s\n", "benchmark", "tofu mean", "tofu max", "native mean", "overhead", "ratio %", "budget", "ok"
    bad = 0
    if (lt != "" && ln != "") { order[++n] = "linux_boot_counter"; tmean["linux_boot_counter"] = lt; nmean["linux_boot_counter"] = ln; tmax["linux_boot_counter"] = lt; nmax["linux_boot_counter"] = ln }
    if (wt != "" && wn != "") { order[++n] = "linux_boot_wall_ms"; tmean["linux_boot_wall_ms"] = wt; nmean["linux_boot_wall_ms"] = wn; tmax["linux_boot_wall_ms"] = wt; nmax["linux_boot_wall_ms"] = wn; unit["linux_boot_wall_ms"] = "ms" }
    if (nt != "" && nn != "") {
        split(nt, a, " "); split(nn, b, " ")
        order[++n] = "nvme_seq_read_mbs"; tmean["nvme_seq_read_mbs"] = a[1]; tmax["nvme_seq_read_mbs"] = a[2]; nmean["nvme_seq_read_mbs"] = b[1]; nmax["nvme_seq_read_mbs"] = b[2]; unit["nvme_seq_read_mbs"] = "MB/s"
        order[++n] = "nvme_rand_read_iops"; tmean["nvme_rand_read_iops"] = a[3]; tmax["nvme_rand_read_iops"] = a[4]; nmean["nvme_rand_read_iops"] = b[3]; nmax["nvme_rand_read_iops"] = b[4]; unit["nvme_rand_read_iops"] = "IOPS"
    }
    if (pt != "") {
        split(pt, a, " ")
        order[++n] = "ping_rtt_us"; tmean["ping_rtt_us"] = a[1]; tmax["ping_rtt_us"] = a[2]; unit["ping_rtt_us"] = "us"
    }
    for (i = 1; i <= n; i++) {
        k = order[i]; base = k; sub(/_smmu$/, "", base)
        if (k != base && (base in tmean)) { nmean[k] = tmean[base]; nmax[k] = tmax[base]; smmu_rows = 1 }
        has_n = (k in nmean)
        over = has_n ? tmean[k] - nmean[k] : tmean[k]
        ratio = (has_n && nmean[k] > 0) ? 100 * (tmean[k] - nmean[k]) / nmean[k] : ""
        ok = "-"
        if (k in bmetric) {
            v = bmetric[k] == "overhead" ? over : bmetric[k] == "mean" ? tmean[k] : bmetric[k] == "ratio_pct" ? ratio : (bmetric[k] == "ratio" || bmetric[k] == "ratio_min") ? (nmean[k] > 0 ? tmean[k] / nmean[k] : "") : ""
            atleast = bmetric[k] == "ratio_min"     # a throughput: tofu / native at least the limit
            ok = (v != "" && (atleast ? v + 0 >= blimit[k] + 0 : v + 0 <= blimit[k] + 0)) ? "yes" : "NO"
            if (ok == "NO") { bad++; failed = failed " " k "(" bmetric[k] "=" v (atleast ? " < " : " > ") blimit[k] ")" }
        }
        u = (k in unit) ? unit[k] : "instructions"
        rel = (k in bmetric) && bmetric[k] == "ratio_min" ? ">=" : "<="
        printf "%-22s %12.1f %10d %12s %12.1f %10s %10s  %s\n", k, tmean[k], tmax[k], has_n ? sprintf("%.1f", nmean[k]) : "-", over, ratio == "" ? "-" : sprintf("%.2f", ratio), (k in bmetric) ? bmetric[k] rel blimit[k] : "-", ok
        printf "%s,%s,%s,%s,%s,%.2f,%s,%s,%s,%s\n", k, tmean[k], tmax[k], has_n ? nmean[k] : "", has_n ? nmax[k] : "", over, ratio, bmetric[k], blimit[k], u > csv
        printf "    {\"name\": \"%s\", \"unit\": \"%s\", \"tofu_mean\": %s, \"tofu_max\": %s, \"native_mean\": %s, \"overhead\": %.2f, \"budget\": %s}%s\n", k, u, tmean[k], tmax[k], has_n ? nmean[k] : "null", over, (k in bmetric) ? "\"" bmetric[k] " " rel " " blimit[k] "\"" : "null", i < n ? "," : "" > json
    }
    printf "  ]\n}\n" > json
    if (smmu_rows) print "*_smmu: the native column is the same hypercall in a VM without SMMU streams; the overhead is the SMMU cost"
    if ("nvme_seq_read_mbs" in tmean) print "nvme_*: MB/s and IOPS on the host clock, medians of the runs (max: the fastest run), higher is better; ratio % is tofu against native"
    if ("ping_rtt_us" in tmean) print "ping_rtt_us: microseconds on the host clock, linux to peer over their e1000e functions (mean: busybox'"'"'s average of 20, max its slowest); no native figure"
    if (bad) { print "over budget:" failed; exit 1 }
}' "$dir/native.txt" "$dir/tofu.txt"
