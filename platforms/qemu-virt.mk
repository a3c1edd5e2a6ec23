# QEMU virt, as tofu runs it (-M virt,virtualization=on,iommu=smmuv3): the
# drivers chosen by file for the board.  IOMMU: smmuv3 or none
# (src/drivers/smmu/<IOMMU>*.c).
IOMMU := smmuv3
