#!/usr/bin/env bash
# Run every QEMU integration test in tests/qemu/t_*.sh; each prints PASS/FAIL.
# usage: tests/qemu/run-all.sh [build dir] [test-name-filter]
cd "$(dirname "$0")/../.." || exit 1
export BUILD=${1:-build}
filter=${2:-}
pass=0; fail=0; failed=()
for t in tests/qemu/t_*.sh; do
    name=$(basename "$t" .sh)
    [[ -n "$filter" && "$name" != *"$filter"* ]] && continue
    if bash "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed+=("$name"); fi
done
echo "qemu tests: $pass passed, $fail failed${failed[*]:+ (${failed[*]})}"
[ "$fail" = 0 ]
