#!/usr/bin/env bash
# IPC between bare-metal VMs: ipctest checks every call against the RTOS demo
# (messages both ways with doorbells, a full queue, shares, map, unmap,
# revoke), a third VM on no channel checks that it reaches no one, the RTOS
# keeps ticking, and tofu logs the abort through the revoked mapping.
. "$(dirname "$0")/lib.sh"
qemu_start ipc-bm ipc-bm
# Input to the hypervisor shell once tofu reads its console: the VM with the
# input focus (ipctest, VM 1, by default) prints unbuffered, and the other
# VMs' lines would split its lines.
wait_for "[tofu] vm loner: started" 60
printf '\x140' >&"$QIN"                      # Ctrl-T 0
wait_for "console: input to the hypervisor shell" 30
wait_for "[loner] IPCTEST-LONER: ALL PASS" 120
wait_for "[ipctest] IPCTEST: ALL PASS" 240
refuse_line "FAIL"
refuse_line "ABORTED"
refuse_line "UNEXPECTED EXCEPTION"
refuse_line "unexpected message"
refuse_line "unexpected IRQ"
# The read through the revoked mapping (at the share window's base) reached
# tofu as a stage-2 abort, and tofu logged it.
window=$(sed -n 's/^\[ipctest\]   read of \([0-9a-f]*\) after the revoke.*/\1/p' "$QLOG")
grep -F "vm ipctest vcpu0: data abort: read of IPA 0x${window:-?} " "$QLOG" > /dev/null ||
    t_fail "no tofu log line for the read through the revoked mapping at IPA 0x${window:-?}"
# The RTOS goes on: two more ticks after the tests, memory intact.
ticks=$(grep -c "\[rtos\] rtos: tick" "$QLOG")
wait_for "[rtos] rtos: tick" 30 $((ticks + 2))
refuse_line "mem CORRUPT"
t_end
