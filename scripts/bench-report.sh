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
# The benchmark guest in a VM with an ITS (bench-its): its lpi_* figures,
# beside the native run's on QEMU's ITS.
[ ! -f "$dir/tofu-its.log" ] || extract "$dir/tofu-its.log" >> "$dir/tofu.txt"
# The same VM on a GICv4.0 (gic-version=4): the edu's MSI as a vLPI the GIC
# delivers with no exit (lpi_msi_direct), and the INT command, which stays
# on the software path but runs the physical ITS's mirroring (lpi_int_v4);
# beside the same native figures (a physical LPI is a physical LPI).
v4_names() { sed -n 's/^lpi_msi /lpi_msi_direct /p; s/^lpi_int /lpi_int_v4 /p'; }
[ ! -f "$dir/tofu-its-v4.log" ] || extract "$dir/tofu-its-v4.log" | v4_names >> "$dir/tofu.txt"
# Two VMs of the benchmark guest on one shared CPU (bench-sched: vm_switch,
# sched_tick, sched_tick_switch) and each on a CPU of its own
# (bench-sched-2cpu: handover_2cpu, vm_switch's reference); natively, the
# spin loop's step is sched_tick's (no tick interrupts it).
for f in tofu-sched tofu-sched-2cpu; do [ ! -f "$dir/$f.log" ] || extract "$dir/$f.log" >> "$dir/tofu.txt"; done
extract "$dir/native.log" > "$dir/native.txt"
if [ -f "$dir/tofu-its-v4.log" ]; then v4=$(v4_names < "$dir/native.txt"); echo "$v4" >> "$dir/native.txt"; fi
# The benchmark guest on a GICv2 (qemu-virt-gicv2, gic-version=2), under tofu
# and natively: every figure again as <name>_gicv2, beside its GICv3 one.
v2_names() { sed 's/^\([a-z0-9_]*\) /\1_gicv2 /'; }
[ ! -f "$dir/tofu-v2.log" ] || extract "$dir/tofu-v2.log" | v2_names >> "$dir/tofu.txt"
[ ! -f "$dir/native-v2.log" ] || extract "$dir/native-v2.log" | v2_names >> "$dir/native.txt"

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
nt=$(nvme tofu-msi) || exit 1
nn=$(nvme native-msi) || exit 1
nti=$(nvme tofu-intx) || exit 1
nni=$(nvme native-intx) || exit 1

# virtio-blk beside NVMe passthrough (bench-virtio, host clock): per run,
# from storage's diskbench line (passthrough) and app's (virtio): MB/s of
# the fastest sequential round, of the first (a cold page cache in the
# backend) and IOPS; from app's four snapshots of its exits (the shell's
# `list`) and its vcount line: the MMIO exits per request of the 4 KiB
# reads, the slope between the two counts of reads (so the console line,
# the typed line and diskbench's own start cancel), and of the sequential
# pass's requests after that fixed part; all exits and interrupts per 4 KiB
# request the same way.  Rows "<name> <tofu median> <tofu max> <native
# median> <native max> <unit>" (tofu: virtio, native: passthrough of the
# same runs; max: the fastest run, the slowest for a latency, the most
# traps), in $dir/vblk-rows.txt.  A run without all of it fails the report.
# The runs of bench-virtio-pci (app's disk a virtio-pci function) the same,
# as vblk_pci_* rows.
vblk() { # log prefix, row prefix
    local f n=0 kind=$1 rp=$2
    for f in "$dir"/"$kind"-*.log; do
        [ -f "$f" ] || continue
        n=$((n + 1))
        awk -v f="$f" '
        function rates(line, r,   m) {     # r: mbs, iops, cold mbs
            if (!match(line, /seq_bytes=[0-9]+ seq_ticks=[0-9]+ rand_reads=[0-9]+ rand_ticks=[0-9]+ cntfrq=[0-9]+ rounds=[0-9]+ seq_first_ticks=[0-9]+/)) return 0
            split(substr(line, RSTART, RLENGTH), m, /[ =]/)
            if (m[4] <= 0 || m[8] <= 0 || m[14] <= 0) return 0
            r["mbs"] = m[2] / (m[4] / m[10]) / 1e6; r["iops"] = m[6] / (m[8] / m[10]); r["cold"] = m[2] / (m[14] / m[10]) / 1e6
            return 1
        }
        /\[storage\] tofu-guest: diskbench bytes=/ { pt_ok = rates($0, pt) }
        /\[app\] tofu-guest: diskbench bytes=/ { vb_ok = rates($0, vb) }
        /^\[tofu\] / { for (j = 2; j <= NF; j++) if ($j == "app") break
                       if (j > 2 && j + 8 <= NF && $(j - 1) == "1" && $(j + 4) ~ /^[0-9]+$/) { ns++; ex[ns] = $(j + 4); mm[ns] = $(j + 8) } }
        /\[app\] tofu-guest: vcount / { for (j = 1; j <= NF; j++) if (split($j, t, ":") == 3) { nc++; rq[nc] = t[2]; ir[nc] = t[3] } }
        END {
            if (!pt_ok || !vb_ok || ns != 4 || nc != 3 || rq[2] == rq[1] || rq[3] <= 0) {
                print "bench-report: no virtio-blk figures in " f " (" ns " snapshots, " nc " counts)" > "/dev/stderr"; exit 1 }
            for (k = 1; k <= 3; k++) { dm[k] = mm[k + 1] - mm[k]; de[k] = ex[k + 1] - ex[k] }
            traps = (dm[2] - dm[1]) / (rq[2] - rq[1]); fixed = dm[1] - traps * rq[1]
            printf "%.1f %.1f %.1f %.1f %.1f %.1f %.1f %.1f %.3f %.3f %.3f %.3f\n", vb["mbs"], pt["mbs"], vb["iops"], pt["iops"],
                   1e6 / vb["iops"], 1e6 / pt["iops"], vb["cold"], pt["cold"], traps, (dm[3] - fixed) / rq[3],
                   (de[2] - de[1]) / (rq[2] - rq[1]), (ir[2] - ir[1]) / (rq[2] - rq[1])
        }' "$f" || return 1
    done > "$dir/$kind.txt"
    [ $n -gt 0 ] || return 0
    # column: median; max is the fastest run (-g: largest), the slowest for latencies, the most for counts
    med() { awk -v c="$1" '{print $c}' "$dir/$kind.txt" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)], a[NR]}'; }
    row() { # name, virtio column, passthrough column (- for none), unit
        local v p
        v=$(med "$2"); if [ "$3" = - ]; then p="- -"; else p=$(med "$3"); fi
        echo "$1 $v $p $4"
    }
    row ${rp}_seq_read_mbs 1 2 MB/s
    row ${rp}_seq_cold_mbs 7 2 MB/s
    row ${rp}_rand_read_iops 3 4 IOPS
    row ${rp}_rand_latency_us 5 6 us
    row ${rp}_traps_per_req 9 - traps/request
    row ${rp}_seq_traps_per_req 10 - traps/request
    row ${rp}_exits_per_req 11 - exits/request
    row ${rp}_irqs_per_req 12 - interrupts/request
}
{ vblk vblk vblk && vblk vblkpci vblk_pci; } > "$dir/vblk-rows.txt" || exit 1

# The ping between two VMs (host clock): busybox's "round-trip min/avg/max
# = a/b/c ms" as microseconds, "<avg> <max>"; empty without the run.
pt=""
if [ -f "$dir/ping-tofu.log" ]; then
    pt=$(sed -n 's/^.*tofu-guest: ping round-trip min\/avg\/max = \([0-9.]*\)\/\([0-9.]*\)\/\([0-9.]*\) ms.*$/\2 \3/p' "$dir/ping-tofu.log" |
         head -1 | awk '{ printf "%.0f %.0f", $1 * 1000, $2 * 1000 }')
    [ -n "$pt" ] || { echo "bench-report: no ping figures in $dir/ping-tofu.log" >&2; exit 1; }
fi

# virtio-net (host clock): its ping as microseconds "<avg> <max>", and the
# downloads' MB/s (10^6 bytes a second) "<median> <fastest>"; empty without the run.
vt=""; vm=""
if [ -f "$dir/vnet-tofu.log" ]; then
    vt=$(sed -n 's/^.*tofu-guest: vnet ping round-trip min\/avg\/max = \([0-9.]*\)\/\([0-9.]*\)\/\([0-9.]*\) ms.*$/\2 \3/p' "$dir/vnet-tofu.log" |
         head -1 | awk '{ printf "%.0f %.0f", $1 * 1000, $2 * 1000 }')
    vm=$(sed -n 's/^.*tofu-guest: vnet download [0-9]*: \([0-9]*\) bytes in \([0-9]*\) ticks of \([0-9]*\) Hz.*$/\1 \2 \3/p' "$dir/vnet-tofu.log" |
         awk '$2 > 0 { printf "%.1f\n", $1 / ($2 / $3) / 1e6 }' | sort -g | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)], a[NR] }')
    [ -n "$vt" ] && [ -n "$vm" ] || { echo "bench-report: no virtio-net figures in $dir/vnet-tofu.log" >&2; exit 1; }
fi

awk -v lt="${lt:-}" -v ln="${ln:-}" -v wt="${wt:-}" -v wn="${wn:-}" -v nt="$nt" -v nn="$nn" -v nti="$nti" -v nni="$nni" -v pt="$pt" -v vt="$vt" -v vm="$vm" -v vrows="$dir/vblk-rows.txt" -v prefix="$prefix" -v budgets="$budgets" '
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
    if (nt != "" && nn != "" && nti != "" && nni != "") {
        # the VM on MSI-X against the faster native way, median by median;
        # then INTx against INTx
        split(nt, a, " "); split(nn, b, " "); split(nti, c, " "); split(nni, d, " ")
        for (j = 1; j <= 4; j += 2) {
            nref[j] = "MSI-X"
            if (d[j] + 0 > b[j] + 0) { b[j] = d[j]; b[j + 1] = d[j + 1]; nref[j] = "INTx" }
        }
        order[++n] = "nvme_seq_read_mbs"; tmean["nvme_seq_read_mbs"] = a[1]; tmax["nvme_seq_read_mbs"] = a[2]; nmean["nvme_seq_read_mbs"] = b[1]; nmax["nvme_seq_read_mbs"] = b[2]; unit["nvme_seq_read_mbs"] = "MB/s"
        order[++n] = "nvme_rand_read_iops"; tmean["nvme_rand_read_iops"] = a[3]; tmax["nvme_rand_read_iops"] = a[4]; nmean["nvme_rand_read_iops"] = b[3]; nmax["nvme_rand_read_iops"] = b[4]; unit["nvme_rand_read_iops"] = "IOPS"
        order[++n] = "nvme_intx_seq_read_mbs"; tmean["nvme_intx_seq_read_mbs"] = c[1]; tmax["nvme_intx_seq_read_mbs"] = c[2]; nmean["nvme_intx_seq_read_mbs"] = d[1]; nmax["nvme_intx_seq_read_mbs"] = d[2]; unit["nvme_intx_seq_read_mbs"] = "MB/s"
        order[++n] = "nvme_intx_rand_read_iops"; tmean["nvme_intx_rand_read_iops"] = c[3]; tmax["nvme_intx_rand_read_iops"] = c[4]; nmean["nvme_intx_rand_read_iops"] = d[3]; nmax["nvme_intx_rand_read_iops"] = d[4]; unit["nvme_intx_rand_read_iops"] = "IOPS"
        split(nn, e, " "); nmsi = sprintf("natively with MSI-X %s MB/s and %s IOPS", e[1], e[3])
    }
    while ((getline line < vrows) > 0) {   # virtio-blk: tofu = virtio, native = passthrough of the same runs
        split(line, a, " "); k = a[1]; order[++n] = k; tmean[k] = a[2]; tmax[k] = a[3]; unit[k] = a[6]
        if (a[4] != "-") { nmean[k] = a[4]; nmax[k] = a[5] }
    }
    if (pt != "") {
        split(pt, a, " ")
        order[++n] = "ping_rtt_us"; tmean["ping_rtt_us"] = a[1]; tmax["ping_rtt_us"] = a[2]; unit["ping_rtt_us"] = "us"
    }
    if (vt != "") {
        split(vt, a, " "); split(vm, b, " ")
        order[++n] = "vnet_rtt_us"; tmean["vnet_rtt_us"] = a[1]; tmax["vnet_rtt_us"] = a[2]; unit["vnet_rtt_us"] = "us"
        order[++n] = "vnet_download_mbs"; tmean["vnet_download_mbs"] = b[1]; tmax["vnet_download_mbs"] = b[2]; unit["vnet_download_mbs"] = "MB/s"
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
    hdr = 0
    for (i = 1; i <= n; i++) {             # each GICv2 figure beside its GICv3 one
        k = order[i]; if (k !~ /_gicv2$/) continue
        g3 = k; sub(/_gicv2$/, "", g3); if (!(g3 in tmean)) continue
        if (!hdr++) printf "\n%-22s %12s %12s %12s %12s\n", "GICv3 / GICv2", "v3 tofu", "v3 overhead", "v2 tofu", "v2 overhead"
        printf "%-22s %12.1f %12s %12.1f %12s\n", g3, tmean[g3], (g3 in nmean) ? sprintf("%.1f", tmean[g3] - nmean[g3]) : "-", tmean[k], (k in nmean) ? sprintf("%.1f", tmean[k] - nmean[k]) : "-"
    }
    if (hdr) print "*_gicv2: the same guest on QEMU virt with gic-version=2 (tofu built for the board qemu-virt-gicv2); GICv2 has no trapped ICC_SGI1R: its IPIs go through GICD_SGIR, an emulated MMIO write"
    if (smmu_rows) print "*_smmu: the native column is the same hypercall in a VM without SMMU streams; the overhead is the SMMU cost"
    if ("vm_switch" in tmean) print "vm_switch: one hand-over of a doorbell token between two VMs on one shared CPU (the doorbell HVC to the handler of the other), beside handover_2cpu, the same between VMs on two CPUs; no native figure; sched_tick: a spinning VM'"'"'s gap at a slice tick beside a sleeping VM, native the loop'"'"'s step; sched_tick_switch: per switch, two spinning VMs"
    if ("nvme_seq_read_mbs" in tmean) print "nvme_*: MB/s and IOPS on the host clock, medians of the runs (max: the fastest run), higher is better; ratio % is tofu against native; nvme_seq/rand: the VM on MSI-X (a virtual ITS) against the faster native way (sequential: " nref[1] ", random: " nref[3] "; " nmsi "); nvme_intx_*: INTx under tofu and natively"
    if ("vblk_seq_read_mbs" in tmean) print "vblk_*: app reading virtio-blk that storage serves from its NVMe disk (tofu columns) beside storage reading that disk passed through (native columns), same runs, host clock, medians (max: the fastest run; the slowest for the latency; the most for counts); seq_cold: the first round, before the backend caches the disk; traps: the frontend MMIO exits per request; vblk_pci_*: the same with app'"'"'s disk a virtio-pci function (MSI-X: no InterruptACK)"
    if ("vnet_rtt_us" in tmean) print "vnet_*: app to storage over app'"'"'s virtio NIC (tofu-vdev onto a TAP in storage'"'"'s bridge), host clock: the ping'"'"'s average of 20 (max its slowest) and 32 MiB downloads from busybox httpd, median of 5 (max the fastest); no native figure"
    if ("ping_rtt_us" in tmean) print "ping_rtt_us: microseconds on the host clock, linux to peer over their e1000e functions (mean: busybox'"'"'s average of 20, max its slowest); no native figure"
    if (bad) { print "over budget:" failed; exit 1 }
}' "$dir/native.txt" "$dir/tofu.txt"
