#!/bin/sh
# Block benchmark, run inside the emulated NV2 host (busybox sh) by
# tests/bench/run.sh as /tests/bench-blk.sh: blkbench on a 64 MiB image
# file in the host's /tmp (tmpfs), then on the same image as turtle's
# virtio-blk disk (/dev/vda in an L1 guest). The image's content is
# destroyed, which is fine: it is made here.
#
# Prints the table with every line prefixed "BENCHTABLE " for the x86 side:
# rows host, the L1 guest with each of turtle's I/O paths (--disk io=pread:
# preadv/pwritev; io=map: copies to and from a mapping of the image, what
# io=auto picks on tmpfs) and L1 map/host; columns randread and randwrite
# IOPS (4 KiB, queue depth 1), seqread and seqwrite MB/s (1 MiB). With
# /bin/turtle-base in the image (BENCH_BLK_BASE=FILE, tests/bench/run.sh),
# the same guest run under that turtle too (its default I/O path), as row
# "L1 base", for before/after tables.
#
# BENCH_BLK_SECONDS: each measurement's length (default 0.5: the suite
# runs in instruction time, -icount shift=0, where a second is a billion
# emulated instructions).
. /tests/lib.sh

img=/tmp/bench.img
secs=${BENCH_BLK_SECONDS:-0.5}

echo "== bench: 64 MiB image $img, filled"
rm -f $img
dd if=/dev/zero of=$img bs=1M count=0 seek=64 2>/dev/null
dd if=/dev/zero of=$img bs=1M count=64 conv=notrunc 2>/dev/null
ls -ls $img

echo "== bench: host"
timeout 120 blkbench --seconds $secs $img >/tmp/host.out 2>&1
host_rc=$?
sed 's/^/    | /' /tmp/host.out

# l1 TURTLE OUT: blkbench in an L1 guest of TURTLE on the image; sets RC.
#
# cryptomgr.notests: the guest kernel runs its crypto self-tests in
# kernel threads for about the first half second after init starts. A
# completion that wakes blkbench while one of them runs waits for the
# guest's next tick (the wake-up only sets a lazy need-resched), so
# without this the first phase, 4 KiB random reads, measured one request
# per 4 ms tick (guest ftrace: block_rq_complete and sched_wakeup at once,
# sched_switch to blkbench only at tick_nohz_handler).
# l1 TURTLE OUT [DISKOPTS]: DISKOPTS (",io=map") follow the image's path.
l1() {
	echo "== bench: L1 ($1, virtio-blk $img${3:-})"
	{
		timeout 300 "$1" run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD --mem 256 \
			--disk "$img${3:-}" --stats \
			--cmdline "$GUEST_CMDLINE cryptomgr.notests -- blkbench --seconds $secs /dev/vda" \
			</dev/null 2>&1
		echo "TURTLE-STATUS $?"
	} | tr -d '\r' >"$2"
	RC=$(sed -n 's/^TURTLE-STATUS //p' "$2")
	sed 's/^/    | /' "$2"
}
l1 turtle /tmp/pread.out ,io=pread
pread_rc=$RC
l1 turtle /tmp/l1.out ,io=map
l1_rc=$RC
base=0
if command -v turtle-base >/dev/null; then
	base=1
	l1 turtle-base /tmp/base.out
fi

# val FILE TEST KEY: KEY's value on FILE's "BENCH TEST" line, or "-".
val() {
	v=$(sed -n "/^BENCH $2 /s/.* $3=\([0-9.]*\).*/\1/p" "$1" | head -n1)
	echo "${v:--}"
}
row() { # row NAME FILE
	printf 'BENCHTABLE %-8s %15s %15s %13s %13s\n' "$1" \
		"$(val "$2" randread-4k iops)" "$(val "$2" randwrite-4k iops)" \
		"$(val "$2" seqread-1m mbps)" "$(val "$2" seqwrite-1m mbps)"
}
ratio() { # ratio TEST KEY: L1 (io=map) / host, 3 significant digits
	awk -v a="$(val /tmp/l1.out "$1" "$2")" -v b="$(val /tmp/host.out "$1" "$2")" \
		'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.3g", a / b; else print "-" }'
}

echo "BENCHTABLE 4 KiB random at queue depth 1, 1 MiB sequential; ${secs}s (instruction time) each over 48 MiB of a 64 MiB image on the host's tmpfs"
printf 'BENCHTABLE %-8s %15s %15s %13s %13s\n' "" "randread IOPS" "randwrite IOPS" \
	"seqread MB/s" "seqwrite MB/s"
row host /tmp/host.out
[ $base = 0 ] || row "L1 base" /tmp/base.out
row "L1 pread" /tmp/pread.out
row "L1 map" /tmp/l1.out
printf 'BENCHTABLE %-8s %15s %15s %13s %13s\n' "map/host" \
	"$(ratio randread-4k iops)" "$(ratio randwrite-4k iops)" \
	"$(ratio seqread-1m mbps)" "$(ratio seqwrite-1m mbps)"
for f in host pread l1; do
	d=$(sed -n 's/^BENCH info .*direct=\([01]\).*/\1/p' /tmp/$f.out)
	[ "$d" = 0 ] && echo "BENCHTABLE note: $f run without O_DIRECT (page cache)"
done

ok=1
grep -q '^BENCH done' /tmp/host.out || { ok=0; echo "BENCHTABLE note: the host run failed (blkbench status $host_rc)"; }
grep -q '^BENCH done' /tmp/pread.out || { ok=0; echo "BENCHTABLE note: the L1 io=pread run failed (turtle status ${pread_rc:-none})"; }
grep -q '^BENCH done' /tmp/l1.out || { ok=0; echo "BENCHTABLE note: the L1 io=map run failed (turtle status ${l1_rc:-none})"; }
[ $ok = 1 ]
