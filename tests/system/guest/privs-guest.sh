#!/bin/sh
# privs-guest.sh PART...: in an L1 guest of the privs case
# (tests/system/cases/privs.sh), do each PART, then serve turtle exec
# (turtle-agent) until the host creates /tmp/privs-stop (15 minutes at
# most). Parts and their markers:
#   group-write  PRIVS-GROUP-WRITE rc=N: a uid-1000 guest process that holds
#                group 0 in the guest appends to the share's root:root 0660
#                file (the guest allows it; the host must not: N != 0)
#   disk         PRIVS-DISK-READ <the first 13 bytes of /dev/vda>, and
#                PRIVS-DISK-WROTE once PRIVS-DISK-OUT is at 4096, synced
#   share        PRIVS-SHARE-WROTE: /mnt/from-guest written on the share (as
#                guest root); PRIVS-SHARE-OWNER uid:gid, its owner as the
#                guest sees it
# PRIVS-MOUNT-FAILED if the share did not mount; PRIVS-GUEST-READY when
# turtle exec is served.
mounted=
for part in "$@"; do
	case $part in
	group-write)
		if turtle-agent mount /mnt; then
			mounted=1
			as-user 1000:1000:0 sh -c 'echo pwned >>/mnt/rootfile' 2>/dev/null
			echo "PRIVS-GROUP-WRITE rc=$?"
		else
			echo "PRIVS-MOUNT-FAILED"
		fi
		;;
	disk)
		echo "PRIVS-DISK-READ $(head -c 13 /dev/vda)"
		printf PRIVS-DISK-OUT | dd of=/dev/vda bs=4096 seek=1 conv=notrunc 2>/dev/null && sync &&
			echo PRIVS-DISK-WROTE
		;;
	share)
		if turtle-agent mount /mnt; then
			mounted=1
			echo "from the guest" >/mnt/from-guest && sync &&
				echo PRIVS-SHARE-WROTE
			echo "PRIVS-SHARE-OWNER $(stat -c %u:%g /mnt/from-guest)"
		else
			echo PRIVS-MOUNT-FAILED
		fi
		;;
	esac
done

turtle-agent exec &
agent=$!
echo PRIVS-GUEST-READY
i=0
while [ ! -f /tmp/privs-stop ] && [ $i -lt 4500 ]; do
	sleep 0.2
	i=$((i + 1))
done
kill $agent
[ -f /tmp/privs-stop ] || { echo "PRIVS-GUEST no stop request"; exit 1; }
[ -z "$mounted" ] || umount /mnt
echo PRIVS-GUEST-DONE
