#!/bin/sh
# vsock and shared-directory benchmarks at L1 and L2, run inside the
# emulated NV2 host (busybox sh) by tests/bench/run.sh as
# /tests/bench-levels.sh [LAST], LAST = 1 or 2 (default 2):
#
#  L0  fsbench on the host's own tmpfs (/tmp), for reference;
#  L1  turtle runs a guest with --vsock 3,/tmp/v.sock --share /tmp/share,
#      and this script measures it (tests/bench/levels-lib.sh: vsock
#      round trips and throughput between vsock-tool here and in the
#      guest, fsbench on the guest's tmpfs and on its share);
#  L2  turtle runs an L1 at EL2 (--nested) with the same share, on this
#      host image (the host booted with retain_initrd, so the image is
#      /sys/firmware/initrd); that L1 mounts the share at /share and runs
#      tests/bench/levels-in-l1.sh, which does the L1 step above one level
#      down: L2's share is L1's FUSE mount of L0's directory.
#
# Prints two tables with every line prefixed "BENCHTABLE " for the x86
# side (vsock, then the shared directory).
. /tests/lib.sh
. /tests/bench-levels-lib.sh

last=${1:-2}
# The tuning this script was given, for L1's half (levels-in-l1.sh).
tuning=""
for v in BENCH_RTT BENCH_BYTES BENCH_FS_SECONDS BENCH_FS_MIB; do
	eval "val=\${$v:-}"
	[ -z "$val" ] || tuning="$tuning $v=$val"
done
S=/tmp/share
rm -rf $S
mkdir -p $S
: >/tmp/results

say "L0: fsbench on the host's tmpfs"
fsbench --seconds "${BENCH_FS_SECONDS:-0.5}" --size "${BENCH_FS_MIB:-4}" /tmp \
	>/tmp/fs0.out 2>&1
cat /tmp/fs0.out
result L0 fs-tmp /tmp/fs0.out '^BENCH ' >>/tmp/results

say "L1: turtle runs a guest with vsock and --share $S"
child_start /tmp/l1.out 1500 --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
	--mem 256 --vsock 3,/tmp/v.sock --share $S \
	--cmdline "$GUEST_CMDLINE -- $CHILD_CMD"
if child_wait /tmp/v.sock /tmp/l1.out 180; then
	measure L1 /tmp/v.sock /tmp/l1.out | tee /tmp/m1.out
	grep '^BENCHRESULT ' /tmp/m1.out >>/tmp/results
	child_stop /tmp/v.sock /tmp/l1.out
else
	say "L1: the guest's agent never answered"
fi
sed 's/^/    | /' /tmp/l1.out

if [ "$last" -ge 2 ]; then
	say "L2: turtle runs an L1 at EL2 (--nested), which runs L2"
	bench_nested_l1 2400 "$tuning /tests/bench-levels-l1.sh" --share $S
	sed -n 's/^.*\(BENCHRESULT \)/\1/p' /tmp/nest.out >>/tmp/results
fi

# val LEVEL WHAT KEY: KEY's value in LEVEL's WHAT result, or "-".
val() {
	v=$(sed -n "s/^BENCHRESULT $1 $2.* $3=\([0-9.]*\).*/\1/p" /tmp/results | head -n1)
	echo "${v:--}"
}
# us LEVEL WHAT KEY: val, in whole microseconds from 100 up.
us() {
	awk -v v="$(val "$@")" 'BEGIN { if (v == "-" || v + 0 < 100) print v; else printf "%.0f", v }'
}
# ratio A B: A / B to 3 significant digits, or "-".
ratio() {
	awk -v a="$1" -v b="$2" \
		'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.3g", a / b; else print "-" }'
}
t() { printf 'BENCHTABLE %s\n' "$*"; }

# counts LEVEL: what the level's vsock measurements did.
counts() {
	awk -v n="$(val "$1" vsock-rtt-h2g count)" -v b="$(val "$1" vsock-tput-h2g bytes)" \
		'BEGIN { printf "%s round trips, %g MiB", n, b / 1048576 }'
}
echo "BENCHTABLE vsock: one-byte round trips (median, mean, 99th percentile) and 64 KiB writes each way;"
echo "BENCHTABLE the host is the level above (L1: $(counts L1); L2: $(counts L2))"
hdr='%-18s %11s %11s %11s %9s\n'
printf "BENCHTABLE $hdr" "" "rtt p50 us" "rtt avg us" "rtt p99 us" "MB/s"
for lv in L1 L2; do
	for d in h2g g2h; do
		name="$lv host->guest"
		[ $d = g2h ] && name="$lv guest->host"
		printf "BENCHTABLE $hdr" "$name" "$(us $lv vsock-rtt-$d p50_us)" \
			"$(us $lv vsock-rtt-$d avg_us)" "$(us $lv vsock-rtt-$d p99_us)" \
			"$(val $lv vsock-tput-$d MBps)"
	done
done
for d in h2g g2h; do
	name="L2/L1 host->guest"
	[ $d = g2h ] && name="L2/L1 guest->host"
	r() { ratio "$(val L2 vsock-$1-$d $2)" "$(val L1 vsock-$1-$d $2)"; }
	printf "BENCHTABLE $hdr" "$name" "$(r rtt p50_us)" "$(r rtt avg_us)" \
		"$(r rtt p99_us)" "$(r tput MBps)"
done

mib() { v=$(val "$1" "fs-$2 BENCH info" size_mib); echo "${v:--}"; }
echo "BENCHTABLE shared directory (fsbench): median latency in us, sequential MB/s; tmpfs is the"
echo "BENCHTABLE level's own /tmp (file: $(mib L1 share) MiB at L0 and L1, $(mib L2 share) MiB at L2)"
hdr='%-22s %9s %9s %9s %9s %9s %11s\n'
printf "BENCHTABLE $hdr" "" "L0 tmpfs" "L1 tmpfs" "L1 share" "L2 tmpfs" "L2 share" "L2/L1 share"
fsrow() { # fsrow NAME OP KEY: one operation at every level
	f=val
	[ "$3" = med_us ] && f=us
	printf "BENCHTABLE $hdr" "$1" "$($f L0 "fs-tmp BENCH $2" $3)" \
		"$($f L1 "fs-tmp BENCH $2" $3)" "$($f L1 "fs-share BENCH $2" $3)" \
		"$($f L2 "fs-tmp BENCH $2" $3)" "$($f L2 "fs-share BENCH $2" $3)" \
		"$(ratio "$(val L2 "fs-share BENCH $2" $3)" "$(val L1 "fs-share BENCH $2" $3)")"
}
fsrow "stat (cached)" stat med_us
fsrow "stat (after 2 s)" stat-cold med_us
fsrow "open+read 4K+close" open-read-4k med_us
fsrow "create+4K+fsync+close" create-4k med_us
fsrow "seq write MB/s" seqwrite mbps
fsrow "seq read MB/s (cold)" seqread mbps

echo "BENCHTABLE exits per operation on the share, counted by the level above: KVM's own (all exits,"
echo "BENCHTABLE WFI, MMIO handled in the kernel, MMIO that returned to turtle) and virtio-vsock interrupts"
hdr='%-22s %9s %9s %9s %9s %9s\n'
printf "BENCHTABLE $hdr" "" exits wfi mmio_kern mmio_user irqs
for lv in L1 L2; do
	for op in stat open-read-4k create-4k stat-cold seqread; do
		name="$lv $op"
		[ $op = seqread ] && name="$lv seqread (a MiB)"
		printf "BENCHTABLE $hdr" "$name" "$(val $lv "exits-$op" exits)" \
			"$(val $lv "exits-$op" wfi)" "$(val $lv "exits-$op" mmio_kernel)" \
			"$(val $lv "exits-$op" mmio_user)" "$(val $lv "exits-$op" irqs)"
	done
done

ok=1
for lv in $(seq 1 "$last"); do
	for w in vsock-rtt-h2g vsock-rtt-g2h vsock-tput-h2g vsock-tput-g2h \
		"fs-tmp BENCH done" "fs-share BENCH done"; do
		if ! grep -q "^BENCHRESULT L$lv $w" /tmp/results; then
			ok=0
			echo "BENCHTABLE note: L$lv $w: no result (see the log)"
		fi
	done
done
[ $ok = 1 ]
