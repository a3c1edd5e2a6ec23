#!/usr/bin/env bash
# One-time set-up for tofu on Debian 12/13 (x86-64): host packages and the
# reference guest (Debian's stock arm64 kernel and busybox), cached under
# $CACHE (default: .cache/).  A second run does no network work: every step
# first checks whether its result is already present.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${CACHE:-$top/.cache}
QEMU_MIN_MAJOR=10
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

log() { printf 'setup: %s\n' "$*"; }

# --- host packages ------------------------------------------------------
# command-or-file : package
need_pkgs=()
check() { # $1 = test path/command, $2 = package
    if [[ $1 == /* ]]; then [ -e "$1" ] || need_pkgs+=("$2")
    else command -v "$1" >/dev/null 2>&1 || need_pkgs+=("$2"); fi
}
check aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu
check dtc device-tree-compiler
check cpio cpio
check gzip gzip
check /usr/include/libfdt.h libfdt-dev
check /usr/include/cmocka.h libcmocka-dev
check gnuplot gnuplot-nox
check make make
check gcc gcc
check pkg-config pkg-config
check /usr/sbin/mkfs.ext4 e2fsprogs      # scripts/mkdisk.sh: the NVMe disk image (configs/pcie.dts)

qemu_ok() {
    command -v qemu-system-aarch64 >/dev/null 2>&1 || return 1
    local v; v=$(qemu-system-aarch64 --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p' | head -1)
    [ -n "$v" ] && [ "$v" -ge "$QEMU_MIN_MAJOR" ]
}

codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")

apt_updated=0
apt_update() { [ $apt_updated = 1 ] || { $SUDO apt-get update -qq; apt_updated=1; }; }

# fetch_debs <package...>: download them (never install) into a new folder
# and unpack each under its root/; the folder's path is in $work.
fetch_debs() {
    work=$(mktemp -d)
    chown _apt "$work" 2>/dev/null || chmod 777 "$work"   # apt-get download writes as _apt
    (cd "$work" && apt-get download -qq "$@")
    mkdir -p "$work/root"
    for f in "$work"/*.deb; do dpkg -x "$f" "$work/root"; done
}

if [ ${#need_pkgs[@]} -gt 0 ]; then
    log "installing ${need_pkgs[*]}"
    apt_update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

if ! qemu_ok; then
    if [ "$codename" = bookworm ]; then
        # QEMU 10 comes from bookworm-backports of the archive already in use.
        if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
            uri=$(sed -n 's/^URIs: *\(http[^ ]*debian\/\?\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
            [ -n "$uri" ] || uri=$(sed -n 's/^deb \(http[^ ]*\) bookworm main.*/\1/p' /etc/apt/sources.list 2>/dev/null | head -1)
            [ -n "$uri" ] || uri=http://deb.debian.org/debian
            log "adding bookworm-backports from $uri"
            printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$uri" \
                | $SUDO tee /etc/apt/sources.list.d/tofu-backports.sources >/dev/null
            apt_updated=0
        fi
        apt_update
        log "installing qemu-system-arm from bookworm-backports"
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -t bookworm-backports qemu-system-arm >/dev/null
    else
        apt_update
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq qemu-system-arm >/dev/null
    fi
fi
if ! qemu_ok; then
    echo "setup: qemu-system-aarch64 >= $QEMU_MIN_MAJOR is required; found: $(qemu-system-aarch64 --version 2>/dev/null | head -1)" >&2
    exit 1
fi

# --- reference guest: Debian's arm64 kernel and busybox ---------------------
# Never `apt-get install` an :arm64 package (it replaces the cross binutils);
# download the .debs and unpack them into the cache.
mkdir -p "$CACHE"
# The kernel modules the guests need (guests/linux/modules), beside the Image.
mod_list=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$top/guests/linux/modules")
modules_ok() {
    [ -f "$CACHE/modules/.kernel-version" ] && cmp -s "$CACHE/modules/.kernel-version" "$CACHE/kernel-version" || return 1
    for m in $mod_list; do [ -f "$CACHE/modules/$(basename "$m")" ] || return 1; done
}
if [ ! -f "$CACHE/Image" ] || [ ! -f "$CACHE/busybox" ] || [ ! -f "$CACHE/kernel-version" ] || ! modules_ok; then
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        log "enabling the arm64 architecture for downloads"
        $SUDO dpkg --add-architecture arm64
        apt_updated=0
    fi
    apt_update
    # The kernel already cached, if the archive still has it: its Image and
    # modules must match (and the IPC module is built against it).
    kpkg=""
    if [ -f "$CACHE/kernel-version" ] && [ -f "$CACHE/Image" ] &&
       apt-cache show "linux-image-$(cat "$CACHE/kernel-version")-unsigned:arm64" >/dev/null 2>&1; then
        kpkg=linux-image-$(cat "$CACHE/kernel-version")
    fi
    [ -n "$kpkg" ] || kpkg=$(apt-cache depends linux-image-arm64:arm64 | sed -n 's/.*Depends: \(linux-image-[0-9][^:]*-arm64\)\(-unsigned\)\?.*/\1/p' | head -1)
    [ -n "$kpkg" ] || { echo "setup: cannot resolve linux-image-arm64:arm64" >&2; exit 1; }
    log "kernel package: ${kpkg}-unsigned"
    fetch_debs "${kpkg}-unsigned:arm64" busybox-static:arm64
    cp "$work"/root/boot/vmlinuz-* "$CACHE/Image.tmp"
    # Debian ships an uncompressed Image on arm64; accept a gzip one too.
    if gzip -t "$CACHE/Image.tmp" 2>/dev/null; then gzip -dc "$CACHE/Image.tmp" > "$CACHE/Image"; rm "$CACHE/Image.tmp"
    else mv "$CACHE/Image.tmp" "$CACHE/Image"; fi
    cp "$work/root/bin/busybox" "$CACHE/busybox"
    echo "${kpkg#linux-image-}" > "$CACHE/kernel-version"
    mkdir -p "$CACHE/modules"
    for m in $mod_list; do
        src=$(ls "$work"/root/lib/modules/*/kernel/"$m"* 2>/dev/null | head -1)
        [ -n "$src" ] || { echo "setup: module $m is not in ${kpkg}-unsigned" >&2; exit 1; }
        case "$src" in     # newer Debian kernels compress their modules
        *.xz) xz -dc "$src" ;; *.zst) zstd -qdc "$src" ;; *.gz) gzip -dc "$src" ;; *) cat "$src" ;;
        esac > "$CACHE/modules/$(basename "$m").tmp"
        mv "$CACHE/modules/$(basename "$m").tmp" "$CACHE/modules/$(basename "$m")"
    done
    cp "$CACHE/kernel-version" "$CACHE/modules/.kernel-version"
    rm -rf "$work"
fi
# --- U-Boot for QEMU virt: the board's boot path (make run BOOT=uboot) -------
# Debian's u-boot-qemu (Architecture: all), unpacked, never installed.
UBOOT=$CACHE/u-boot/qemu_arm64/u-boot.bin
if [ ! -f "$UBOOT" ]; then
    apt_update
    fetch_debs u-boot-qemu
    mkdir -p "$(dirname "$UBOOT")"
    cp "$work/root/usr/lib/u-boot/qemu_arm64/u-boot.bin" "$UBOOT.tmp"
    dpkg-deb -f "$work"/u-boot-qemu_*.deb Version > "$CACHE/u-boot/version"
    mv "$UBOOT.tmp" "$UBOOT"
    rm -rf "$work"
fi
log "ready (kernel $(cat "$CACHE/kernel-version"), U-Boot $(cat "$CACHE/u-boot/version" 2>/dev/null), $(qemu-system-aarch64 --version | head -1))"
