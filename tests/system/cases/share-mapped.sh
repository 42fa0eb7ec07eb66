#!/bin/sh
# A share with security=mapped (turtle run --share DIR,security=mapped): in
# the guest, posix.sh passes with its device-node checks; guest root makes
# a setuid-root program, a character device (1:1, the host's /dev/mem), a
# FIFO and a sticky directory, and sees them as such; the host finds only
# plain 0600 files and a 0700 directory, nothing setuid, setgid, sticky,
# group/other-writable or special (guest/share-mapped.sh).
. /tests/lib.sh
. /tests/share-lib.sh

prepare
run_turtle /tmp/out 480 run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
	--mem 256 --share $S,security=mapped \
	--cmdline "$GUEST_CMDLINE -- /tests/share-mapped.sh"
tr -d '\r' </tmp/out | sed 's/^[0-9.]* //' >/tmp/o
check_posix share-mapped-posix /tmp/o
view="4755:0 regular file 0:0;644:0 character special file 1:1;"
view="${view}644:0 fifo 0:0;1777:0 directory 0:0;"
special=$(find $S/m ! -type f ! -type d; find $S/m -perm /7022)
if ! has MAPPED-DONE /tmp/o; then
	fail share-mapped-host "the guest did not finish (turtle exit $RC)"
elif ! has "MAPPED-GUEST-VIEW $view" /tmp/o; then
	fail share-mapped-host "the guest sees $(grep MAPPED-GUEST-VIEW /tmp/o)"
elif [ -n "$special" ]; then
	fail share-mapped-host "the host has special or setuid/writable files: $special"
elif ! [ -f $S/m/suid ] || ! [ -f $S/m/mem ] || ! [ -f $S/m/fifo ] ||
	[ "$(stat -c %a $S/m/suid $S/m/mem $S/m/fifo $S/m | tr '\n' ' ')" != "600 600 600 700 " ]; then
	fail share-mapped-host "host modes: $(stat -c '%n %a %F' $S/m/* $S/m | tr '\n' ';')"
else
	pass share-mapped-host "setuid file, device 1:1, FIFO, sticky dir: 0600/0700 plain files on the host"
fi

