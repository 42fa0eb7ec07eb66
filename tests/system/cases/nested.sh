#!/bin/sh
# turtle boots guests at virtual EL2: with --nested (VHE) the guest's own
# KVM comes up in VHE+NV2 mode and offers /dev/kvm; the L1 has SVE,
# pointer authentication and a PMU, and so does an L2 that turtle in L1
# starts with what L1's KVM offers; both have the host's date (PL031).
# With --nested=e2h0 it
# comes up in nVHE mode (kvm-arm.mode=nested needs VHE, so it is not given),
# and turtle inside that guest refuses --nested with a clear message.
. /tests/lib.sh

run_turtle /tmp/out 900 run -v --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
	--mem 768 --nested --share /guest,tag=boot,ro,cache=always \
	--cmdline "$GUEST_CMDLINE kvm-arm.mode=nested -- dmesg | grep kvm; test -c /dev/kvm && echo MARK-dev-kvm-$((6*7)); /tests/features-l1.sh"
if [ "$RC" != 0 ]; then
	fail nested-vhe "turtle exited $RC"
elif ! has "VHE+NV2 mode initialized" /tmp/out; then
	fail nested-vhe "the L1 kernel did not report VHE+NV2 mode"
elif ! has "MARK-dev-kvm-42" /tmp/out; then
	fail nested-vhe "no /dev/kvm in L1"
else
	pass nested-vhe "init at $(seconds_to TURTLE-INIT /tmp/out)s"
fi

# What the emulated host's KVM gave L1, and L1's KVM gave L2.
echo "L0 turtle: $(grep -m1 -o 'vCPU features: .*' /tmp/out)"
echo "L1 turtle: $(grep -o 'vCPU features: .*' /tmp/out | sed -n 2p)"
for l in L1 L2; do
	if [ $l = L1 ]; then m=FEAT; else m=L2-FEAT; fi
	feat=$(grep -m1 -o "$m-cpu .*" /tmp/out | tr -d '\r')
	case "$feat" in
	*"sve=1 "*"paca=1 pacg=1 pmu=1 "*) pass nested-$l-features "$feat" ;;
	*) fail nested-$l-features "$l sees '${feat:-nothing}' ($(grep -a 'FEAT-L\|turtle:' /tmp/out | tail -n 3 | tr '\n' ';'))" ;;
	esac
	skew=$(clock_skew $m-clock /tmp/out)
	if echo "$feat" | grep -q "rtc=1" && within "$skew" 2; then
		pass nested-$l-clock "$l clock ${skew} s off the host's"
	else
		fail nested-$l-clock "$l clock '${skew:-?}' s off the host's (${feat:-no markers})"
	fi
done

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
