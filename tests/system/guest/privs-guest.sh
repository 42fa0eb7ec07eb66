#!/bin/sh
# privs-guest.sh MODE: in an L1 guest of the privs case
# (tests/system/cases/privs.sh), whose turtle runs as root with groups
# [0, 10] (MODE root), as uid 1000 (user), or as root without a share
# (none). Serves turtle exec (turtle-agent) once its part is done, until
# the host creates /tmp/privs-stop (15 minutes at most). Markers:
#   PRIVS-GROUP-WRITE rc=N   root: a uid-1000 guest process that holds
#                            group 0 in the guest appends to the share's
#                            root:root 0660 file (the guest allows it; the
#                            host must not, N != 0)
#   PRIVS-DISK-READ <text>   user: the first 13 bytes of /dev/vda
#   PRIVS-DISK-WROTE         user: PRIVS-DISK-OUT written at 4096, synced
#   PRIVS-SHARE-WROTE        user: /mnt/from-guest written on the share
#   PRIVS-GUEST-READY        turtle exec is served
mode=$1

case $mode in
root)
	if turtle-agent mount /mnt; then
		as-user 1000:1000:0 sh -c 'echo pwned >>/mnt/rootfile' 2>/dev/null
		echo "PRIVS-GROUP-WRITE rc=$?"
	else
		echo "PRIVS-MOUNT-FAILED"
	fi
	;;
user)
	echo "PRIVS-DISK-READ $(head -c 13 /dev/vda)"
	printf PRIVS-DISK-OUT | dd of=/dev/vda bs=4096 seek=1 conv=notrunc 2>/dev/null && sync &&
		echo PRIVS-DISK-WROTE
	if [ -n "$2" ]; then
		if turtle-agent mount /mnt && echo "from the guest" >/mnt/from-guest &&
			sync; then
			echo PRIVS-SHARE-WROTE
		else
			echo PRIVS-MOUNT-FAILED
		fi
	fi
	;;
esac

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
[ "$mode" = none ] || umount /mnt 2>/dev/null
echo PRIVS-GUEST-DONE
