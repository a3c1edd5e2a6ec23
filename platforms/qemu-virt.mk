# QEMU virt, as tofu runs it (-M virt,virtualization=on,iommu=smmuv3): the
# drivers chosen by file for the board.  IOMMU: smmuv3 or none
# (src/drivers/smmu/<IOMMU>*.c); UART: the console's driver
# (src/drivers/uart/<UART>.c); GIC_VERSION: 2 or 3 (the Makefile).
IOMMU        := smmuv3
UART         := pl011
GIC_VERSION  := 3
# What make run boots.
BOARD_CONFIG := default
QEMU_CPU     ?= cortex-a57
# How scripts/run-qemu.sh starts the board (appended to the config's
# qemu.env): the machine, its GIC version (QEMU_GIC overrides it), and
# what -kernel loads.
QEMU_BOARD         := $(BOARD)
QEMU_MACHINE_BOARD := virt,virtualization=on,iommu=smmuv3
QEMU_GIC_BOARD     := 3
QEMU_KERNEL_BOARD  := tofu.bin
BOARD_QEMU_VARS    := QEMU_BOARD QEMU_MACHINE_BOARD QEMU_GIC_BOARD QEMU_KERNEL_BOARD
