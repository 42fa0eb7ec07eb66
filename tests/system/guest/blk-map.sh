#!/bin/sh
# In an L1 guest whose disk is a 16 MiB image turtle maps (io=map, see
# tests/system/cases/blk-map.sh): read the first 4 MiB, copy them to 4 MiB
# in 1 MiB writes and sectors 3..11 to 12003 (odd sizes and offsets), all
# with direct I/O, and flush. Then, once the host has cut the image to
# 8 MiB, a read past the new end fails and one before it still works.
set -e
sum() { md5sum | cut -d' ' -f1; }
echo "READ $(dd if=/dev/vda bs=1M count=4 iflag=direct 2>/dev/null | sum)"
dd if=/dev/vda of=/dev/vda bs=1M count=4 seek=4 iflag=direct oflag=direct \
	conv=fsync 2>/dev/null
dd if=/dev/vda of=/dev/vda bs=512 skip=3 count=9 seek=12003 iflag=direct \
	oflag=direct conv=fsync 2>/dev/null
echo MAP-WRITES-DONE
# The host truncates now: wait for the read at 12 MiB to fail.
while dd if=/dev/vda of=/dev/null bs=4096 skip=3072 count=1 iflag=direct \
	2>/dev/null; do
	sleep 0.2
done
echo MAP-TRUNC-IOERR
dd if=/dev/vda of=/dev/null bs=4096 count=1 iflag=direct 2>/dev/null &&
	echo MAP-STILL-OK
