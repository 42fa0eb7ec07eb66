#!/bin/sh
# turtle boots guests at virtual EL2: with --nested (VHE) the guest's own
# KVM comes up in VHE+NV2 mode and offers /dev/kvm; with --nested=e2h0 it
# comes up in nVHE mode (kvm-arm.mode=nested needs VHE, so it is not given),
# and turtle inside that guest refuses --nested with a clear message.
. /tests/lib.sh

run_turtle /tmp/out 300 run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
	--mem 512 --nested \
	--cmdline "$GUEST_CMDLINE kvm-arm.mode=nested -- dmesg | grep kvm; test -c /dev/kvm && echo MARK-dev-kvm-$((6*7))"
if [ "$RC" != 0 ]; then
	fail nested-vhe "turtle exited $RC"
elif ! has "VHE+NV2 mode initialized" /tmp/out; then
	fail nested-vhe "the L1 kernel did not report VHE+NV2 mode"
elif ! has "MARK-dev-kvm-42" /tmp/out; then
	fail nested-vhe "no /dev/kvm in L1"
else
	pass nested-vhe "init at $(seconds_to TURTLE-INIT /tmp/out)s"
fi

run_turtle /tmp/out 300 run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
	--mem 512 --nested=e2h0 \
	--cmdline "$GUEST_CMDLINE -- dmesg | grep kvm; $FAKE_IMAGE_CMD; turtle run --kernel /tmp/k --nested --mem 64; echo MARK-rc-\$?"
if [ "$RC" != 0 ]; then
	fail nested-e2h0 "turtle exited $RC"
elif ! grep -q "Hyp mode initialized\|nVHE mode initialized" /tmp/out; then
	fail nested-e2h0 "the L1 kernel did not report nVHE Hyp mode"
elif has "VHE+NV2 mode" /tmp/out; then
	fail nested-e2h0 "the L1 kernel ran VHE despite E2H0"
else
	pass nested-e2h0 "init at $(seconds_to TURTLE-INIT /tmp/out)s"
fi

# An nVHE guest hypervisor cannot nest further: turtle inside it must say
# so clearly when asked for --nested.
if ! has "KVM_CAP_ARM_EL2 is 0" /tmp/out; then
	fail nested-no-el2-cap "turtle in the nVHE L1 did not explain the missing KVM_CAP_ARM_EL2"
elif ! has "MARK-rc-1" /tmp/out; then
	fail nested-no-el2-cap "turtle in the nVHE L1 did not exit 1"
else
	pass nested-no-el2-cap
fi
