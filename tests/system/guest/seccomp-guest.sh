#!/bin/sh
# In an L1 guest with every device (tests/system/cases/seccomp.sh): use the
# share, the disk and vsock, and hold a POSIX lock that another process
# waits for (the FUSE pool adds a worker for the waiter), until the host has
# looked at turtle's threads and creates /tmp/release through turtle exec.
# Markers: SANDBOX-SHARE <text>, SANDBOX-DISK-WRITTEN, SANDBOX-READY,
# SANDBOX-LOCK-OK / SANDBOX-LOCK-FAIL, SANDBOX-DONE.
turtle-agent exec &
agent=$!
echo SANDBOX-STEP mount
if turtle-agent mount /mnt; then
	echo "from the guest" >/mnt/from-guest
	echo "SANDBOX-SHARE $(cat /mnt/from-host)"
fi
echo SANDBOX-STEP disk
# Sector 8 of the disk, written through and flushed.
if printf 'SANDBOX-SECTOR\n' | dd of=/dev/vda bs=512 seek=8 conv=fsync 2>/dev/null &&
	dd if=/dev/vda bs=64k count=16 2>/dev/null | md5sum >/dev/null; then
	echo SANDBOX-DISK-WRITTEN
fi
echo SANDBOX-STEP lock
: >/mnt/lock
# The holder keeps the lock until the host says; the waiter's SETLKW waits.
fsops lock /mnt/lock sh -c 'touch /tmp/held; while [ ! -f /tmp/release ]; do sleep 0.2; done' &
holder=$!
i=0
while [ ! -f /tmp/held ] && [ $i -lt 600 ]; do
	sleep 0.2
	i=$((i + 1))
done
fsops lock /mnt/lock true &
waiter=$!
echo SANDBOX-READY
wait $holder
if wait $waiter; then
	echo SANDBOX-LOCK-OK
else
	echo SANDBOX-LOCK-FAIL
fi
umount /mnt
kill $agent
echo SANDBOX-DONE
