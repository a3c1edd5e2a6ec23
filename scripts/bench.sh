#!/usr/bin/env bash
# make bench: deterministic path lengths under QEMU's -icount shift=0 (one
# counter tick per instruction with -cpu max's 1 GHz counter), tofu beside
# native, the shared-CPU scheduler's switch and tick, plus Linux boot to /init (guest counter, and wall clock: median of
# 5 interleaved runs), NVMe reads in Linux (host clock: medians of 5
# interleaved runs) and virtio-blk reads in a Linux VM that another serves
# from that disk, beside the disk passed through (host clock: medians of 5
# runs; the frontend's traps per request).  Writes bench/results/<date>-<commit>.{json,csv,png}
# and prints a table.
# usage: scripts/bench.sh <build dir>
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
out=bench/results
mkdir -p "$out"
stamp="$(date -u +%Y%m%d)-$(git rev-parse --short HEAD 2>/dev/null || echo nogit)"
tmp=$BUILD/bench; mkdir -p "$tmp"
BM=$BUILD/guests/baremetal
ICOUNT=(-icount shift=0,align=off,sleep=off)
EDU=(-device edu,addr=2,dma_mask=0xffffffffffff -nic none)   # 00:02.0: the LPI figures' MSIs (bench_its.c)

# Run QEMU until the guest prints "BENCH: done" (tofu's other VMs keep the
# machine running), or the timeout.
run_log() { # log, timeout, qemu args...
    local log=$1 t=$2; shift 2
    timeout "$t" qemu-system-aarch64 "$@" -display none -serial stdio -monitor none < /dev/null > "$log" 2>&1 &
    local pid=$! deadline=$((SECONDS + t))
    until grep -q "BENCH: done" "$log" 2>/dev/null || ! kill -0 $pid 2>/dev/null || [ $SECONDS -ge $deadline ]; do
        sleep 0.1
    done
    kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
}

echo "bench: micro-benchmarks under tofu (icount)..."
run_log "$tmp/tofu.log" 300 -M virt,virtualization=on,gic-version=3,iommu=smmuv3 -cpu max -smp 3 -m 1024 \
    "${ICOUNT[@]}" -kernel "$BUILD/bench/tofu.bin"
echo "bench: micro-benchmarks natively at EL1 (icount)..."
run_log "$tmp/native.log" 300 -M virt,gic-version=3 -cpu max -smp 2 -m 1024 \
    "${ICOUNT[@]}" -kernel "$BM/bench.bin" "${EDU[@]}"
echo "bench: IPC MAP and UNMAP in a VM with SMMU streams (icount)..."
run_log "$tmp/tofu-smmu.log" 300 -M virt,virtualization=on,gic-version=3,iommu=smmuv3 -cpu max -smp 3 -m 1024 \
    "${ICOUNT[@]}" -kernel "$BUILD/bench-smmu/tofu.bin"
echo "bench: LPI injection latency in a VM with an ITS (icount)..."
run_log "$tmp/tofu-its.log" 300 -M virt,virtualization=on,gic-version=3,iommu=smmuv3 -cpu max -smp 3 -m 1024 \
    "${ICOUNT[@]}" -kernel "$BUILD/bench-its/tofu.bin" "${EDU[@]}"
echo "bench: the same on a GICv4.0: the MSI as a direct vLPI (icount)..."
run_log "$tmp/tofu-its-v4.log" 300 -M virt,virtualization=on,gic-version=4,iommu=smmuv3 -cpu max -smp 3 -m 1024 \
    "${ICOUNT[@]}" -kernel "$BUILD/bench-its/tofu.bin" "${EDU[@]}"
echo "bench: micro-benchmarks on a GICv2 (the board qemu-virt-gicv2), tofu and native (icount)..."
run_log "$tmp/tofu-v2.log" 300 -M virt,virtualization=on,gic-version=2,iommu=smmuv3 -cpu max -smp 3 -m 1024 \
    "${ICOUNT[@]}" -kernel "$BUILD/qemu-virt-gicv2/bench/tofu.bin"
run_log "$tmp/native-v2.log" 300 -M virt,gic-version=2 -cpu max -smp 2 -m 1024 \
    "${ICOUNT[@]}" -kernel "$BM/bench.bin" "${EDU[@]}"
echo "bench: the shared-CPU scheduler: two VMs on one CPU, and on two CPUs (icount)..."
run_log "$tmp/tofu-sched.log" 300 -M virt,virtualization=on,gic-version=3,iommu=smmuv3 -cpu max -smp 2 -m 1024 \
    "${ICOUNT[@]}" -kernel "$BUILD/bench-sched/tofu.bin"
run_log "$tmp/tofu-sched-2cpu.log" 300 -M virt,virtualization=on,gic-version=3,iommu=smmuv3 -cpu max -smp 3 -m 1024 \
    "${ICOUNT[@]}" -kernel "$BUILD/bench-sched-2cpu/tofu.bin"
for f in tofu native tofu-smmu tofu-its tofu-its-v4 tofu-v2 native-v2 tofu-sched tofu-sched-2cpu; do
    grep -q "BENCH: done" "$tmp/$f.log" || { echo "bench: the $f run did not finish:"; tail -20 "$tmp/$f.log"; exit 1; }
done
for f in vm_switch sched_tick sched_tick_switch; do
    grep -q "BENCH $f " "$tmp/tofu-sched.log" || { echo "bench: $f was not measured:"; grep -h "skipped" "$tmp/tofu-sched.log"; exit 1; }
done
grep -q "BENCH handover_2cpu " "$tmp/tofu-sched-2cpu.log" ||
    { echo "bench: handover_2cpu was not measured:"; grep -h "skipped" "$tmp/tofu-sched-2cpu.log"; exit 1; }
for f in ipc_map ipc_unmap; do
    grep -q "BENCH $f " "$tmp/tofu.log" && grep -q "BENCH ${f}_smmu " "$tmp/tofu-smmu.log" ||
        { echo "bench: $f was not measured:"; grep -h "skipped" "$tmp/tofu.log" "$tmp/tofu-smmu.log"; exit 1; }
done
echo "bench: the RTOS's timer latency beside a console flood (icount)..."
scripts/bench-console.sh "$BUILD" "$tmp"

# Linux boot to /init: the guest's virtual counter at the marker (icount; under
# tofu it starts at 0 when the VM starts), and wall-clock time from QEMU's
# start to the marker (median of 5, tofu and native interleaved).  Native runs
# the same kernel, initramfs and generated device tree at EL1.  The CPU is a
# cortex-a57: -cpu max has FEAT_RNG, whose host randomness Linux consumes, so
# its boot differs by a few hundred instructions from run to run; the a57's
# counter runs at 62.5 MHz (16 instructions a tick under icount).
boot() { # kind, log, config, extra qemu args: starts QEMU in the background, sets $pid and $t0 (ns)
    local kind=$1 log=$2 cfg=$BUILD/$3; shift 3
    t0=$(date +%s%N)
    if [ "$kind" = tofu ]; then
        qemu-system-aarch64 -M virt,virtualization=on,gic-version=3,iommu=smmuv3 -cpu cortex-a57 -smp 2 -m 1024 "$@" \
            -kernel "$cfg/tofu.bin" -display none -serial stdio -monitor none \
            < /dev/null > "$log" 2>&1 &
    else
        qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a57 -smp 2 -m 512 "$@" \
            -kernel "$BUILD/linux/Image" -initrd "$BUILD/linux/initramfs.cpio.gz" -dtb "$cfg/linux.dtb" \
            -display none -serial stdio -monitor none < /dev/null > "$log" 2>&1 &
    fi
    pid=$!
}
# Wait for a line in the log of QEMU $pid, then stop QEMU.  0: the line came;
# 2: QEMU died of a signal this script did not send before it (seen on these
# shared machines: an empty log); 1: anything else (no line by the timeout,
# or QEMU ended on its own).
wait_line() { # log, pattern, timeout (s)
    local log=$1 pat=$2 deadline=$((SECONDS + $3)) gone=0 st=0
    until grep -q "$pat" "$log" 2>/dev/null; do
        [ $SECONDS -lt $deadline ] || break
        kill -0 $pid 2>/dev/null || { gone=1; break; }
        sleep 0.02
    done
    if [ $gone = 1 ]; then
        wait $pid 2>/dev/null || st=$?
    else
        kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
    fi
    grep -q "$pat" "$log" && return 0
    [ $gone = 1 ] && [ $st -gt 128 ] && return 2
    return 1
}
boot_until() { # pattern, timeout, then boot's arguments: a QEMU killed from outside is started once more
    local pat=$1 t=$2 rc=0; shift 2
    boot "$@"; wait_line "$2" "$pat" "$t" || rc=$?
    [ $rc = 2 ] || return $rc
    echo "bench: QEMU ($1, $2) was killed by a signal this script did not send: once more"
    boot "$@"; wait_line "$2" "$pat" "$t"
}
until_marker() { # boot's arguments: Linux to /init's counter line, or the bench fails
    boot_until "tofu-guest: cntvct=" 300 "$@" || { echo "bench: Linux did not reach /init ($2)"; tail -5 "$2"; return 1; }
}
echo "bench: Linux boot to /init (icount, guest counter)..."
for kind in tofu native; do
    until_marker $kind "$tmp/linux-icount-$kind.log" bench-linux "${ICOUNT[@]}"
done
echo "bench: Linux boot to /init (wall clock, 5 interleaved runs each)..."
: > "$tmp/wall.txt"
for i in 1 2 3 4 5; do
    for kind in tofu native; do
        until_marker $kind "$tmp/linux-wall-$kind-$i.log" bench-linux
        t1=$(date +%s%N)
        echo "$kind $(( (t1 - t0) / 1000000 ))" >> "$tmp/wall.txt"     # ms, from the (last) boot's start
    done
done

# NVMe reads in Linux (tests/configs/bench-nvme-msi.dts and bench-nvme.dts,
# guests/linux/diskbench.c): the VM owns the PCIe bridge, its DMA through
# the SMMU; natively the same kernel, initramfs, disk and generated device
# tree.  Two ways to interrupt, each under tofu and natively: MSI-X (the VM
# has a virtual ITS; natively QEMU's ITS) and INTx (no ITS: the level SPIs
# through hardware-mapped list registers).  The issue's figures are tofu's
# MSI-X against the faster native way (INTx on this QEMU: its ITS model
# scans the whole 64 Ki-LPI pending table of a native Linux on each change,
# docs/performance.md); INTx against INTx beside them.
# 1 MiB sequential and 4 KiB random O_DIRECT reads at queue depth 1, timed by
# the guest's counter.  Without icount: under icount an idle CPU's clock
# jumps to the next timer deadline while QEMU does the I/O, so the guest's
# time would count its timers, not the disk (docs/performance.md).  So the
# counter follows the host clock here.  Each run gives each phase's fastest
# of 8 rounds (host load only slows a round); the figures are the medians of
# 5 interleaved runs each.
# QEMU's shadow doorbells (dbcs) are off: with them, the CQ head the driver
# writes to memory does not lower INTx, and the line screams (natively
# "irq nobody cared"; under tofu completions stalled for the 30 s timeout).
NVME_DISK=$BUILD/bench-nvme.img
"$BUILD/host/diskbench" fill "$NVME_DISK" 64
NVME=(-nic none -drive "file=$NVME_DISK,if=none,id=nvm,format=raw,readonly=on" -device nvme,serial=tofu0,drive=nvm,dbcs=off)
nvme_run() { # kind, config, log
    local kind=$1 cfg=$2 log=$3
    boot_until "tofu-guest: diskbench \(bytes\|failed\)" 180 "$kind" "$log" "$cfg" "${NVME[@]}" || true
    if ! grep -q "tofu-guest: diskbench bytes=" "$log"; then
        echo "bench: NVMe reads failed under $kind ($log):"; grep -a "diskbench\|nvme" "$log" | tail -10; exit 1
    fi
    # A stalled completion (Linux's I/O timeout) or a screaming INTx would
    # hide in the fastest round: either fails the run.
    if grep -a -q "nvme.*timeout\|nobody cared" "$log"; then
        echo "bench: the NVMe disk misbehaved under $kind ($log):"; grep -a "nvme.*timeout\|nobody cared" "$log" | head -5; exit 1
    fi
}
echo "bench: NVMe reads in Linux (MSI-X and INTx, tofu and native, 5 interleaved runs each, host clock)..."
rm -f "$tmp"/nvme-*.log
for i in 1 2 3 4 5; do
    for kind in tofu native; do
        nvme_run $kind bench-nvme-msi "$tmp/nvme-$kind-msi-$i.log"
        nvme_run $kind bench-nvme "$tmp/nvme-$kind-intx-$i.log"
    done
done

# virtio-blk served by a Linux VM beside NVMe passthrough, in one QEMU run
# (tests/configs/bench-virtio.dts, docs/performance.md "virtio-blk reads"):
# storage owns the NVMe disk; told on its console, it runs diskbench on
# /dev/nvme0n1 (the passthrough figure), then serves the disk with
# tofu-vdev; app, told next, runs the same diskbench on /dev/vda (the same
# pattern, the same reads checked).  Then app reads tofu.vcount's numbers of
# 4 KiB blocks and one sequential pass, each between two snapshots of its
# exits from the hypervisor shell's `list`: the frontend's traps per
# request.  Host clock, like the NVMe runs; 5 runs, the medians.  The disk
# is writable (the daemon opens it read-write) and filled again each run.
VIRTIO_DISK=$BUILD/bench-virtio.img
VIRTIO_NVME=(-nic none -drive "file=$VIRTIO_DISK,if=none,id=nvm,format=raw" -device nvme,serial=tofu0,drive=nvm,dbcs=off)
VBENCH_RUNS=${VBENCH_RUNS:-5}
# Wait for the count-th line matching pat in the log of QEMU $pid (1: it
# did not come by the timeout, or QEMU ended: then vgone=1).
vwait() { # log, pattern (grep -E), timeout (s), [count]
    local log=$1 pat=$2 deadline=$((SECONDS + $3)) count=${4:-1}
    until [ "$(grep -a -c -E -- "$pat" "$log" 2>/dev/null)" -ge "$count" ]; do
        kill -0 $pid 2>/dev/null || vgone=1
        [ $vgone = 0 ] && [ $SECONDS -lt $deadline ] || {
            [ "$(grep -a -c -E -- "$pat" "$log" 2>/dev/null)" -ge "$count" ] && return 0
            echo "bench: virtio run: no '$pat' ($log):"; grep -a "tofu-guest\|tofu-vdev\|virtio\|nvme\|\[tofu\]" "$log" | tail -10
            return 1; }
        sleep 0.1
    done
}
# Give the console to VM <n> (0: the shell) and type a line.
vsay() { # log, vm, line
    local log=$1 n=$2 want
    [ "$n" = 0 ] && want="console: input to the hypervisor shell" || want="console: input to VM $n "
    local seen; seen=$(grep -a -c -F "$want" "$log")
    printf '\x14%s' "$n" >&"$vin"
    vwait "$log" "$want" 30 $((seen + 1)) || return 1
    printf '%s\r' "$3" >&"$vin"
}
# A failed run: QEMU stopped; 2 when it died of a signal this script did not
# send (seen on these shared machines, as for the Linux runs), else 1.
vbench_fail() {
    local st=0
    if [ $vgone = 1 ]; then wait $pid 2>/dev/null || st=$?; else kill $pid 2>/dev/null; wait $pid 2>/dev/null || true; fi
    exec {vin}>&-
    [ $st -gt 128 ] && return 2
    return 1
}
vbench_run() { # log, config
    local log=$1 cfg=$2 fifo=$tmp/vbench.in k
    vgone=0
    "$BUILD/host/diskbench" fill "$VIRTIO_DISK" 64
    rm -f "$fifo"; mkfifo "$fifo"
    qemu-system-aarch64 -M virt,virtualization=on,gic-version=3,iommu=smmuv3 -cpu cortex-a57 -smp 3 -m 1024 \
        "${VIRTIO_NVME[@]}" -kernel "$BUILD/$cfg/tofu.bin" -display none -serial stdio -monitor none \
        < "$fifo" > "$log" 2>&1 &
    pid=$!
    exec {vin}>"$fifo"
    vwait "$log" "\[app\] tofu-guest: vbench waiting backend" 300 &&
    vwait "$log" "\[storage\] tofu-guest: vbench waiting passthrough" 300 &&
    vsay "$log" 2 "" &&
    vwait "$log" "\[storage\] tofu-guest: diskbench (bytes|failed)" 300 &&
    vwait "$log" "tofu-vdev: serving 1 device" 60 &&
    vsay "$log" 1 "" &&
    vwait "$log" "\[app\] tofu-guest: (diskbench (bytes|failed)|no /dev/vda)" 300 || { vbench_fail; return; }
    for k in 0 1 2 3; do
        vwait "$log" "\[app\] tofu-guest: vbench waiting count $k" 120 &&
        vsay "$log" 0 list &&
        vwait "$log" "^\[tofu\] (tofu> )?1 +app " 30 $((k + 1)) &&
        vsay "$log" 1 "" || { vbench_fail; return; }
    done
    vwait "$log" "\[app\] tofu-guest: vcount " 120 || { vbench_fail; return; }
    kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
    exec {vin}>&-
    rm -f "$fifo"
    if [ "$(grep -a -c "tofu-guest: diskbench bytes=" "$log")" != 2 ] || grep -a -q "tofu-guest: vcount.*failed" "$log"; then
        echo "bench: virtio-blk or passthrough reads failed ($log):"; grep -a "diskbench\|vcount\|nvme\|tofu-vdev" "$log" | tail -10; return 1
    fi
    if grep -a -q "nvme.*timeout\|nobody cared\|tofu-vdev: device 0: \(request\|fault\)" "$log"; then
        echo "bench: the disk misbehaved ($log):"; grep -a "nvme.*timeout\|nobody cared\|tofu-vdev: device 0:" "$log" | head -5; return 1
    fi
}
# The same with app's disk a virtio-pci function (bench-virtio-pci.dts:
# transport = "pci", app has an ITS): its interrupt an MSI-X message, so
# the notification is the one trap a request (docs/virtio.md).
echo "bench: virtio-blk beside NVMe passthrough in Linux, virtio-mmio and virtio-pci ($VBENCH_RUNS runs each, host clock)..."
rm -f "$tmp"/vblk-*.log "$tmp"/vblkpci-*.log
for i in $(seq 1 "$VBENCH_RUNS"); do
    for v in "vblk bench-virtio" "vblkpci bench-virtio-pci"; do
        set -- $v
        rc=0; vbench_run "$tmp/$1-$i.log" "$2" || rc=$?
        if [ $rc = 2 ]; then
            echo "bench: QEMU (virtio run $i, $2) was killed by a signal this script did not send: once more"
            rc=0; vbench_run "$tmp/$1-$i.log" "$2" || rc=$?
        fi
        [ $rc = 0 ] || exit 1
    done
done

# The ping round trip between two Linux VMs over their e1000e functions
# (tests/configs/bench-ping.dts): 20 pings, busybox's average and maximum.
# There is no native figure: two Linux systems on one plain QEMU need two
# machines.  Host clock, one run.
PING_NICS=(-nic none)
for n in 0 1; do
    PING_NICS+=(-netdev "hubport,id=nic$n,hubid=0" -device "e1000e,netdev=nic$n,mac=52:54:00:10:00:0$((n + 1)),addr=$((2 + n))")
done
echo "bench: ping between two Linux VMs (host clock)..."
boot_until "tofu-guest: ping " 300 tofu "$tmp/ping-tofu.log" bench-ping "${PING_NICS[@]}" || true
grep -q "tofu-guest: ping round-trip min/avg/max" "$tmp/ping-tofu.log" ||
    { echo "bench: the ping between the VMs failed ($tmp/ping-tofu.log):"; grep -a "tofu-guest\|ping" "$tmp/ping-tofu.log" | tail -5; exit 1; }

# virtio-net between two Linux VMs (tests/configs/bench-vnet.dts): app's
# virtio NIC, served by storage's tofu-vdev onto a TAP in its bridge; 20
# pings (busybox's average and maximum), then 5 downloads of 32 MiB from
# storage's busybox httpd, each timed with app's counter.  Host clock, one
# run; beside the e1000e ping above.
echo "bench: virtio-net between two Linux VMs (host clock)..."
boot_until "tofu-guest: vnet download 5:\|tofu-guest: vnet download failed" 300 tofu "$tmp/vnet-tofu.log" bench-vnet -nic none || true
grep -q "tofu-guest: vnet download 5:" "$tmp/vnet-tofu.log" ||
    { echo "bench: virtio-net between the VMs failed ($tmp/vnet-tofu.log):"; grep -a "tofu-guest\|tofu-vdev" "$tmp/vnet-tofu.log" | tail -5; exit 1; }

over=0
scripts/bench-report.sh "$tmp" "$out/$stamp" bench/budgets.txt || over=1
# Every budgeted figure against its budget, and the instruction counts.
scripts/bench-plot.sh "$out/$stamp.csv" "$out/$stamp.png"
cp "$out/$stamp.png" bench/latest.png
cp "$out/$stamp.json" bench/latest.json
echo "bench: wrote $out/$stamp.json, $out/$stamp.csv, $out/$stamp.png"
if [ "$over" = 1 ]; then
    echo "bench: some figures are over budget (see the table)"
    exit 1
fi
