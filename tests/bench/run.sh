#!/bin/bash
# `make bench`: numbers for turtle's devices under QEMU TCG (far from
# real-hardware numbers: compare levels and changes, not absolutes).
#
#   tests/bench/run.sh [SUITE...]      (default: blk levels)
#
#   blk     block I/O, host versus turtle's L1 guest (blk-in-host.sh)
#   levels  vsock round trips and throughput, and the shared directory
#           (fsbench on --share and on tmpfs), at L1 and at L2
#           (levels-in-host.sh); BENCH_LAST=1 stops at L1
#   chain   the shared directory at L1, L2 and L3 of the inception chain
#           (chain.sh: fsbench at every level; lean kernel, about 20
#           minutes); not in the default set
#   peers   turtle beside QEMU/KVM as the L1 VMM, the same guest
#           (peers-in-host.sh; Debian's arm64 QEMU from
#           fetch-qemu-arm64.sh, 9p modules from build-9p-modules.sh);
#           draws build/bench-peers.svg; not in the default set
#
# Each suite runs on an NV2 host once (tests/system/host.sh: the emulated
# one, booted for it, or this arm64 machine) with one bench image,
# build/images/host-bench.cpio (host.cpio is left alone for the system
# tests), and prints its table(s); the whole log is build/bench-SUITE.log.
# Builds nothing: expects `make images` done.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/system/env.sh"
. "$root/tests/progress.sh"

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(blk levels)
for s in "${suites[@]}"; do
	case $s in
	blk | levels | chain | peers) ;;
	*) echo "bench: unknown suite '$s' (blk, levels, chain, peers)" >&2; exit 2 ;;
	esac
done

bins=(turtle blkbench fsbench vsock-tool turtle-agent)
for f in "${bins[@]/#/$root/build/}" "$IMAGES/guest.cpio" "$GUEST_KERNEL"; do
	[ -e "$f" ] || { echo "bench: $f missing (run make images)" >&2; exit 1; }
done
if ! cpio -t --quiet <"$IMAGES/guest.cpio" | grep -qx bin/fsbench; then
	echo "bench: $IMAGES/guest.cpio has no fsbench (run make images)" >&2
	exit 1
fi

# One image for every suite and level: the levels suite boots its nested
# L1 on this very image (/sys/firmware/initrd), so it carries the guest
# kernel and guest.cpio for L1 to start L2 with.
cpio=$IMAGES/host-bench.cpio
files=()
for b in "${bins[@]}"; do
	files+=("$root/build/$b:bin/$b")
done
# BENCH_BLK_BASE=FILE: another turtle binary, run by the blk suite
# alongside this one (before/after comparisons in one run).
if [ -n "${BENCH_BLK_BASE:-}" ]; then
	files+=("$BENCH_BLK_BASE:bin/turtle-base")
fi
"$root/boot/init/mkinitramfs.sh" "$cpio" "${files[@]}" \
	"$GUEST_KERNEL:guest/Image" \
	"$IMAGES/guest.cpio:guest/initrd.cpio" \
	"$root/tests/system/guest-lib.sh:tests/lib.sh" \
	"$root/tests/bench/blk-in-host.sh:tests/bench-blk.sh" \
	"$root/tests/bench/bench-lib.sh:tests/bench-lib.sh" \
	"$root/tests/bench/levels-lib.sh:tests/bench-levels-lib.sh" \
	"$root/tests/bench/levels-in-host.sh:tests/bench-levels.sh" \
	"$root/tests/bench/levels-in-l1.sh:tests/bench-levels-l1.sh"

# newc OUT SRC:DST...: a cpio archive of just these files (root-owned).
newc() {
	local out=$1 stage spec
	shift
	stage=$(mktemp -d)
	for spec in "$@"; do
		mkdir -p "$stage/$(dirname "${spec#*:}")"
		cp -a "${spec%%:*}" "$stage/${spec#*:}"
	done
	(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) >"$out"
	rm -rf "$stage"
}

# The peers suite's image: the bench image with, appended (the kernel
# unpacks concatenated archives in turn), QEMU and its libraries, the
# host's vhost-vsock modules, the suite's scripts and the guest's
# initramfs: guest.cpio with /peers.sh and the 9p modules appended.
peers_image() {
	local q ninep kmod specs=() gspecs=() m
	q=$("$root/tests/bench/fetch-qemu-arm64.sh") || return 1
	mapfile -t specs <"$q/initramfs.list"
	kmod=$KERNEL_DIR/kernel
	mkdir -p "$IMAGES/peers"
	for m in drivers/vhost/vhost_iotlb drivers/vhost/vhost drivers/vhost/vhost_vsock fs/netfs/netfs; do
		xz -dc "$kmod/$m.ko.xz" >"$IMAGES/peers/$(basename $m).ko"
	done
	for m in vhost_iotlb vhost vhost_vsock; do
		specs+=("$IMAGES/peers/$m.ko:lib/modules/$m.ko")
	done
	gspecs=("$root/tests/bench/peers-guest.sh:peers.sh" "$IMAGES/peers/netfs.ko:lib/modules/netfs.ko")
	if ninep=$("$root/tests/bench/build-9p-modules.sh"); then
		for m in 9pnet 9pnet_virtio 9p; do
			gspecs+=("$ninep/$m.ko:lib/modules/$m.ko")
		done
	else
		echo "bench: peers: no 9p modules: QEMU's share rows stay empty" >&2
	fi
	newc "$IMAGES/peers/guest-extra.cpio" "${gspecs[@]}"
	cat "$IMAGES/guest.cpio" "$IMAGES/peers/guest-extra.cpio" >"$IMAGES/peers/peers-initrd.cpio"
	newc "$IMAGES/peers/host-extra.cpio" "${specs[@]}" \
		"$IMAGES/peers/peers-initrd.cpio:guest/peers-initrd.cpio" \
		"$root/tests/bench/peers-lib.sh:tests/bench-peers-lib.sh" \
		"$root/tests/bench/peers-in-host.sh:tests/bench-peers.sh" \
		"$root/tests/bench/peers-in-l1.sh:tests/bench-peers-l1.sh"
	cat "$cpio" "$IMAGES/peers/host-extra.cpio" >"$IMAGES/host-peers.cpio"
}

# Every suite runs the emulated host with -icount shift=0 (as the inception
# chain does): its clock advances 1 ns per emulated instruction while it
# works, so the numbers measure the work an operation costs, the same from
# run to run whatever else the machine is doing, rather than how fast this
# machine emulated it just then. QEMU_EXTRA= (empty) measures wall time.
icount=${QEMU_EXTRA--icount shift=0}

# The levels suite's tuning (tests/bench/levels-lib.sh) reaches the
# emulated host as assignments ahead of its command.
tuning=""
for v in BENCH_RTT BENCH_BYTES BENCH_FS_SECONDS BENCH_FS_MIB BENCH_BLK_SECONDS \
	BENCH_PEERS_NESTED; do
	[ -z "${!v:-}" ] || tuning="$tuning $v=${!v}"
done

progress_begin "make bench"
failed=0
for s in "${suites[@]}"; do
	progress "suite $s"
	if [ "$s" = chain ]; then
		echo "bench: chain: fsbench at every level of the inception chain (logs: build/bench-chain-L*.log)" >&2
		QEMU_EXTRA=$icount "$root/tests/bench/chain.sh" || failed=1
		continue
	fi
	log=$root/build/bench-$s.log
	case $s in
	blk)
		limit=1200 cmd="$tuning /tests/bench-blk.sh" nested=
		what="block I/O, host and L1"
		export QEMU_EXTRA=$icount
		;;
	peers)
		peers_image || { echo "bench: peers: no image" >&2; failed=1; continue; }
		limit=3000 nested=
		# Its second half runs QEMU/KVM inside turtle's L1 at EL2.
		[ "${BENCH_PEERS_NESTED:-1}" = 0 ] || nested=--nested
		"${CROSS_PREFIX}strip" -o "$IMAGES/peers/turtle.stripped" "$root/build/turtle"
		cmd="$tuning PEERS_TURTLE_STRIPPED=$(wc -c <"$IMAGES/peers/turtle.stripped") /tests/bench-peers.sh"
		what="turtle beside QEMU/KVM, L1 and nested"
		export QEMU_EXTRA=$icount
		;;
	levels)
		limit=2700 cmd="$tuning /tests/bench-levels.sh ${BENCH_LAST:-2}" nested=--nested
		what="vsock and shared directory at L1 and L2, about 15 minutes"
		export QEMU_EXTRA=$icount
		;;
	esac
	echo "bench: $s: starting the host: $what (log: $log)" >&2
	t0=$(date +%s)
	qrc=0
	img=$cpio
	[ "$s" != peers ] || img=$IMAGES/host-peers.cpio
	HOST_INITRD=$img HOST_CMDLINE_EXTRA=retain_initrd \
		"$root/tests/system/host.sh" $nested $limit $cmd \
		</dev/null >"$log" 2>&1 || qrc=$?
	echo "bench: $s: done after $(($(date +%s) - t0))s" >&2
	if [ $qrc = 77 ]; then
		echo "bench: $s: skipped: this host runs no guests at EL2" >&2
		continue
	fi

	grep -a '^BENCHTABLE ' "$log" | tr -d '\r' | sed 's/^BENCHTABLE //' || true
	if [ "$s" = peers ] && grep -aq '^BENCHPLOT' "$log"; then
		grep -a '^BENCHPLOT' "$log" | tr -d '\r' | sed 's/^BENCHPLOT *//' |
			"$root/tests/bench/plot.sh" "turtle and QEMU/KVM: time per operation (L1)" us \
				>"$root/build/bench-peers.svg"
		echo "(plot: build/bench-peers.svg)"
	fi
	if ! grep -aq '^TURTLE-EXIT 0' "$log"; then
		echo "bench: $s: the benchmark did not finish cleanly (qemu status $qrc; log: $log)" >&2
		tail -n 20 "$log" | tr -d '\r' | sed 's/^/    /' >&2
		failed=1
	fi
done
exit $failed
