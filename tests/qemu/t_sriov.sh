#!/usr/bin/env bash
# SR-IOV virtual functions given to two VMs (configs/sriov.dts, docs/pci.md):
# QEMU's igb at 00:06.0 is `pf`'s, whose Linux drives it with igb; tofu
# enabled 5 VFs at boot (the highest VF a config names is VF 4) and gives
# VF 0 (00:16.0) to `vfa`, VF 4 (00:17.0) to `vfb`.  Each VF VM sees its
# VF alone, its igbvf driver gets the PF driver's answers over the igb's
# mailbox and its interrupts come as MSI-X through its virtual ITS; the
# three VMs ping one another through the igb's internal switch.  The PF's
# VM enables its VFs through its own SR-IOV capability (VF BARs tofu's) and
# sees them as IDs only: their config space beyond that reads 0, their BAR
# pages are not in its stage 2 (a read there is refused).  vfa restarts:
# its VF is reset (FLR) at stop, and after the new boot it pings again.
# pf restarts: its PF is reset by its registers, VFs kept; the VF drivers
# recover, and vfb pings pf and vfa again.
# No DMA fault, no function withheld, no vPCI complaint.
. "$(dirname "$0")/lib.sh"
# msix_ok <vm> <tag>: the focused VM (one vCPU) took interrupts from its
# VF's MSI-X vectors, through its virtual ITS, and it has no other source.
msix_ok() {
    send "grep ITS-MSI /proc/interrupts | sed 's/^/$2: /'; awk '\$3 == \"ITS-MSI\" { n += \$2 } END { print \"$2 eth0-msi=\" n+0 }' /proc/interrupts"
    wait_for_re "^\[$1\] $2 eth0-msi=[1-9][0-9]*" 30
}
# vf_vm_ok <console> <vm> <function> <peer> <tag>: that VM, focused, sees
# its VF alone, pings <peer>, and its VF's interrupts came by MSI-X.
vf_vm_ok() {
    printf '\x14%s' "$1" >&"$QIN"           # Ctrl-T <console>
    send ""
    send "echo fns: \$(ls /sys/bus/pci/devices)"
    wait_for "[$2] fns: 0000:$3" 30
    refuse_line "[$2] fns: 0000:$3 "
    ping_ok "$2" "ping-$5" "$4"
    msix_ok "$2" "msix-$5"
}
qemu_start sriov sriov
wait_for "vm vfb: PCI 00:17.0 given" 30
expect_line "SR-IOV: 5 of 8 VFs enabled at 00:16.0 stride 2"
expect_line "pci 00:16.0: 8086:10ca, BAR0 0x10040000+0x4000, BAR3 0x10060000+0x4000, VF 0 of 00:06.0"
expect_line "pci 00:17.0: 8086:10ca, BAR0 0x10050000+0x4000, BAR3 0x10070000+0x4000, VF 4 of 00:06.0"
expect_line "vm pf: PCI 00:06.0 given (StreamID 0x30, INTx INTID 37, reset by its registers at stop, SR-IOV PF)"
expect_line "vm vfa: PCI 00:16.0 given (VF 0 of 00:06.0, StreamID 0xb0, MSI-X only"
expect_line "vm vfb: PCI 00:17.0 given (VF 4 of 00:06.0, StreamID 0xb8, MSI-X only"
expect_line "vm vfa: PCI 00:16.0: its MSIs through the ITS"
expect_line "vm vfb: PCI 00:17.0: its MSIs through the ITS"
wait_for "[pf] tofu-guest: 0000:00:06.0: 5 VFs enabled" 240
expect_line "igb 0000:00:06.0: 5 VFs allocated"
wait_for "[vfa] tofu-guest: eth0 up, 169.254.100.4" 240
wait_for "[vfb] tofu-guest: eth0 up, 169.254.100.5" 240
# pf: its PF and the VFs it enabled, as IDs only.
send ""
send "echo fns: \$(ls /sys/bus/pci/devices)"
wait_for "[pf] fns: 0000:00:06.0 0000:00:16.0 0000:00:16.2 0000:00:16.4 0000:00:16.6 0000:00:17.0" 30
send "echo vf0: \$(cat /sys/bus/pci/devices/0000:00:16.0/vendor /sys/bus/pci/devices/0000:00:16.0/device) \$(od -v -A n -t x4 -j 4 -N 60 /sys/bus/pci/devices/0000:00:16.0/config | tr -s ' \\n' ' ')"
wait_for_re "^\[pf\] vf0: 0x8086 0x10ca 00000000 020000[0-9a-f]{2}( 00000000){13}[[:space:]]*$" 30
# Its stage 2 has no VF BAR page: a read of VF 0's registers is refused.
send "devmem 0x10040000 32 > /dev/null 2>&1; echo devmem-vf: \$?"
wait_for_re "^\[pf\] devmem-vf: [1-9]" 30
expect_line "vm pf vcpu0: data abort: read of IPA 0x10040000"
ping_ok pf ping-pf-a 169.254.100.4
ping_ok pf ping-pf-b 169.254.100.5
vf_vm_ok 2 vfa 00:16.0 169.254.100.5 a
ping_ok vfa ping-a-pf 169.254.100.1
vf_vm_ok 3 vfb 00:17.0 169.254.100.4 b
# vfa restarts: its VF reset at stop, igbvf on the new boot, ping again.
printf '\x142' >&"$QIN"
send ""
send "reboot"
wait_for "vm vfa: stopped: guest reset (PSCI SYSTEM_RESET)" 60
wait_for "vm vfa: restarting from a clean image" 60
wait_for "[vfa] tofu-guest: eth0 up, 169.254.100.4" 240 2
wait_for "[vfa] tofu-linux# " 120 2
ping_ok vfa ping-a-b2 169.254.100.5
msix_ok vfa msix-a2
# pf restarts: the PF is reset by its registers (an FLR would take the VFs
# from under vfa and vfb), its new igb enables the VFs again, and the VF
# drivers, told of the PF's reset on their mailbox, come back by themselves.
printf '\x141' >&"$QIN"                      # Ctrl-T 1: pf
send ""
send "reboot"
wait_for "vm pf: stopped: guest reset (PSCI SYSTEM_RESET)" 60
wait_for "vm pf: restarting from a clean image" 60
wait_for "[pf] tofu-guest: 0000:00:06.0: 5 VFs enabled" 240 2
printf '\x143' >&"$QIN"                      # Ctrl-T 3: vfb
send ""
send "i=0; until ping -c 1 -W 1 169.254.100.1 > /dev/null 2>&1; do i=\$((i + 1)); [ \$i -lt 90 ] || break; done; echo pf-back: \$i"
wait_for_re "^\[vfb\] pf-back: [0-9]+" 150
ping_ok vfb ping-b-pf2 169.254.100.1
ping_ok vfb ping-b-a2 169.254.100.4
refuse_line "iommu: DMA fault"
refuse_line "not given:"
refuse_line "failed to load"
refuse_line "vPCI:"
refuse_line "VFs not enabled"
t_end
