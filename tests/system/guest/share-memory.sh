#!/bin/sh
# share-memory.sh: the guest side of tests/system/cases/share-memory.sh.
# Loads turtle's share and vsock device as a busy guest can: fsbench, then
# 16 processes writing and reading back 4 MiB each in 1 MiB requests at
# once (O_DIRECT: every read is a 1 MiB FUSE READ), then an 8 MiB vsock
# stream to the host; then waits for the host to sample turtle's memory.
# Markers: SHAREMEM-UP, SHAREMEM-FS ..., SHAREMEM-DD-OK (one per
# process), SHAREMEM-VSOCK ..., SHAREMEM-LOADED (the host samples now),
# SHAREMEM-FAIL <step>.
echo SHAREMEM-UP
if ! turtle-agent mount /mnt; then
	echo "SHAREMEM-FAIL mount"
	exit 1
fi
fsbench --seconds 0.5 --size 4 /mnt 2>&1 | sed 's/^/SHAREMEM-FS /'
for i in $(seq 16); do
	(dd if=/dev/zero of=/mnt/p$i bs=1M count=4 conv=fsync 2>/dev/null &&
		dd if=/mnt/p$i of=/dev/null bs=1M iflag=direct 2>/dev/null &&
		echo SHAREMEM-DD-OK) &
done
wait
vsock-tool source vsock:2:5001 --bytes 8M 2>&1 | sed 's/^/SHAREMEM-VSOCK /'
echo SHAREMEM-LOADED
# The host creates this file once it has sampled.
until [ -e /mnt/sampled ]; do
	sleep 0.2
done
