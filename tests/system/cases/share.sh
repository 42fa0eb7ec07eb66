#!/bin/sh
# Shared directories (turtle run --share, FUSE over vsock): a guest mounts
# a host directory with turtle-agent, creates, writes, renames, links and
# deletes files, passes posix.sh, and 16 processes write 8 MiB each at
# once; the host then finds exactly that result, byte for byte (the same
# from L2 is the share-l2 case). A read-only share mounts read-only, reads, and refuses every kind of
# write, the host directory unchanged. Without --share, mounting fails
# with a clear message instead of hanging. With security=mapped, posix.sh
# and device nodes pass, and the host has only plain 0600/0700 files.
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

# security=mapped, in a boot of its own: posix.sh with device nodes; what
# guest root made is plain turtle-owned files and directories on the host.
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
elif [ "$(stat -c '%a %F' $S/m/suid $S/m/mem $S/m/fifo $S/m | tr '\n' ';')" != \
	"600 regular file;600 regular file;600 regular file;700 directory;" ]; then
	fail share-mapped-host "host modes: $(stat -c '%n %a %F' $S/m/* $S/m | tr '\n' ';')"
else
	pass share-mapped-host "setuid file, device 1:1, FIFO, sticky dir: 0600/0700 plain files on the host"
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
