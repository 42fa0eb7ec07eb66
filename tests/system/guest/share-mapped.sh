#!/bin/sh
# share-mapped.sh: in an L1 guest started with --share
# /tmp/share,security=mapped (tests/system/cases/share.sh): posix.sh with
# its device-node checks on the mapped share, then, as guest root, what
# would be dangerous on the host in passthrough: a setuid-root program, a
# character device (the host's /dev/mem, 1:1) and a FIFO, left in place
# for the host to inspect. Markers: POSIX-..., MAPPED-GUEST-VIEW <what
# the guest sees>, MAPPED-DONE.
if ! turtle-agent mount /mnt; then
	echo "SHARE-MOUNT-FAILED rc=$?"
	exit 1
fi
POSIX_DEVICES=1 POSIX_MANY=50 sh /tests/posix.sh /mnt
mkdir /mnt/m
echo x >/mnt/m/suid && chmod 4755 /mnt/m/suid
mknod /mnt/m/mem c 1 1
mkfifo /mnt/m/fifo
chmod 1777 /mnt/m
echo "MAPPED-GUEST-VIEW $(stat -c '%a:%u %F %t:%T' /mnt/m/suid /mnt/m/mem /mnt/m/fifo /mnt/m | tr '\n' ';')"
umount /mnt
echo MAPPED-DONE
