#!/usr/bin/env bash
# Path-length budgets: the benchmark guest under tofu and natively, both under
# -icount shift=0 (deterministic), in a VM with SMMU streams (bench-smmu:
# the IPC MAP and UNMAP figures only) and in a VM with an ITS and an edu
# (bench-its: the LPI figures only; natively on QEMU's ITS, with the same
# edu), on a GICv2 (the board qemu-virt-gicv2: the *_gicv2 figures), and
# two VMs on one shared CPU (bench-sched, beside bench-sched-2cpu), checked
# against bench/budgets.txt.
. "$(dirname "$0")/lib.sh"
T_NAME=budget; T_START=$SECONDS; QPID=""; QLOG=/dev/null
dir=$LOGDIR/budget; mkdir -p "$dir"
ICOUNT=(-icount shift=0,align=off,sleep=off -display none -serial stdio -monitor none)
EDU=(-device edu,addr=2,dma_mask=0xffffffffffff -nic none)   # 00:02.0: bench_its.c's MSIs
run() { # log, qemu args: until "BENCH: done" (tofu keeps its other VMs running)
    local log=$1; shift
    timeout 300 qemu-system-aarch64 "$@" "${ICOUNT[@]}" < /dev/null > "$log" 2>&1 &
    local pid=$! deadline=$((SECONDS + 300))
    until grep -q "BENCH: done" "$log" || ! kill -0 $pid 2>/dev/null || [ $SECONDS -ge $deadline ]; do sleep 0.1; done
    kill $pid 2>/dev/null; wait $pid 2>/dev/null
    grep -q "BENCH: done" "$log" || t_fail "$log: the benchmark did not finish"
}
run "$dir/tofu.log" -M virt,virtualization=on,gic-version=3,iommu=smmuv3 -cpu max -smp 3 -m 1024 -kernel "$BUILD/bench/tofu.bin"
run "$dir/native.log" -M virt,gic-version=3 -cpu max -smp 2 -m 1024 -kernel "$BUILD/guests/baremetal/bench.bin" "${EDU[@]}"
run "$dir/tofu-smmu.log" -M virt,virtualization=on,gic-version=3,iommu=smmuv3 -cpu max -smp 3 -m 1024 -kernel "$BUILD/bench-smmu/tofu.bin"
run "$dir/tofu-its.log" -M virt,virtualization=on,gic-version=3,iommu=smmuv3 -cpu max -smp 3 -m 1024 -kernel "$BUILD/bench-its/tofu.bin" "${EDU[@]}"
run "$dir/tofu-its-v4.log" -M virt,virtualization=on,gic-version=4,iommu=smmuv3 -cpu max -smp 3 -m 1024 -kernel "$BUILD/bench-its/tofu.bin" "${EDU[@]}"
# The same guest on a GICv2 (the board qemu-virt-gicv2): its figures as *_gicv2.
run "$dir/tofu-v2.log" -M virt,virtualization=on,gic-version=2,iommu=smmuv3 -cpu max -smp 3 -m 1024 -kernel "$BUILD/qemu-virt-gicv2/bench/tofu.bin"
run "$dir/native-v2.log" -M virt,gic-version=2 -cpu max -smp 2 -m 1024 -kernel "$BUILD/guests/baremetal/bench.bin" "${EDU[@]}"
# The shared-CPU scheduler (bench-sched: two VMs on one CPU; bench-sched-2cpu:
# the same pair on two CPUs, vm_switch's reference), about 3 s.
run "$dir/tofu-sched.log" -M virt,virtualization=on,gic-version=3,iommu=smmuv3 -cpu max -smp 2 -m 1024 -kernel "$BUILD/bench-sched/tofu.bin"
run "$dir/tofu-sched-2cpu.log" -M virt,virtualization=on,gic-version=3,iommu=smmuv3 -cpu max -smp 3 -m 1024 -kernel "$BUILD/bench-sched-2cpu/tofu.bin"
for f in vm_switch sched_tick sched_tick_switch; do
    grep -q "BENCH $f " "$dir/tofu-sched.log" || t_fail "no $f measured on the shared CPU"
done
grep -q "BENCH handover_2cpu " "$dir/tofu-sched-2cpu.log" || t_fail "no handover_2cpu measured on two CPUs"
grep -q "BENCH sched_tick " "$dir/native.log" || t_fail "no sched_tick step measured natively"
for f in null_hvc ipi timer_latency ipc_roundtrip; do
    grep -q "BENCH $f " "$dir/tofu-v2.log" || t_fail "no $f measured under tofu on the GICv2"
done
grep -q "direct injection on" "$dir/tofu-its-v4.log" || t_fail "no direct injection on the GICv4.0"
grep -q "BENCH lpi_msi " "$dir/tofu-its-v4.log" || t_fail "no lpi_msi measured on the GICv4.0"
for f in lpi_int lpi_msi; do
    grep -q "BENCH $f " "$dir/tofu-its.log" || t_fail "no $f measured in the VM with an ITS"
    grep -q "BENCH $f " "$dir/native.log" || t_fail "no $f measured natively"
done
grep -q "BENCH ipc_roundtrip" "$dir/tofu.log" || t_fail "no IPC round trip measured under tofu"
for f in ipc_map ipc_unmap; do
    grep -q "BENCH $f " "$dir/tofu.log" || t_fail "no $f measured under tofu"
    grep -q "BENCH ${f}_smmu " "$dir/tofu-smmu.log" || t_fail "no ${f}_smmu measured in the VM with SMMU streams"
done
scripts/bench-console.sh "$BUILD" "$dir" | sed 's/^/  /' || t_fail "the console figure was not measured"
scripts/bench-report.sh "$dir" "$dir/report" bench/budgets.txt | sed 's/^/  /' || t_fail "a figure is over its budget"
[ "${PIPESTATUS[0]}" = 0 ] || t_fail "a figure is over its budget"
if [ $T_FAILED = 0 ]; then echo "PASS budget ($((SECONDS - T_START))s)"; else echo "FAIL budget"; fi
exit $T_FAILED
