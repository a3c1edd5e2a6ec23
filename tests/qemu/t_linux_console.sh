#!/usr/bin/env bash
# Linux alone, driven like a user: console input reaches the guest's
# shell, a long line typed at once arrives whole (tofu holds input back
# while the guest's UART FIFO is full, never drops it), `reboot` restarts
# the VM from a clean image (tofu says so, and the guest boots again), and
# `poweroff` then ends QEMU with status 0.
. "$(dirname "$0")/lib.sh"
qemu_start linux-console linux-console
wait_for "tofu-linux# " 240
send "echo answer-\$((6 * 7))"
wait_for "answer-42" 30
long=$(printf 'abcdefghij%.0s' $(seq 20))         # 200 characters
send "echo ${long}-end | wc -c | sed s/^/count=/"
wait_for "count=$((200 + 5))" 30                    # 200 + "-end" + newline
send "reboot"
wait_for "vm linux: stopped: guest reset (PSCI SYSTEM_RESET)" 60
wait_for "vm linux: restarting from a clean image" 60
wait_for "tofu-guest: reached /init" 240 2
wait_for "tofu-linux# " 120 2
send "poweroff"
wait_for "vm linux: stopped: guest powered off (PSCI SYSTEM_OFF)" 60
qemu_exit 0 30
t_end
