#!/bin/bash
# Build the initramfs images the system tests and `make run` boot:
#   build/images/guest.cpio  an L1 guest: busybox, init, virtio modules,
#                            turtle, mkfs.ext4, the benchmarks (blkbench,
#                            fsbench, exitbench), turtle-agent, vsock-tool,
#                            fsops (posix.sh), as-user (privs),
#                            fuse-attack (share-guest.sh)
#   build/images/host.cpio   the NV2 host (emulated, or native in the same
#                            layout): the same, plus turtle, socat, the
#                            guest kernel and guest.cpio, the tests, and
#                            the native host layer with make run's and the
#                            inception chain's in-host parts (the native
#                            case runs them)
set -euo pipefail
. "$(dirname "$0")/env.sh"

mk=$TURTLE_ROOT/boot/init/mkinitramfs.sh
[ -x "$TURTLE_ROOT/build/turtle" ] || { echo "mkimages: build/turtle missing (run make)" >&2; exit 1; }
[ -f "$GUEST_KERNEL" ] || { echo "mkimages: no kernel at $GUEST_KERNEL (run make deps)" >&2; exit 1; }

TOOLS=e2fsprogs "$mk" "$IMAGES/guest.cpio" "$TURTLE_ROOT/build/turtle:bin/turtle" \
	"$TURTLE_ROOT/build/blkbench:bin/blkbench" \
	"$TURTLE_ROOT/build/turtle-agent:bin/turtle-agent" \
	"$TURTLE_ROOT/build/vsock-tool:bin/vsock-tool" \
	"$TURTLE_ROOT/build/fsbench:bin/fsbench" \
	"$TURTLE_ROOT/build/exitbench:bin/exitbench" \
	"$TURTLE_ROOT/build/fsops:bin/fsops" \
	"$TURTLE_ROOT/build/as-user:bin/as-user" \
	"$TURTLE_ROOT/build/fuse-attack:bin/fuse-attack" \
	"$TURTLE_ROOT/build/clockoff:bin/clockoff" \
	"$TURTLE_ROOT/tests/system/guest:tests"
TOOLS=socat "$mk" "$IMAGES/host.cpio" \
	"$TURTLE_ROOT/build/turtle:bin/turtle" \
	"$TURTLE_ROOT/build/vsock-tool:bin/vsock-tool" \
	"$TURTLE_ROOT/build/ptyrun:bin/ptyrun" \
	"$TURTLE_ROOT/build/as-user:bin/as-user" \
	"$TURTLE_ROOT/build/clockoff:bin/clockoff" \
	"$TURTLE_ROOT/build/blkbench:bin/blkbench" \
	"$TURTLE_ROOT/build/fsbench:bin/fsbench" \
	"$TURTLE_ROOT/build/exitbench:bin/exitbench" \
	"$GUEST_KERNEL:guest/Image" \
	"$IMAGES/guest.cpio:guest/initrd.cpio" \
	"$TURTLE_ROOT/tests/system/cases:tests/cases" \
	"$TURTLE_ROOT/tests/system/guest-lib.sh:tests/lib.sh" \
	"$TURTLE_ROOT/tests/system/share-lib.sh:tests/share-lib.sh" \
	"$TURTLE_ROOT/tests/system/native-host.sh:tests/native-host.sh" \
	"$TURTLE_ROOT/scripts/demo-in-host.sh:tests/demo.sh" \
	"$TURTLE_ROOT/tests/inception/level.sh:tests/level.sh" \
	"$TURTLE_ROOT/tests/inception/chain-level.sh:tests/chain-level.sh"
echo "images: $(du -h "$IMAGES/guest.cpio" | cut -f1) guest, $(du -h "$IMAGES/host.cpio" | cut -f1) host"
