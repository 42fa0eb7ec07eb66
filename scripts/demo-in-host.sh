#!/bin/sh
# Runs on the NV2 host for `make run` (tests/system/host.sh: the emulated
# one, or this arm64 machine): turtle boots an L1 guest
# at virtual EL2 (VHE, with its own KVM), the guest runs a command, powers
# off, and turtle's exit status is reported.
cmd='echo Hello from L1; uname -r; dmesg | grep -E "started at E[L]|VHE.NV2 mod[e]"; ls -l /dev/kvm'
[ -s /tests/demo-cmd ] && cmd=$(cat /tests/demo-cmd)

echo "== host: $(uname -r), $(nproc) CPUs, $(dmesg | grep -o 'VHE+NV2 mode initialized' | head -n1)"
echo "== turtle run --nested: L1 guest at EL2, 1 vCPU, 512 MiB"
t0=$(cut -d' ' -f1 /proc/uptime)
turtle run --kernel /guest/Image --initrd /guest/initrd.cpio --mem 512 --nested \
	--cmdline "console=ttyAMA0 quiet panic=-1 kvm-arm.mode=nested -- $cmd"
rc=$?
t1=$(cut -d' ' -f1 /proc/uptime)
echo "== turtle exited with status $rc after $(awk -v a="$t1" -v b="$t0" 'BEGIN { printf "%.1f", a - b }')s"
echo "TURTLE-DEMO-RC $rc"
