#!/usr/bin/env bash
# Make the NVMe disk image of a config with `nvme-disk` (docs/pci.md): a
# 64 MiB ext4 file system holding a README, made once; it persists across
# runs (delete it to start afresh).
# usage: mkdisk.sh <image>
set -euo pipefail
img=$1
[ -f "$img" ] && exit 0
mkfs=$(command -v mkfs.ext4 || echo /usr/sbin/mkfs.ext4 /sbin/mkfs.ext4 | tr ' ' '\n' | while read -r f; do [ -x "$f" ] && echo "$f"; done | head -1)
[ -n "$mkfs" ] || { echo "mkdisk: mkfs.ext4 (e2fsprogs) is required" >&2; exit 1; }
seed=$(mktemp -d)
trap 'rm -rf "$seed" "$img.tmp"' EXIT
echo "tofu's NVMe disk: files written here survive the VM's reboot and a new run." > "$seed/README"
mkdir -p "$(dirname "$img")"
truncate -s 64M "$img.tmp"
"$mkfs" -q -F -L tofu-disk -d "$seed" "$img.tmp"
mv "$img.tmp" "$img"
echo "mkdisk: made $img"
