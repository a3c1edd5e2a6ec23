/* SPDX-License-Identifier: MIT */
/*
 * Failure policy.
 *
 * panic() is for broken hypervisor invariants only: a corrupt table the
 * config tool produced, an exception taken at EL2, an impossible state.  It
 * prints and stops every CPU.
 *
 * Anything a guest can cause -- a bad hypercall argument, an access to what
 * is not its own, an instruction we do not emulate -- must never reach
 * panic(): it returns an ABI error, injects an exception into that guest
 * (with a log line naming VM, vCPU and syndrome), or stops that VM alone
 * through vm_fatal().
 */
#ifndef CORE_PANIC_H
#define CORE_PANIC_H

void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* Power the machine off after saying why (`why`, a line), the console's
 * rings sent first: every machine-wide power-off goes through here. */
void hyp_power_off(const char *why) __attribute__((noreturn));
#define BUG_ON(c) do { if (__builtin_expect(!!(c), 0)) panic("BUG at %s:%d: %s", __FILE__, __LINE__, #c); } while (0)

#endif
