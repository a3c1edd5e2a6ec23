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

#define TEST_RAM_BASE UINT64_C(0x40000000)
#define MiB(n)        ((uint64_t)(n) << 20)

/* A model as parse_config() leaves it: 4 CPUs, `ram_size` of RAM at
 * TEST_RAM_BASE, no VM yet. */
void tool_sys_init(struct sys *s, uint64_t ram_size);
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
