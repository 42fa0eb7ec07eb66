#!/bin/sh
# The shared directory from L2: an L1 at EL2 mounts the host's share and
# runs an L2 guest (booted from the host's /guest, shared too) whose share
# is that mount, so everything L2 does goes L2 -> turtle in L1 -> L1's FUSE
# mount -> turtle in L0 -> the host's directory. L2 does what the share
# case's L1 guest does: the file operations, posix.sh, and 16 processes
# writing 8 MiB each at once; the host then finds exactly that result.
#
# This case's emulated host counts time in instructions (-icount shift=0,
# tests/system/run.sh), as the inception chain does: with real-time clocks
# an L2's timer interrupts take most of what the emulator can run, and the
# same work takes several times longer.
. /tests/lib.sh
. /tests/share-lib.sh

N=${SHARE_WRITERS:-16}
MB=${SHARE_MB:-8}

prepare
run_turtle /tmp/out 1800 run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
	--mem 768 --nested \
	--share $S --share /guest,tag=boot,ro,cache=always \
	--cmdline "$GUEST_CMDLINE -- /tests/share-l1.sh $N $MB"
tr -d '\r' </tmp/out | sed 's/^[0-9.]* //' >/tmp/o
has "SHARE-L2-TURTLE rc=0" /tmp/o || RC="$RC (L2: $(grep SHARE-L2-TURTLE /tmp/o))"
check share-l2 /tmp/o "$N" "$MB"
check_posix share-l2-posix /tmp/o
