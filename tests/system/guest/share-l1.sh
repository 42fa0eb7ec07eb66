#!/bin/sh
# share-l1.sh WRITERS MIB: in an L1 at EL2 started with --share /tmp/share
# and --share /guest,tag=boot (tests/system/cases/share.sh): mount both,
# and run an L2 guest, booted from the second, whose share is L1's mount
# of the first, so that everything L2 does to its share goes
# L2 -> turtle in L1 -> L1's FUSE mount -> turtle in L0 -> L0's directory.
# L2 runs share-guest.sh WRITERS MIB (with posix.sh). Markers: those of
# share-guest.sh, then SHARE-L2-TURTLE rc=N.
# SCALE: how much longer than on an idle machine things may take now
# (turtle.scale=N on the command line, from tests/system/guest-lib.sh).
SCALE=$(sed -n 's/.*turtle\.scale=\([0-9]*\).*/\1/p' /proc/cmdline)
SCALE=${SCALE:-1}
mkdir -p /share /boot2
if ! turtle-agent mount --tag boot /boot2 || ! turtle-agent mount /share; then
	echo "SHARE-L1-MOUNT-FAILED"
	exit 1
fi
# --halt-poll 0: L1 does not spin its vCPU while L2 waits (and the option
# is exercised on a nested KVM).
turtle run --kernel /boot2/Image --initrd /boot2/initrd.cpio --mem 256 --halt-poll 0 \
	--share /share --cmdline "console=ttyAMA0 quiet panic=-1 turtle.scale=$SCALE -- /tests/share-guest.sh $1 $2" </dev/null
echo "SHARE-L2-TURTLE rc=$?"
umount /share /boot2
