# The Raspberry Pi 4B (QEMU -M raspi4b): a GIC-400, the PL011, no IOMMU
# (platforms/qemu-virt.mk says what each variable is).
IOMMU        := none
UART         := pl011
GIC_VERSION  := 2
BOARD_CONFIG := default
QEMU_CPU     ?= cortex-a72
# QEMU's model fixes the CPUs (4) and the RAM (2 GiB); it starts a raw
# image at EL3 on every CPU, with no device tree.
QEMU_BOARD         := $(BOARD)
QEMU_MACHINE_BOARD := raspi4b
QEMU_GIC_BOARD     :=
QEMU_KERNEL_BOARD  := tofu.bin
QEMU_CPU_BOARD     := cortex-a72
QEMU_SMP_BOARD     := 4
QEMU_MEM_MB_BOARD  := 2048
QEMU_DTB_BOARD     := 0
BOARD_QEMU_VARS    := QEMU_BOARD QEMU_MACHINE_BOARD QEMU_GIC_BOARD QEMU_KERNEL_BOARD QEMU_CPU_BOARD QEMU_SMP_BOARD \
                      QEMU_MEM_MB_BOARD QEMU_DTB_BOARD
