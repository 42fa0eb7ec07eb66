#!/bin/sh
# In an L1 guest with one disk (/dev/vda): make ext4, write files of known
# content, record their checksums in the output, sync, unmount.
set -e
mkfs.ext4 -q -F /dev/vda
mkdir -p /mnt
mount -t ext4 /dev/vda /mnt
for i in 1 2 3 4; do
	dd if=/dev/urandom of=/mnt/f$i bs=64k count=$((i * 8)) 2>/dev/null
done
mkdir /mnt/dir
echo "hello from turtle" >/mnt/dir/hello
cd /mnt
md5sum f1 f2 f3 f4 dir/hello | sed 's/^/SUM /'
cd /
sync
umount /mnt
echo "QUEUES $(ls /sys/block/vda/mq | wc -l)"
echo BLK-WRITE-OK
