#!/usr/bin/env bash
# The Linux guest's initramfs (with the tofu_ipc module, tofu-msg, cntvct and
# diskbench in it) is reproducible: a clean rebuild into another folder, by the
# Makefile's own rules, gives the same bytes as <build>/linux/.  The Linux
# boot counter of make bench depends on it.  A few seconds.
# usage: tests/reproducible.sh [build dir]
cd "$(dirname "$0")/.." || exit 1
BUILD=${1:-build}
ref=$BUILD/linux
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
if ! make -s --no-print-directory BUILD="$tmp" "$tmp/linux/initramfs.cpio.gz" > "$tmp/log" 2>&1; then
    sed 's/^/  /' "$tmp/log"; echo "FAIL reproducible initramfs: the rebuild failed"; exit 1
fi
rc=0
for f in driver/tofu_ipc.ko driver/tofu-msg driver/tofu-vdev driver/cntvct driver/diskbench initramfs.cpio.gz; do
    if cmp -s "$ref/$f" "$tmp/linux/$f"; then
        echo "  same: $f ($(stat -c %s "$ref/$f") bytes)"
    else
        echo "  DIFFERENT: $ref/$f and a clean rebuild's"; rc=1
    fi
done
[ $rc = 0 ] && echo "PASS reproducible initramfs" || echo "FAIL reproducible initramfs"
exit $rc
