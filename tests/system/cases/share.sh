#!/bin/sh
# Shared directories (turtle run --share, FUSE over vsock): a guest mounts
# a host directory with turtle-agent, creates, writes, renames, links and
# deletes files, passes posix.sh, and 16 processes write 8 MiB each at
# once; the host then finds exactly that result, byte for byte. A
# read-only share mounts read-only, reads, and refuses every kind of
# write, the host directory unchanged. Without --share, mounting fails
# with a clear message instead of hanging.
. /tests/lib.sh

N=${SHARE_WRITERS:-16}
MB=${SHARE_MB:-8}
S=/tmp/share
R=/tmp/ro
rm -rf $S $R
mkdir -p $S $R
echo "hello from the host" >$S/from-host
echo "delete me" >$S/to-delete
echo "read me" >$R/ro-file
ro_before=$(ls -l $R; md5sum $R/ro-file)

run_turtle /tmp/out 480 run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
	--mem 256 --cpus 2 --share $S \
	--cmdline "$GUEST_CMDLINE -- /tests/share-guest.sh $N $MB"
tr -d '\r' </tmp/out | sed 's/^[0-9.]* //' >/tmp/o

if ! has SHARE-MOUNTED /tmp/o; then
	fail share-mount "the guest could not mount the share (turtle exit $RC)"
elif ! has "SHARE-HOSTFILE hello from the host" /tmp/o; then
	fail share-mount "the host's file did not read back in the guest"
else
	pass share-mount
fi

if has "SHARE-NOTAG rc=1: turtle-agent: no share 'nope' on the host" /tmp/o; then
	pass share-unknown-tag
else
	fail share-unknown-tag "$(grep SHARE-NOTAG /tmp/o)"
fi

# The tree the guest's operations leave (par/ is checked below).
want="$S $S/from-host $S/g2 $S/g3 $S/gd $S/gd/sub $S/gd/sub/n $S/gs $S/par"
got=$(find $S | grep -v "^$S/par/" | sort | tr '\n' ' ' | sed 's/ $//')
if ! has SHARE-OPS-OK /tmp/o; then
	fail share-ops "$(grep SHARE-OPS-FAIL /tmp/o || echo 'no report')"
elif [ "$got" != "$want" ]; then
	fail share-ops "the host has: $got"
elif [ "$(cat $S/g2)" != "from guest" ] ||
	[ "$(cat $S/gd/sub/n)" != nested ] ||
	[ "$(cat $S/from-host)" != "hello from the host
appended" ]; then
	fail share-ops "file contents differ on the host"
elif [ "$(stat -c %h $S/g2)" != 2 ] || [ "$(stat -c %i $S/g2)" != "$(stat -c %i $S/g3)" ]; then
	fail share-ops "g2 and g3 are not one file with 2 links on the host"
elif [ "$(readlink $S/gs)" != g2 ]; then
	fail share-ops "the symlink reads '$(readlink $S/gs)' on the host"
else
	pass share-ops "create, write, rename, link, symlink, mkdir, delete, append"
fi

done_line=$(grep '^POSIX-DONE' /tmp/o)
if [ -z "$done_line" ]; then
	fail share-posix "posix.sh did not finish"
elif ! echo "$done_line" | grep -q ' fail=0 '; then
	fail share-posix "$(grep '^POSIX-FAIL' /tmp/o | head -n 3 | tr '\n' ';')"
else
	pass share-posix "${done_line#POSIX-DONE }"
fi

# Each writer's file, as the host has it, against the guest's checksums.
bad=0 n=0
for i in $(seq 1 "$N"); do
	want=$(grep "^SUM .* w$i\$" /tmp/o | cut -d' ' -f2)
	read_back=$(grep "^READ-SUM .* w$i\$" /tmp/o | cut -d' ' -f2)
	got=$(md5sum <$S/par/w$i 2>/dev/null | cut -d' ' -f1)
	if [ -z "$want" ] || [ "$got" != "$want" ] || [ "$read_back" != "$want" ]; then
		bad=$((bad + 1))
		echo "    w$i: guest $want, read back $read_back, host $got"
	fi
	n=$((n + 1))
done
if [ $bad != 0 ]; then
	fail share-parallel-writers "$bad of $n files differ"
elif [ "$(ls $S/par | wc -l)" != "$N" ]; then
	fail share-parallel-writers "the host has $(ls $S/par | wc -l) files, not $N"
else
	pass share-parallel-writers "$N x $MB MiB, identical on the host and read back$(grep '^SHARE-TIME writers' /tmp/o | sed 's/SHARE-TIME writers/,/')"
fi

if has SHARE-UMOUNT-OK /tmp/o && has SHARE-GUEST-DONE /tmp/o && [ "$RC" = 0 ]; then
	pass share-umount
else
	fail share-umount "unmounting failed or the guest did not finish (turtle exit $RC)"
fi

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
