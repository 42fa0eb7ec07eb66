#!/bin/sh
# The peers suite's nested half, inside an L1 at EL2 that turtle runs
# with --nested (tests/bench/peers-in-host.sh starts it on the emulated
# host's own image): what QEMU says when asked for a guest at EL2 here,
# then a plain L2 (EL1, 1 vCPU, 256 MiB, no devices) started to its init
# by turtle and by QEMU/KVM (no devices, so QEMU's PCI and MMIO runs would be
# the same machine: one run, "qemu-mmio"). Results on
# the console as PEERSRESULT and PEERSNOTE lines for the host.
. /tests/lib.sh
. /tests/bench-peers-lib.sh
: >/tmp/results

peers_el2_refusal L1
for vmm in turtle qemu-mmio; do
	peers_boot_only L2 $vmm
done
