# tofu: a Type-1 hypervisor for ARMv8-A.
#   make run  [CONFIG=<name>] [BOOT=uboot] [PLATFORM=<board>] [GIC=2]
#                               set up, build, boot configs/<name>.dts (default: the board's);
#                               BOOT=uboot: through Debian's U-Boot and booti, as a board boots;
#                               PLATFORM: qemu-virt (default), rpi4b, zcu102 (platforms/<board>.mk);
#                               GIC=2: qemu-virt with a GICv2 (the board qemu-virt-gicv2)
#   make test                   set up, build, run every test
#   make board-tests            boot the demo on each other board (tests/boards.sh)
#   make soak                   long runs: 10,000 VM restarts, 100 Linux crashes, a million hostile operations
#   make [CONFIG=<name>]        build build/<name>/tofu.bin (another board's: build/<board>/<name>/)
# Set-up (scripts/setup.sh) installs Debian packages and downloads the guest
# kernel, busybox and U-Boot into .cache/ when they are missing.

CROSS       ?= aarch64-linux-gnu-
CC_HOST     ?= gcc
BUILD       := build
CACHE       := .cache
BOOT        ?= kernel
# GIC=4: boot QEMU with a GICv4.0 (gic-version=4) for make run and the QEMU
# tests that take the default machine (scripts/run-qemu.sh's QEMU_GIC).
# GIC=2: the board qemu-virt-gicv2 (QEMU virt with gic-version=2).
ifdef GIC
export QEMU_GIC := $(GIC)
endif

# The board (platforms/<BOARD>.mk, platforms/<BOARD>.dtsi, docs/porting.md).
# The default board's outputs are where they always were (build/hyp,
# build/<config>/); another board's hypervisor objects and configs go under
# build/<board>/, beside links to the shared host tool, guests and Linux.
PLATFORM    ?= qemu-virt
BOARD       := $(if $(filter qemu-virt,$(PLATFORM)),$(if $(filter 2,$(GIC)),qemu-virt-gicv2,qemu-virt),$(PLATFORM))
ifeq ($(wildcard platforms/$(BOARD).mk),)
$(error PLATFORM=$(PLATFORM): no platforms/$(BOARD).mk (boards: $(basename $(notdir $(wildcard platforms/*.mk)))))
endif
OUT         := $(if $(filter qemu-virt,$(BOARD)),$(BUILD),$(BUILD)/$(BOARD))
BOARD_LINKS := $(if $(filter $(BUILD),$(OUT)),,$(addprefix $(OUT)/,host guests linux))

ifeq ($(V),1)
Q :=
else
Q := @
endif

HYP_CFLAGS  := -std=gnu11 -ffreestanding -nostdlib -fno-builtin -fno-pic -fno-pie \
               -fno-stack-protector -mgeneral-regs-only -mstrict-align -mno-outline-atomics \
               -march=armv8-a -O2 -fomit-frame-pointer -g -Wall -Wextra -Werror -Wshadow -Wvla -Wmissing-prototypes \
               -Iinclude -MMD -MP
HOST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow -Iinclude

# The board: its IOMMU driver is chosen by file (src/drivers/smmu/$(IOMMU)*.c),
# its console UART's by file (src/drivers/uart/$(UART).c),
# its GIC by version (GIC_VERSION 2 or 3): files named *_v<n>.c or gicv<n>*.c
# are built only for GIC version n, and the code sees GIC_VERSION.
include platforms/$(BOARD).mk
CONFIG      ?= $(BOARD_CONFIG)
CONFIG_DTS  := $(firstword $(wildcard configs/$(CONFIG).dts tests/configs/$(CONFIG).dts) configs/$(CONFIG).dts)
CONFIG_OUT  := $(OUT)/$(CONFIG)
GIC_VERSION ?= 3
GIC_OTHER   := $(if $(filter 2,$(GIC_VERSION)),3,2)
HYP_CFLAGS  += -DGIC_VERSION=$(GIC_VERSION)
HYP_SRCS    := $(filter-out src/drivers/smmu/% src/drivers/uart/% %_v$(GIC_OTHER).c %_v$(GIC_OTHER).S src/drivers/gicv$(GIC_OTHER)%, \
                            $(shell find src -name '*.c' -o -name '*.S' | LC_ALL=C sort)) \
               $(sort $(wildcard src/drivers/smmu/$(IOMMU)*.c)) src/drivers/uart/$(UART).c
HYP_OBJS    := $(patsubst %,$(OUT)/hyp/%.o,$(HYP_SRCS))

.PHONY: all setup run test soak unit config-tests reproducible qemu-tests gicv2-configs gicv2-tests gicv2-suite board-tests configs bench clean distclean hyp guests
all: $(CONFIG_OUT)/tofu.bin

setup:
	@scripts/setup.sh

# ---- host tools ------------------------------------------------------------
# The config tool, with the hypervisor's own page allocator, table builder
# and stage-2 sizing: it runs the boot-time allocation at build time.
TOOL_SRCS := $(wildcard tools/config/*.c) src/core/palloc.c src/arch/arm64/mm/pt.c src/core/vm_layout.c
TOOL_HDRS := $(wildcard tools/config/*.h include/core/*.h include/arch/*.h include/tofu/*.h)
$(BUILD)/host/tofu-config: $(TOOL_SRCS) $(TOOL_HDRS)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(CC_HOST) $(HOST_CFLAGS) -Wvla -Wmissing-prototypes -o $@ $(TOOL_SRCS) -lfdt

# ---- guests ------------------------------------------------------------------
# Debian's kernel modules the guests need: guests/linux/modules lists them.
GUEST_MODULES := $(addprefix $(CACHE)/modules/,$(notdir $(shell sed -e 's/\#.*//' guests/linux/modules)))
$(BUILD)/linux/initramfs.cpio.gz: scripts/mkinitramfs.sh $(wildcard guests/linux/*) $(CACHE)/busybox \
                                  $(BUILD)/linux/driver/tofu_ipc.ko $(BUILD)/linux/driver/tofu-msg \
                                  $(BUILD)/linux/driver/tofu-vdev \
                                  $(BUILD)/linux/driver/cntvct $(BUILD)/linux/driver/diskbench $(GUEST_MODULES)
	@mkdir -p $(@D)
	@echo "  CPIO    $@"
	$(Q)scripts/mkinitramfs.sh $(CACHE)/busybox $@ $(BUILD)/linux/driver $(CACHE)/modules

$(BUILD)/linux/driver/tofu_ipc.ko $(BUILD)/linux/driver/tofu-msg $(BUILD)/linux/driver/tofu-vdev &: \
        scripts/linux-module.sh $(wildcard guests/linux/driver/*) include/tofu/abi.h include/tofu/virtio.h \
        guests/baremetal/rt/virtq.c guests/baremetal/rt/virtio_blk.c guests/baremetal/rt/virtio_msg.c \
        guests/baremetal/rt/include/rt/virtq.h guests/baremetal/rt/include/rt/virtio_blk.h \
        guests/baremetal/rt/include/rt/virtio_msg.h $(CACHE)/Image
	@echo "  MODULE  $(@D)"
	$(Q)scripts/linux-module.sh $(CACHE) $(@D)

$(BUILD)/linux/driver/cntvct $(BUILD)/linux/driver/diskbench: $(BUILD)/linux/driver/%: guests/linux/%.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CROSS)gcc -static -O2 -Wall -Wextra -Werror -o $@ $<

# The same diskbench on the host writes the disk pattern it checks (make bench).
$(BUILD)/host/diskbench: guests/linux/diskbench.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(CC_HOST) $(HOST_CFLAGS) -o $@ $<

$(BUILD)/linux/Image: $(CACHE)/Image
	@mkdir -p $(@D)
	$(Q)ln -sf $(abspath $<) $@

$(CACHE)/Image $(CACHE)/busybox $(GUEST_MODULES):
	@scripts/setup.sh

BM_OUT := $(abspath $(BUILD)/guests/baremetal)
$(BM_OUT)/bmtest.bin: FORCE
	@$(MAKE) --no-print-directory -s -C guests/baremetal O=$(BM_OUT) CROSS_COMPILE=$(CROSS)

guests: $(BUILD)/linux/initramfs.cpio.gz $(BUILD)/linux/Image $(BM_OUT)/bmtest.bin

# ---- config ------------------------------------------------------------------
$(CONFIG_OUT)/config.dtb: $(CONFIG_DTS)
	@mkdir -p $(@D)
	@echo "  DTC     $@"
	$(Q)dtc -q -i $(CURDIR)/platforms/$(BOARD) -i $(CURDIR) -d $@.d -I dts -O dtb -o $@ $<
# What the config includes (the platform's .dtsi, another config).  A config
# for every board includes "board.dtsi", the selected board's
# (platforms/<board>/board.dtsi, found through dtc's -i).
-include $(CONFIG_OUT)/config.dtb.d

IMAGE_PATH := -L $(BUILD)/linux -L $(BM_OUT) -L $(CACHE)
$(CONFIG_OUT)/config.c: $(CONFIG_OUT)/config.dtb $(BUILD)/host/tofu-config guests platforms/$(BOARD).mk | $(BOARD_LINKS)
	@echo "  CONFIG  $(CONFIG_DTS)"
	$(Q)$(BUILD)/host/tofu-config -c $< -n $(CONFIG_DTS) -o $(CONFIG_OUT) $(IMAGE_PATH)
	$(Q)printf '%s\n' $(foreach v,$(BOARD_QEMU_VARS),"$(v)='$($(v))'") >> $(CONFIG_OUT)/qemu.env
$(CONFIG_OUT)/images.S $(CONFIG_OUT)/qemu.env $(CONFIG_OUT)/platform.ld: $(CONFIG_OUT)/config.c

# Another board's build folder: the shared host tool, guests and Linux, linked
# (the tests read $BUILD/guests/..., $BUILD/linux/...).
$(BOARD_LINKS):
	@mkdir -p $(@D)
	$(Q)ln -sfn ../$(@F) $@

# ---- hypervisor ----------------------------------------------------------------
$(OUT)/hyp/%.c.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CROSS)gcc $(HYP_CFLAGS) -c -o $@ $<

$(OUT)/hyp/%.S.o: %.S
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CROSS)gcc $(HYP_CFLAGS) -Isrc/arch/arm64 -c -o $@ $<

$(CONFIG_OUT)/config.o: $(CONFIG_OUT)/config.c
	@echo "  CC      $<"
	$(Q)$(CROSS)gcc $(HYP_CFLAGS) -c -o $@ $<

$(CONFIG_OUT)/images.o: $(CONFIG_OUT)/images.S $(CONFIG_OUT)/config.c
	@echo "  AS      $<"
	$(Q)$(CROSS)gcc $(HYP_CFLAGS) -c -o $@ $<

$(CONFIG_OUT)/tofu.elf: $(HYP_OBJS) $(CONFIG_OUT)/config.o $(CONFIG_OUT)/images.o src/arch/arm64/tofu.ld
	@echo "  LD      $@"
	$(Q)$(CROSS)ld -nostdlib -L $(CONFIG_OUT) -T src/arch/arm64/tofu.ld -o $@ $(HYP_OBJS) $(CONFIG_OUT)/config.o $(CONFIG_OUT)/images.o

# The config again, against the image as linked: what the page allocator
# reserves at boot is known only now.
$(CONFIG_OUT)/tofu.bin: $(CONFIG_OUT)/tofu.elf $(BUILD)/host/tofu-config
	@echo "  CHECK   $<"
	$(Q)$(BUILD)/host/tofu-config -c $(CONFIG_OUT)/config.dtb -n $(CONFIG_DTS) -e $< $(IMAGE_PATH)
	@echo "  OBJCOPY $@"
	$(Q)$(CROSS)objcopy -O binary $< $@

hyp: $(HYP_OBJS)

# ---- run and test ----------------------------------------------------------------
run: setup
	@$(MAKE) --no-print-directory $(CONFIG_OUT)/tofu.bin
	QEMU_CPU=$(QEMU_CPU) BOOT=$(BOOT) scripts/run-qemu.sh $(CONFIG_OUT)

test: setup
	@$(MAKE) --no-print-directory unit config-tests reproducible qemu-tests gicv2-tests
	@$(MAKE) --no-print-directory board-tests TEST_BOARDS="rpi4b zcu102"

config-tests: $(BUILD)/host/tofu-config
	tests/config/run.sh $(BUILD)

# The initramfs and what it carries, rebuilt from clean elsewhere: the same bytes.
reproducible: $(BUILD)/linux/initramfs.cpio.gz
	tests/reproducible.sh $(BUILD)

unit:
	@$(MAKE) --no-print-directory -f tests/unit/unit.mk BUILD=$(BUILD) run-unit

# Every config the tests boot: the examples and the test configs; on another
# board, those written for every board (they include "board.dtsi").
ALL_CONFIGS := $(sort $(basename $(notdir $(wildcard configs/*.dts tests/configs/*.dts))))
BOARD_CONFIGS := $(if $(filter qemu-virt,$(BOARD)),$(ALL_CONFIGS), \
                   $(sort $(basename $(notdir $(shell grep -l '^/include/ "board.dtsi"' configs/*.dts tests/configs/*.dts)))))

configs:
	@for c in $(BOARD_CONFIGS); do $(MAKE) --no-print-directory CONFIG=$$c $(OUT)/$$c/tofu.bin || exit 1; done

qemu-tests: configs gicv2-configs
	tests/qemu/run-all.sh $(OUT)

# The suite's board-independent part again on QEMU virt with a GICv2 (the
# board qemu-virt-gicv2, build/qemu-virt-gicv2/): the bare-metal test guest,
# the isolation attacker, the IPC tests and the Linux smoke test; and the
# benchmark guest there, whose *_gicv2 figures t_budget checks.
GICV2_CONFIGS := bmtest isolation ipc-bm ipc-linux linux-smoke bench default
GICV2_TESTS   := bmtest isolation ipc_bm ipc_linux linux_smoke
gicv2-configs:
	@for c in $(GICV2_CONFIGS); do $(MAKE) --no-print-directory PLATFORM=qemu-virt-gicv2 CONFIG=$$c || exit 1; done

# More of the suite on the GICv2 than make test affords (make soak): every
# test that boots through scripts/run-qemu.sh and needs no ITS, on every
# config the tool accepts for the board (those with `its;` it refuses).
GICV2_SUITE := bmtest boot_dtb console_flood demo fuzz health isolation ipc_ linux_console linux_crash \
               linux_smoke quiesce restart virtio_blk virtio_hostile virtio_linux virtio_reset warm_reset \
               watchdog dma_restart pci_withheld
gicv2-suite:
	@for c in $(ALL_CONFIGS); do \
	    out=$$($(MAKE) --no-print-directory PLATFORM=qemu-virt-gicv2 CONFIG=$$c 2>&1) || \
	        echo "$$out" | grep -q "a GICv2, which has no LPIs" || { echo "$$out"; exit 1; }; done
	@rc=0; for t in $(GICV2_SUITE); do tests/qemu/run-all.sh $(BUILD)/qemu-virt-gicv2 $$t || rc=1; done; exit $$rc

gicv2-tests: gicv2-configs
	@rc=0; for t in $(GICV2_TESTS); do tests/qemu/run-all.sh $(BUILD)/qemu-virt-gicv2 $$t || rc=1; done; \
	for l in bmtest-cortex-a57 isolation ipc-bm ipc-linux linux-smoke-cortex-a57-smp2; do \
	    grep -q "online of [0-9]* (MIDR [0-9a-fx]*), GICv2, " $(BUILD)/qemu-virt-gicv2/test-logs/$$l.log || \
	        { echo "FAIL gicv2-tests: $$l did not run on tofu's GICv2"; rc=1; }; \
	done; exit $$rc

# Each other board's demo boots (tests/boards.sh); make test runs rpi4b's
# and zcu102's (qemu-virt-gicv2's tests are gicv2-tests).
TEST_BOARDS := qemu-virt-gicv2 rpi4b zcu102
# On each, also the IPC tests (the bare-metal pair and the Linux one) and
# the RAM banks' (Linux in the board's last bank), which are written for
# every board; the bare-metal test guest, the attacker and the Linux smoke
# test name qemu-virt's devices and CPUs (gicv2-tests).
BOARD_TEST_CONFIGS := default ipc-bm ipc-linux ram-banks
BOARD_QEMU_TESTS   := ipc_ ram_banks
board-tests: setup
	@for b in $(TEST_BOARDS); do for c in $(BOARD_TEST_CONFIGS); do \
	    $(MAKE) --no-print-directory PLATFORM=$$b CONFIG=$$c || exit 1; done; done
	@rc=0; tests/boards.sh $(BUILD) $(TEST_BOARDS) || rc=1; \
	for b in $(TEST_BOARDS); do for t in $(BOARD_QEMU_TESTS); do \
	    tests/qemu/run-all.sh $(BUILD)/$$b $$t || rc=1; done; done; exit $$rc

# Longer runs than make test affords (hours): 10,000 restarts of the rtos VM,
# 100 Linux panics detected and restarted, a million hostile operations with
# a fresh seed; their figures close the output (tests/soak.sh).
# SOAK_RESTARTS=50 SOAK_LINUX_CRASHES=3 for a quick check of the soak.
SOAK_RESTARTS ?= 10000
SOAK_LINUX_CRASHES ?= 100
soak: setup
	@$(MAKE) --no-print-directory configs
	tests/soak.sh $(BUILD) $(SOAK_RESTARTS) $(SOAK_LINUX_CRASHES)
	@$(MAKE) --no-print-directory gicv2-suite

bench: setup
	@$(MAKE) --no-print-directory CONFIG=bench $(BUILD)/bench/tofu.bin
	@$(MAKE) --no-print-directory CONFIG=bench-linux $(BUILD)/bench-linux/tofu.bin
	@$(MAKE) --no-print-directory CONFIG=bench-nvme $(BUILD)/bench-nvme/tofu.bin $(BUILD)/host/diskbench
	@$(MAKE) --no-print-directory CONFIG=bench-nvme-msi $(BUILD)/bench-nvme-msi/tofu.bin
	@for c in bench-smmu bench-its bench-flood bench-flood-quiet bench-ping bench-virtio bench-virtio-pci bench-vnet bench-sched bench-sched-2cpu; do $(MAKE) --no-print-directory CONFIG=$$c $(BUILD)/$$c/tofu.bin || exit 1; done
	@$(MAKE) --no-print-directory PLATFORM=qemu-virt-gicv2 CONFIG=bench
	scripts/bench.sh $(BUILD)

clean:
	rm -rf $(BUILD)

distclean: clean
	rm -rf $(CACHE)

FORCE:

-include $(HYP_OBJS:.o=.d)
