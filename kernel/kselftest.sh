#!/bin/bash
# The kernel's KVM selftests at every level: `make kselftest [LEVELS=N]`.
# Builds them (kernel/build-kselftests.sh, cached), starts the NV2 host
# with them (tests/system/host.sh: the emulated one or this arm64
# machine), runs every test there (L0), then in an L1 at EL2 that
# turtle starts (2 vCPUs, 2 GiB, the tests on a read-only share), and so
# on down to L<LEVELS>, each level with time limits scaled for its depth
# (kernel/kselftest-level.sh). Prints one table: test x level, with what
# differs from L0 marked with '*' (kernel/kselftest-table.sh).
#
#   kernel/kselftest.sh [LEVELS]          (default 1; or LEVELS=N)
#
# Environment:
#   KERNEL=Image     the guests' kernel, every level (default Debian's, as
#                    the host's)
#   KERNEL_L2=Image  the kernel of one level (any n from 1; KERNEL_L0 is
#                    the emulated host's, by default Debian's)
#   KST_TESTS="..."  only these tests, in this order (paths as in
#                    tests.list, e.g. "arm64/host_sve get-reg-list")
#   KST_FROM=n       run the tests only at levels n and below; the levels
#                    above only start the next (an L2 column without
#                    re-running L0 and L1: kernel/kselftest-table.sh merges
#                    the logs)
#   KST_GONE="..."   tests not to run (shown n/a), e.g. those that timed
#                    out at L0 in an earlier run, for a KST_FROM=1 run
#   KST_TIMEOUT=s    a test's limit at L0 (default 180; x10 at L1, x80 below)
#   TIMEOUT=s        for the whole run (default: from the tests and levels)
#   QEMU_EXTRA=...   QEMU options for the emulated host, e.g.
#                    "-icount shift=0" (instruction time; needed from L2,
#                    where a test's VM is an L3: tests/inception/run.sh)
# Log: build/test-logs/kselftest.log (KST_LOG=name for another).
# Exit status 0 if the deepest level finished its tests.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/system/env.sh"

levels=${1:-${LEVELS:-1}}
case $levels in
'' | *[!0-9]*) echo "kselftest: LEVELS must be a number" >&2; exit 2 ;;
esac
from=${KST_FROM:-0}
case $from in
'' | *[!0-9]*) echo "kselftest: KST_FROM must be a number" >&2; exit 2 ;;
esac
[ "$from" -le "$levels" ] || { echo "kselftest: KST_FROM=$from is below LEVELS=$levels" >&2; exit 2; }
kernel=${KERNEL:-$GUEST_KERNEL}
[ -f "$kernel" ] || { echo "kselftest: KERNEL: no file $kernel" >&2; exit 1; }
if [ -n "${KERNEL_L0:-}" ]; then
	[ -f "$KERNEL_L0" ] || { echo "kselftest: KERNEL_L0: no file $KERNEL_L0" >&2; exit 1; }
	export HOST_KERNEL=$KERNEL_L0
fi
# The guests' kernels go down the chain on the /guest share: Image for
# every level, Image-Ln for a level with its own (kselftest-level.sh).
files=("$kernel:guest/Image")
for n in $(seq 1 "$levels"); do
	k=KERNEL_L$n
	[ -n "${!k:-}" ] || continue
	[ -f "${!k}" ] || { echo "kselftest: $k: no file ${!k}" >&2; exit 1; }
	files+=("${!k}:guest/Image-L$n")
done
kst=$("$root/kernel/build-kselftests.sh") || exit 1
base=${KST_TIMEOUT:-180}
tests=${KST_TESTS:-}
ntests=$(if [ -n "$tests" ]; then echo "$tests" | wc -w; else wc -l <"$kst/tests.list"; fi)
# Every test could take its whole limit at every level that runs them
# (x1, x10, x80), and each level's boot 300 s more.
limit=0
for l in $(seq 0 "$levels"); do
	case $l in 0) s=1 ;; 1) s=10 ;; *) s=80 ;; esac
	[ "$l" -ge "$from" ] || s=0
	limit=$((limit + ntests * base * s + 300))
done
limit=${TIMEOUT:-$limit}

# A list as one word of the kernel command line (kselftest-level.sh).
commas() { printf '%s' "$1" | tr -s ' \t\n' ',,,' | sed 's/^,//; s/,$//'; }

# An image of its own: runs at once (KST_FROM=2 beside LEVELS=1) must not
# rewrite each other's.
mkdir -p "$IMAGES"
img=$(mktemp "$IMAGES/kselftest-host.XXXXXX") || exit 1
trap 'rm -f "$img"' EXIT
TOOLS="" "$root/boot/init/mkinitramfs.sh" "$img" \
	"$root/build/turtle:bin/turtle" \
	"${files[@]}" \
	"$IMAGES/guest.cpio:guest/initrd.cpio" \
	"$kst:kst" \
	"$root/kernel/kselftest-level.sh:kst/kselftest-level.sh" || exit 1

logs=$root/build/test-logs
mkdir -p "$logs"
log=$logs/${KST_LOG:-kselftest.log}
echo "kselftest: $ntests tests at L$from..L$levels, a test's limit ${base}s at L0 (log: $log)"
t0=$(date +%s)
nested=
[ "$levels" = 0 ] || nested=--nested
HOST_INITRD=$img "$root/tests/system/host.sh" $nested "$limit" \
	"KST_TIMEOUT=$base KST_FROM=$from KST_TESTS=$(commas "$tests") KST_GONE=$(commas "${KST_GONE:-}") /kst/kselftest-level.sh 0 $levels" \
	</dev/null >"$log" 2>&1
qrc=$?
secs=$(($(date +%s) - t0))

# The table: a row per test, a column per level.
"$root/kernel/kselftest-table.sh" "$log"
echo "kselftest: ${secs}s (qemu status $qrc)"
tr -d '\r' <"$log" | grep -aq "KST-LEVEL L$levels end"
