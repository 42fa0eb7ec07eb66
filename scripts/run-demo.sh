#!/bin/bash
# `make run`: turtle inside turtle. The NV2 host (L0: this arm64 machine,
# or the emulated one, QEMU TCG; tests/system/host.sh, docs/native.md)
# runs turtle, which boots L1 at EL2; L1 runs the same turtle binary to
# boot L2, and so on down to L<LEVELS>, every level reading its kernel from
# the level above through a shared directory. The deepest level writes a
# file to the share, and L0 reads it back.
#
#   scripts/run-demo.sh [LEVELS]     (default 2; make run LEVELS=N)
#
# It is tests/inception/run.sh with the turtles' own chatter left out
# (VERBOSE=0) and the kernel chosen for speed: the lean kernel
# (kernel/build-lean.sh) when it is already built, else Debian's.
# KERNEL=... chooses another, as for make inception.
#
# LEVELS=1 is the quick demo instead: turtle boots one L1 guest at EL2
# that runs a command and powers off (scripts/demo-in-host.sh).
#   CMD="..."   the L1 guest's shell command (no quotes inside; default:
#               hello, uname -r, the kernel's EL2/NV2 lines, /dev/kvm)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/system/env.sh"
levels=${1:-${LEVELS:-2}}
case $levels in
'' | *[!0-9]* | 0) echo "make run: LEVELS must be a number from 1" >&2; exit 2 ;;
esac
t0=$(date +%s)
elapsed() {
	local s=$(($(date +%s) - t0))
	printf '%dm%02ds' $((s / 60)) $((s % 60))
}

if [ "$levels" = 1 ]; then
	printf '%s' "${CMD:-}" >"$IMAGES/demo-cmd"
	# An image of its own: host.cpio stays the system tests'.
	"$root/boot/init/mkinitramfs.sh" "$IMAGES/host-demo.cpio" \
		"$root/build/turtle:bin/turtle" \
		"$GUEST_KERNEL:guest/Image" \
		"$IMAGES/guest.cpio:guest/initrd.cpio" \
		"$root/scripts/demo-in-host.sh:tests/demo.sh" \
		"$IMAGES/demo-cmd:tests/demo-cmd"

	log=$root/build/run.log
	HOST_INITRD=$IMAGES/host-demo.cpio \
		"$root/tests/system/host.sh" --nested 600 /tests/demo.sh </dev/null 2>&1 |
		grep --line-buffered -v '^TURTLE-TIME-SCALE' | tee "$log"
	rc=$(sed -n 's/^TURTLE-DEMO-RC \([0-9]*\).*/\1/p' "$log" | tr -d '\r')
	if grep -q '^TURTLE-SKIP' "$log"; then
		echo "make run: needs a host that runs guests at EL2" >&2
		exit 77
	fi
	if [ "${rc:-x}" != 0 ]; then
		echo "make run: turtle's L1 guest did not finish cleanly (status ${rc:-none}); log in $log" >&2
		exit 1
	fi
	echo "make run: done in $(elapsed)"
	exit 0
fi

if [ -z "${KERNEL:-}" ]; then
	if KERNEL=$("$root/kernel/build-lean.sh" --cached); then
		what="turtle's lean kernel"
	elif [ "$levels" -le 2 ]; then
		KERNEL=debian
		what="Debian's kernel (kernel/build-lean.sh builds a faster one once, about 7 minutes)"
	else
		KERNEL=
		what="turtle's lean kernel (built first, about 7 minutes)"
	fi
else
	what=$KERNEL
fi
chain="L0"
for ((n = 1; n <= levels; n++)); do chain="$chain -> L$n"; done
echo "== make run: turtle inside turtle, $chain, each level at EL2 with its own KVM"
if [ "$("$root/tests/system/native-host.sh" detect)" = native ]; then
	echo "== L0 is this arm64 machine (native host); every level runs the same turtle binary,"
else
	echo "== L0 is the emulated NV2 host (QEMU TCG); every level runs the same turtle binary,"
fi
echo "== and boots the next from a directory shared down the chain (FUSE over vsock)"
echo "== kernel: $what"
echo "== each level's console lines carry its tag: [L1], [L1] [L2], ..."
rc=0
KERNEL=$KERNEL VERBOSE=0 "$root/tests/inception/run.sh" "$levels" || rc=$?
if [ $rc = 0 ]; then
	echo "make run: done in $(elapsed); the whole log is build/inception-L$levels.log"
else
	echo "make run: the chain failed (status $rc) after $(elapsed); log in build/inception-L$levels.log" >&2
fi
exit $rc
