# The shared-directory checks, common to the share and share-l2 cases
# (sourced, as /tests/share-lib.sh, after /tests/lib.sh). The share is
# $S; a guest runs tests/system/guest/share-guest.sh on it.
S=/tmp/share

# prepare: a fresh shared directory holding what the guest expects.
prepare() {
	rm -rf $S
	mkdir -p $S
	echo "hello from the host" >$S/from-host
	echo "delete me" >$S/to-delete
	echo "root's secret" >$S/secret
	chown 0:0 $S/secret
	chmod 600 $S/secret
}

# check NAME OUT WRITERS MIB: what share-guest.sh, whose output is OUT,
# did to $S, as the host sees it; checks NAME-mount, NAME-unknown-tag,
# NAME-ops, NAME-unprivileged, NAME-parallel-writers and NAME-umount.
check() {
	c=$1 o=$2 n=$3 mb=$4
	if ! has SHARE-MOUNTED $o; then
		fail $c-mount "the guest could not mount the share (turtle exit $RC)"
	elif ! has "SHARE-HOSTFILE hello from the host" $o; then
		fail $c-mount "the host's file did not read back in the guest"
	else
		pass $c-mount
	fi

	if has "SHARE-NOTAG rc=1: turtle-agent: no share 'nope' on the host" $o; then
		pass $c-unknown-tag
	else
		fail $c-unknown-tag "$(grep SHARE-NOTAG $o)"
	fi

	# The tree the guest's operations leave (par/ is checked below).
	want="$S $S/from-host $S/g2 $S/g3 $S/gd $S/gd/sub $S/gd/sub/n $S/gs $S/par $S/secret"
	got=$(find $S | grep -v "^$S/par/" | sort | tr '\n' ' ' | sed 's/ $//')
	if ! has SHARE-OPS-OK $o; then
		fail $c-ops "$(grep SHARE-OPS-FAIL $o || echo 'no report')"
	elif [ "$got" != "$want" ]; then
		fail $c-ops "the host has: $got"
	elif [ "$(cat $S/g2)" != "from guest" ] ||
		[ "$(cat $S/gd/sub/n)" != nested ] ||
		[ "$(cat $S/from-host)" != "hello from the host
appended" ]; then
		fail $c-ops "file contents differ on the host"
	elif [ "$(stat -c %h $S/g2)" != 2 ] || [ "$(stat -c %i $S/g2)" != "$(stat -c %i $S/g3)" ]; then
		fail $c-ops "g2 and g3 are not one file with 2 links on the host"
	elif [ "$(readlink $S/gs)" != g2 ]; then
		fail $c-ops "the symlink reads '$(readlink $S/gs)' on the host"
	else
		pass $c-ops "create, write, rename, link, symlink, mkdir, delete, append"
	fi

	# A uid-1000 guest process that speaks FUSE to turtle itself, as root.
	if ! has "SHARE-UNPRIV ATTACK-REFUSED connect" $o; then
		fail $c-unprivileged "$(grep 'SHARE-UNPRIV' $o | tail -n 2 | tr '\n' ';')"
	elif has SHARE-UNPRIV-MOUNT-READ $o; then
		fail $c-unprivileged "uid 1000 read root's 0600 file through the mount"
	elif [ "$(stat -c '%u %g %a' $S/secret; cat $S/secret)" != "0 0 600
root's secret" ]; then
		fail $c-unprivileged "root's file changed on the host"
	elif [ -e $S/suid-attack ]; then
		fail $c-unprivileged "the setuid file exists on the host"
	else
		pass $c-unprivileged "uid 1000 claiming uid 0 on port 7001: $(grep -o 'ATTACK-REFUSED.*' $o | head -n 1)"
	fi

	# Each writer's file, as the host has it, against the guest's checksums.
	bad=0
	for i in $(seq 1 "$n"); do
		want=$(grep "^SUM .* w$i\$" $o | cut -d' ' -f2)
		read_back=$(grep "^READ-SUM .* w$i\$" $o | cut -d' ' -f2)
		got=$(md5sum <$S/par/w$i 2>/dev/null | cut -d' ' -f1)
		if [ -z "$want" ] || [ "$got" != "$want" ] || [ "$read_back" != "$want" ]; then
			bad=$((bad + 1))
			echo "    w$i: guest $want, read back $read_back, host $got"
		fi
	done
	if [ $bad != 0 ]; then
		fail $c-parallel-writers "$bad of $n files differ"
	elif [ "$(ls $S/par | wc -l)" != "$n" ]; then
		fail $c-parallel-writers "the host has $(ls $S/par | wc -l) files, not $n"
	else
		pass $c-parallel-writers "$n x $mb MiB, identical on the host and read back$(grep '^SHARE-TIME writers' $o | sed 's/SHARE-TIME writers/,/')"
	fi

	if has SHARE-UMOUNT-OK $o && has SHARE-GUEST-DONE $o && [ "$RC" = 0 ]; then
		pass $c-umount
	else
		fail $c-umount "unmounting failed or the guest did not finish (turtle exit $RC)"
	fi
}

# check_posix NAME OUT: posix.sh's verdict in share-guest.sh's output OUT.
check_posix() {
	done_line=$(grep '^POSIX-DONE' $2)
	if [ -z "$done_line" ]; then
		fail $1 "posix.sh did not finish"
	elif ! echo "$done_line" | grep -q ' fail=0 '; then
		fail $1 "$(grep '^POSIX-FAIL' $2 | head -n 3 | tr '\n' ';')"
	elif ! echo "$done_line" | grep -q ' skip=0$'; then
		fail $1 "skipped: $(grep '^POSIX-SKIP' $2 | head -n 3 | tr '\n' ';')"
	else
		pass $1 "${done_line#POSIX-DONE }"
	fi
}
