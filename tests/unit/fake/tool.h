/* SPDX-License-Identifier: MIT */
/*
 * For the config tool's unit tests: refuse() and die() return to the test
 * (through a longjmp) with the message kept, instead of exiting.
 */
#ifndef FAKE_TOOL_H
#define FAKE_TOOL_H
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include "unit.h"
#include "tofu_config.h"

extern jmp_buf tool_refused;
extern char tool_message[1024];

/* The board of the tests (tool_sys_init() describes it in `plat`): QEMU
 * virt's addresses, as platforms/qemu-virt.dtsi has them. */
#define TEST_RAM_BASE     UINT64_C(0x40000000)
#define TEST_IMAGE_BASE   UINT64_C(0x40200000)
#define TEST_MIN_PA_BITS  40u
#define TEST_GICD_BASE    UINT64_C(0x08000000)
#define TEST_GICD_SIZE    UINT64_C(0x10000)
#define TEST_GICR_BASE    UINT64_C(0x080a0000)
#define TEST_GICR_SIZE    UINT64_C(0x00f60000)
#define TEST_ITS_BASE     UINT64_C(0x08080000)
#define TEST_UART_BASE    UINT64_C(0x09000000)
#define TEST_UART_SPI     1u
#define TEST_SMMU_BASE    UINT64_C(0x09050000)
#define TEST_SMMU_SIZE    UINT64_C(0x20000)
#define TEST_SMMU_SPIS    74u          /* 74-77: eventq, priq, cmdq-sync, gerror */
#define TEST_ECAM_BASE    UINT64_C(0x4010000000)
#define TEST_PCI_MMIO     UINT64_C(0x10000000)
#define TEST_PCI_MMIO_SIZE UINT64_C(0x2eff0000)
#define TEST_PCI_INTX_SPI 3u
#define TEST_PCI_STREAMS  256u
#define MiB(n)        ((uint64_t)(n) << 20)

/* A model as parse_config() leaves it: the test board, 4 CPUs, `ram_size`
 * of RAM at TEST_RAM_BASE, no VM yet. */
void tool_sys_init(struct sys *s, uint64_t ram_size);
/* Another RAM bank of the system (its config's memory), after the others. */
void tool_sys_add_bank(struct sys *s, uint64_t base, uint64_t size);
/* A VM with one vCPU on `cpu`, `ram_size` of RAM, a 4 KiB flat kernel. */
struct vm *tool_add_vm(struct sys *s, const char *name, unsigned cpu, uint64_t ram_size);
/* A device at [pa, pa+size) with SPI `spi` (none when negative); `node`
 * stands for its offset in the config's FDT. */
void tool_add_device(struct vm *vm, const char *path, int node, uint64_t pa, uint64_t size, int spi);
/* `a` and `b` on one channel. */
void tool_connect(struct sys *s, struct vm *a, struct vm *b);

/* `call` must refuse, with `text` in its message ("<node>: <problem>"). */
#define EXPECT_REFUSED(call, text) do { \
        if (!setjmp(tool_refused)) { \
            call; \
            fail_msg("accepted: %s", #call); \
        } \
        if (!strstr(tool_message, (text))) \
            fail_msg("refused with \"%s\", not \"%s\"", tool_message, (text)); \
    } while (0)

/* `call` must not refuse. */
#define EXPECT_ACCEPTED(call) do { \
        if (setjmp(tool_refused)) \
            fail_msg("refused: %s", tool_message); \
        call; \
    } while (0)

#endif
