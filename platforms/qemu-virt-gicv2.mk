# QEMU virt with a GICv2 (-M virt,gic-version=2: a GIC-400-like GIC with the
# virtualization extensions, no ITS): `make GIC=2`.  Everything else is
# qemu-virt's.
include platforms/qemu-virt.mk
GIC_VERSION    := 2
QEMU_GIC_BOARD := 2
