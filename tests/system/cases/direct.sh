#!/bin/sh
# The direct window (--direct-window, vmm/direct.h): turtle here serves it
# to an L1 at EL2, turtle in L1 passes it on to an L2, and exitbench in L2
# times the window's exit probe. Every one of L2's accesses must reach
# this turtle (its count matches exitbench's, and the probe counted them)
# and none of them the turtle in L1; what L2 writes to the window's shared
# memory must be what this turtle reads, and a request written there must
# get its reply within the exit that announces it. The pool: what L2
# writes to the 64 KiB of L1's RAM that L1's turtle gave it, this turtle
# reads through the pages L1's turtle published. And --direct-window=pass, where
# there is no window to pass (here), is refused with a clear message.
# The share: L2 mounts this turtle's share 'win' through the window
# (turtle-agent mount --direct), reads the file written here, writes one
# read back here, and a guest user gets nothing the host user would not
# (per-request credentials, as over vsock).
. /tests/lib.sh

W=/tmp/win
rm -rf $W
mkdir -p $W
echo "written at L0" >$W/from-host
echo "root's secret" >$W/rootonly
chmod 600 $W/rootonly
echo "root's" >$W/rootfile
chmod 660 $W/rootfile

run_turtle /tmp/out 60 run --kernel /guest/Image --direct-window=pass
if [ "$RC" = 1 ] && has "this machine has no direct window" /tmp/out; then
	pass direct-pass-needs-window
else
	fail direct-pass-needs-window "turtle exited $RC: $(tail -n 2 /tmp/out | tr '\n' ';')"
fi

run_turtle /tmp/out 1800 run -v --stats --kernel $GUEST_KERNEL \
	--initrd $GUEST_INITRD --mem 768 --nested --direct-window \
	--share /guest,tag=boot,ro,cache=always --share $W,tag=win \
	--cmdline "$GUEST_CMDLINE -- /tests/direct-l1.sh"
tr -d '\r' </tmp/out | sed 's/^[0-9.]* //' >/tmp/o
counted=$(sed -n 's/^L2-EXIT direct-counted to_turtle=\([0-9]*\) expected=\([0-9]*\)$/\1 \2/p' /tmp/o)
top=$(sed -n 's/^turtle: stats: direct window: \([0-9]*\) accesses.*/\1/p' /tmp/o | head -n 1)
served=$(grep -c "^turtle: stats: direct window" /tmp/o)
kick=$(sed -n 's/^L2-EXIT direct-mmio-kernel med_ns=\([0-9]*\).*/\1/p' /tmp/o)
if ! has "DIRECT-L2-TURTLE rc=0" /tmp/o; then
	fail direct-l2 "L2's turtle: $(grep -m1 'DIRECT-L\|direct-window' /tmp/o || echo no marker)"
elif ! has "L2-EXIT direct-done" /tmp/o; then
	fail direct-l2 "exitbench --direct did not finish in L2: $(grep 'L2-exitbench\|L2-EXIT' /tmp/o | tail -n 2 | tr '\n' ';')"
elif [ -z "$counted" ] || [ "${counted% *}" != "${counted#* }" ]; then
	fail direct-l2 "the top turtle's probe counted '${counted:-nothing}' (to_turtle expected)"
elif [ -z "$top" ] || [ "$top" -lt "${counted% *}" ]; then
	fail direct-l2 "this turtle's probe counted ${top:-nothing}, exitbench made ${counted% *} accesses"
elif [ "$served" != 1 ] || ! has "^turtle: direct window: the parent's" /tmp/o; then
	fail direct-l2 "L1's turtle did not pass the window on ($served turtles served one)"
else
	pass direct-l2 "${counted% *} accesses reached this turtle, an exit to KVM ${kick} ns at L2"
fi
hs=$(sed -n 's/^L2-EXIT direct-handshake med_ns=\([0-9]*\).*/\1/p' /tmp/o)
if has "L2-EXIT direct-mem coherent=1" /tmp/o &&
	has "L2-EXIT direct-mem handshake_errors=0" /tmp/o && [ -n "$hs" ]; then
	pass direct-l2-memory "a request and its reply through the window's memory ${hs} ns, $(grep -m1 'L2-EXIT direct-mem unaligned' /tmp/o | sed 's/^L2-EXIT direct-mem //')"
else
	fail direct-l2-memory "$(grep 'L2-EXIT direct-mem ' /tmp/o | tr '\n' ';' || echo no coherence line)"
fi
pool=$(grep -m1 '^L2-EXIT direct-pool ' /tmp/o | sed 's/^L2-EXIT direct-pool //')
case "$pool" in
"coherent=1 pages=16 "*) pass direct-l2-pool "L1's RAM given to L2, read by this turtle: $(sed -n 's/^L2-EXIT direct-pool-write med_ns=\([0-9]*\).*/4 KiB of stores \1 ns/p' /tmp/o)" ;;
*) fail direct-l2-pool "'${pool:-no pool line}' ($(grep -m1 'direct pool' /tmp/o))" ;;
esac
if ! has "L2-DIRECT-SHARE-READ written at L0" /tmp/o; then
	fail direct-l2-share "L2 did not read this turtle's file through the window: $(grep -m2 'L2-DIRECT-SHARE\|L2-turtle-agent' /tmp/o | tr '\n' ';')"
elif ! has "L2-turtle-agent: mount /w: share 'win' over the direct window" /tmp/o; then
	fail direct-l2-share "the mount did not say it used the window: $(grep -m1 'L2-turtle-agent' /tmp/o)"
elif ! has L2-DIRECT-SHARE-WROTE /tmp/o || [ "$(cat $W/from-l2 2>/dev/null)" != "written at L2" ]; then
	fail direct-l2-share "L2's file did not reach this turtle's directory: '$(cat $W/from-l2 2>&1)'"
else
	pass direct-l2-share "read and written from L2 through the window"
fi
if has "L2-DIRECT-SHARE-ROOTONLY rc=1 .*Permission denied" /tmp/o &&
	has "L2-DIRECT-SHARE-GROUP-WRITE rc=1" /tmp/o && [ "$(cat $W/rootfile)" = "root's" ]; then
	pass direct-l2-share-creds "a guest user is refused a 0600 file and a write the guest allowed and the host does not"
else
	fail direct-l2-share-creds "$(grep 'L2-DIRECT-SHARE-ROOTONLY\|L2-DIRECT-SHARE-GROUP' /tmp/o | tr '\n' ';') rootfile: $(cat $W/rootfile)"
fi
