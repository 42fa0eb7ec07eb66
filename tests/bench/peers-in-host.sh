#!/bin/sh
# turtle beside QEMU/KVM, run inside the emulated NV2 host (busybox sh) by
# tests/bench/run.sh as /tests/bench-peers.sh: the same guest kernel and
# initramfs (/guest/peers-initrd.cpio: guest.cpio plus /peers.sh, the
# guest side, and the 9p modules), 1 vCPU and 256 MiB, under three VMMs
# in turn:
#
#   turtle     virtio-mmio: --disk, --vsock (a Unix socket on this side),
#              --share (FUSE over vsock)
#   qemu-mmio  qemu-system-aarch64 -M virt -accel kvm -cpu host, virtio-mmio
#              devices: virtio-blk-device, vhost-vsock-device,
#              virtio-9p-device
#   qemu-pci   the same with virtio-blk-pci, vhost-vsock-pci, virtio-9p-pci
#
# For each: the time from the VMM's start to the guest's init (the
# console's TURTLE-INIT line, stamped here), the VMM's resident memory
# outside the guest's RAM (/proc/PID/smaps: every mapping smaller than
# 256 MiB) after boot and at the end, vsock round trips and 64 KiB
# streams both ways, blkbench on /dev/vda (a 64 MiB image in this host's
# tmpfs) and fsbench on the shared directory (this host's /tmp/share).
# Then the nested case: QEMU asked for a guest at EL2
# (virtualization=on), here and, with BENCH_PEERS_NESTED=1 (the default),
# in an L1 at EL2 under turtle --nested (tests/bench/peers-in-l1.sh),
# which also starts a plain L2 with each VMM.
#
# Prints one table, every line prefixed "BENCHTABLE ", and the chart's
# rows prefixed "BENCHPLOT " for the x86 side (tests/bench/run.sh).
. /tests/lib.sh
. /tests/bench-peers-lib.sh

rtt=${BENCH_RTT:-200}
bytes=${BENCH_BYTES:-8M}
blk_s=${BENCH_BLK_SECONDS:-0.5}
fs_s=${BENCH_FS_SECONDS:-0.5}
fs_mib=${BENCH_FS_MIB:-4}
img=/tmp/bench.img
S=/tmp/share
: >/tmp/results

for m in vhost_iotlb vhost vhost_vsock; do
	insmod /lib/modules/$m.ko 2>/dev/null
done
if [ -c /dev/vhost-vsock ]; then
	say "vhost-vsock: /dev/vhost-vsock is here"
else
	say "vhost-vsock: no /dev/vhost-vsock: QEMU runs without vsock"
fi

say "64 MiB image $img, filled; share $S"
rm -rf $img $S
mkdir -p $S
dd if=/dev/zero of=$img bs=1M count=64 2>/dev/null

for vmm in turtle qemu-mmio qemu-pci; do
	peers_run $vmm
done

say "nested: QEMU asked for a guest at EL2 here"
peers_el2_refusal L0

if [ "${BENCH_PEERS_NESTED:-1}" = 1 ]; then
	say "nested: turtle runs an L1 at EL2 (--nested), which starts an L2 with each VMM"
	bench_nested_l1 3000 /tests/bench-peers-l1.sh
	sed -n 's/^.*\(PEERS\(RESULT\|NOTE\) \)/\1/p' /tmp/nest.out >>/tmp/results
fi

# val LEVEL VMM KEY: a result, or "-".
val() {
	v=$(sed -n "s/^PEERSRESULT $1 $2 $3 //p" /tmp/results | head -n1)
	echo "${v:--}"
}
# ratio HOW A B C: A over the best of B and C, HOW "low" (lower is
# better: A / min) or "high" (A / max), to 3 significant digits.
ratio() {
	awk -v h="$1" -v a="$2" -v b="$3" -v c="$4" 'BEGIN {
		best = ""
		if (b + 0 > 0) best = b
		if (c + 0 > 0 && (best == "" || (h == "low" ? c < best : c > best))) best = c
		if (a + 0 > 0 && best != "") printf "%.3g", a / best; else print "-"
	}'
}
hdr='%-34s %12s %12s %12s %12s\n'
t() { printf "BENCHTABLE $hdr" "$@"; }
# row NAME LEVEL KEY HOW: one measurement under every VMM, and the ratio.
row() {
	a=$(val "$2" turtle "$3") b=$(val "$2" qemu-mmio "$3") c=$(val "$2" qemu-pci "$3")
	t "$1" "$a" "$b" "$c" "$(ratio "$4" "$a" "$b" "$c")"
}
size() { wc -c <"$1" | tr -d ' '; }
qlibs=$(cat /lib/aarch64-linux-gnu/* | wc -c | tr -d ' ')
qbin=$(size /bin/qemu-system-aarch64)
echo "BENCHTABLE turtle beside QEMU/KVM ($(qemu-system-aarch64 --version | head -n1 | sed 's/ *(.*//')): the same kernel and guest, 1 vCPU, 256 MiB;"
echo "BENCHTABLE instruction time; blkbench ${blk_s}s phases, fsbench ${fs_s}s and $fs_mib MiB, vsock $rtt round trips and $bytes"
echo "BENCHTABLE streams; turtle/best: turtle over the better QEMU (below 1 is better for times and memory,"
echo "BENCHTABLE above 1 for rates)"
t "" turtle "QEMU mmio" "QEMU pci" turtle/best
row "VMM start to guest init (s)" L1 boot_s low
row "  of it the guest kernel's uptime (s)" L1 kernel_s low
row "RSS outside guest RAM, booted (KiB)" L1 rss_up low
row "  of it anonymous (KiB)" L1 anon_up low
row "RSS outside guest RAM, at end (KiB)" L1 rss_end low
row "  of it anonymous (KiB)" L1 anon_end low
# turtle's binary here has its debug information: its stripped size
# comes from the x86 side (tests/bench/run.sh), QEMU's is Debian's.
tb=${PEERS_TURTLE_STRIPPED:-$(size /bin/turtle)}
t "binary, stripped (bytes)" "$tb" "$qbin" "$qbin" "$(ratio low "$tb" "$qbin")"
t "  with its shared libraries" "$tb" $((qbin + qlibs)) $((qbin + qlibs)) \
	"$(ratio low "$tb" $((qbin + qlibs)))"
row "blk 4 KiB random read (IOPS)" L1 randread high
row "blk 4 KiB random write (IOPS)" L1 randwrite high
row "blk 1 MiB sequential read (MB/s)" L1 seqread high
row "blk 1 MiB sequential write (MB/s)" L1 seqwrite high
row "vsock round trip host->guest (us)" L1 rtt_h2g low
row "vsock round trip guest->host (us)" L1 rtt_g2h low
row "vsock stream host->guest (MB/s)" L1 tput_h2g high
row "vsock stream guest->host (MB/s)" L1 tput_g2h high
row "share stat, cached (us)" L1 fs_stat low
row "share stat, cold (us)" L1 fs_statcold low
row "share open+read 4K+close (us)" L1 fs_open low
row "share create+4K+fsync+close (us)" L1 fs_create low
row "share sequential write (MB/s)" L1 fs_seqw high
row "share sequential read, cold (MB/s)" L1 fs_seqr high
row "L2 under an L1 at EL2: start to init (s)" L2 boot_s low
row "  of it the L2 kernel's uptime (s)" L2 kernel_s low
row "L2: its VMM's RSS outside RAM (KiB)" L2 rss_up low
sed -n 's/^PEERSNOTE /BENCHTABLE note: /p' /tmp/results
echo "BENCHTABLE (devices: turtle virtio-mmio blk and vsock, FUSE-over-vsock share; QEMU virtio-blk, vhost-vsock,"
echo "BENCHTABLE virtio-9p with security_model=passthrough, guest mount msize=512000; the L2 rows: no devices)"

# The chart: everything as time per operation, in microseconds.
# plot LABEL LEVEL KEY DIV: DIV / value for rates (DIV > 0), value * -DIV
# for times.
plot() {
	printf 'BENCHPLOT %s' "$1"
	for v in turtle qemu-mmio qemu-pci; do
		printf '\t%s' "$(awk -v x="$(val "$2" $v "$3")" -v d="$4" 'BEGIN {
			if (x + 0 <= 0) print "-"; else if (d > 0) printf "%.4g", d / x; else printf "%.4g", -x * d }')"
	done
	printf '\n'
}
printf 'BENCHPLOT\tturtle\tQEMU mmio\tQEMU pci\n'
plot "boot to init" L1 boot_s -1000000
plot "blk 4K read" L1 randread 1000000
plot "blk 4K write" L1 randwrite 1000000
plot "blk 1M read" L1 seqread 1048576
plot "blk 1M write" L1 seqwrite 1048576
plot "vsock rtt" L1 rtt_h2g -1
plot "vsock 1M" L1 tput_h2g 1048576
plot "share stat" L1 fs_statcold -1
plot "share open+read" L1 fs_open -1
plot "share create" L1 fs_create -1
plot "share 1M read" L1 fs_seqr 1048576

ok=1
for v in turtle qemu-mmio qemu-pci; do
	for k in boot_s randread seqwrite fs_create; do
		[ "$(val L1 $v $k)" != - ] || { ok=0; echo "BENCHTABLE note: L1 $v: no $k (see the log)"; }
	done
done
[ $ok = 1 ]
