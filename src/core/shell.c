/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor shell, on the console after Ctrl-T 0.  Commands:
 *   list                  VMs: state, vCPUs and their CPUs, exits by reason
 *   stop <vm>             stop a VM (name or VM-ID)
 *   start <vm>            start a stopped VM from a clean image
 *   restart <vm>          stop, then start from a clean image
 *   mem                   free memory; per VM its RAM, stage-2 tables, shares
 *   log <vm>              the last of what a VM printed
 *   help
 */
#include "core/console.h"
#include "core/printf.h"
#include "core/lib.h"
#include "core/vm.h"
#include "core/mem.h"
#include "arch/regs.h"
#include "arch/cpu.h"

#define SHELL_LINE_MAX 64
#define CHAR_BACKSPACE 0x08
#define CHAR_DELETE    0x7f

static char line[SHELL_LINE_MAX];
static unsigned len;

void shell_prompt(void)
{
    console_prompt("tofu> ", line, &len);
}

/* Exits by reason, summed over the VM's vCPUs. */
static void list_vm(const struct vm *vm)
{
    uint64_t e[EC_COUNT] = { 0 }, irq = 0, total;
    char cpus[3 * VM_MAX_VCPUS + 1];
    unsigned n = 0;

    for (unsigned i = 0; i < vm->nr_vcpus; i++) {
        for (unsigned ec = 0; ec < EC_COUNT; ec++)
            e[ec] += vm->vcpus[i].exits[ec];
        irq += vm->vcpus[i].irq_exits;
        n += (unsigned)snprintf(cpus + n, sizeof(cpus) - n, "%s%u", i ? "," : "", vm->vcpus[i].pcpu);
    }
    total = irq;
    for (unsigned ec = 0; ec < EC_COUNT; ec++)
        total += e[ec];
    uint64_t up = vm->state == VM_RUNNING ? (arch_counter() - vm->started_at) / arch_counter_freq() : 0;
    printf("%-3u %-15s %-8s %-5u %-8s %10lu %9lu %9lu %9lu %9lu %9lu %8u %8lu  %s\n", vm->id,
           vm->cfg->name, vm_state_name(vm->state), vm->nr_vcpus, cpus, total, e[EC_WFX],
           e[EC_HVC64] + e[EC_SMC64], e[EC_SYSREG], e[EC_DABT_LOW], irq, vm->restarts, up,
           vm_stop_reason_name(vm));
}

static void cmd_list(void)
{
    printf("%-3s %-15s %-8s %-5s %-8s %10s %9s %9s %9s %9s %9s %8s %8s  %s\n", "ID", "NAME", "STATE",
           "VCPUS", "CPUS", "EXITS", "WFI", "HVC/SMC", "SYSREG", "MMIO", "IRQ", "RESTARTS", "UPTIME s",
           "LAST STOP");
    for (unsigned i = 0; i < nr_vms; i++)
        list_vm(&vms[i]);
}

/* What the hypervisor's memory holds: what is free, and per VM. */
static void cmd_mem(void)
{
    printf("free: %lu KiB\n", (hyp_mem.free_pages * PAGE_SIZE) >> 10);
    printf("%-3s %-15s %10s %10s %12s %9s\n", "ID", "NAME", "RAM KiB", "S2 TABLES",
           "SHARE POOL", "MAPPINGS");
    for (unsigned i = 0; i < nr_vms; i++) {
        struct vm *vm = &vms[i];
        if (vm->state == VM_ABSENT)
            continue;
        printf("%-3u %-15s %10lu %10lu %6u of %-3u %9u\n", vm->id, vm->cfg->name,
               vm->cfg->ram_size >> 10, pt_count_tables(&vm->s2),
               vm_share_tables_used(vm), vm->s2_pool ? VM_SHARE_TABLES : 0,
               ipc_mappings_of(vm));
    }
}

static void execute(char *cmd)
{
    char *arg = cmd;
    while (*arg && *arg != ' ')
        arg++;
    if (*arg)
        *arg++ = '\0';
    while (*arg == ' ')
        arg++;

    if (!*cmd)
        return;
    if (!strcmp(cmd, "help")) {
        printf("commands: list | mem | log <vm> | stop <vm> | start <vm> | restart <vm>   (<vm>: name or VM-ID)\n");
        printf("console: Ctrl-T then 0 = this shell, 1..%u = VM, n = next\n", nr_vms);
        return;
    }
    if (!strcmp(cmd, "list")) {
        cmd_list();
        return;
    }
    if (!strcmp(cmd, "mem")) {
        cmd_mem();
        return;
    }
    bool stop = !strcmp(cmd, "stop"), start = !strcmp(cmd, "start"), restart = !strcmp(cmd, "restart");
    bool log = !strcmp(cmd, "log");
    if (!stop && !start && !restart && !log) {
        printf("unknown command '%s' (try 'help')\n", cmd);
        return;
    }
    struct vm *vm = vm_by_name_or_id(arg);
    if (!vm) {
        printf("no VM '%s'\n", arg);
        return;
    }
    if (log) {
        console_print_log(vm);
    } else if (start) {
        if (vm->state != VM_STOPPED && vm->state != VM_FAILED)
            printf("vm %s is %s\n", vm->cfg->name, vm_state_name(vm->state));
        else
            vm_start_async(vm);
    } else if (vm->state == VM_RUNNING) {
        vm_request_stop(vm, VM_STOP_CONSOLE, restart);
    } else if (restart && (vm->state == VM_STOPPED || vm->state == VM_FAILED)) {
        vm_start_async(vm);
    } else {
        printf("vm %s is %s\n", vm->cfg->name, vm_state_name(vm->state));
    }
}

void shell_input(char c)
{
    if (c == '\r' || c == '\n') {
        console_echo("\n");
        line[len] = '\0';
        execute(line);
        len = 0;
        shell_prompt();
    } else if (c == CHAR_BACKSPACE || c == CHAR_DELETE) {
        if (len) {
            len--;
            console_echo("\b");
        }
    } else if (c >= ' ' && len + 1 < SHELL_LINE_MAX) {
        line[len++] = c;
        console_echo((char[]){ c, '\0' });
    }
}
