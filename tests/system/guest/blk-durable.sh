#!/bin/sh
# In an L1 guest: write a file, fsync it, tell the host, and wait to be
# killed (however long that takes). The host then kills turtle with
# SIGKILL.
set -e
mkdir -p /mnt
mount -t ext4 /dev/vda /mnt
# conv=fsync: dd calls fsync(2) on the file before it exits.
dd if=/dev/urandom of=/mnt/durable bs=4k count=256 conv=fsync 2>/dev/null
echo "SUM $(md5sum /mnt/durable | cut -d' ' -f1)"
echo DURABLE-READY
while :; do sleep 3600; done
