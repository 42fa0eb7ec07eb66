#!/bin/sh
# share-guest.sh [WRITERS] [MIB] [POSIX]: in an L1 guest started with
# --share /tmp/share (tests/system/cases/share.sh), or an L2 one
# (share-l1.sh):
# mount the shares with turtle-agent, change the tree in known ways, run
# posix.sh on it, have WRITERS (16) processes write MIB (8) MiB each at
# once, and report what the host should find; POSIX=0 leaves posix.sh out.
# Markers:
#   SHARE-NOTAG rc=N: ...     mounting a tag the host does not have
#   SHARE-MOUNTED / SHARE-MOUNT-FAILED rc=N
#   SHARE-HOSTFILE <text>     a file the host put there, read through FUSE
#   SHARE-UNPRIV ATTACK-...   fuse-attack as uid 1000 (tests/system/fuse-attack.c)
#   SHARE-OPS-OK / SHARE-OPS-FAIL <step>
#   POSIX-...                 posix.sh
#   SUM <md5> wN              what par/wN must hold; READ-SUM: read back
#   SHARE-UMOUNT-OK / SHARE-UMOUNT-FAIL
#   SHARE-GUEST-DONE
# SCALE: how much longer than on an idle machine things may take now
# (turtle.scale=N on the command line, from tests/system/guest-lib.sh).
SCALE=$(sed -n 's/.*turtle\.scale=\([0-9]*\).*/\1/p' /proc/cmdline)
SCALE=${SCALE:-1}
N=${1:-16}
MB=${2:-8}
POSIX=${3:-1}

out=$(turtle-agent mount --tag nope /mnt 2>&1)
echo "SHARE-NOTAG rc=$?: $out"

if ! turtle-agent mount /mnt; then
	echo "SHARE-MOUNT-FAILED rc=$?"
	exit 1
fi
echo SHARE-MOUNTED
echo "SHARE-HOSTFILE $(cat /mnt/from-host)"

# Row 1 of issue 12: uid 1000 may not read root's 0600 file through the
# mount, nor, by speaking FUSE to turtle's port itself with uid 0 in its
# headers, read it or create a setuid file (fuse-attack must be reset).
if turtle-agent run-as 1000 -- cat /mnt/secret >/dev/null 2>&1; then
	echo "SHARE-UNPRIV-MOUNT-READ uid 1000 read /mnt/secret"
fi
turtle-agent run-as 1000 -- fuse-attack share secret suid-attack 2>&1 |
	sed 's/^/SHARE-UNPRIV /'

# stuck_report WHY: where the FUSE clients, their requests and the
# processes using the shares wait.
stuck_report() {
	echo "SHARE-STUCK $1"
	mount -t fusectl fusectl /sys/fs/fuse/connections 2>/dev/null
	for c in /sys/fs/fuse/connections/*; do
		echo "SHARE-STUCK fuse $c waiting=$(cat $c/waiting)"
	done
	for t in /proc/[0-9]*/task/[0-9]*; do
		comm=$(cat $t/comm 2>/dev/null)
		case $comm in
		turtle-agent | cat | sync | md5sum | stat)
			echo "SHARE-STUCK $comm ${t#/proc/} $(cat $t/wchan 2>/dev/null)"
			head -n 3 $t/stack 2>/dev/null | sed 's/^/SHARE-STUCK   /'
			;;
		esac
	done
	grep -E 'Dirty|Writeback|MemFree' /proc/meminfo | sed 's/^/SHARE-STUCK /'
}

step() {
	if ! eval "$1" >/tmp/step.out 2>&1; then
		echo "SHARE-OPS-FAIL $1: $(tail -n 1 /tmp/step.out)"
		return 1
	fi
}
if step 'echo "from guest" >/mnt/g1' &&
	step 'mv /mnt/g1 /mnt/g2' &&
	step 'ln /mnt/g2 /mnt/g3' &&
	step 'ln -s g2 /mnt/gs' &&
	step 'mkdir -p /mnt/gd/sub' &&
	step 'echo nested >/mnt/gd/sub/n' &&
	step 'rm /mnt/to-delete' &&
	step 'echo appended >>/mnt/from-host' &&
	step 'mkdir /mnt/gone && rmdir /mnt/gone' &&
	step '[ "$(cat /mnt/gs)" = "from guest" ]' &&
	step '[ "$(stat -c %h /mnt/g3)" = 2 ]'; then
	echo SHARE-OPS-OK
fi

# posix.sh's permission checks run as uid 1000 through `turtle-agent
# run-as` (by number: the static busybox has no setpriv, and its su finds
# no users without NSS, so no /etc/passwd entry is needed).
if [ "$POSIX" != 0 ]; then
	t0=$(cut -d' ' -f1 /proc/uptime)
	POSIX_MANY=50 sh /tests/posix.sh /mnt
	echo "SHARE-TIME posix $(awk -v t="$t0" '{ printf "%.1f", $1 - t }' /proc/uptime)s"
fi

# Parallel writers: each file is "writer I" then the same random MiB.
t0=$(cut -d' ' -f1 /proc/uptime)
dd if=/dev/urandom of=/tmp/seed bs=1M count="$MB" 2>/dev/null
mkdir /mnt/par
i=1
writers=
while [ $i -le "$N" ]; do
	(
		{ echo "writer $i"; cat /tmp/seed; } >/mnt/par/w$i ||
			echo "SHARE-WRITER-FAILED $i"
	) &
	writers="$writers $!"
	i=$((i + 1))
done
# Should the writers stall, say where everything waits (for the log).
(
	sleep $((180 * SCALE))
	stuck_report "writers still running after $((180 * SCALE)) s"
) &
watchdog=$!
wait $writers
kill $watchdog 2>/dev/null
echo "SHARE-TIME written $(awk -v t="$t0" '{ printf "%.1f", $1 - t }' /proc/uptime)s"
sync
echo "SHARE-TIME writers $(awk -v t="$t0" '{ printf "%.1f", $1 - t }' /proc/uptime)s"
echo 3 >/proc/sys/vm/drop_caches # read back through FUSE, not the cache
i=1
while [ $i -le "$N" ]; do
	want=$({ echo "writer $i"; cat /tmp/seed; } | md5sum | cut -d' ' -f1)
	echo "SUM $want w$i"
	echo "READ-SUM $(md5sum </mnt/par/w$i | cut -d' ' -f1) w$i"
	i=$((i + 1))
done
rm -f /tmp/seed

if umount /mnt; then
	echo SHARE-UMOUNT-OK
else
	echo SHARE-UMOUNT-FAIL
fi
echo SHARE-GUEST-DONE
