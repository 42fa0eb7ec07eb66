#!/bin/bash
# `make bench`: block I/O numbers, host versus turtle's L1 guest. Boots the
# emulated NV2 host (QEMU TCG, so far from real-hardware numbers) with a
# host image that carries tests/bench/blk-in-host.sh, and prints the table
# that script makes. Builds nothing: expects `make images` done.
#
# The image is build/images/host-bench.cpio (host.cpio is left alone for
# the system tests); the whole log is build/bench-blk.log.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/system/env.sh"

for f in "$root/build/turtle" "$root/build/blkbench" "$IMAGES/guest.cpio" "$GUEST_KERNEL"; do
	[ -e "$f" ] || { echo "bench: $f missing (run make images)" >&2; exit 1; }
done

cpio=$IMAGES/host-bench.cpio
"$root/boot/init/mkinitramfs.sh" "$cpio" \
	"$root/build/turtle:bin/turtle" \
	"$root/build/blkbench:bin/blkbench" \
	"$GUEST_KERNEL:guest/Image" \
	"$IMAGES/guest.cpio:guest/initrd.cpio" \
	"$root/tests/system/guest-lib.sh:tests/lib.sh" \
	"$root/tests/bench/blk-in-host.sh:tests/bench-blk.sh"

log=$root/build/bench-blk.log
echo "bench: booting the emulated host, a few minutes (log: $log)" >&2
t0=$(date +%s)
qrc=0
HOST_INITRD=$cpio "$root/tests/system/qemu-host.sh" 600 /tests/bench-blk.sh \
	</dev/null >"$log" 2>&1 || qrc=$?
echo "bench: done after $(($(date +%s) - t0))s" >&2

grep -a '^BENCHTABLE ' "$log" | tr -d '\r' | sed 's/^BENCHTABLE //' || true
if ! grep -aq '^TURTLE-EXIT 0' "$log"; then
	echo "bench: the benchmark did not finish cleanly (qemu status $qrc; log: $log)" >&2
	tail -n 20 "$log" | tr -d '\r' | sed 's/^/    /' >&2
	exit 1
fi
