#!/bin/bash
# Run an in-host command on an NV2 host: the one seam between the scripts
# (tests/system/run.sh, tests/inception/run.sh, tests/bench/run.sh,
# kernel/kselftest.sh, scripts/run-demo.sh) and the machine they run on.
#
#   host.sh [--nested] TIMEOUT CMD...   (TIMEOUT: seconds on an idle machine)
#
# TURTLE_HOST=native|emulated says how (default: native on an arm64
# machine with /dev/kvm, else emulated; docs/native.md):
#   emulated  boot the emulated NV2 host, QEMU TCG (qemu-host.sh)
#   native    run CMD on this machine's KVM, in the same layout
#             (native-host.sh), as root: through sudo when not root
# Either way CMD sees the files of HOST_INITRD (default
# build/images/host.cpio) at /, runs as root with busybox's tools, prints
# between TURTLE-INIT and TURTLE-EXIT <status>, and its time limits are
# scaled by the machine's load (env.sh). --nested: CMD runs guests at EL2;
# a native host whose KVM has none skips it (a TURTLE-SKIP line, exit 77);
# the emulated host always has them.
set -euo pipefail
here=$(dirname "$0")
. "$(dirname "$0")/env.sh"
nested=
if [ "${1:-}" = --nested ]; then
	nested=--nested
	shift
fi
mode=$("$here/native-host.sh" detect) || exit 2
[ "$mode" = native ] || exec "$here/qemu-host.sh" "$@"

HOST_INITRD=${HOST_INITRD:-$IMAGES/host.cpio}
TURTLE_TIME_SCALE=$(turtle_time_scale)
HOST_CMDLINE_EXTRA=${HOST_CMDLINE_EXTRA:-}
export HOST_INITRD TURTLE_TIME_SCALE HOST_CMDLINE_EXTRA
sudo=()
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then
	sudo=(sudo "--preserve-env=HOST_INITRD,TURTLE_TIME_SCALE,HOST_CMDLINE_EXTRA,TMPDIR")
fi
exec "${sudo[@]}" "$here/native-host.sh" run $nested "$@"
