#!/bin/bash
# The kernel's KVM selftests at every level: `make kselftest [LEVELS=N]`.
# Builds them (kernel/build-kselftests.sh, cached), starts the NV2 host
# with them (tests/system/host.sh: the emulated one or this arm64
# machine), runs every test there (L0), then in an L1 at EL2 that
# turtle starts (2 vCPUs, 2 GiB, the tests on a read-only share), and so
# on down to L<LEVELS>, each level with time limits scaled for its depth
# (kernel/kselftest-level.sh). Prints one table: test x level, with what
# differs from L0 marked with '*'.
#
#   kernel/kselftest.sh [LEVELS]          (default 1; or LEVELS=N)
#
# Environment:
#   KERNEL=Image     the guests' kernel (default Debian's, as the host's)
#   KST_TESTS="..."  only these tests (paths as in tests.list, e.g.
#                    "arm64/host_sve arm64/vpmu_counter_access get-reg-list")
#   KST_TIMEOUT=s    a test's limit at L0 (default 180; x10 at L1, x80 below)
#   TIMEOUT=s        for the whole run (default: from the tests and levels)
# Log: build/test-logs/kselftest.log. Exit status 0 if the run finished.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/system/env.sh"

levels=${1:-${LEVELS:-1}}
case $levels in
'' | *[!0-9]*) echo "kselftest: LEVELS must be a number" >&2; exit 2 ;;
esac
kst=$("$root/kernel/build-kselftests.sh") || exit 1
kernel=${KERNEL:-$GUEST_KERNEL}
base=${KST_TIMEOUT:-180}
tests=${KST_TESTS:-}
ntests=$(if [ -n "$tests" ]; then echo $tests | wc -w; else wc -l <"$kst/tests.list"; fi)
# Every test could take its whole limit at every level (x1, x10, x80).
limit=0
for l in $(seq 0 "$levels"); do
	case $l in 0) s=1 ;; 1) s=10 ;; *) s=80 ;; esac
	limit=$((limit + ntests * base * s + 300))
done
limit=${TIMEOUT:-$limit}

img=$IMAGES/kselftest-host.cpio
TOOLS= "$root/boot/init/mkinitramfs.sh" "$img" \
	"$root/build/turtle:bin/turtle" \
	"$kernel:guest/Image" \
	"$IMAGES/guest.cpio:guest/initrd.cpio" \
	"$kst:kst" \
	"$root/kernel/kselftest-level.sh:kst/kselftest-level.sh" || exit 1

logs=$root/build/test-logs
mkdir -p "$logs"
log=$logs/kselftest.log
echo "kselftest: $ntests tests at L0..L$levels, a test's limit ${base}s at L0 (log: $log)"
t0=$(date +%s)
nested=
[ "$levels" = 0 ] || nested=--nested
HOST_INITRD=$img "$root/tests/system/host.sh" $nested "$limit" \
	"KST_TIMEOUT=$base KST_TESTS='$tests' /kst/kselftest-level.sh 0 $levels" \
	</dev/null >"$log" 2>&1
qrc=$?
secs=$(($(date +%s) - t0))

# The table: a row per test, a column per level.
tr -d '\r' <"$log" | grep -a -o 'KST L[0-9]* .*' | awk -v levels="$levels" '
	{ l = substr($2, 2) + 0; t = $3; cell = $4 " " $5 "s"
	  if ($6 != "") cell = cell " " $6
	  res[t, l] = $4; txt[t, l] = cell
	  if (!(t in seen)) { seen[t] = 1; order[n++] = t } }
	END {
		printf "%-40s", "test"
		for (l = 0; l <= levels; l++) printf " %-22s", "L" l
		printf "\n"
		for (i = 0; i < n; i++) {
			t = order[i]; printf "%-40s", t
			for (l = 0; l <= levels; l++) {
				c = ((t, l) in txt) ? txt[t, l] : "-"
				if (l > 0 && ((t, l) in res) && res[t, l] != res[t, 0]) c = c " *"
				printf " %-22s", c
			}
			printf "\n"
		}
		printf "(cells: result, time; TAP: cases passed/skipped/failed; skipped-configs: get-reg-list's; * differs from L0)\n"
	}'
echo "kselftest: ${secs}s (qemu status $qrc)"
grep -aq 'KST-LEVEL L0 end' "$log"
