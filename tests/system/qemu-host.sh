#!/bin/bash
# Boot the emulated NV2 host (QEMU TCG, FEAT_NV2) with host.cpio and run
# CMD in it; the host powers off when CMD ends.
#
#   qemu-host.sh TIMEOUT_SECONDS CMD...   (seconds on an idle machine)
#
# HOST_INITRD=FILE boots another initramfs instead (tests/bench/run.sh);
# HOST_CMDLINE_EXTRA adds kernel arguments (tests/inception/run.sh);
# QEMU_EXTRA adds QEMU options (e.g. "-icount shift=0").
#
# -cpu max,lpa2=off: with LPA2 an L2 at EL2 dies at its first NV2-redirected
# register write, and nested teardown is 10x slower. pauth-impdef=on: the
# cheaper pointer-authentication algorithm to emulate.
set -euo pipefail
. "$(dirname "$0")/env.sh"

# The limit is scaled for the machine's load (env.sh); the factor goes to
# the host's command line too (turtle.scale=N, which guest-lib.sh reads),
# so the limits inside it scale alike.
scale=$(turtle_time_scale)
limit=$(($1 * scale))
shift
echo "TURTLE-TIME-SCALE $scale (limit ${limit}s; load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
exec timeout --foreground -k 5 "$limit" qemu-system-aarch64 \
	-M virt,virtualization=on,gic-version=3 \
	-cpu max,lpa2=off,pauth-impdef=on \
	-smp 2 -m 3072 ${QEMU_EXTRA:-} \
	-display none -monitor none -serial stdio -no-reboot \
	-kernel "$HOST_KERNEL" -initrd "${HOST_INITRD:-$IMAGES/host.cpio}" \
	-append "console=ttyAMA0 kvm-arm.mode=nested quiet panic=-1 turtle.scale=$scale ${HOST_CMDLINE_EXTRA:-} -- $*"
