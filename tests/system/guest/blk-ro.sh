#!/bin/sh
# In an L1 guest with a read-only disk: the kernel sees it read-only,
# reading works, and a raw write is refused.
mkdir -p /mnt
echo "RO $(cat /sys/block/vda/ro)"
mount -t ext4 -o ro,noload /dev/vda /mnt && cat /mnt/dir/hello && umount /mnt
if dd if=/dev/zero of=/dev/vda bs=4096 count=1 oflag=direct 2>/dev/null; then
	echo RAW-WRITE-ACCEPTED
else
	echo RAW-WRITE-REFUSED
fi
