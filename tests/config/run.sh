#!/usr/bin/env bash
# Config tool tests: every config in configs/ compiles, and every file in
# tests/config/bad/ is refused with the message its first line expects
# ("expect: <node>: <problem>", @BUILD@ standing for the build folder),
# prefixed with the file's name; what tests/configs/virtio-pci.dts generates
# has the lines it must have and lacks those it must not.  A file whose second line is
# "/* image-end: <address> */" is checked as after linking (tofu-config -e)
# against an image that ends there.
# usage: tests/config/run.sh <build dir>
cd "$(dirname "$0")/../.." || exit 1
BUILD=${1:-build}
CROSS=${CROSS:-aarch64-linux-gnu-}
# The board's image-base (platforms/qemu-virt.dtsi): <0x0 0x40200000>.
# The bad configs are for QEMU virt: its GIC through platforms/qemu-virt/.
IMAGE_BASE=$(sed -n 's/^ *image-base = <0x0 \(0x[0-9a-fA-F]*\)>;.*/\1/p' platforms/qemu-virt.dtsi)
tool=$BUILD/host/tofu-config
work=$BUILD/config-tests
rm -rf "$work"; mkdir -p "$work/img"
# Images for the bad configs: small, large, and a directory (not a file).
head -c 4096 /dev/zero > "$work/img/small.bin"
# A stand-in Linux arm64 Image: its header's image_size (4 KiB) and magic.
head -c 4096 /dev/zero > "$work/img/linux.bin"
printf '\000\020' | dd of="$work/img/linux.bin" bs=1 seek=16 conv=notrunc status=none
printf 'ARM\144' | dd of="$work/img/linux.bin" bs=1 seek=56 conv=notrunc status=none
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

# The configs for every board (they include "board.dtsi"), on every other board.
for mk in platforms/*.mk; do
    board=$(basename "$mk" .mk)
    [ "$board" = qemu-virt ] && continue
    for cfg in $(grep -l '^/include/ "board.dtsi"' configs/*.dts tests/configs/*.dts); do
        name=$(basename "$cfg" .dts)
        if make --no-print-directory -s PLATFORM="$board" CONFIG="$name" "$BUILD/$board/$name/config.c" \
                > "$work/$board-$name.out" 2>&1; then
            echo "PASS config builds on $board: $cfg"; pass=$((pass + 1))
        else
            echo "FAIL config builds on $board: $cfg"; sed 's/^/    | /' "$work/$board-$name.out"; fail=$((fail + 1))
        fi
    done
done

# What a test config generates: "has"/"lacks" a line (grep -F) in a file
# of $BUILD/<config>/ (a .dtb as dtc prints it).
generated() {
    local want=$1 name=$2 file=$3 text=$4 path=$BUILD/$2/$3 out
    if [ "${file%.dtb}" != "$file" ]; then out=$(dtc -q -I dtb -O dts "$path" 2>&1); else out=$(cat "$path" 2>&1); fi
    if { [ "$want" = has ] && grep -qF -- "$text" <<< "$out"; } ||
       { [ "$want" = lacks ] && ! grep -qF -- "$text" <<< "$out"; }; then
        echo "PASS $name/$file $want '$text'"; pass=$((pass + 1))
    else
        echo "FAIL $name/$file $want '$text'"; fail=$((fail + 1))
    fi
}

# virtio-pci: app's disk is function 0 of slot 1 on app's virtual ECAM, BAR0
# at the 32-bit PCI MMIO window's base, its MSI-X through app's ITS; no
# virtio-mmio node; storage's backend node as for virtio-mmio.
if make --no-print-directory -s CONFIG=virtio-pci "$BUILD/virtio-pci/config.c" > "$work/virtio-pci.out" 2>&1; then
    echo "PASS config builds: tests/configs/virtio-pci.dts"; pass=$((pass + 1))
    while IFS='|' read -r want file text; do generated "$want" virtio-pci "$file" "$text"; done <<'EOF'
has|app.dtb|pcie@3f000000 {
has|app.dtb|compatible = "pci-host-ecam-generic";
has|app.dtb|reg = <0x00 0x3f000000 0x00 0x100000>;
has|app.dtb|bus-range = <0x00 0x00>;
has|app.dtb|ranges = <0x2000000 0x00 0x10000000 0x00 0x10000000 0x00 0x4000>;
has|app.dtb|msi-map = <0x00 0x04 0x00 0x10000>;
has|app.dtb|linux,pci-probe-only = <0x01>;
lacks|app.dtb|interrupt-map
lacks|app.dtb|virtio,mmio
has|storage.dtb|compatible = "tofu,virtio-backend";
lacks|storage.dtb|pcie@
has|config.c|.transport = 1, .mmio_ipa = 0x10000000ull, .intid = 0,
has|config.c|.pci_slot = 1, .ecam_ipa = 0x3f000000ull,
EOF
else
    echo "FAIL config builds: tests/configs/virtio-pci.dts"; sed 's/^/    | /' "$work/virtio-pci.out"; fail=$((fail + 1))
fi

for cfg in tests/config/bad/*.dts; do
    want=$(sed -n '1s|^/\* expect: \(.*\) \*/$|\1|p' "$cfg")
    want=${want//@BUILD@/$BUILD}
    if [ -z "$want" ]; then echo "FAIL $cfg: no 'expect:' line"; fail=$((fail + 1)); continue; fi
    base=$(basename "$cfg" .dts)
    out=$work/$base.err
    mode=(-o "$work/$base")
    end=$(sed -n '2s|^/\* image-end: \(0x[0-9a-fA-F]*\) \*/$|\1|p' "$cfg")
    if [ -n "$end" ]; then
        "${CROSS}as" -o "$work/$base.o" /dev/null &&
        "${CROSS}ld" -o "$work/$base.elf" "$work/$base.o" -e 0 \
            --defsym=__image_start=$IMAGE_BASE --defsym=__image_end="$end" || exit 1
        mode=(-e "$work/$base.elf")
    fi
    if dtc -q -i platforms/qemu-virt -i . -I dts -O dtb -o "$work/$base.dtb" "$cfg" 2> "$out" &&
       "$tool" -c "$work/$base.dtb" -n "$cfg" "${mode[@]}" -L "$work/img" 2>> "$out"; then
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
