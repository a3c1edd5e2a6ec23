#!/usr/bin/env bash
# Build the Linux guest's tofu_ipc module and the tofu-msg tool.
# usage: linux-module.sh <cache dir> <out dir>
#   <cache>/kernel-version names the guest kernel (e.g. 6.1.0-56-arm64).  Its
#   headers are downloaded once into <cache>/linux-headers/ (later runs use
#   no network); out: <out>/tofu_ipc.ko, <out>/tofu-msg and <out>/tofu-vdev.
# Never `apt-get install` an :arm64 package (it replaces the cross binutils):
# the .debs are downloaded and unpacked.  linux-kbuild is the host's (amd64)
# build, because its scripts/ are host programs.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 2 ] || { echo "usage: $0 <cache dir> <out dir>" >&2; exit 2; }
mkdir -p "$1" "$2"
cache=$(cd "$1" && pwd); out=$(cd "$2" && pwd)
CROSS=${CROSS:-aarch64-linux-gnu-}
log() { printf 'linux-module: %s\n' "$*"; }
die() { printf 'linux-module: %s\n' "$*" >&2; exit 1; }

[ -f "$cache/kernel-version" ] || die "$cache/kernel-version missing (run scripts/setup.sh)"
kver=$(cat "$cache/kernel-version")
hdr=$cache/linux-headers
kdir=$hdr/usr/src/linux-headers-$kver

# ---- headers: once -------------------------------------------------------------
if [ ! -f "$hdr/.done-$kver" ]; then
    SECONDS=0
    hpkg=linux-headers-$kver
    dpkg --print-foreign-architectures | grep -qx arm64 \
        || die "arm64 is not a foreign architecture here (dpkg --add-architecture arm64; apt-get update)"
    updated=0
    resolve() {
        apt-cache show "$hpkg:arm64" >/dev/null 2>&1
    }
    if ! resolve; then
        log "$hpkg:arm64 unknown to apt: apt-get update"
        apt-get update -qq; updated=1
        resolve || die "no package $hpkg:arm64 in the archive (is .cache/kernel-version current?)"
    fi
    # The -common package and linux-kbuild-X.Y, by name, from the dependencies.
    deps=$(apt-cache depends "$hpkg:arm64")
    common=$(sed -n 's/^ *Depends: <\?\(linux-headers-[^:>]*-common\).*/\1/p' <<<"$deps" | head -1)
    kbuild=$(sed -n 's/^ *Depends: <\?\(linux-kbuild-[0-9.]*\).*/\1/p' <<<"$deps" | head -1)
    [ -n "$common" ] && [ -n "$kbuild" ] || die "cannot resolve the dependencies of $hpkg:arm64"
    # All three at one version: the kernel's own (from the Image's banner) when
    # the archive still has it, otherwise the candidate.
    versions=$(apt-cache show "$hpkg:arm64" | sed -n 's/^Version: //p')
    image_ver=$(grep -aom1 'SMP Debian [^ ]*' "$cache/Image" 2>/dev/null | sed 's/SMP Debian //' || true)
    pver=$(grep -xF -- "$image_ver" <<<"$versions" || head -1 <<<"$versions")
    [ -n "$image_ver" ] && [ "$image_ver" != "$pver" ] \
        && log "warning: the kernel is Debian $image_ver, the archive has headers $pver"
    host_arch=$(dpkg --print-architecture)
    pkgs=("$hpkg:arm64=$pver" "$common=$pver" "$kbuild:$host_arch=$pver")
    log "downloading ${pkgs[*]}"
    work=$(mktemp -d); chmod 777 "$work"     # apt-get download runs as _apt
    trap 'rm -rf "$work"' EXIT
    if ! (cd "$work" && apt-get download -qq "${pkgs[@]}" 2>"$work/err"); then
        [ $updated = 1 ] && { cat "$work/err" >&2; die "download failed"; }
        log "download failed: apt-get update and retry"
        apt-get update -qq
        (cd "$work" && apt-get download -qq "${pkgs[@]}") || die "download failed"
    fi
    rm -rf "$hdr.tmp"; mkdir -p "$hdr.tmp"
    for f in "$work"/*.deb; do dpkg -x "$f" "$hdr.tmp"; done
    [ -f "$hdr.tmp/usr/src/linux-headers-$kver/Makefile" ] || die "unexpected header package layout"
    rm -rf "$hdr"; mv "$hdr.tmp" "$hdr"
    echo "$pver" > "$hdr/.done-$kver"
    log "headers for $kver ($pver) in $hdr (${SECONDS}s)"
fi

# The -arm64 Makefile includes /usr/src/linux-headers-*-common/Makefile:
# point it at the unpacked copy (again on each run: the cache may have moved).
sed -i "s|^include .*/usr/src/\(linux-headers-[^/]*-common\)/Makefile\$|include $hdr/usr/src/\1/Makefile|" \
    "$kdir/Makefile"

# ---- module ----------------------------------------------------------------------
# Kbuild writes its objects next to the sources: build a copy under <out>.
src=$top/guests/linux/driver
mod=$out/module
mkdir -p "$mod"
for f in tofu_ipc.c tofu_ipc_uapi.h Kbuild; do
    cmp -s "$src/$f" "$mod/$f" || cp "$src/$f" "$mod/$f"
done
# Reproducible: the same bytes from a clean rebuild into any folder.  The
# build id hashes the debug info before --strip-debug, so no path may reach
# it (-ffile-prefix-map: the source tree, the cache, the module's folder,
# which may lie in the first two: the last match wins); the time, user and
# host are fixed for whatever Kbuild stamps.
prefix_map="-ffile-prefix-map=$top/=./ -ffile-prefix-map=$cache/=./ -ffile-prefix-map=$mod/=./"
KBUILD_BUILD_TIMESTAMP="@${SOURCE_DATE_EPOCH:-0}" KBUILD_BUILD_USER=tofu KBUILD_BUILD_HOST=tofu \
    make -s -C "$kdir" M="$mod" ARCH=arm64 CROSS_COMPILE="$CROSS" TOFU_TOP="$top" KCFLAGS="$prefix_map" modules
"${CROSS}strip" --strip-debug -o "$out/tofu_ipc.ko" "$mod/tofu_ipc.ko"

# ---- tool ------------------------------------------------------------------------
"${CROSS}gcc" -static -O2 -Wall -Wextra -Werror -I"$top/include" -I"$src" $prefix_map \
    -o "$out/tofu-msg" "$src/tofu-msg.c"
# The daemon, on the bare-metal backend's virtqueue and virtio-blk code.
rt=$top/guests/baremetal/rt
"${CROSS}gcc" -static -O2 -Wall -Wextra -Werror -I"$top/include" -I"$rt/include" -I"$src" $prefix_map \
    -o "$out/tofu-vdev" "$src/tofu-vdev.c" "$rt/virtq.c" "$rt/virtio_blk.c" "$rt/virtio_msg.c"
log "built $out/tofu_ipc.ko, $out/tofu-msg and $out/tofu-vdev"
