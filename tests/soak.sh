#!/usr/bin/env bash
# make soak: the long runs, each to its end even when one fails, then their
# figures together as the closing lines.
#   RESTARTS restarts of the rtos VM beside a steady one (tests/qemu/t_restart.sh);
#   CRASHES Linux panics, each detected and restarted (tests/qemu/t_linux_crash.sh);
#   a million hostile operations with a fresh seed (tests/qemu/t_fuzz.sh, fuzz-soak).
# usage: tests/soak.sh <build dir> <restarts> <Linux crashes>
#   SOAK_FUZZ_CONFIG=fuzz: make test's shorter fuzz runs instead, to check the soak itself.
cd "$(dirname "$0")/.." || exit 1
export BUILD=${1:-build}
restarts=${2:-10000}
crashes=${3:-100}
logs=$BUILD/test-logs; mkdir -p "$logs"
rc=0
RESTARTS=$restarts tests/qemu/t_restart.sh 2>&1 | tee "$logs/soak-restart.out"
[ "${PIPESTATUS[0]}" = 0 ] || rc=1
CYCLES=$crashes CYCLES_TAG=-soak tests/qemu/t_linux_crash.sh 2>&1 | tee "$logs/soak-linux-crash.out"
[ "${PIPESTATUS[0]}" = 0 ] || rc=1
FUZZ_CONFIG=${SOAK_FUZZ_CONFIG:-fuzz-soak} FUZZ_DEADLINE=3600 tests/qemu/t_fuzz.sh 2>&1 | tee "$logs/soak-fuzz.out"
[ "${PIPESTATUS[0]}" = 0 ] || rc=1
echo "soak summary:"
grep -hE '^(PASS|FAIL) |^  (restarts|steady|free memory|lifecycle lines[^:]*|linux crash):|^  fuzz: (seed|done)|^  FAIL' "$logs/soak-restart.out" "$logs/soak-linux-crash.out" "$logs/soak-fuzz.out" |
    sed 's/^/  /'
[ $rc = 0 ] && echo "soak: passed" || echo "soak: FAILED"
exit $rc
