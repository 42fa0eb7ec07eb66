#!/bin/sh
# Shared directories (turtle run --share, FUSE over vsock): a guest mounts
# a host directory with turtle-agent, creates, writes, renames, links and
# deletes files, passes posix.sh, and 16 processes write 8 MiB each at
# once; the host then finds exactly that result, byte for byte (the same
# from L2 is the share-l2 case). A read-only share mounts read-only, reads, and refuses every kind of
# write, the host directory unchanged. Without --share, mounting fails
# with a clear message instead of hanging. (security=mapped: share-mapped.)
. /tests/lib.sh
. /tests/share-lib.sh

N=${SHARE_WRITERS:-16}
MB=${SHARE_MB:-8}
R=/tmp/ro
rm -rf $R
mkdir -p $R
echo "read me" >$R/ro-file
ro_before=$(ls -l $R; md5sum $R/ro-file)

prepare
run_turtle /tmp/out 480 run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
	--mem 256 --cpus 2 --share $S \
	--cmdline "$GUEST_CMDLINE -- /tests/share-guest.sh $N $MB"
tr -d '\r' </tmp/out | sed 's/^[0-9.]* //' >/tmp/o
check share /tmp/o "$N" "$MB"

check_posix share-posix /tmp/o

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
