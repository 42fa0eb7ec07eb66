#!/bin/sh
# direct-l1.sh: in an L1 at EL2 started with --direct-window and --share
# /guest,tag=boot (tests/system/cases/direct.sh): an L2 (at EL1) whose
# turtle passes L1's direct window on (--direct-window: auto finds it in
# L1's device tree), and in L2 exitbench --direct, whose accesses reach the
# turtle in the emulated host, not the one in L1. L2's lines start with
# "L2-". L2 runs direct-l2.sh: also the share 'win' of the turtle in
# the emulated host, through the window. Then DIRECT-L2-TURTLE rc=N.
mkdir -p /boot2
if ! turtle-agent mount --tag boot /boot2; then
	echo "DIRECT-L1-MOUNT-FAILED"
	exit 1
fi
turtle run -v --stats --kernel /boot2/Image --initrd /boot2/initrd.cpio \
	--mem 256 --direct-window --console-prefix "L2-" \
	--cmdline "console=ttyAMA0 quiet panic=-1 -- /tests/direct-l2.sh" </dev/null 2>&1
echo "DIRECT-L2-TURTLE rc=$?"
umount /boot2
