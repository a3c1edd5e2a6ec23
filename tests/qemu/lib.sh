# shellcheck shell=bash
# Helpers for QEMU integration tests: boot a built config with the console on
# a FIFO (input) and a log file (output), wait for output, send input, and
# check how QEMU ends.  Every wait is bounded.
set -uo pipefail

: "${BUILD:=build}"
LOGDIR=${LOGDIR:-$BUILD/test-logs}
mkdir -p "$LOGDIR"
T_NAME=""; T_FAILED=0; QPID=""; QIN=""; QLOG=""
# A script that ends early (a shell error, set -u) must not leave its QEMU
# running: it would load the machine for every later test.
trap '[ -n "$QPID" ] && kill "$QPID" 2>/dev/null' EXIT

t_fail() {
    echo "  FAIL: $*"
    T_FAILED=1
}

# qemu_start <test-name> <config> [VAR=value...]  (QEMU_CPU, QEMU_SMP, QEMU_ICOUNT)
qemu_start() {
    T_NAME=$1; local cfg=$2; shift 2
    QLOG=$LOGDIR/$T_NAME.log
    local fifo=$LOGDIR/$T_NAME.in
    rm -f "$fifo"; mkfifo "$fifo"
    env QEMU_SERIAL=stdio "$@" scripts/run-qemu.sh "$BUILD/$cfg" < "$fifo" > "$QLOG" 2>&1 &
    QPID=$!
    exec {QIN}>"$fifo"
    T_START=$SECONDS
}

# Deadlines stretch with the host's load: the limits below are for an idle
# machine, multiplied by 1 + the load average per CPU (at most 4); T_SCALE
# overrides.  A loaded host slows QEMU, not the guests' own clocks' logic:
# the markers waited for are the guests' own progress lines.
load_scale() {
    if [ -n "${T_SCALE:-}" ]; then echo "$T_SCALE"; return; fi
    awk -v n="$(nproc)" '{ s = 1 + int($1 / n); print (s > 4 ? 4 : s) }' /proc/loadavg
}

# wait_for <fixed-string> <seconds> [count]: the string appears (count times).
wait_for() {
    local pat=$1 limit=$2 count=${3:-1}
    local deadline=$((SECONDS + limit * $(load_scale)))
    while [ "$(grep -cF -- "$pat" "$QLOG" 2>/dev/null)" -lt "$count" ]; do
        if ! kill -0 "$QPID" 2>/dev/null; then
            # It may have printed it just before it ended, after the grep above.
            [ "$(grep -cF -- "$pat" "$QLOG" 2>/dev/null)" -ge "$count" ] && return 0
            t_fail "QEMU exited before printing '$pat'"; return 1
        fi
        if grep -qF "PANIC on CPU" "$QLOG"; then
            t_fail "the hypervisor panicked while waiting for '$pat'"; return 1
        fi
        if [ $SECONDS -ge $deadline ]; then
            t_fail "no '$pat' within $((limit * $(load_scale)))s"; return 1
        fi
        sleep 0.2
    done
}

# wait_for_re <extended-regex> <seconds>: a line matching it appears.
wait_for_re() {
    local re=$1 deadline=$((SECONDS + $2 * $(load_scale)))
    until grep -qE -- "$re" "$QLOG" 2>/dev/null; do
        if ! kill -0 "$QPID" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
            grep -qE -- "$re" "$QLOG" 2>/dev/null && return 0     # printed as QEMU ended
            t_fail "no line matching '$re' within the deadline"; return 1
        fi
        sleep 0.2
    done
}

# expect_line <fixed-string>: already in the log.
expect_line() {
    grep -qF -- "$1" "$QLOG" || t_fail "missing '$1'"
}

refuse_line() {
    if grep -qF -- "$1" "$QLOG"; then t_fail "unexpected '$1'"; fi
}

# app's virtio-blk round trip (guests/linux/rcS, tofu.test=virtio-blk):
# vblk_written: it wrote 1 MiB and read back the same sha256 (VBLK_SUM);
# vblk_after_reboot: after its reboot it read that checksum again.
vblk_written() {
    wait_for "tofu-guest: virtio-blk written" 120
    local line back
    line=$(grep -F "tofu-guest: virtio-blk written" "$QLOG" | head -1)
    VBLK_SUM=$(sed -n 's/.*sha256 \([0-9a-f]*\), read back \([0-9a-f]*\).*/\1/p' <<< "$line")
    back=$(sed -n 's/.*sha256 \([0-9a-f]*\), read back \([0-9a-f]*\).*/\2/p' <<< "$line")
    [ -n "$VBLK_SUM" ] && [ "$VBLK_SUM" = "$back" ] || t_fail "read back '$back', written '$VBLK_SUM'"
    wait_for "vm app: restarting from a clean image" 60
}
vblk_after_reboot() {
    wait_for "tofu-guest: virtio-blk after reboot" 120
    local after
    after=$(grep -F "tofu-guest: virtio-blk after reboot" "$QLOG" | sed -n 's/.*sha256 \([0-9a-f]*\).*/\1/p')
    [ "$after" = "$VBLK_SUM" ] || t_fail "after the reboot sha256 '$after', written '$VBLK_SUM'"
}
# vda_loads_completed <count> <timeout> <what restarted>: the reads of the
# rcS loop while the backend restarted all completed, without an I/O error.
vda_loads_completed() {
    wait_for "tofu-guest: vda load done" "$2"
    grep -q "tofu-guest: vda load [0-9]* FAILED" "$QLOG" && t_fail "a read failed while the $3 restarted"
    [ "$(grep -c "tofu-guest: vda load [0-9]* ok" "$QLOG")" = "$1" ] || t_fail "not every read of the loop completed"
    refuse_line "I/O error, dev vda"
    refuse_line "UNEXPECTED EXCEPTION"
    refuse_line "did not acknowledge the reset"
}

# rtos_kept_ticking <vm>: the RTOS VM of that name goes on (two more ticks),
# never stopped, its timer and memory intact.
rtos_kept_ticking() {
    local vm=$1 ticks
    ticks=$(grep -c "\[$vm\] rtos: tick" "$QLOG")
    wait_for "[$vm] rtos: tick" 30 $((ticks + 2))
    refuse_line "no virtual timer IRQ"
    refuse_line "mem CORRUPT"
    refuse_line "vm $vm: stopped"
}

# msi_ok <tag> [timeout]: in the focused `linux`, nvme's and eth0's interrupts have
# come as ITS-MSI (MSI-X through the virtual ITS), and their INTx lines
# (INTIDs 36 and 37, GICv3 hwirqs) took none.
msi_ok() {
    send "grep -E 'nvme|eth0' /proc/interrupts | sed 's/^/$1: /'; awk '\$4 == \"ITS-MSI\" && /nvme/ { n += \$2 + \$3 } \$4 == \"ITS-MSI\" && /eth0/ { e += \$2 + \$3 } \$4 == \"GICv3\" && (\$5 == 36 || \$5 == 37) { x += \$2 + \$3 } END { print \"$1 nvme-msi=\" n+0 \" eth0-msi=\" e+0 \" intx=\" x+0 }' /proc/interrupts"
    wait_for_re "^\[linux\] $1 nvme-msi=[1-9][0-9]* eth0-msi=[1-9][0-9]* intx=0" "${2:-30}"
}

send() {
    printf '%s\r' "$1" >&"$QIN"
}

# disk_sum <tag>: the SHA-256 of /mnt/disk/check, as the focused VM
# `linux` prints it ("<tag>:<sum>"), into SUM.
disk_sum() {
    send "sha256sum /mnt/disk/check | sed 's/^/$1:/'"
    wait_for_re "^\[linux\] $1:[0-9a-f]{64} " 60
    SUM=$(sed -n "s/^\[linux\] $1:\([0-9a-f]\{64\}\) .*/\1/p" "$QLOG" | head -1)
}

# ping_ok <vm> <tag> <address>: the focused VM, once its eth0 has carrier,
# gets three answers from <address>.
ping_ok() {
    send "for i in \$(seq 50); do [ \"\$(cat /sys/class/net/eth0/carrier)\" = 1 ] && break; sleep 0.2; done; ping -c 3 -W 2 $3 | sed -n 's/^\(.*packets transmitted.*\)/$2: \1/p'"
    wait_for_re "^\[$1\] $2: 3 packets transmitted, 3 packets received" 60
}

# qemu_exit <expected status> <seconds>: QEMU ends by itself with that status.
# free_now: ask the hypervisor shell (the console must be in it) for its free
# memory; $free is its "free: <N> KiB" in KiB (empty if it does not answer).
mem_checks=0; free=""
free_now() {
    mem_checks=$((mem_checks + 1)); free=""
    send "mem"
    wait_for "free: " 10 "$mem_checks" &&
        free=$(grep -o 'free: [0-9]* KiB' "$QLOG" | sed -n "${mem_checks}s/[^0-9]//gp")
}

qemu_exit() {
    local want=$1 limit=$2 deadline=$((SECONDS + $2 * $(load_scale)))
    while kill -0 "$QPID" 2>/dev/null; do
        if [ $SECONDS -ge $deadline ]; then
            t_fail "QEMU still running after ${limit}s"
            kill "$QPID" 2>/dev/null; wait "$QPID" 2>/dev/null
            return 1
        fi
        sleep 0.2
    done
    wait "$QPID"; local st=$?
    [ "$st" = "$want" ] || t_fail "QEMU exit status $st, expected $want"
}

# t_end: close the test, kill QEMU if still there, report.
t_end() {
    if [ -n "$QIN" ]; then exec {QIN}>&-; QIN=""; fi
    if kill -0 "$QPID" 2>/dev/null; then kill "$QPID" 2>/dev/null; wait "$QPID" 2>/dev/null; fi
    refuse_line "PANIC"
    refuse_line "unexpected sync exception at EL2"
    if [ $T_FAILED = 0 ]; then
        echo "PASS $T_NAME ($((SECONDS - T_START))s)"
    else
        echo "FAIL $T_NAME ($((SECONDS - T_START))s), log: $QLOG"
        tail -n 25 "$QLOG" | sed 's/^/    | /'
    fi
    return $T_FAILED
}
