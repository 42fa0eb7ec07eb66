#!/bin/sh
# virtio-blk: a guest makes ext4 on a 64 MiB image, writes files, and a
# second boot on the same image reads them back unchanged; a read-only disk
# refuses writes and the image stays byte-identical; data a guest fsyncs
# survives turtle being killed with SIGKILL. The image is on tmpfs, so
# io=auto maps it (virtio/blk-map.h): the boots alternate with io=pread,
# each path reading what the other wrote.
. /tests/lib.sh

img=/tmp/disk.img
dd if=/dev/zero of=$img bs=1M count=0 seek=64 2>/dev/null
boot() { # boot DISKSPEC SCRIPT [turtle args]
	spec=$1 script=$2
	shift 2
	run_turtle /tmp/out 300 run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
		--mem 256 --disk "$spec" "$@" --cmdline "$GUEST_CMDLINE -- /tests/$script"
}

boot $img,queues=2 blk-write.sh --cpus 2
grep 'SUM ' /tmp/out | cut -d' ' -f2- | sort >/tmp/sums1
if [ "$RC" != 0 ] || ! has BLK-WRITE-OK /tmp/out; then
	fail blk-mkfs-write "guest could not make ext4 and write (turtle exit $RC)"
elif [ "$(wc -l </tmp/sums1)" != 5 ]; then
	fail blk-mkfs-write "expected 5 checksums"
elif ! has "QUEUES 2" /tmp/out; then
	fail blk-mkfs-write "the guest did not get 2 request queues"
else
	pass blk-mkfs-write "2 queues, 2 vCPUs"
fi

boot $img,io=pread blk-verify.sh
grep 'SUM ' /tmp/out | cut -d' ' -f2- | sort >/tmp/sums2
if [ "$RC" != 0 ] || ! has BLK-VERIFY-OK /tmp/out; then
	fail blk-persist "second boot could not mount and read (turtle exit $RC)"
elif ! cmp -s /tmp/sums1 /tmp/sums2; then
	fail blk-persist "checksums differ after a reboot"
else
	pass blk-persist
fi

before=$(md5sum $img | cut -d' ' -f1)
boot $img,ro blk-ro.sh
after=$(md5sum $img | cut -d' ' -f1)
if [ "$RC" != 0 ]; then
	fail blk-read-only "turtle exited $RC"
elif ! has "RO 1" /tmp/out; then
	fail blk-read-only "the guest does not see the disk as read-only"
elif ! has "hello from turtle" /tmp/out; then
	fail blk-read-only "could not read the read-only disk"
elif ! has RAW-WRITE-REFUSED /tmp/out; then
	fail blk-read-only "a raw write to the read-only disk succeeded"
elif [ "$before" != "$after" ]; then
	fail blk-read-only "the image changed"
else
	pass blk-read-only
fi

# Durability: SIGKILL once the guest has fsynced.
rm -f /tmp/out
turtle run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD --mem 256 --disk $img \
	--cmdline "$GUEST_CMDLINE -- /tests/blk-durable.sh" >/tmp/out 2>&1 &
pid=$!
wait_for DURABLE-READY /tmp/out $pid
kill -9 $pid
wait $pid
sed 's/^/    | /' /tmp/out
want=$(grep '^SUM ' /tmp/out | cut -d' ' -f2 | tr -d '\r')
run_turtle /tmp/out 300 run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD --mem 256 \
	--disk $img,io=pread --cmdline "$GUEST_CMDLINE -- mkdir -p /mnt && mount /dev/vda /mnt && md5sum /mnt/durable"
if [ -z "$want" ]; then
	fail blk-durable "the guest never reported its fsynced file"
elif ! has "$want" /tmp/out; then
	fail blk-durable "the fsynced file is not in the image after SIGKILL"
else
	pass blk-durable
fi
