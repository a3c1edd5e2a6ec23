#!/usr/bin/env bash
# Build the Linux guest's initramfs from busybox-static and guests/linux/.
# usage: mkinitramfs.sh <busybox> <out.cpio.gz> [driver dir] [modules dir]
#   driver dir: holds tofu_ipc.ko (-> /lib/modules/), tofu-msg, tofu-vdev, cntvct and
#   diskbench (-> /bin/), as the Makefile builds them; rcS loads the module.
#   modules dir: Debian's modules listed in guests/linux/modules, as
#   scripts/setup.sh keeps them (-> /lib/modules/).
#   Reproducible: the same bytes from a clean rebuild, wherever it is built
#   (fixed modes and times, SOURCE_DATE_EPOCH or 0; sorted names; owner 0:0).
set -euo pipefail
umask 022
top=$(cd "$(dirname "$0")/.." && pwd)
busybox=$1; out=$2; driver=${3:-}; modules=${4:-}
root=$(dirname "$out")/rootfs
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,etc/init.d,proc,sys,dev,tmp,root,data}
install -m 0755 "$busybox" "$root/bin/busybox"
install -m 0755 "$top/guests/linux/init" "$root/init"
install -m 0755 "$top/guests/linux/rcS" "$root/etc/init.d/rcS"
install -m 0644 "$top/guests/linux/inittab" "$root/etc/inittab"
install -m 0644 "$top/guests/linux/profile" "$root/etc/profile"
install -m 0755 "$top/guests/linux/rtos-stats" "$root/bin/rtos-stats"
ln -s /bin/busybox "$root/bin/sh"
if [ -n "$driver" ]; then
    install -D -m 0644 "$driver/tofu_ipc.ko" "$root/lib/modules/tofu_ipc.ko"
    install -m 0755 "$driver/tofu-msg" "$root/bin/tofu-msg"
    install -m 0755 "$driver/tofu-vdev" "$root/bin/tofu-vdev"
    install -m 0755 "$driver/cntvct" "$root/bin/cntvct"
    install -m 0755 "$driver/diskbench" "$root/bin/diskbench"
fi
if [ -n "$modules" ]; then
    for m in $(sed -e 's/#.*//' "$top/guests/linux/modules"); do
        install -D -m 0644 "$modules/$(basename "$m")" "$root/lib/modules/$(basename "$m")"
        basename "$m" >> "$root/lib/modules/modules.order"     # the list's order: dependencies first
    done
fi
# Test data: deterministic, its checksum recorded for the tests.
seq 1 200000 > "$root/data/testdata"
sha256sum "$root/data/testdata" | cut -d' ' -f1 > "$(dirname "$out")/testdata.sha256"
find "$root" -exec touch -h -d "@${SOURCE_DATE_EPOCH:-0}" {} +
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc --owner 0:0 --reproducible) \
    | gzip -9n > "$out.tmp"
mv "$out.tmp" "$out"
