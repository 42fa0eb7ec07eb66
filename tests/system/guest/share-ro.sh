#!/bin/sh
# share-ro.sh: in a guest started with --share /tmp/ro,tag=ro,ro
# (tests/system/cases/share.sh): the read-only share mounts read-only,
# reads, and refuses every kind of write with EROFS. Markers:
# SHARE-RO-OK / SHARE-RO-FAIL <why>.
#
# stdin is /dev/null, not the console: busybox rm (like coreutils rm)
# asks "remove write-protected regular file?" before unlinking a file it
# may not write when stdin is a terminal, and on the console nobody
# answers. That question, sent to 2>/dev/null, is what once left this
# check waiting forever with a silent, idle guest. Each write runs under
# timeout as well, so that anything else that waits says which step.
exec </dev/null
# SCALE: how much longer than on an idle machine things may take now
# (turtle.scale=N on the command line, from tests/system/guest-lib.sh).
SCALE=$(sed -n 's/.*turtle\.scale=\([0-9]*\).*/\1/p' /proc/cmdline)
SCALE=${SCALE:-1}

# refused NAME CMD: CMD must fail with "Read-only file system".
refused() {
	timeout $((30 * SCALE)) sh -c "$2" >/tmp/ro.out 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		echo "SHARE-RO-FAIL $1 went through"
		return 1
	elif [ $rc = 143 ] || [ $rc = 137 ]; then
		echo "SHARE-RO-FAIL $1 did not finish in $((30 * SCALE)) s"
		return 1
	elif ! grep -q 'Read-only file system' /tmp/ro.out; then
		echo "SHARE-RO-FAIL $1: $(tail -n 1 /tmp/ro.out) (status $rc)"
		return 1
	fi
}

mkdir -p /ro
if ! timeout $((150 * SCALE)) turtle-agent mount --tag ro /ro; then
	echo "SHARE-RO-FAIL mount"
elif ! grep -q ' /ro fuse.turtle ro,' /proc/mounts; then
	echo "SHARE-RO-FAIL not mounted read-only: $(grep ' /ro ' /proc/mounts)"
elif [ "$(timeout $((30 * SCALE)) cat /ro/ro-file)" != "read me" ]; then
	echo "SHARE-RO-FAIL cannot read ro-file"
elif refused create 'touch /ro/new' &&
	refused append 'echo more >>/ro/ro-file' &&
	refused truncate 'echo >/ro/ro-file' &&
	refused unlink 'rm /ro/ro-file' &&
	refused rename 'mv /ro/ro-file /ro/moved' &&
	refused mkdir 'mkdir /ro/dir' &&
	refused symlink 'ln -s ro-file /ro/link' &&
	refused chmod 'chmod 600 /ro/ro-file'; then
	if [ "$(timeout $((30 * SCALE)) cat /ro/ro-file)" != "read me" ]; then
		echo "SHARE-RO-FAIL ro-file changed"
	elif ! timeout $((30 * SCALE)) umount /ro; then
		echo "SHARE-RO-FAIL umount"
	else
		echo SHARE-RO-OK
	fi
fi
