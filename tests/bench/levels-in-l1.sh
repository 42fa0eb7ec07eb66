#!/bin/sh
# The L2 half of tests/bench/levels-in-host.sh, run by init in an L1 at EL2
# (busybox sh) as /tests/bench-levels-l1.sh: mount L0's share at /share,
# run turtle for an L2 guest (at EL1) with --vsock 3,/tmp/v.sock and
# --share /share, and measure it from here (levels-lib.sh). The host
# runs this L1 with --share, so the chain for L2's files is
# L2 -> L1's turtle -> L1's FUSE mount -> L0's turtle -> L0's /tmp/share.
. /tests/lib.sh
. /tests/bench-levels-lib.sh

# L2 is 20 to 100 times slower than L1 here: fewer round trips and bytes
# keep its part to a few minutes (the table shows the counts).
BENCH_RTT=${BENCH_RTT:-200}
BENCH_BYTES=${BENCH_BYTES:-8M}
BENCH_FS_MIB=${BENCH_FS_MIB:-4}

mkdir -p /share
if ! turtle-agent mount /share; then
	say "L1: cannot mount the host's share"
	exit 1
fi
say "L1: the host's share is at /share"

say "L2: turtle runs a guest with vsock and --share /share"
child_start /tmp/l2.out 2100 --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
	--mem 256 --vsock 3,/tmp/v.sock --share /share \
	--cmdline "$GUEST_CMDLINE -- $CHILD_CMD"
t0=$(now)
if child_wait /tmp/v.sock /tmp/l2.out 900; then
	say "L2: the agent answers after $(awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%.0f", a - b }') s"
	measure L2 /tmp/v.sock /tmp/l2.out
	child_stop /tmp/v.sock /tmp/l2.out
	rc=0
else
	say "L2: the guest's agent never answered"
	rc=1
fi
sed 's/^/    | /' /tmp/l2.out
umount /share
exit $rc
