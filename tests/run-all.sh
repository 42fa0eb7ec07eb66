#!/bin/bash
# Everything `make test` runs after the build: the unit tests (native,
# Check), then the system tests (on an NV2 host: the emulated one, or this
# arm64 machine; tests/system/host.sh). The last line
# is the total: "total: N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

. tests/system/env.sh
. tests/progress.sh
progress_begin "make test"
# Check's per-test limits: the unit runner's own margin (10, see
# tests/unit/main.c) or the machine's load factor, whichever is larger.
if [ -z "${CK_TIMEOUT_MULTIPLIER:-}" ]; then
	scale=$(turtle_time_scale)
	CK_TIMEOUT_MULTIPLIER=$((scale > 10 ? scale : 10))
	export CK_TIMEOUT_MULTIPLIER
fi

t0=$(date +%s)
echo "== unit tests (Check)"
progress "unit tests"
build/unit-tests 2>&1 | tee build/unit.log
urc=${PIPESTATUS[0]}
# Check's summary: "100%: Checks: N, Failures: F, Errors: E"
read -r uchecks ufail uerr < <(sed -n 's/.*Checks: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\).*/\1 \2 \3/p' build/unit.log | tail -n1)
uchecks=${uchecks:-0}
ubad=$(( ${ufail:-0} + ${uerr:-0} ))
if [ "$urc" != 0 ] && [ "$ubad" = 0 ]; then
	ubad=1 # the runner itself failed
fi
upass=$((uchecks - ${ufail:-0} - ${uerr:-0}))

echo "== system tests ($("tests/system/native-host.sh" detect) NV2 host)"
tests/system/mkimages.sh
tests/system/run.sh | tee build/system.log
srun=$(sed -n 's/^system: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' build/system.log)
spass=${srun% *}
sfail=${srun#* }
spass=${spass:-0}
sfail=${sfail:-1}

# The nested chain with EL2 at every level. check_chain N OUT RC: one check
# per level (it booted and powered off cleanly), from the run's table;
# none on a native host without guests at EL2 (RC 77: skipped).
ipass=0
ifail=0
skipped=0
check_chain() {
	local n=$1 out=$2 rc=$3 before=$ifail k
	skipped=0
	if [ "$rc" = 77 ]; then
		skipped=1
		echo "  SKIP  inception$n: this host runs no guests at EL2"
		return
	fi
	sed -n '/^level /,$p' "$out"
	for ((k = 1; k <= n; k++)); do
		if grep -qE "^L$k +yes .* ok\$" "$out"; then
			ipass=$((ipass + 1))
			echo "  PASS  inception$n-L$k"
		else
			ifail=$((ifail + 1))
			echo "  FAIL  inception$n-L$k (log: build/inception-L$n.log)"
		fi
	done
	# run.sh failed, yet every level looked fine: count that too.
	[ "$rc" = 0 ] || [ $ifail -gt $before ] || ifail=$((ifail + 1))
}
# chain_has N NAME PATTERN DETAIL: a check on the chain's log.
chain_has() {
	[ "$skipped" = 0 ] || return 0
	if grep -q -- "$3" "build/inception-L$1.log"; then
		ipass=$((ipass + 1))
		printf '  PASS  %-24s %s\n' "$2" "$4"
	else
		ifail=$((ifail + 1))
		printf '  FAIL  %-24s %s: not in build/inception-L%s.log\n' "$2" "$4" "$1"
	fi
}

# L0 -> L1 -> L2 with Debian's kernel (what `make inception` boots by
# default): L2's own KVM must come up in VHE+NV2 mode, so it could host L3.
echo "== inception: L0 -> L1 -> L2, Debian's kernel, EL2 at every level"
progress "inception L0->L2"
tests/inception/run.sh 2 >build/inception2.out 2>&1
check_chain 2 build/inception2.out $?
chain_has 2 inception2-L2-nv2 "\[L2\] L2 facts: .*KVM: VHE+NV2 mode" "L2's KVM reports VHE+NV2 mode"

# L0 -> L1 -> L2 -> L3 with the lean kernel (kernel/build-lean.sh: built
# once, about 7 minutes, then cached), which keeps the deep levels quick.
echo "== inception: L0 -> L1 -> L2 -> L3, lean kernel, EL2 at every level"
progress "the lean kernel (built once, about 7 minutes)"
if lean=$(kernel/build-lean.sh 2>build/lean-kernel.log); then
	progress "inception L0->L3"
	KERNEL=$lean tests/inception/run.sh 3 >build/inception3.out 2>&1
	check_chain 3 build/inception3.out $?
	chain_has 3 inception3-hello "\[L3\] Hello from L3" "L3 printed its marker"
	chain_has 3 inception3-L2-nv2 "\[L2\] L2 facts: .*KVM: VHE+NV2 mode" "L2 hosts L3 with VHE+NV2"
else
	ifail=$((ifail + 1))
	echo "  FAIL  inception3               the lean kernel did not build (log: build/lean-kernel.log)"
fi
spass=$((spass + ipass))
sfail=$((sfail + ifail))

echo "== $(( $(date +%s) - t0 ))s"
echo "unit: $upass passed, $ubad failed"
echo "system: $spass passed, $sfail failed"
echo "total: $((upass + spass)) passed, $((ubad + sfail)) failed"
[ $((ubad + sfail)) = 0 ]
