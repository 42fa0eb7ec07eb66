#!/bin/bash
# Everything `make test` runs after the build: the unit tests (native,
# Check), then the system tests (in the emulated NV2 host). The last line
# is the total: "total: N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

t0=$(date +%s)
echo "== unit tests (Check)"
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

echo "== system tests (QEMU TCG, FEAT_NV2 host)"
tests/system/mkimages.sh
tests/system/run.sh | tee build/system.log
srun=$(sed -n 's/^system: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' build/system.log)
spass=${srun% *}
sfail=${srun#* }
spass=${spass:-0}
sfail=${sfail:-1}

# The nested chain, L0 -> L1 -> L2 with EL2 at every level: each level
# must boot and power off cleanly, and L2's own KVM must come up in
# VHE+NV2 mode (so it could host L3).
echo "== inception: L0 -> L1 -> L2, EL2 at every level"
tests/inception/run.sh 2 >build/inception.out 2>&1
irc=$?
sed -n '/^level /,$p' build/inception.out
ipass=0
ifail=0
for n in 1 2; do
	if grep -qE "^L$n +yes .* ok\$" build/inception.out; then
		ipass=$((ipass + 1))
		echo "  PASS  inception-L$n"
	else
		ifail=$((ifail + 1))
		echo "  FAIL  inception-L$n (log: build/inception-L2.log)"
	fi
done
if grep -q "\[L2\] L2 facts: .*KVM: VHE+NV2 mode" build/inception-L2.log; then
	ipass=$((ipass + 1))
	echo "  PASS  inception-L2-nv2           L2's KVM reports VHE+NV2 mode"
else
	ifail=$((ifail + 1))
	echo "  FAIL  inception-L2-nv2           L2's KVM did not report VHE+NV2 mode"
fi
[ $irc = 0 ] || [ $ifail -gt 0 ] || ifail=1
spass=$((spass + ipass))
sfail=$((sfail + ifail))

echo "== $(( $(date +%s) - t0 ))s"
echo "unit: $upass passed, $ubad failed"
echo "system: $spass passed, $sfail failed"
echo "total: $((upass + spass)) passed, $((ubad + sfail)) failed"
[ $((ubad + sfail)) = 0 ]
