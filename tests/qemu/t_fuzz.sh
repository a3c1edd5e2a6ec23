#!/usr/bin/env bash
# A seeded hostile guest (guests/baremetal/tests/fuzz.c) throws random
# hypercalls, MMIO, system-register, SYS and PSCI operations at tofu from two
# vCPUs: it must finish them all (every call returned, every fault came back
# to it), the RTOS beside it must keep ticking with intact memory, and the
# hypervisor shell must still answer.  FUZZ_CONFIG=fuzz-soak (make soak) runs
# a million operations with a seed from the counter; the seed is in the log.
. "$(dirname "$0")/lib.sh"
CONFIG=${FUZZ_CONFIG:-fuzz}
DEADLINE=${FUZZ_DEADLINE:-300}
# Each run: a test name, the config, the CPU.  make test also replays the
# seeds that found bugs (tests/configs/fuzz-regress.dts).
runs=("fuzz-cortex-a57 $CONFIG cortex-a57" "fuzz-max $CONFIG max")
[ "$CONFIG" = fuzz ] && runs+=("fuzz-regress-max fuzz-regress max")
for run in "${runs[@]}"; do
    read -r name cfg cpu <<< "$run"
    # fuzz.dts gives the fuzzer the edu at 00:04.0 (its virtual ECAM).
    devices=""
    [ "$cfg" = fuzz ] && devices="edu,dma_mask=0xffffffffffff,addr=0x4"
    qemu_start "$name" "$cfg" QEMU_CPU=$cpu QEMU_DEVICES="$devices"
    wait_for "[steady] rtos: first tick" 60
    wait_for "[fuzz] fuzz: seed" 60
    echo "  $(grep -F '[fuzz] fuzz: seed' "$QLOG" | head -1 | sed 's/^\[fuzz\] //')"
    wait_for "[fuzz] FUZZ: DONE" "$DEADLINE"
    grep -F "[fuzz] fuzz: done:" "$QLOG" | sed 's/^\[fuzz\] /  /'
    wait_for "vm fuzz: stopped: guest powered off (PSCI SYSTEM_OFF)" 30
    # The neighbour goes on: two more ticks, memory intact, first tick kept.
    ticks=$(grep -c "\[steady\] rtos: tick" "$QLOG")
    wait_for "[steady] rtos: tick" 30 $((ticks + 2))
    refuse_line "mem CORRUPT"
    refuse_line "no virtual timer IRQ"
    refuse_line "vm steady: stopped"
    # The hypervisor shell answers.
    printf '\x140' >&"$QIN"
    wait_for "console: input to the hypervisor shell" 10
    send "list"
    wait_for_re "steady +running" 10
    refuse_line "unexpected exception"
    [ "$cfg" = fuzz ] && expect_line "vm fuzz: PCI 00:04.0 given"
    t_end
done
