# The Xilinx ZCU102 (QEMU -M xlnx-zcu102,virtualization=on): a GIC-400, the
# Cadence UART, no IOMMU driver (platforms/qemu-virt.mk says what each
# variable is).
IOMMU        := none
UART         := cdns
GIC_VERSION  := 2
BOARD_CONFIG := default
QEMU_CPU     ?= cortex-a53
# QEMU loads the ELF where it is linked and starts it at EL2, with no device
# tree; the model's sound needs a backend (none).
QEMU_BOARD         := $(BOARD)
QEMU_MACHINE_BOARD := xlnx-zcu102,virtualization=on,audiodev=snd0
QEMU_GIC_BOARD     :=
QEMU_KERNEL_BOARD  := tofu.elf
QEMU_CPU_BOARD     := cortex-a53
QEMU_DTB_BOARD     := 0
QEMU_ARGS_BOARD    := -audiodev none,id=snd0
BOARD_QEMU_VARS    := QEMU_BOARD QEMU_MACHINE_BOARD QEMU_GIC_BOARD QEMU_KERNEL_BOARD QEMU_CPU_BOARD \
                      QEMU_DTB_BOARD QEMU_ARGS_BOARD
