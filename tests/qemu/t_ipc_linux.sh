#!/usr/bin/env bash
# IPC between the Linux VM (driver + tofu-msg) and the bare-metal RTOS VM:
# thousands of messages each way arrive intact and in order (checksums
# against the host's), the receivers sleep until the doorbell, a region the
# RTOS writes is read back by Linux, and every error path reachable from
# Linux returns its defined code.
. "$(dirname "$0")/lib.sh"
N=3000; SIZE=64
gcc -O2 -o "$BUILD/seqsum" tests/qemu/seqsum.c || exit 1
want=$("$BUILD/seqsum" $N $SIZE)
qemu_start ipc-linux ipc-linux
wait_for "[rtos] rtos: IPC: VM-ID 2" 60
wait_for "tofu-guest: tofu_ipc loaded" 240
wait_for "tofu-linux# " 60
send "tofu-msg id; tofu-msg lookup rtos"
wait_for "name=rtos vm_id=2" 20
expect_line "vm_id=1 vcpu="

# Linux -> RTOS, then the RTOS's own account of what it received.
send "tofu-msg send rtos CMD:reset; tofu-msg send-seq rtos $N $SIZE"
wait_for "sent=$N " 180
send "tofu-msg send rtos CMD:sum; tofu-msg recv -w"
wait_for "[rtos] rtos: sequence received=$N inorder=yes checksum=$want" 30
wait_for "text=received=$N inorder=yes checksum=$want" 30     # the reply, read by Linux
line=$(grep -F "[rtos] rtos: sequence received=$N" "$QLOG" | tail -1)
empty=$(sed -n 's/.*empty-recvs=\([0-9]*\).*/\1/p' <<< "$line")
bells=$(sed -n 's/.*doorbells=\([0-9]*\).*/\1/p' <<< "$line")
[ -n "$empty" ] && [ -n "$bells" ] && [ "$bells" -ge 1 ] && [ "$empty" -le "$bells" ] ||
    t_fail "the RTOS polled: $empty empty RECVs for $bells doorbells"

# RTOS -> Linux: a blocking reader woken by the doorbell.
send "tofu-msg send rtos 'CMD:seq $N $SIZE'; tofu-msg recv-seq $N"
wait_for "[linux] received=$N inorder=yes checksum=$want" 180
line=$(grep -F "[linux] received=$N inorder=yes checksum=$want" "$QLOG" | tail -1)
irqs=$(sed -n 's/.* irqs=\([0-9]*\).*/\1/p' <<< "$line")
[ -n "$irqs" ] && [ "$irqs" -ge 1 ] || t_fail "no doorbell interrupts counted: $line"

# A region the RTOS writes (its stats ring), mapped and read by Linux.
send "tofu-msg send rtos CMD:ring; tofu-msg recv -w"
wait_for "text=share=" 30
id=$(grep -F "text=share=" "$QLOG" | tail -1 | sed 's/.*text=share=\([0-9]*\).*/\1/')
send "tofu-msg map $id --at 0x40000000"      # over its own RAM
wait_for "error: TOFU_E_OVERLAP (-10)" 20
send "tofu-msg map $id --at 0x09000000"      # over its UART
wait_for "error: TOFU_E_OVERLAP (-10)" 20 2
send "tofu-msg map $id"
wait_for "share=$id ipa=" 20
send "tofu-msg peek $id 0 4"                 # the ring's magic, as the RTOS wrote it
wait_for "data=ring" 20
send "tofu-msg peek 99 0 4"
wait_for "error: share 99 is neither owned nor mapped here" 20
send "sleep 2; tofu-msg ring $id"
wait_for "record=tick=" 30

# Error paths.
send "tofu-msg send 9 hello"
wait_for "error: TOFU_E_NO_VM (-4)" 20
send "tofu-msg send loner hello"
wait_for "error: TOFU_E_DENIED (-5)" 20
send "tofu-msg send rtos \$(printf 'x%.0s' \$(seq 241))"
wait_for "error: TOFU_E_TOO_BIG (-6)" 20
send "tofu-msg map 99"
wait_for "error: TOFU_E_BAD_SHARE (-11)" 20
send "tofu-msg send rtos 'CMD:pause 3000'; tofu-msg send-seq rtos 40 16 --nonblock"
wait_for "error: TOFU_E_FULL (-7)" 30
send "tofu-msg send rtos CMD:revoke; sleep 4; tofu-msg ring $id"
wait_for "[rtos] rtos: revoked share $id: TOFU_OK" 30
wait_for "vm linux vcpu" 30                   # tofu logs the faulting access ...
grep -F "vm linux vcpu" "$QLOG" | grep -F "data abort: read of IPA 0x100000000" > /dev/null ||
    t_fail "no log line for the access after revoke"
send "tofu-msg map $id"
wait_for "error: TOFU_E_REVOKED (-12)" 30
refuse_line "mem CORRUPT"
t_end
