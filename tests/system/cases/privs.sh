#!/bin/sh
# turtle's own privileges (sandbox/privs.c), read from /proc while it runs:
#  - as root started with groups [0, 10] (sudo, a root login) and a
#    passthrough share: no supplementary groups left, so a guest process of
#    uid 1000 that holds group 0 in the guest cannot append to a root:root
#    0660 host file; only the share's capabilities kept (effective,
#    permitted, bounding), none inheritable or ambient; no_new_privs; core
#    file size 0;
#  - as root with a mapped share: no capabilities at all, and the share
#    works (guest root's file reaches the host);
#  - as uid 1000 with /dev/kvm access (its group): the guest boots, reads
#    and writes its disk, answers turtle exec over the vsock Unix socket,
#    writes a file on a mapped share (uid 1000's on the host, root's in
#    the guest), and powers off with exit status 0; turtle has no
#    capabilities; a passthrough share is refused with a message that says
#    why;
#  - with --sandbox (root): turtle's root holds only /proc and the vsock
#    socket's directory, read-only, and the share, the disk, turtle exec
#    and a guest-to-host vsock connection still work.
. /tests/lib.sh

# The capabilities a read-write passthrough share keeps: CHOWN,
# DAC_OVERRIDE, FOWNER, FSETID, SETGID, SETUID, MKNOD, SETFCAP.
SHARE_CAPS=00000000880000db
NONE=0000000000000000

# start NAME MODE AS TURTLE-ARGS...: turtle run as AS (as-user's ids) in
# the background, the guest running privs-guest.sh MODE; output in
# /tmp/NAME.out, exit status in /tmp/NAME.rc. Sets PID to turtle's once
# the guest is ready (empty if it never was).
start() {
	name=$1 mode=$2 ids=$3
	shift 3
	rm -f /tmp/$name.out /tmp/$name.rc
	(
		timeout $(scaled 300) as-user $ids turtle run --kernel $GUEST_KERNEL \
			--initrd $GUEST_INITRD --mem 256 "$@" \
			--cmdline "$GUEST_CMDLINE -- /tests/privs-guest.sh $mode" \
			</dev/null >/tmp/$name.out 2>&1
		echo $? >/tmp/$name.rc
	) &
	PID=
	i=0
	while [ $i -lt 1200 ] && [ ! -f /tmp/$name.rc ]; do
		if grep -q PRIVS-GUEST-READY /tmp/$name.out 2>/dev/null; then
			PID=$(pidof turtle)
			break
		fi
		sleep 0.2
		i=$((i + 1))
	done
	sed 's/^/    | /' /tmp/$name.out
}
# stop NAME SOCK [AS]: ask the guest to power off through turtle exec; wait
# for turtle; sets RC.
stop() {
	timeout $(scaled 60) as-user ${3:-0:0} turtle exec $2 -- touch /tmp/privs-stop </dev/null
	i=0
	while [ ! -f /tmp/$1.rc ] && [ $i -lt 600 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	RC=$(cat /tmp/$1.rc 2>/dev/null || echo timeout)
	sed 's/^/    | /' /tmp/$1.out | tail -n 5
}
# st PID FIELD: a field of /proc/PID/status, whitespace squeezed.
st() { grep "^$2:" /proc/$1/status | cut -d: -f2- | tr -s ' \t' ' ' | sed 's/^ //; s/ $//'; }
core_limit() { grep '^Max core file size' /proc/$1/limits | tr -s ' ' | cut -d' ' -f5,6; }

# 1. Root, groups [0, 10], a passthrough share with a root-only file.
P=/tmp/pshare
rm -rf $P
mkdir -p $P
echo secret >$P/rootfile
chown 0:0 $P/rootfile
chmod 0660 $P/rootfile
start root group-write 0:0:0,10 --share $P --vsock 3,/tmp/pa.sock
if [ -z "$PID" ]; then
	fail privs-root-groups "the guest never got ready"
	fail privs-root-caps "the guest never got ready"
else
	groups=$(st $PID Groups)
	eff=$(st $PID CapEff) prm=$(st $PID CapPrm) bnd=$(st $PID CapBnd)
	inh=$(st $PID CapInh) amb=$(st $PID CapAmb) nnp=$(st $PID NoNewPrivs)
	core=$(core_limit $PID)
	stop root /tmp/pa.sock
	if [ -n "$groups" ]; then
		fail privs-root-groups "turtle kept its groups: $groups"
	elif ! grep -q "PRIVS-GROUP-WRITE rc=[1-9]" /tmp/root.out; then
		fail privs-root-groups "$(grep 'PRIVS-GROUP-WRITE\|PRIVS-MOUNT' /tmp/root.out || echo 'no report')"
	elif [ "$(cat $P/rootfile)" != secret ]; then
		fail privs-root-groups "the host file changed: $(cat $P/rootfile | tr '\n' ' ')"
	else
		pass privs-root-groups "started with groups 0 10: none left; a uid-1000 guest process in group 0 could not append to a root:root 0660 file"
	fi
	if [ "$eff $prm $bnd $inh $amb" != "$SHARE_CAPS $SHARE_CAPS $SHARE_CAPS $NONE $NONE" ]; then
		fail privs-root-caps "CapEff $eff CapPrm $prm CapBnd $bnd CapInh $inh CapAmb $amb (want $SHARE_CAPS thrice, 0 twice)"
	elif [ "$nnp" != 1 ] || [ "$core" != "0 0" ]; then
		fail privs-root-caps "NoNewPrivs $nnp, core limit $core"
	elif [ "$RC" != 0 ]; then
		fail privs-root-caps "turtle exit $RC"
	else
		pass privs-root-caps "passthrough share: CapEff=CapPrm=CapBnd=$SHARE_CAPS, no_new_privs, core 0, exit 0"
	fi
fi

# 2. Root, a mapped share: nothing kept, and the share works.
M=/tmp/mshare
rm -rf $M
mkdir -p $M
start mroot share 0:0 --share $M,security=mapped --vsock 3,/tmp/pm.sock
if [ -z "$PID" ]; then
	fail privs-root-mapped "the guest never got ready"
else
	caps="$(st $PID CapEff) $(st $PID CapPrm) $(st $PID CapBnd)"
	stop mroot /tmp/pm.sock
	if [ "$caps" != "$NONE $NONE $NONE" ]; then
		fail privs-root-mapped "CapEff CapPrm CapBnd: $caps"
	elif ! grep -q PRIVS-SHARE-WROTE /tmp/mroot.out ||
		[ "$(cat $M/from-guest 2>/dev/null)" != "from the guest" ]; then
		fail privs-root-mapped "the guest's file did not reach the host: $(grep PRIVS- /tmp/mroot.out | tr '\n' ' ')"
	elif [ "$RC" != 0 ]; then
		fail privs-root-mapped "turtle exit $RC"
	else
		pass privs-root-mapped "root with a mapped share: CapEff=CapPrm=CapBnd=0; the guest wrote a file"
	fi
fi

# 3. uid 1000, with /dev/kvm through its group.
kvm_mode=$(stat -c '%g %a' /dev/kvm)
chgrp 1000 /dev/kvm
chmod 0660 /dev/kvm
U=/tmp/u
rm -rf $U
mkdir -p $U
dd if=/dev/zero of=$U/disk.img bs=1M count=0 seek=8 2>/dev/null
printf PRIVS-DISK-IN | dd of=$U/disk.img conv=notrunc 2>/dev/null
mkdir $U/share
chown -R 1000:1000 $U

# A passthrough share needs root: refused, and said so.
timeout $(scaled 60) as-user 1000:1000 turtle run --kernel $GUEST_KERNEL --share $U,security=passthrough \
	</dev/null >/tmp/refused 2>&1
rc=$?
if [ $rc = 1 ] && grep -q "needs root (missing CAP_.*use security=mapped" /tmp/refused; then
	pass privs-user-passthrough-refused "$(head -n1 /tmp/refused)"
else
	fail privs-user-passthrough-refused "exit $rc: $(head -n2 /tmp/refused | tr '\n' ' ')"
fi

start user "disk share" 1000:1000 --disk $U/disk.img --vsock 3,$U/v.sock \
	--share $U/share,security=mapped
if [ -z "$PID" ]; then
	for c in caps vsock disk share boot; do
		fail privs-user-$c "the guest never got ready (turtle exit $(cat /tmp/user.rc 2>/dev/null))"
	done
else
	ids="$(st $PID Uid) / $(st $PID Gid)"
	caps="$(st $PID CapEff) $(st $PID CapPrm) $(st $PID CapInh) $(st $PID CapAmb)"
	nnp=$(st $PID NoNewPrivs)
	echo=$(timeout $(scaled 60) as-user 1000:1000 turtle exec $U/v.sock -- echo vsock-ok </dev/null 2>&1)
	stop user $U/v.sock 1000:1000
	if [ "$ids" != "1000 1000 1000 1000 / 1000 1000 1000 1000" ]; then
		fail privs-user-caps "turtle's ids: $ids"
	elif [ "$caps" != "$NONE $NONE $NONE $NONE" ] || [ "$nnp" != 1 ]; then
		fail privs-user-caps "CapEff CapPrm CapInh CapAmb: $caps; NoNewPrivs $nnp"
	else
		pass privs-user-caps "uid 1000: CapEff=CapPrm=0, no_new_privs"
	fi
	if [ "$echo" = vsock-ok ]; then
		pass privs-user-vsock "turtle exec through $U/v.sock (uid 1000)"
	else
		fail privs-user-vsock "turtle exec printed: $echo"
	fi
	if ! grep -q "PRIVS-DISK-READ PRIVS-DISK-IN" /tmp/user.out ||
		! grep -q PRIVS-DISK-WROTE /tmp/user.out; then
		fail privs-user-disk "$(grep PRIVS-DISK /tmp/user.out | tr '\n' ' ')"
	elif [ "$(dd if=$U/disk.img bs=4096 skip=1 count=1 2>/dev/null | head -c 14)" != PRIVS-DISK-OUT ]; then
		fail privs-user-disk "the guest's write is not in the image"
	else
		pass privs-user-disk "read the host's bytes, wrote its own, the image has them"
	fi
	owner=$(stat -c %u:%g $U/share/from-guest 2>/dev/null)
	if ! grep -q PRIVS-SHARE-WROTE /tmp/user.out ||
		[ "$(cat $U/share/from-guest 2>/dev/null)" != "from the guest" ]; then
		fail privs-user-share "the guest's file did not reach the host: $(grep PRIVS- /tmp/user.out | tr '\n' ' ')"
	elif [ "$owner" != 1000:1000 ]; then
		fail privs-user-share "the host file belongs to $owner"
	elif ! grep -q "PRIVS-SHARE-OWNER 0:0" /tmp/user.out; then
		fail privs-user-share "the guest sees $(grep PRIVS-SHARE-OWNER /tmp/user.out)"
	else
		pass privs-user-share "security=mapped: guest root's file is 1000:1000 on the host, 0:0 in the guest"
	fi
	if [ "$RC" = 0 ] && grep -q "TURTLE-EXIT 0" /tmp/user.out; then
		pass privs-user-boot "uid 1000 with /dev/kvm through its group: booted, powered off, exit 0"
	else
		fail privs-user-boot "turtle exit $RC"
	fi
fi
chgrp "${kvm_mode% *}" /dev/kvm
chmod "${kvm_mode#* }" /dev/kvm

# 4. --sandbox: root, a passthrough share, a disk and a vsock socket; the
# root turtle sees holds /proc and the socket's directory only.
SB=/tmp/sb
rm -rf $SB /tmp/sbshare
mkdir -p $SB /tmp/sbshare
dd if=/dev/zero of=/tmp/sb.img bs=1M count=0 seek=8 2>/dev/null
vsock-tool echo-server listen-unix:$SB/v.sock_6000 >/tmp/sb-echo.out 2>&1 &
echo_pid=$!
start sb "share disk" 0:0 --sandbox --share /tmp/sbshare --disk /tmp/sb.img \
	--vsock 3,$SB/v.sock
if [ -z "$PID" ]; then
	fail privs-sandbox "the guest never got ready"
else
	root=$(ls -A /proc/$PID/root | tr '\n' ' ')
	# Mount points (field 5) other than /, /proc and below, and $SB.
	others=$(cut -d' ' -f5 /proc/$PID/mountinfo | grep -v "^/$\|^/proc\|^$SB$" | tr '\n' ' ')
	ro=$(awk '$5 == "/" { print $6 }' /proc/$PID/mountinfo)
	echo=$(timeout $(scaled 60) turtle exec $SB/v.sock -- vsock-tool echo-client vsock:2:6000 --bytes 64K </dev/null 2>&1)
	stop sb $SB/v.sock
	if [ "$root" != "proc tmp " ]; then
		fail privs-sandbox "turtle's root holds: $root"
	elif [ -n "$others" ]; then
		fail privs-sandbox "turtle sees mounts at: $others"
	elif [ "${ro%%,*}" != ro ]; then
		fail privs-sandbox "its root is mounted $ro"
	elif [ "$(cat /tmp/sbshare/from-guest 2>/dev/null)" != "from the guest" ]; then
		fail privs-sandbox "the share did not work: $(grep PRIVS- /tmp/sb.out | tr '\n' ' ')"
	elif ! grep -q PRIVS-DISK-WROTE /tmp/sb.out; then
		fail privs-sandbox "the disk did not work: $(grep PRIVS-DISK /tmp/sb.out | tr '\n' ' ')"
	elif ! echo "$echo" | grep -q ECHO-OK; then
		fail privs-sandbox "guest -> host $SB/v.sock_6000: $echo"
	elif [ "$RC" != 0 ]; then
		fail privs-sandbox "turtle exit $RC"
	else
		pass privs-sandbox "root: /proc and $SB only, read-only; share, disk, turtle exec and a guest->host connection work; exit 0"
	fi
fi
kill $echo_pid 2>/dev/null
