#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tests/fuzz/run.sh [SECONDS [HARNESS...]]: build the libFuzzer harnesses
# (make fuzz) and run each (or only those named, e.g. fuzz_vsock), one
# after the other, for SECONDS (default 60), on its seed corpus (which the
# harness writes: TURTLE_FUZZ_SEEDS) in a temporary directory. One process
# at a time, one core: to use more cores, run one per harness at once.
# Exits non-zero if any harness crashed; its crash-* input and log stay in
# the directory named. FUZZ_CORPUS=DIR starts from (and adds to) the
# corpora kept in DIR/<harness>, so long runs can be made in pieces.
#
# Run as root, the FUSE harnesses also exercise the per-request
# credentials (setfsuid). As root, each fuzzer runs in its own mount
# namespace where everything but the temporary directory is read-only
# (unshare -m), so a confinement escape found cannot write to the host.
set -u

secs=${1:-60}
case $secs in
'' | *[!0-9]*)
	echo "usage: $0 [SECONDS]" >&2
	exit 2
	;;
esac
shift $(($# > 0 ? 1 : 0))
only=$*
top=$(cd "$(dirname "$0")/../.." && pwd)
make -C "$top" --no-print-directory fuzz || exit 1

tmp=$(mktemp -d /tmp/turtle-fuzz-run-XXXXXX) || exit 1
failed=
for bin in "$top"/build/fuzz/fuzz_*; do
	name=${bin##*/}
	case " ${only:-$name} " in
	*" $name "*) ;;
	*) continue ;;
	esac
	dir=$tmp/$name
	mkdir -p "$dir/corpus" "$dir/tmp"
	if [ -n "${FUZZ_CORPUS:-}" ]; then
		mkdir -p "$FUZZ_CORPUS/$name" || exit 1
		cp -r "$FUZZ_CORPUS/$name/." "$dir/corpus/" || exit 1
	fi
	# -runs=0: a harness that writes no seeds does nothing either.
	(cd "$dir" && TURTLE_FUZZ_SEEDS=$dir/corpus "$bin" -runs=0 \
		>"$dir/seeds.log" 2>&1) || {
		echo "$name: cannot write its seeds" >&2
		failed="$failed $name"
		continue
	}
	dict=$top/tests/fuzz/${name#fuzz_}.dict
	[ -f "$dict" ] && dict=-dict=$dict || dict=
	set -- "$bin" -max_total_time="$secs" -timeout=30 -close_fd_mask=2 \
		-print_final_stats=1 ${dict:+"$dict"} corpus
	# shellcheck disable=SC2016 # expanded by the inner sh
	cmd='cd "$0" && TMPDIR=$0/tmp exec "$@"'
	if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
		# Private mounts: the run directory stays writable, / does not.
		# shellcheck disable=SC2016
		cmd='mount --make-rprivate / && mount --bind "$0" "$0" &&
			mount -o remount,bind,ro / && '$cmd
		unshare -m sh -c "$cmd" "$dir" "$@" >"$dir/log" 2>&1
	else
		sh -c "$cmd" "$dir" "$@" >"$dir/log" 2>&1
	fi
	rc=$?
	[ -n "${FUZZ_CORPUS:-}" ] && cp -r "$dir/corpus/." "$FUZZ_CORPUS/$name/"
	stats=$(grep -E '^#[0-9]+.*(DONE|pulse)' "$dir/log" | tail -n 1)
	echo "$name: exit $rc, ${stats:-no stats}"
	if [ $rc -ne 0 ] || ls "$dir"/crash-* "$dir"/leak-* \
		"$dir"/timeout-* >/dev/null 2>&1; then
		failed="$failed $name"
		grep -E 'ERROR|SUMMARY|CONFINEMENT|invariant|bad reply' \
			"$dir/log" | head -n 5
	fi
done

if [ -n "$failed" ]; then
	echo "FAILED:$failed (logs and crash inputs in $tmp)" >&2
	exit 1
fi
rm -rf "$tmp"
echo "all harnesses ran ${secs}s each without a crash"
