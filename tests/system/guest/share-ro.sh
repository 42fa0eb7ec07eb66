#!/bin/sh
# share-ro.sh: in a guest started with --share /tmp/ro,tag=ro,ro
# (tests/system/cases/share.sh): the read-only share mounts read-only,
# reads, and refuses every write. Markers: SHARE-RO-OK / SHARE-RO-FAIL <why>.
mkdir -p /ro
if ! timeout 150 turtle-agent mount --tag ro /ro; then
	echo "SHARE-RO-FAIL mount"
elif [ "$(cat /ro/ro-file)" != "read me" ]; then
	echo "SHARE-RO-FAIL cannot read ro-file"
elif touch /ro/new 2>/dev/null || rm /ro/ro-file 2>/dev/null; then
	echo "SHARE-RO-FAIL a write went through"
elif ! grep -q ' /ro fuse.turtle ro,' /proc/mounts; then
	echo "SHARE-RO-FAIL not mounted read-only: $(grep ' /ro ' /proc/mounts)"
elif ! umount /ro; then
	echo "SHARE-RO-FAIL umount"
else
	echo SHARE-RO-OK
fi
