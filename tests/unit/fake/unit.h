/* SPDX-License-Identifier: MIT */
/* What every host unit test and fake includes: cmocka, with the headers it
 * expects before it, and KNOWN_BUG(). */
#ifndef FAKE_UNIT_H
#define FAKE_UNIT_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

/*
 * First statement of a test that shows a bug in src/ not fixed yet: the test
 * is reported as skipped (run-unit counts them) unless the environment has
 * UNIT_KNOWN_BUGS=1 (`make -f tests/unit/unit.mk run-unit KNOWN_BUGS=1`).
 * Remove the line together with the fix.
 */
#define KNOWN_BUG(why) do { \
        const char *kb_env_ = getenv("UNIT_KNOWN_BUGS"); \
        if (!kb_env_ || kb_env_[0] != '1') { \
            print_message("[ KNOWN BUG] %s\n", why); \
            skip(); \
        } \
    } while (0)

#endif
