#!/usr/bin/env bash
# Config tool tests: every config in configs/ compiles, and every file in
# tests/config/bad/ is refused with the message its first line expects
# ("expect: <node>: <problem>"), prefixed with the file's name.
# usage: tests/config/run.sh <build dir>
cd "$(dirname "$0")/../.." || exit 1
BUILD=${1:-build}
tool=$BUILD/host/tofu-config
work=$BUILD/config-tests
rm -rf "$work"; mkdir -p "$work/img"
# Images for the bad configs: small, large, and a directory (not a file).
head -c 4096 /dev/zero > "$work/img/small.bin"
truncate -s 80M "$work/img/huge.bin"
mkdir -p "$work/img/a-directory"
pass=0; fail=0

for cfg in configs/*.dts; do
    name=$(basename "$cfg" .dts)
    if make --no-print-directory -s CONFIG="$name" "$BUILD/$name/config.c" > "$work/$name.out" 2>&1; then
        echo "PASS config builds: $cfg"; pass=$((pass + 1))
    else
        echo "FAIL config builds: $cfg"; sed 's/^/    | /' "$work/$name.out"; fail=$((fail + 1))
    fi
done

for cfg in tests/config/bad/*.dts; do
    want=$(sed -n '1s|^/\* expect: \(.*\) \*/$|\1|p' "$cfg")
    if [ -z "$want" ]; then echo "FAIL $cfg: no 'expect:' line"; fail=$((fail + 1)); continue; fi
    base=$(basename "$cfg" .dts)
    out=$work/$base.err
    if dtc -q -i . -I dts -O dtb -o "$work/$base.dtb" "$cfg" 2> "$out" &&
       "$tool" -c "$work/$base.dtb" -n "$cfg" -o "$work/$base" -L "$work/img" 2>> "$out"; then
        echo "FAIL refused: $cfg was accepted"; fail=$((fail + 1)); continue
    fi
    if grep -qF -- "$cfg" "$out" && grep -qF -- "$want" "$out"; then
        echo "PASS refused: $cfg: $(head -1 "$out")"; pass=$((pass + 1))
    else
        echo "FAIL refused: $cfg: expected '$cfg ... $want', got:"; sed 's/^/    | /' "$out"; fail=$((fail + 1))
    fi
done
echo "config tests: $pass passed, $fail failed"
[ "$fail" = 0 ]
