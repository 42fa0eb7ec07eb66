#!/bin/bash
# The shared directory at every level of the inception chain, side by
# side: `tests/bench/run.sh chain` (or this script directly).
#
#   tests/bench/chain.sh [LEVELS]     (default 3, or BENCH_LEVELS)
#
# For each depth n from 1 to LEVELS, runs tests/inception/run.sh n with
# exitbench (tests/bench/exitbench.c: what an exit costs, through the exit
# probe of the turtle that runs the level) and fsbench
# (tests/bench/fsbench.c) as the test command of the deepest level,
# which is a leaf at EL1 (EL1_LAST=1), as a user's guest at that depth
# would be; the levels above it run at EL2 and serve the share down: L1's
# /chain is one FUSE hop from the emulated host's directory, L2's is two
# (L2 -> turtle in L1 -> L1's FUSE mount -> turtle in L0 -> host), and so
# on. Every share runs turtle's default cache mode (CHAIN_CACHE=auto; the
# inception chain itself uses cache=always).
#
# Environment: KERNEL (default: the lean kernel, at every depth, so that
# the depths compare), BENCH_FS_SECONDS (per measurement, default 1), BENCH_CHAIN_MIB (sequential file, default 2).
# BENCH_DIRECT=1: every turtle of the chain also gets --direct-window (the
# one in the emulated host serves it, each below passes it on:
# vmm/direct.h), and exitbench runs a second time with --direct, through
# the window, which adds the direct rows to the exit table.
# With fsbench too, the deepest level also mounts the emulated host's share
# through the window (turtle-agent mount --direct: served by L0's turtle
# itself, fuse-vsock/window-proto.h) at /direct and runs fsbench there: the
# "direct:" rows, with their ratio to L1's chained share.
# BENCH_CHAIN_FS=0: no fsbench (only the exit table).
# BENCH_FROM=K: run only the depths K to LEVELS (the others' logs are
# reused for the tables; LEVELS+1: only the tables).
# Prints two tables: the median cost of an exit per level, and the shared
# directory's median latency in microseconds and MB/s per level, each with
# the level's ratio to L1 (against the goal: at most n times L1's latency);
# and draws the latencies as a bar chart, build/bench-chain.svg
# (tests/bench/plot.sh).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/progress.sh"
levels=${1:-${BENCH_LEVELS:-3}}
secs=${BENCH_FS_SECONDS:-1}
mib=${BENCH_CHAIN_MIB:-2}
direct=${BENCH_DIRECT:-0}
fs=${BENCH_CHAIN_FS:-1}
cmd="exitbench --seconds $secs"
[ "$direct" = 0 ] || cmd+="; exitbench --seconds $secs --direct"
[ "$fs" = 0 ] || cmd+="; fsbench --seconds $secs --size $mib /chain"
[ "$fs" = 0 ] || [ "$direct" = 0 ] ||
	cmd+="; mkdir -p /direct && turtle-agent mount --direct --tag chain /direct && fsbench --seconds $secs --size $mib /direct | sed 's/^BENCH /BENCH direct-/'"

[ -x "$root/build/fsbench" ] || { echo "bench: build/fsbench missing (run make images)" >&2; exit 1; }
kernel=${KERNEL:-$("$root/kernel/build-lean.sh")} || { echo "bench: the lean kernel did not build" >&2; exit 1; }
rc=0
for ((n = ${BENCH_FROM:-1}; n <= levels; n++)); do
	echo "bench: chain: L$n, fsbench at L$n (log: build/bench-chain-L$n.log)" >&2
	progress "chain suite: L0->L$n"
	# The leaf's turtle gets the exit probe, on top of the user's options.
	a=TURTLE_ARGS_L$n
	(
		export "$a=${!a:-} --exit-probe"
		# The direct window: served by L0's turtle, passed on below.
		if [ "$direct" != 0 ]; then
			for ((k = 1; k <= n; k++)); do
				d=TURTLE_ARGS_L$k
				export "$d=${!d:-} --direct-window"
			done
		fi
		KERNEL=$kernel EL1_LAST=1 CHAIN_CACHE=auto \
			CHAIN_BIN="$root/build/fsbench $root/build/exitbench" \
			CMD="$cmd" \
			"$root/tests/inception/run.sh" "$n" >"$root/build/bench-chain-L$n.log" 2>&1
	) || rc=1
	tail -n $((n + 4)) "$root/build/bench-chain-L$n.log"
done

# val LEVEL OP KEY: KEY's value in LEVEL's "BENCH OP" (fsbench) or
# "EXIT OP" (exitbench) line, or "-"; OP "served": see served().
val() {
	[ "$2" != served ] || { served "$1" "$3"; return; }
	v=$(sed -n "s/^.*\[L$1\] \(BENCH\|EXIT\) $2 .*$3=\([0-9.]*\).*/\2/p" "$root/build/bench-chain-L$1.log" | tail -n1)
	echo "${v:--}"
}
# served LEVEL KEY: KEY from the --stats line of the turtle that serves
# LEVEL's share (it runs in the level above: n-1 console tags), or "-".
served() {
	local tags="" k v
	for ((k = 1; k < $1; k++)); do tags+="\\[L$k\\] "; done
	v=$(sed -n -E "s/^ *[0-9.]+ ${tags}turtle: share 'chain': .*$2=([0-9.]+).*/\\1/p" \
		"$root/build/bench-chain-L$1.log" | tail -n1)
	echo "${v:--}"
}
row() { # row NAME OP KEY: one operation at every level, then the ratios
	line=$(printf '%-24s' "$1")
	for ((n = 1; n <= levels; n++)); do
		line+=$(awk -v v="$(val $n "$2" "$3")" \
			'BEGIN { if (v == "-" || v + 0 < 100) printf "%10s", v; else printf "%10.0f", v }')
	done
	for ((n = 2; n <= levels; n++)); do
		line+=$(awk -v a="$(val $n "$2" "$3")" -v b="$(val 1 "$2" "$3")" \
			'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%10.3g", a / b; else printf "%10s", "-" }')
	done
	echo "$line"
}
# row_vs NAME OP KEY BASE: as row, but each ratio against BASE's L1.
row_vs() {
	line=$(printf '%-24s' "$1")
	for ((n = 1; n <= levels; n++)); do
		line+=$(awk -v v="$(val $n "$2" "$3")" \
			'BEGIN { if (v == "-" || v + 0 < 100) printf "%10s", v; else printf "%10.0f", v }')
	done
	for ((n = 2; n <= levels; n++)); do
		line+=$(awk -v a="$(val $n "$2" "$3")" -v b="$(val 1 "$4" "$3")" \
			'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%10.3g", a / b; else printf "%10s", "-" }')
	done
	echo "$line"
}
table_header() {
	hdr=$(printf '%-24s' "")
	for ((n = 1; n <= levels; n++)); do hdr+=$(printf '%10s' "L$n"); done
	for ((n = 2; n <= levels; n++)); do hdr+=$(printf '%10s' "L$n/L1"); done
	echo "$hdr"
}
echo
echo "one exit from the deepest level, median ns (exitbench, through turtle's exit probe)"
table_header
row "system call (no exit)" syscall med_ns
row "MMIO exit to the kernel" mmio-kernel med_ns
row "MMIO write to turtle" mmio-user med_ns
row "MMIO read from turtle" mmio-read med_ns
if [ "$direct" != 0 ]; then
	row "direct: exit to KVM" direct-mmio-kernel med_ns
	row "direct: write to turtle" direct-mmio-user med_ns
	row "direct: read from turtle" direct-mmio-read med_ns
	row "direct: request+reply" direct-handshake med_ns
	echo "(direct: through the window that the emulated host's turtle serves and"
	echo " each level passes on, --direct-window: no level in between takes the exit;"
	echo " request+reply: a request in the window's memory answered within the exit)"
fi
echo
[ "$fs" != 0 ] || echo "(BENCH_CHAIN_FS=0: no fsbench)"
[ "$fs" = 0 ] || {
	echo "shared directory at every level (fsbench on /chain, $secs s per measurement, $mib MiB file)"
	table_header
	row "stat, cached (us)" stat med_us
	row "stat, cold (us)" stat-cold med_us
	row "open+read 4K+close (us)" open-read-4k med_us
	row "create+4K+fsync (us)" create-4k med_us
	row "seq write (MB/s)" seqwrite mbps
	row "seq read, cold (MB/s)" seqread mbps
	if [ "$direct" != 0 ]; then
		row_vs "direct: stat, cold" direct-stat-cold med_us stat-cold
		row_vs "direct: open+read 4K" direct-open-read-4k med_us open-read-4k
		row_vs "direct: create+4K+fsync" direct-create-4k med_us create-4k
		row_vs "direct: stat, cached" direct-stat med_us stat
		row_vs "direct: seq write (MB/s)" direct-seqwrite mbps seqwrite
		row_vs "direct: seq read (MB/s)" direct-seqread mbps seqread
	fi
	row "request in turtle (us)" served run_avg_us
	row "  of it queued (us)" served queued_avg_us
	echo "(goal: latency at Ln at most n times L1's; logs: build/bench-chain-L*.log)"
	[ "$direct" = 0 ] || echo "(direct: /direct, the emulated host's share through the window, served by L0's turtle; ratios against L1's chained share)"
	echo "(request in turtle: the average time the turtle serving the level, in the"
	echo " level above, took from a whole request to its reply, over the whole run)"
}

# The same as a plot, in microseconds: build/bench-chain.svg.
# plot_row NAME OP KEY DIV: one row of plot.sh's input, each value / DIV.
plot_row() {
	printf '%s' "$1"
	for ((n = 1; n <= levels; n++)); do
		printf '\t%s' "$(awk -v v="$(val $n "$2" "$3")" -v d="$4" \
			'BEGIN { if (v == "-") print "-"; else printf "%.4g", v / d }')"
	done
	printf '\n'
}
{
	for ((n = 1; n <= levels; n++)); do printf '\tL%d' "$n"; done
	printf '\n'
	plot_row "exit to KVM" mmio-kernel med_ns 1000
	plot_row "exit to turtle" mmio-user med_ns 1000
	[ "$direct" = 0 ] || plot_row "direct exit to KVM" direct-mmio-kernel med_ns 1000
	plot_row "stat, cold" stat-cold med_us 1
	plot_row "open+read 4K" open-read-4k med_us 1
	plot_row "create+4K+fsync" create-4k med_us 1
} | "$root/tests/bench/plot.sh" "An exit and a shared-directory request at each level (median)" us \
	>"$root/build/bench-chain.svg"
echo "(plot: build/bench-chain.svg)"
missing=0
for ((n = 1; n <= levels; n++)); do
	[ "$fs" = 0 ] || grep -q "\[L$n\] BENCH done" "$root/build/bench-chain-L$n.log" || { echo "bench: L$n: fsbench did not finish" >&2; missing=1; }
	grep -q "\[L$n\] EXIT done" "$root/build/bench-chain-L$n.log" || { echo "bench: L$n: exitbench did not finish" >&2; missing=1; }
	[ "$direct" = 0 ] || grep -q "\[L$n\] EXIT direct-done" "$root/build/bench-chain-L$n.log" || { echo "bench: L$n: exitbench --direct did not finish" >&2; missing=1; }
	[ "$direct" = 0 ] || [ "$fs" = 0 ] || grep -q "\[L$n\] BENCH direct-done" "$root/build/bench-chain-L$n.log" || { echo "bench: L$n: fsbench over the direct window did not finish" >&2; missing=1; }
done
[ $rc = 0 ] && [ $missing = 0 ]
