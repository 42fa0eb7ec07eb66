#!/bin/sh
# In an L1 guest given the disk blk-write.sh filled: print the checksums
# again, for the host to compare.
set -e
mkdir -p /mnt
mount -t ext4 /dev/vda /mnt
cd /mnt
md5sum f1 f2 f3 f4 dir/hello | sed 's/^/SUM /'
cd /
umount /mnt
echo BLK-VERIFY-OK
