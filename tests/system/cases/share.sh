#!/bin/sh
# Shared directories (turtle run --share, FUSE over vsock): a guest mounts
# a host directory with turtle-agent, creates, writes, renames, links and
# deletes files, passes posix.sh, and 16 processes write 8 MiB each at
# once; the host then finds exactly that result, byte for byte. The same
# (4 writers of 2 MiB, no posix.sh) from an L2 guest through L1's mount. A
# read-only share mounts read-only, reads, and refuses every kind of
# write, the host directory unchanged. Without --share, mounting fails
# with a clear message instead of hanging.
. /tests/lib.sh

N=${SHARE_WRITERS:-16}
MB=${SHARE_MB:-8}
S=/tmp/share
R=/tmp/ro
rm -rf $R
mkdir -p $R
echo "read me" >$R/ro-file
ro_before=$(ls -l $R; md5sum $R/ro-file)

# prepare: a fresh shared directory holding what the guest expects.
prepare() {
	rm -rf $S
	mkdir -p $S
	echo "hello from the host" >$S/from-host
	echo "delete me" >$S/to-delete
}

# check NAME OUT WRITERS MIB: what share-guest.sh, whose output is OUT,
# did to $S, as the host sees it; checks NAME-mount, NAME-unknown-tag,
# NAME-ops, NAME-parallel-writers and NAME-umount.
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
	want="$S $S/from-host $S/g2 $S/g3 $S/gd $S/gd/sub $S/gd/sub/n $S/gs $S/par"
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

prepare
run_turtle /tmp/out 480 run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
	--mem 256 --cpus 2 --share $S \
	--cmdline "$GUEST_CMDLINE -- /tests/share-guest.sh $N $MB"
tr -d '\r' </tmp/out | sed 's/^[0-9.]* //' >/tmp/o
check share /tmp/o "$N" "$MB"

done_line=$(grep '^POSIX-DONE' /tmp/o)
if [ -z "$done_line" ]; then
	fail share-posix "posix.sh did not finish"
elif ! echo "$done_line" | grep -q ' fail=0 '; then
	fail share-posix "$(grep '^POSIX-FAIL' /tmp/o | head -n 3 | tr '\n' ';')"
else
	pass share-posix "${done_line#POSIX-DONE }"
fi

# The same one level down: an L1 at EL2 mounts this share and runs an L2
# (booted from the host's /guest, shared too) whose share is that mount.
# posix.sh stays at L1: at L2 each of its checks costs ten times more.
prepare
run_turtle /tmp/out 900 run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
	--mem 768 --nested --share $S --share /guest,tag=boot,ro,cache=always \
	--cmdline "$GUEST_CMDLINE -- /tests/share-l1.sh 4 2"
tr -d '\r' </tmp/out | sed 's/^[0-9.]* //' >/tmp/o
has "SHARE-L2-TURTLE rc=0" /tmp/o || RC="$RC (L2: $(grep SHARE-L2-TURTLE /tmp/o))"
check share-l2 /tmp/o 4 2

# The read-only share, in a boot of its own.
run_turtle /tmp/out 240 run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
	--mem 256 --share $R,tag=ro,ro --cmdline "$GUEST_CMDLINE -- /tests/share-ro.sh"
tr -d '\r' </tmp/out | sed 's/^[0-9.]* //' >/tmp/o
if ! has SHARE-RO-OK /tmp/o; then
	fail share-read-only "$(grep SHARE-RO-FAIL /tmp/o || echo "no report (turtle exit $RC)")"
elif [ "$(ls -l $R; md5sum $R/ro-file)" != "$ro_before" ]; then
	fail share-read-only "the read-only directory changed on the host"
else
	pass share-read-only "mounted ro, read; create, append, truncate, unlink, rename, mkdir, symlink, chmod: EROFS"
fi

# No share: mounting says so, and does not hang.
run_turtle /tmp/out 60 run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
	--mem 256 --vsock 3 \
	--cmdline "$GUEST_CMDLINE -- turtle-agent mount /mnt; echo NOSHARE-RC \$?"
if has "NOSHARE-RC 1" /tmp/out &&
	has "the host offers no shared directory" /tmp/out; then
	pass share-none "a clear message, status 1"
else
	fail share-none "$(grep -a 'turtle-agent\|NOSHARE' /tmp/out | head -n 2 | tr '\n' ';')"
fi
