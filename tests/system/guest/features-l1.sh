#!/bin/sh
# features-l1.sh: in an L1 at EL2 started with --share /guest,tag=boot
# (tests/system/cases/nested.sh): L1's own features.sh markers, then an L2
# guest (at EL1) that turtle in L1 starts with the features L1's KVM
# offers (-v says which); L2's lines start with "L2-": L2-FEAT-cpu,
# L2-FEAT-date. Then FEAT-L2-TURTLE rc=N.
/tests/features.sh
mkdir -p /boot2
if ! turtle-agent mount --tag boot /boot2; then
	echo "FEAT-L1-MOUNT-FAILED"
	exit 1
fi
turtle run -v --kernel /boot2/Image --initrd /boot2/initrd.cpio --mem 256 \
	--console-prefix "L2-" \
	--cmdline "console=ttyAMA0 quiet panic=-1 -- /tests/features.sh" </dev/null 2>&1
echo "FEAT-L2-TURTLE rc=$?"
umount /boot2
