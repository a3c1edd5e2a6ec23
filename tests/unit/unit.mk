# Host unit tests: the hypervisor's pure logic, compiled natively from its own
# sources with a fake arch (tests/unit/fake), run under cmocka.
#   make -f tests/unit/unit.mk BUILD=build run-unit     (from the repo root)
# Each test binary links the hypervisor files it tests and the fakes of what
# those call, nothing else: the lists below are the dependency surface.
# SANITIZE=0 turns AddressSanitizer/UBSan off (they are on when they work);
# V=1 shows the commands.

BUILD     ?= build
CC_UNIT   ?= gcc
SANITIZE  ?= auto

SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ifeq ($(SANITIZE),auto)
# On only if a sanitized program builds and runs here.
SANITIZE := $(shell d=$$(mktemp -d) && echo 'int main(void){return 0;}' >$$d/p.c && \
              $(CC_UNIT) $(SAN_FLAGS) -o $$d/p $$d/p.c >/dev/null 2>&1 && $$d/p >/dev/null 2>&1 && \
              echo 1 || echo 0; rm -rf $$d)
endif
# Objects built without the sanitizers live apart: they do not link together.
ifeq ($(SANITIZE),1)
UNIT      := $(BUILD)/unit
else
SAN_FLAGS :=
UNIT      := $(BUILD)/unit/nosan
endif
ifeq ($(V),1)
Q :=
else
Q := @
endif

# fake/ first: its arch/sysreg.h stands in for include/arch/sysreg.h.
#: core/lib.h declares strstr returning const char *,
# which GCC's built-in (C's char *) would reject as a mismatch.
UNIT_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wshadow -Wvla -Wmissing-prototypes \
               -Itests/unit/fake -Iinclude -Itools/config -MMD -MP $(SAN_FLAGS)
# The bare-metal runtime's headers (rt/...), for test_virtq, after the hypervisor's.
UNIT_CFLAGS += -idirafter guests/baremetal/rt/include
UNIT_LDLIBS := -lcmocka

F := tests/unit/fake
test_mmio_decode_SRCS  := src/core/mmio.c
test_pt_SRCS           := src/arch/arm64/mm/pt.c
test_palloc_SRCS       := src/core/palloc.c
test_vgic_lr_SRCS      := src/core/vgic.c src/vdev/vgic_irqregs.c $(F)/vgic_hw.c $(F)/vcpu.c $(F)/vm.c src/core/vm_lookup.c
# Built for a GICv2 (V2_TESTS, below): the same model with its GICv2 distributor.
test_vgic_v2_SRCS      := $(test_vgic_lr_SRCS) src/vdev/vgic_dist_v2.c
test_psci_SRCS         := src/core/psci.c src/core/smccc.c $(F)/vcpu.c $(F)/vm.c src/core/vm_lookup.c $(F)/spinlock.c \
                          $(F)/ipc.c src/core/wdog.c src/vdev/vsp805.c $(F)/timer.c src/core/steal.c
test_wdog_SRCS         := src/core/wdog.c src/vdev/vsp805.c $(F)/vm.c $(F)/spinlock.c $(F)/timer.c
test_sysreg_table_SRCS := src/arch/arm64/trap/sysreg.c $(F)/sysreg.c $(F)/vm.c $(F)/vcpu.c src/core/vm_lookup.c \
                          src/core/ptimer.c $(F)/timer.c
test_ptimer_SRCS       := src/core/ptimer.c $(F)/timer.c
test_fdt_SRCS          := src/core/fdt.c
test_ipc_SRCS          := src/core/ipc_queue.c src/core/share.c
test_ring_SRCS         :=
test_ratelimit_SRCS    := src/core/ratelimit.c
test_smmuv3_SRCS       := src/drivers/smmu/smmuv3_enc.c
test_gicv3_topo_SRCS   := src/drivers/gicv3_topo.c
test_vpci_SRCS         := src/vdev/vpci.c $(F)/pci.c $(F)/vm.c $(F)/spinlock.c
test_virtio_regs_SRCS  := src/core/virtio_regs.c
test_virtio_pci_SRCS   := src/core/virtio_pci.c src/core/virtio_regs.c
test_vits_SRCS         := src/core/vits.c
# The bare-metal backend's virtqueues and virtio-blk: pure C, built here too.
test_virtq_SRCS        := guests/baremetal/rt/virtq.c guests/baremetal/rt/virtio_blk.c guests/baremetal/rt/virtio_msg.c
test_console_SRCS      := src/core/console.c src/core/format.c $(F)/console.c $(F)/timer.c $(F)/spinlock.c
test_console_LDLIBS    := -lpthread
test_fdt_LDLIBS        := -lfdt
test_config_check_LDLIBS := -lfdt
test_config_layout_LDLIBS := -lfdt
# The config tool's check and layout, with the hypervisor code its layout runs.
TOOL_LAYOUT            := tools/config/layout.c tools/config/virtio.c tools/config/parse.c tools/config/platform.c tools/config/guestdt.c $(F)/tool.c src/core/palloc.c src/arch/arm64/mm/pt.c \
                          src/core/vm_layout.c
test_config_check_SRCS := tools/config/check.c $(TOOL_LAYOUT)
test_config_layout_SRCS := tools/config/elf.c $(TOOL_LAYOUT)

TESTS     := test_mmio_decode test_pt test_palloc test_vgic_lr test_psci test_sysreg_table test_fdt test_ipc \
             test_ptimer test_ring test_ratelimit test_smmuv3 test_console test_config_check test_config_layout \
             test_wdog test_vpci test_virtio_regs test_virtio_pci test_vits test_virtq test_gicv3_topo
# The tests of GICv2 code: every file they link compiled again, with
# GIC_VERSION=2, in a second object tree (obj-v2); the others' see 3.
V2_TESTS  := test_vgic_v2
TEST_BINS := $(addprefix $(UNIT)/,$(TESTS) $(V2_TESTS))
objs_of    = $(foreach t,$(1),$(UNIT)/$(2)/tests/unit/$(t).o $(patsubst %.c,$(UNIT)/$(2)/%.o,$($(t)_SRCS)))
ALL_OBJS  := $(sort $(call objs_of,$(TESTS),obj) $(call objs_of,$(V2_TESTS),obj-v2))

.PHONY: all run-unit
all: $(TEST_BINS)

$(UNIT)/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $<"
	$(Q)$(CC_UNIT) $(UNIT_CFLAGS) -c -o $@ $<

$(UNIT)/obj-v2/%.o: %.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $< (GICv2)"
	$(Q)$(CC_UNIT) $(UNIT_CFLAGS) -DGIC_VERSION=2 -c -o $@ $<

# The hypervisor's own printf and snprintf, not C's built-ins.
$(UNIT)/obj/src/core/console.o $(UNIT)/obj/src/core/format.o $(UNIT)/obj/tests/unit/test_console.o: \
    UNIT_CFLAGS += -fno-builtin

# One link rule per test: its own object, then its _SRCS' objects, from
# object tree $(2).
define unit_test_rule
$(UNIT)/$(1): $(call objs_of,$(1),$(2))
	@echo "  HOSTLD  $$@"
	$$(Q)$$(CC_UNIT) $$(SAN_FLAGS) -o $$@ $$^ $$($(1)_LDLIBS) $$(UNIT_LDLIBS)
endef
$(foreach t,$(TESTS),$(eval $(call unit_test_rule,$(t),obj)))
$(foreach t,$(V2_TESTS),$(eval $(call unit_test_rule,$(t),obj-v2)))

# Run every binary (its output in $(UNIT)/<test>.log), one line each; after
# all of them, fail if any failed, showing its log.  A binary that runs for
# more than UNIT_TIMEOUT seconds fails.  Tests marked KNOWN_BUG() (a bug in
# src/ not fixed yet) are skipped and counted unless KNOWN_BUGS=1.
KNOWN_BUGS   ?= 0
UNIT_TIMEOUT ?= 120
run-unit: $(TEST_BINS)
	@[ "$(SANITIZE)" = 1 ] && echo "unit: with AddressSanitizer and UBSan" || echo "unit: sanitizers off"
	@fail=0; total=0; skipped=0; for t in $(TEST_BINS); do \
	    name=$${t##*/}; \
	    if UNIT_KNOWN_BUGS=$(KNOWN_BUGS) UBSAN_OPTIONS=print_stacktrace=1 \
	        timeout $(UNIT_TIMEOUT) $$t >$$t.log 2>&1; \
	    then rc=0; else rc=$$?; fi; \
	    run=$$(sed -n 's/^\[=*\] \([0-9]*\) test(s) run\..*/\1/p' $$t.log); \
	    nfail=$$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below:.*/\1/p' $$t.log); \
	    nskip=$$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test(s), listed below:.*/\1/p' $$t.log); \
	    total=$$((total + $${run:-0})); skipped=$$((skipped + $${nskip:-0})); \
	    if [ $$rc -eq 0 ]; then \
	        printf 'PASS  %-18s %3s tests%s\n' $$name "$${run:-?}" \
	            "$${nskip:+, $$nskip skipped (known bugs)}"; \
	    else \
	        fail=$$((fail + 1)); \
	        printf 'FAIL  %-18s %3s tests, %s failed, exit %s\n' $$name "$${run:-?}" \
	            "$${nfail:-?}" $$rc; \
	        sed 's/^/    /' $$t.log; \
	    fi; \
	done; \
	echo "unit: $$total tests in $(words $(TEST_BINS)) binaries, $$skipped skipped, $$fail binaries failed"; \
	[ $$fail -eq 0 ]

-include $(ALL_OBJS:.o=.d)
