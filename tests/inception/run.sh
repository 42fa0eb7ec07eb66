#!/bin/bash
# The inception chain: the NV2 host (L0: the emulated one, or this arm64
# machine; tests/system/host.sh) runs turtle, which boots
# L1 at EL2, whose turtle boots L2 at EL2, ... down to L<LEVELS>, which
# prints "Hello from L<LEVELS>" and its facts. Every level's console lines
# carry its tag ("[L1] [L2] ..."). At the end, one line per level: EL2,
# seconds from its turtle's start to its init and to its poweroff.
#
#   tests/inception/run.sh [LEVELS]        (default 3; or LEVELS=N)
#
# Environment:
#   KERNEL=Image          the kernel for every level; default: Debian's
#                         for up to 2 levels, turtle's lean kernel
#                         (kernel/build-lean.sh, built once and cached,
#                         about 7 minutes) from 3 levels; KERNEL=debian
#                         forces Debian's
#   KERNEL_L2=Image       a kernel for one level (any n; KERNEL_L0 is the
#                         emulated host's, by default Debian's)
#   CMDLINE_L2="..."      extra kernel arguments for one level
#   MEM_L2=MiB            RAM for one level (defaults 1024, 512, 384, 256,
#                         then 192)
#   TURTLE_ARGS_L2="..."  extra turtle options for the turtle that starts
#                         one level (e.g. "--ipa-bits 40 --no-hugepages")
#   CMD="..."             a test command (run with sh) at the deepest level,
#   CMD_AT=all            ... or at every level; the command sees its
#                         level's number in $LEVEL
#   CHAIN_BIN="FILE..."   more programs for the command, in /chain/bin
#                         (on its $PATH) at every level
#   TIMEOUT=seconds       for the whole run (default 600 per level)
#   CHAIN_CACHE=MODE      the chain's shares' cache mode (turtle --share
#                         ...,cache=; default always: nothing changes
#                         /chain during a run)
#   CHAIN_DIRECT_SHARE=1  every turtle gets --direct-window, and the deepest
#                         level mounts /chain through it, straight from L0's
#                         turtle (turtle-agent mount --direct; over vsock
#                         from the level above when it cannot, saying why)
#   VIA=initrd            hand the chain down in each level's initramfs
#                         (retain_initrd) instead of the shared directory
#   EL1_LAST=1            the deepest level at EL1 (it hosts nothing), and
#                         the level above it with plain VHE KVM; the
#                         default from 4 levels (EL1_LAST=0: at EL2)
#   NOHZ=1                a quiet CPU: every level that runs a child gets
#                         2 vCPUs and nohz_full=1, and runs its child's
#                         vCPU thread alone on CPU 1 (level.sh); the lean
#                         kernel is then built with kernel/lean-nohz.config
#                         (Debian's has NO_HZ_FULL too)
#   LEAN_HZ=12|100        the lean kernel's tick: 12 Hz (kernel/lean-hz12.config,
#                         a second cached build, about 7 minutes) is the
#                         default from 4 levels, where one timer interrupt
#                         of the deepest level, or of the level above it,
#                         is an exit that costs more than a 100 Hz tick's
#                         10 ms (docs/inception.md); 100 below that
#   THP=0                 leave transparent huge pages as each level's
#                         kernel has them: off below 512 MiB of RAM (L2
#                         down). By default level.sh turns them on, so each
#                         level maps its child's RAM in 2 MiB blocks (L3
#                         reaches its init in 2.9 s of instruction time
#                         instead of 8.9 to 9.1 s; docs/inception.md)
#   REPORT_EVERY=seconds  how often each turtle prints where its vCPU is
#                         (default 120)
#   TURTLE_HOST=...       native or emulated (docs/native.md)
#   QEMU_EXTRA="..."      QEMU options for the emulated host (default
#                         "-icount shift=0"; set it empty for real-time
#                         clocks, which livelock L3: see below)
#   VERBOSE=0             the turtles without -v --stats (make run)
#   TRACE=1               at each report, every level whose kernel has
#                         tracing (Debian's) also prints a 3-second summary
#                         of its KVM tracepoints
# Exit status: 0 if every level booted and powered off cleanly.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/system/env.sh"
. "$root/tests/progress.sh"

levels=${1:-${LEVELS:-3}}
case $levels in
'' | *[!0-9]* | 0) echo "inception: LEVELS must be a number from 1" >&2; exit 2 ;;
esac
# Debian's 41 MB generic kernel is fine for two levels, but at L3 it takes
# about half an hour just to read through three FUSE hops, and then boots
# many times slower than the lean one: from three levels the default is
# the lean kernel (docs/inception.md).
# NOHZ=1 needs full dynticks: the lean kernel with kernel/lean-nohz.config.
[ "${NOHZ:-0}" != 1 ] || export LEAN_EXTRA=${LEAN_EXTRA:-$root/kernel/lean-nohz.config}
# From 4 levels a 12 Hz tick (LEAN_HZ above).
hz=${LEAN_HZ:-$([ "$levels" -ge 4 ] && echo 12 || echo 100)}
case $hz in
12) export LEAN_EXTRA="${LEAN_EXTRA:-} $root/kernel/lean-hz12.config" ;;
100) ;;
*) echo "inception: LEAN_HZ must be 12 or 100, not '$hz'" >&2; exit 2 ;;
esac
kernel=${KERNEL:-}
if [ "$kernel" = debian ] || { [ -z "$kernel" ] && [ "$levels" -lt 3 ]; }; then
	kernel=$GUEST_KERNEL
elif [ -z "$kernel" ]; then
	echo "inception: $levels levels: the lean kernel (kernel/build-lean.sh; KERNEL=debian for Debian's)"
	kernel=$("$root/kernel/build-lean.sh") || { echo "inception: the lean kernel did not build" >&2; exit 1; }
fi
stage=$root/build/inception
rm -rf "$stage"
mkdir -p "$stage/chain"
[ -x "$root/build/turtle" ] || { echo "inception: build/turtle missing (run make)" >&2; exit 1; }
[ -f "$kernel" ] || { echo "inception: no kernel at $kernel" >&2; exit 1; }
if [ -n "${KERNEL_L0:-}" ]; then
	[ -f "$KERNEL_L0" ] || { echo "inception: KERNEL_L0: no file $KERNEL_L0" >&2; exit 1; }
	export HOST_KERNEL=$KERNEL_L0
fi

cp "$root/tests/inception/level.sh" "$stage/chain/level.sh"
files=("$kernel:chain/Image" "$root/build/turtle:chain/bin/turtle"
	"$stage/chain/level.sh:chain/level.sh")
# chain_file NAME VALUE: put VALUE in /chain/NAME of the chain image.
chain_file() {
	printf '%s' "$2" >"$stage/chain/$1"
	files+=("$stage/chain/$1:chain/$1")
}
for ((n = 1; n <= levels; n++)); do
	k=KERNEL_L$n c=CMDLINE_L$n m=MEM_L$n a=TURTLE_ARGS_L$n
	if [ -n "${!k:-}" ]; then
		[ -f "${!k}" ] || { echo "inception: $k: no file ${!k}" >&2; exit 1; }
		files+=("${!k}:chain/Image-L$n")
	fi
	[ -z "${!c:-}" ] || chain_file cmdline-L$n "${!c}"
	[ -z "${!a:-}" ] || chain_file turtle-args-L$n "${!a}"
	[ -z "${!m:-}" ] || chain_file mem-L$n "${!m}"
done
el1_last=${EL1_LAST:-$([ "$levels" -ge 4 ] && echo 1 || echo 0)}
[ "$el1_last" != 1 ] || chain_file el1-last ""
[ -z "${REPORT_EVERY:-}" ] || chain_file report-every "$REPORT_EVERY"
[ -z "${CHAIN_CACHE:-}" ] || chain_file cache "$CHAIN_CACHE"
[ "${CHAIN_DIRECT_SHARE:-0}" != 1 ] || chain_file direct-share ""
[ "${TRACE:-0}" != 1 ] || chain_file trace ""
[ "${NOHZ:-0}" != 1 ] || chain_file nohz ""
[ "${THP:-1}" != 1 ] || chain_file thp ""
[ "${VERBOSE:-1}" != 0 ] || chain_file quiet ""
for f in ${CHAIN_BIN:-}; do
	[ -f "$f" ] || { echo "inception: CHAIN_BIN: no file $f" >&2; exit 1; }
	files+=("$f:chain/bin/$(basename "$f")")
done
if [ -n "${CMD:-}" ]; then
	chain_file cmd "$CMD
"
	chain_file cmd-at "${CMD_AT:-last}"
fi
if [ "${VIA:-share}" = initrd ]; then
	chain_file via-initrd ""
else
	# Every level below L0 boots this small initramfs from the share: it
	# only mounts the share and runs level.sh from there.
	[ -x "$root/build/turtle-agent" ] || { echo "inception: build/turtle-agent missing (run make)" >&2; exit 1; }
	"$root/boot/init/mkinitramfs.sh" "$stage/chain/initrd.cpio" \
		"$root/build/turtle-agent:bin/turtle-agent" \
		"$root/tests/inception/chain-level.sh:bin/chain-level"
	files+=("$stage/chain/initrd.cpio:chain/initrd.cpio")
fi
"$root/boot/init/mkinitramfs.sh" "$stage/chain.cpio" "${files[@]}"

# The emulated host's clock advances with the instructions it executes
# (-icount), not with wall time. Under TCG a nested guest's exit costs
# thousands of emulated traps, so with real-time clocks an L3 entry takes
# longer than the timer tick of the levels above it: each entry finds a
# tick pending, exits before L3's first instruction, and L3 never starts.
# Counting time in instructions gives every level the same work per tick
# that real hardware would, and the chain runs (docs/inception.md).
export QEMU_EXTRA=${QEMU_EXTRA--icount shift=0}

log=$root/build/inception-L$levels.log
limit=${TIMEOUT:-$((600 * levels))}
progress_begin "inception L0->L$levels"
progress "L0: starting the host"
echo "inception: $levels level(s), chain image $(du -h "$stage/chain.cpio" | cut -f1), log $log"
t0=$(date +%s.%N)
HOST_INITRD=$stage/chain.cpio HOST_CMDLINE_EXTRA=retain_initrd \
	"$root/tests/system/host.sh" --nested "$limit" /chain/level.sh 0 "$levels" </dev/null 2>&1 |
	while IFS= read -r line; do
		line=${line//$'\r'/}
		now=$(date +%s.%N)
		# The status line at a terminal (tests/progress.sh): which level
		# is doing what.
		if [[ $line =~ INCEPTION-START\ L([0-9]+) ]]; then
			progress "L${BASH_REMATCH[1]}: booting"
		elif [[ $line =~ \[L([0-9]+)\]\ TURTLE-INIT ]]; then
			progress "L${BASH_REMATCH[1]}: init, mounting the share"
		elif [[ $line =~ SHARE-MOUNTED\ L([0-9]+) ]]; then
			progress "L${BASH_REMATCH[1]}: share mounted, running"
		elif [[ $line =~ Hello\ from\ L([0-9]+) ]]; then
			progress "L${BASH_REMATCH[1]}: hello, powering off"
		elif [[ $line =~ INCEPTION-END\ L([0-9]+) ]]; then
			progress "L${BASH_REMATCH[1]}: powered off, L$((BASH_REMATCH[1] - 1)) powering off"
		fi
		printf '%8.2f %s\n' "$(awk -v a="$now" -v b="$t0" 'BEGIN { print a - b }')" "$line"
	done | tee "$log"

if grep -q ' TURTLE-SKIP ' "$log"; then
	echo "inception: skipped: this host runs no guests at EL2" >&2
	exit 77
fi

# The summary, from the stamped log.
stamp() { grep -m1 -- "$1" "$log" | awk '{ print $1 }'; }
echo
printf '%-6s %-4s %10s %10s %14s %6s  %s\n' level EL2 "init (s)" "share (s)" "poweroff (s)" status result
failed=0
for ((n = 1; n <= levels; n++)); do
	start=$(stamp "INCEPTION-START L$n\$")
	# This level's own lines: its tag is the last one.
	init=$(grep -m1 -E "\[L$n\] (TURTLE-INIT|L$n facts|Hello from L$n)" "$log" | awk '{ print $1 }')
	end_line=$(grep -m1 "INCEPTION-END L$n status=" "$log")
	end=$(echo "$end_line" | awk '{ print $1 }')
	status=$(echo "$end_line" | sed -n 's/.*status=\([0-9]*\).*/\1/p')
	el2=$(grep -m1 "L$n facts:" "$log" | grep -q "started at EL2" && echo yes || echo no)
	# Mounting the share took from this level's init to its marker.
	mounted=$(stamp "SHARE-MOUNTED L$n ")
	share=-
	if [ -n "$mounted" ] && [ -n "$init" ]; then
		share=$(awk -v a="$mounted" -v b="$(stamp "\[L$n\] TURTLE-INIT")" 'BEGIN { printf "%.1f", a - b }')
	fi
	rel() {
		if [ -n "$1" ] && [ -n "$start" ]; then
			awk -v a="$1" -v b="$start" 'BEGIN { printf "%.1f", a - b }'
		else
			echo -
		fi
	}
	if [ -z "$start" ]; then
		result="FAIL: turtle for L$n never started"
	elif [ -z "$init" ]; then
		result="FAIL: L$n never reached its init"
	elif [ -z "$end" ]; then
		result="FAIL: L$n did not finish (timeout after ${limit}s?)"
	elif [ "$status" != 0 ]; then
		result="FAIL: turtle for L$n exited with status $status"
	else
		result=ok
	fi
	[ "$result" = ok ] || failed=1
	printf '%-6s %-4s %10s %10s %14s %6s  %s\n' "L$n" "$el2" "$(rel "$init")" "$share" "$(rel "$end")" "${status:--}" "$result"
done
if ! grep -q "\] Hello from L$levels\$" "$log"; then
	failed=1
elif [ "${VIA:-share}" != initrd ]; then
	# What L<levels> wrote to the share crossed every level back to L0.
	if grep -q "^ *[0-9.]* CHAIN-OUT Hello from L$levels, written at L$levels" "$log"; then
		echo "inception: L0 read back the file L$levels wrote to the share: \"$(sed -n 's/^ *[0-9.]* CHAIN-OUT //p' "$log" | head -n1)\""
	else
		echo "inception: L0 did not find the file L$levels wrote to the share"
		failed=1
	fi
fi
if [ $failed = 0 ]; then
	echo "inception: Hello from L$levels"
	exit 0
fi
exit 1
