#!/bin/sh
# turtle's own memory under a busy guest: its resident memory outside the
# guest's RAM after boot, and again once the guest has loaded the share
# and vsock and they are idle (tests/system/guest/share-memory.sh: up to
# 16 requests of 1 MiB at once, with their 1 MiB replies). What turtle
# may keep afterwards is the mechanism's bound (lib/heap.h,
# fuse-vsock/reply-buf.c): the freed memory the heap keeps when the
# workers idle (HEAP_IDLE_FREE, 4 MiB, at the heap's top) and the two
# spare 1 MiB reply buffers, plus two 2 MiB huge pages of rounding (the
# heap's ends); the workers' kept buffers (8 KiB each) and the rest are
# far below.
# Before that bound, turtle kept 1 MiB per worker and a malloc arena per
# thread: 25 to 30 MiB after this load.
. /tests/lib.sh

S=/tmp/share
LIMIT_KIB=$((4096 + 2 * 1028 + 2 * 2048))
rm -rf $S /tmp/v.sock*
mkdir -p $S

# maps PID: its largest resident mappings outside the guest's RAM (KiB
# resident, KiB mapped, KiB in huge pages, the mapping).
maps() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / { m = $1 " " $6 } /^Size:/ { big = $2 >= 262144; sz = $2 }
		/^Rss:/ { r = $2 } /^AnonHugePages:/ { if (!big && r > 0) print r, sz, "thp=" $2, m }' \
		"/proc/$1/smaps" | sort -rn | head -n 8 | sed 's/^/    rss /'
}

vsock-tool sink listen-unix:/tmp/v.sock_5001 >/tmp/sink.out 2>&1 &
k=$!
wait_for LISTENING /tmp/sink.out $k
out=/tmp/out
: >$out
{
	timeout "$(scaled 600)" turtle run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
		--mem 256 --vsock 3,/tmp/v.sock --share $S \
		--cmdline "$GUEST_CMDLINE -- /tests/share-memory.sh" 2>&1
	echo "TURTLE-RC $?"
} | tr -d '\r' >$out &
bg=$!
up= end=
if wait_for SHAREMEM-UP $out $bg; then
	pid=$(turtle_run_pid)
	up=$(rss_kib "$pid")
	echo "after boot: $up KiB resident outside the guest's RAM, $(rss_kib "$pid" Anonymous) KiB anonymous"
	maps "$pid"
fi
if [ "${up:--}" != - ] && wait_for SHAREMEM-LOADED $out $bg; then
	end=$(rss_kib "$pid")
	echo "after the load: $end KiB resident, $(rss_kib "$pid" Anonymous) KiB anonymous, $(ls /proc/$pid/task | wc -l) threads"
	maps "$pid"
fi
touch $S/sampled
wait $bg
kill $k 2>/dev/null
wait $k 2>/dev/null
sed 's/^/    | /' $out

dd=$(grep -c SHAREMEM-DD-OK $out)
if [ "${end:--}" = - ]; then
	fail share-memory "the guest did not load the share (turtle: $(grep TURTLE-RC $out))"
elif ! has "SHAREMEM-FS BENCH done" $out || [ "$dd" != 16 ]; then
	fail share-memory "the load failed: fsbench $(grep -c 'BENCH done' $out), $dd of 16 readers"
elif [ "$(sed -n 's/^SUM //p' /tmp/sink.out)" != "$(sed -n 's/^SHAREMEM-VSOCK SUM //p' $out)" ]; then
	fail share-memory "the vsock stream's checksums differ"
elif [ $((end - up)) -gt $LIMIT_KIB ]; then
	fail share-memory "turtle grew from $up to $end KiB (more than $LIMIT_KIB KiB)"
else
	pass share-memory "turtle outside guest RAM: $up KiB after boot, $end KiB after 16 parallel 1 MiB readers and writers (at most +$LIMIT_KIB)"
fi
