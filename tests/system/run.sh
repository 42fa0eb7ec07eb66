#!/bin/bash
# Run the system test cases: each case runs tests/system/cases/NAME.sh once
# on an NV2 host (tests/system/host.sh: the emulated one, booted for the
# case, or this arm64 machine itself), which prints TEST-RESULT lines.
#
#   tests/system/run.sh [CASE...]      (default: every case)
#
# Logs: build/test-logs/NAME.log. Prints one line per check and a closing
# "N passed, N failed" line; exits non-zero if any check failed or a case
# did not finish (a host that hangs is killed by the timeout). A case that
# needs guests at EL2 on a native host without them is skipped.
set -uo pipefail
. "$(dirname "$0")/env.sh"
. "$(dirname "$0")/../progress.sh"
progress_begin "system tests"

logs=$TURTLE_ROOT/build/test-logs
mkdir -p "$logs"
cases=("$@")
if [ ${#cases[@]} = 0 ]; then
	for f in "$TURTLE_ROOT"/tests/system/cases/*.sh; do
		cases+=("$(basename "$f" .sh)")
	done
fi

# Per-case time limits (seconds of wall time for the whole host boot, on
# an idle machine: qemu-host.sh scales them by the load, see env.sh).
limit_for() {
	case $1 in
	el1) echo 700 ;;
	nested) echo 1500 ;;
	vsock) echo 600 ;;
	privs) echo 900 ;;
	seccomp) echo 600 ;;
	share) echo 900 ;;
	share-mapped) echo 600 ;;
	share-memory) echo 600 ;;
	share-l2) echo 2400 ;;
	direct) echo 1500 ;;
	native) echo 1500 ;;
	*) echo 400 ;;
	esac
}

# Cases whose every check runs a guest at EL2 (--nested).
nested_for() {
	case $1 in
	nested | share-l2 | native | direct) echo --nested ;;
	esac
}

# Per-case kernel arguments for the emulated host: native.sh unpacks the
# host's own image (/sys/firmware/initrd).
cmdline_for() {
	case $1 in
	native) echo retain_initrd ;;
	esac
}

# Per-case QEMU options: cases that run an L2 count time in instructions
# (see tests/system/cases/share-l2.sh).
qemu_extra_for() {
	case $1 in
	share-l2 | direct) echo "-icount shift=0" ;;
	esac
}

passed=0
failed=0
skipped=0
i=0
for c in "${cases[@]}"; do
	i=$((i + 1))
	progress "system case $c ($i of ${#cases[@]})"
	log=$logs/$c.log
	t0=$(date +%s)
	nested=$(nested_for "$c")
	QEMU_EXTRA=$(qemu_extra_for "$c") HOST_CMDLINE_EXTRA=$(cmdline_for "$c") \
		"$TURTLE_ROOT/tests/system/host.sh" ${nested:+"$nested"} "$(limit_for "$c")" \
		"/tests/cases/$c.sh" </dev/null >"$log" 2>&1
	qrc=$?
	secs=$(($(date +%s) - t0))
	if [ $qrc = 77 ] && grep -aq '^TURTLE-SKIP ' "$log"; then
		skipped=$((skipped + 1))
		printf '  SKIP  %-24s %s\n' "$c" "$(sed -n 's/^TURTLE-SKIP //p' "$log")"
		continue
	fi
	n=0
	while read -r _ name verdict detail; do
		n=$((n + 1))
		if [ "$verdict" = PASS ]; then
			passed=$((passed + 1))
			printf '  PASS  %-24s %s\n' "$name" "$detail"
		else
			failed=$((failed + 1))
			printf '  FAIL  %-24s %s (log: %s)\n' "$name" "$detail" "$log"
		fi
	done < <(grep -a '^TEST-RESULT ' "$log" | tr -d '\r')
	if ! grep -aq '^TURTLE-EXIT 0' "$log"; then
		failed=$((failed + 1))
		printf '  FAIL  %-24s the host did not finish the case (status %d after %ds; log: %s)\n' \
			"$c" "$qrc" "$secs" "$log"
		tail -n 20 "$log" | sed 's/^/        /'
	elif [ $n = 0 ]; then
		failed=$((failed + 1))
		printf '  FAIL  %-24s reported no results (log: %s)\n' "$c" "$log"
	fi
	echo "  ($c: ${secs}s, time limits x$(sed -n 's/^TURTLE-TIME-SCALE \([0-9]*\).*/\1/p' "$log" | head -n1))"
done
[ $skipped = 0 ] || echo "system: $skipped case(s) skipped: this host runs no guests at EL2"
echo "system: $passed passed, $failed failed"
[ $failed = 0 ]
