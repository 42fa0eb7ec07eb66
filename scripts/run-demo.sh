#!/bin/bash
# `make run`: boot the emulated NV2 host (QEMU TCG), in which turtle boots
# an L1 guest at EL2 that runs a command and powers off.
#
#   CMD="..."   the L1 guest's shell command (no quotes inside; default:
#               hello, uname -r, the kernel's EL2/NV2 lines, /dev/kvm)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/system/env.sh"

printf '%s' "${CMD:-}" >"$IMAGES/demo-cmd"
"$root/boot/init/mkinitramfs.sh" "$IMAGES/host.cpio" \
	"$root/build/turtle:bin/turtle" \
	"$GUEST_KERNEL:guest/Image" \
	"$IMAGES/guest.cpio:guest/initrd.cpio" \
	"$root/scripts/demo-in-host.sh:tests/demo.sh" \
	"$IMAGES/demo-cmd:tests/demo-cmd"

log=$root/build/run.log
"$root/tests/system/qemu-host.sh" 600 /tests/demo.sh </dev/null 2>&1 | tee "$log"
rc=$(sed -n 's/^TURTLE-DEMO-RC \([0-9]*\).*/\1/p' "$log" | tr -d '\r')
if [ "${rc:-x}" != 0 ]; then
	echo "make run: turtle's L1 guest did not finish cleanly (status ${rc:-none}); log in $log" >&2
	exit 1
fi
