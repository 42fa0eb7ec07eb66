#!/bin/sh
# The seccomp filters (sandbox/seccomp.h) on a turtle with every device: 2
# vCPUs, a disk with 2 queues, vsock with a host socket, a share, the exit
# probe. While the guest uses them all (and a waiting SETLKW makes the FUSE
# pool add a worker), every thread of turtle must show "Seccomp: 2" in
# /proc/PID/task/*/status; then the guest finishes and turtle exits 0,
# which it would not if any thread had made a forbidden call.
. /tests/lib.sh

S=/tmp/share
SOCK=/tmp/v.sock
IMG=/tmp/disk.img
rm -rf $S $SOCK /tmp/out /tmp/turtle.rc
mkdir -p $S
echo "hello from the host" >$S/from-host
dd if=/dev/zero of=$IMG bs=1M count=8 2>/dev/null

(
	timeout $(scaled 600) turtle run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
		--mem 256 --cpus 2 --disk $IMG,queues=2 --vsock 3,$SOCK \
		--share $S --exit-probe \
		--cmdline "$GUEST_CMDLINE -- /tests/seccomp-guest.sh" \
		</dev/null >/tmp/out 2>&1 &
	echo $! >/tmp/turtle.pid
	wait $!
	echo $? >/tmp/turtle.rc
) &

# wait_for PATTERN SECONDS: until turtle's output has PATTERN or it ends.
wait_for() {
	end=$(($(cut -d. -f1 /proc/uptime) + $2))
	while ! grep -q -- "$1" /tmp/out 2>/dev/null; do
		[ -f /tmp/turtle.rc ] && return 1
		[ "$(cut -d. -f1 /proc/uptime)" -lt $end ] || return 1
		sleep 0.5
	done
}
# workers: how many FUSE workers turtle has now.
workers() { cat /proc/$pid/task/*/comm 2>/dev/null | grep -c '^fuse-worker$'; }

ready=0
wait_for SANDBOX-READY $(scaled 240) && ready=1
pid=$(cat /tmp/turtle.pid)
# The waiter's SETLKW reaches the host in its own time: wait for the
# worker the pool adds for it (8 at the start).
end=$(($(cut -d. -f1 /proc/uptime) + $(scaled 60)))
while [ $ready = 1 ] && [ "$(workers)" -le 8 ] &&
	[ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do
	sleep 0.5
done

if [ $ready != 1 ]; then
	fail seccomp-all-threads "the guest never got ready (turtle status $(cat /tmp/turtle.rc 2>/dev/null))"
else
	n=0 bad= names= capbad=
	for t in /proc/$pid/task/*; do
		name=$(sed -n 's/^Name:\t*//p' $t/status)
		mode=$(sed -n 's/^Seccomp:\t*//p' $t/status)
		[ -n "$name" ] || continue
		n=$((n + 1))
		names="$names $name"
		[ "$mode" = 2 ] || bad="$bad $name:$mode"
		# Device threads (made before privs__drop) and vCPUs hold no
		# capability; only the share's workers keep what they need.
		case $name in
		blk* | vsock* | vcpu*)
			cap=$(sed -n 's/^CapEff:\t*//p' $t/status)
			[ "$cap" = 0000000000000000 ] || capbad="$capbad $name:$cap"
			;;
		esac
	done
	# main, 2 vCPUs, 2 blk queues, vsock, 8 FUSE workers and the added one
	if [ -n "$bad" ]; then
		fail seccomp-all-threads "not filtered:$bad (of $n:$names)"
	elif [ -n "$capbad" ]; then
		fail seccomp-all-threads "device or vCPU threads with capabilities:$capbad"
	elif [ $n -lt 15 ] || [ "$(workers)" -le 8 ]; then
		fail seccomp-all-threads "only $n threads ($(workers) FUSE workers):$names"
	else
		pass seccomp-all-threads "$n threads, all Seccomp 2, device and vCPU threads CapEff 0:$names"
	fi
fi

timeout $(scaled 60) turtle exec $SOCK -- touch /tmp/release </dev/null >/dev/null 2>&1
end=$(($(cut -d. -f1 /proc/uptime) + $(scaled 120)))
while [ ! -f /tmp/turtle.rc ] && [ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do
	sleep 0.5
done
[ -f /tmp/turtle.rc ] || kill $(cat /tmp/turtle.pid)
sed 's/^/    | /' /tmp/out
rc=$(cat /tmp/turtle.rc 2>/dev/null)
if [ "$rc" != 0 ]; then
	fail seccomp-devices-work "turtle exited ${rc:-no status}: $(grep seccomp /tmp/out)"
elif ! grep -q "SANDBOX-SHARE hello from the host" /tmp/out ||
	[ "$(cat $S/from-guest 2>/dev/null)" != "from the guest" ]; then
	fail seccomp-devices-work "the share did not work both ways"
elif ! grep -q SANDBOX-DISK-WRITTEN /tmp/out ||
	[ "$(dd if=$IMG bs=512 skip=8 count=1 2>/dev/null | head -n1)" != SANDBOX-SECTOR ]; then
	fail seccomp-devices-work "the disk write did not reach the image"
elif ! grep -q SANDBOX-LOCK-OK /tmp/out; then
	fail seccomp-devices-work "the waiting lock was not granted"
else
	pass seccomp-devices-work "share, disk, vsock exec and a waiting lock under the filters; exit 0"
fi
