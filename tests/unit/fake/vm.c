/* SPDX-License-Identifier: MIT */
/* VM services of src/core/vm.c (include/core/vm.h). */
#include <stdarg.h>
#include <stdio.h>
#include "fake.h"

unsigned fake_stop_count;
struct vm *fake_stop_vm;
enum vm_stop_reason fake_stop_why;
bool fake_stop_restart;
unsigned fake_log_count;
char fake_last_log[256];
char fake_fail_reason[256];
int fake_reset_warm = -1;

uint64_t fake_page_ipa;                 /* the last vm_reg_page_map */
const void *fake_page;

int vm_reg_page_map(struct vm *vm, uint64_t ipa, const void *page)
{
    (void)vm;
    fake_page_ipa = ipa;
    fake_page = page;
    return E_OK;
}

void vm_shadow_publish(const void *p, uint64_t len)
{
    (void)p;
    (void)len;
}

void fake_vm_reset(void)
{
    fake_page_ipa = 0;
    fake_page = NULL;
    fake_stop_count = 0;
    fake_stop_vm = NULL;
    fake_stop_why = VM_STOP_NONE;
    fake_stop_restart = false;
    fake_log_count = 0;
    fake_last_log[0] = '\0';
    fake_fail_reason[0] = '\0';
    fake_reset_warm = -1;
}

void vm_failed(struct vm *vm, enum vm_stop_reason why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fake_fail_reason, sizeof(fake_fail_reason), fmt, ap);
    va_end(ap);
    vm_request_stop(vm, why, false);
}

/* As a hang with no panic printed. */
void vm_hung(struct vm *vm, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fake_fail_reason, sizeof(fake_fail_reason), fmt, ap);
    va_end(ap);
    vm_request_stop(vm, VM_STOP_WATCHDOG, false);
}

/* Records `warm`; stops as a plain reset would (the panic decision is vm.c's). */
void vm_guest_reset(struct vcpu *v, bool warm)
{
    fake_reset_warm = warm;
    vm_request_stop(v->vm, VM_STOP_RESET, true);
}

void vm_request_stop(struct vm *vm, enum vm_stop_reason why, bool restart)
{
    fake_stop_count++;
    fake_stop_vm = vm;
    fake_stop_why = why;
    fake_stop_restart = restart;
}

void vm_log(struct vcpu *v, enum vm_log_kind kind, const char *fmt, ...)
{
    va_list ap;
    (void)v;
    (void)kind;
    va_start(ap, fmt);
    vsnprintf(fake_last_log, sizeof(fake_last_log), fmt, ap);
    va_end(ap);
    fake_log_count++;
}

