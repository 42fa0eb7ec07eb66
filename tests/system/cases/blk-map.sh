#!/bin/sh
# virtio-blk's mapped I/O path (--disk io=map, virtio/blk-map.h): a guest
# reads and writes a 16 MiB image on the host's tmpfs, and the host sees
# exactly the bytes it should (copies made with FEAT_MOPS, which the
# emulated host's CPU has); then the host cuts the image to 8 MiB under
# the running guest: the guest's reads past the new end fail, turtle says
# why, keeps running and exits 0. io=auto picks the mapping on tmpfs.
. /tests/lib.sh

img=/tmp/map.img
dd if=/dev/urandom of=/tmp/orig bs=1M count=16 2>/dev/null
cp /tmp/orig $img

# What the guest's writes make of the image (blk-map.sh), cut to 8 MiB.
cp /tmp/orig /tmp/want
dd if=/tmp/orig of=/tmp/want bs=1M count=4 seek=4 conv=notrunc 2>/dev/null
dd if=/tmp/orig of=/tmp/want bs=512 skip=3 count=9 seek=12003 conv=notrunc 2>/dev/null
dd if=/dev/null of=/tmp/want bs=1M seek=8 count=0 2>/dev/null

rm -f /tmp/out
turtle run -v --kernel $GUEST_KERNEL --initrd $GUEST_INITRD --mem 256 \
	--disk $img,io=map --cmdline "$GUEST_CMDLINE -- /tests/blk-map.sh" \
	>/tmp/out 2>&1 &
pid=$!
wait_for MAP-WRITES-DONE /tmp/out $pid
# The guest's writes are in the file at once: no flush needed to see them.
dd if=$img bs=1M skip=4 count=4 2>/dev/null | md5sum | cut -d' ' -f1 >/tmp/mid
dd if=/dev/null of=$img bs=1M seek=8 count=0 2>/dev/null
wait $pid
RC=$?
sed 's/^/    | /' /tmp/out
want=$(dd if=/tmp/orig bs=1M count=4 2>/dev/null | md5sum | cut -d' ' -f1)
mid=$(dd if=/tmp/want bs=1M skip=4 count=4 2>/dev/null | md5sum | cut -d' ' -f1)
if [ "$RC" != 0 ]; then
	fail blk-map-io "turtle exited $RC"
elif ! has "io=map (copies with FEAT_MOPS)" /tmp/out; then
	fail blk-map-io "turtle did not map the image, or not with FEAT_MOPS"
elif ! has "READ $want" /tmp/out; then
	fail blk-map-io "the guest read other bytes than the image's"
elif [ "$(cat /tmp/mid)" != "$mid" ]; then
	fail blk-map-io "the guest's writes were not in the file at once"
elif ! cmp -s $img /tmp/want; then
	fail blk-map-io "the image is not what the guest wrote"
else
	pass blk-map-io "FEAT_MOPS copies"
fi
if ! has MAP-TRUNC-IOERR /tmp/out; then
	fail blk-map-shrunk "the guest's read past the new end did not fail"
elif ! has "of the image faulted: the file shrank under turtle" /tmp/out; then
	fail blk-map-shrunk "turtle did not say why"
elif ! has MAP-STILL-OK /tmp/out || [ "$RC" != 0 ]; then
	fail blk-map-shrunk "the disk or turtle did not survive (exit $RC)"
else
	pass blk-map-shrunk
fi

# io=auto on tmpfs maps; io=pread does not.
dd if=/dev/zero of=$img bs=1M count=1 2>/dev/null
rm -f /tmp/choices
for io in auto pread; do
	run_turtle /tmp/out 300 run -v --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
		--mem 256 --disk $img,io=$io --cmdline "$GUEST_CMDLINE -- true"
	echo "$io: $(sed -n 's/.*virtio-blk: disk .*: \(io=[a-z]*\).*/\1/p' /tmp/out)" >>/tmp/choices
done
if [ "$(cat /tmp/choices)" != "$(printf 'auto: io=map\npread: io=pread')" ]; then
	fail blk-map-auto "chose: $(tr '\n' ' ' </tmp/choices)"
else
	pass blk-map-auto "auto maps the image on tmpfs"
fi
