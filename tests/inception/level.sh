#!/bin/sh
# One level of the inception chain, run at every level (level 0 is the
# host: the emulated one, or this arm64 machine; tests/system/host.sh):
#
#   level.sh THIS LAST
#
# Below LAST it starts turtle for level THIS+1 with the same or a
# per-level kernel, and this script again; at LAST it runs the payload.
# Everything lives in /chain: at L0 it is part of the host's initramfs,
# and every level shares its /chain with the next (turtle --share, FUSE
# over vsock), whose init (chain-level.sh) mounts it at /chain before it
# runs this script from there. So each level takes the kernel, the small
# initramfs (/chain/initrd.cpio), turtle and this script from the share,
# and what the deepest level writes to /chain/out reaches L0.
# With /chain/via-initrd the chain travels the old way instead: each level
# boots with retain_initrd and hands its own initramfs
# (/sys/firmware/initrd, the whole chain) down.
#
# Markers for tests/inception/run.sh:
#   INCEPTION-START Ln       turtle for level n is starting
#   INCEPTION-END Ln status=S    and has exited with status S
#   CHAIN-OUT <line>         L0 read back what the deepest level wrote
# Files in /chain: Image (the kernel), Image-Ln (a per-level kernel),
# cmdline-Ln (extra kernel arguments for level n), turtle-args-Ln (extra
# turtle options for level n), cache (the shares' cache mode), cmd (the
# user's test),
# cmd-at (all: run cmd at every level; default: only the deepest), mem-Ln,
# quiet (no -v --stats for the turtles), nohz (the quiet CPU, below).
# The test command runs with $LEVEL set to the level's number and /chain/bin
# (turtle, and what CHAIN_BIN added) first on $PATH.
this=$1
last=$2
next=$((this + 1))

facts() {
	el=$(dmesg | grep -o 'started at EL[0-9]' | head -n1 | grep -o 'EL[0-9]')
	mode=$(dmesg | grep -o 'VHE+NV2 mode\|nVHE mode\|VHE mode\|Hyp mode' | head -n1)
	kvm=no
	[ -c /dev/kvm ] && kvm=yes
	echo "L$this facts: kernel $(uname -r), CPUs started at ${el:-unknown}, KVM: ${mode:-none}, /dev/kvm: $kvm"
}

# Three seconds of this level's KVM tracepoints, summarised: the most
# frequent events with their arguments (needs a kernel with tracing, such
# as Debian's; the lean kernel has none).
kvm_trace() {
	t=/sys/kernel/tracing
	[ -d $t/events ] || mount -t tracefs nodev $t 2>/dev/null
	if [ ! -d $t/events/kvm ]; then
		echo "L$this KVM trace: this kernel has no KVM tracepoints"
		return
	fi
	echo 0 >$t/tracing_on
	echo >$t/trace
	echo 1 >$t/events/kvm/enable
	echo 1 >$t/tracing_on
	sleep 3
	echo 0 >$t/tracing_on
	echo "L$this KVM trace, 3 s: $(grep -c ': kvm_' $t/trace) events. By event:"
	sed -n 's/^.*: \(kvm_[a-z0-9_]*\): .*$/\1/p' $t/trace | sort | uniq -c |
		sort -rn | head -n 20
	echo "L$this KVM trace: exits by class"
	grep -o 'kvm_exit: [A-Z]*: HSR_EC: 0x[0-9a-f]* ([A-Z0-9_]*)' $t/trace |
		sort | uniq -c | sort -rn | head -n 12
	echo "L$this KVM trace: nested events"
	grep -m 12 -o 'kvm_\(nested\|inject_nested\|forward\)[a-z_]*: .*' $t/trace
	# The shadow stage-2 tables this KVM keeps for its guests' guests
	# (debugfs, where the kernel has CONFIG_PTDUMP_STAGE2_DEBUGFS).
	d=/sys/kernel/debug
	[ -d $d/kvm ] || mount -t debugfs none $d 2>/dev/null
	for f in $d/kvm/*/nested/nested_mmu*; do
		[ -f "$f" ] || continue
		echo "L$this $f: $(grep -c . "$f") lines"
		grep . "$f" | head -n 6
	done
	echo "L$this KVM trace: the most frequent events with arguments"
	sed -n 's/^.*: \(kvm_[a-z0-9_]*: .*\)$/\1/p' $t/trace | sort | uniq -c |
		sort -rn | head -n 12
}

user_cmd() {
	[ -s /chain/cmd ] || return 0
	echo "L$this running the test command"
	PATH=/chain/bin:$PATH LEVEL=$this sh /chain/cmd
	echo "L$this test command status $?"
}

if [ "$this" -ge "$last" ]; then
	echo "Hello from L$this"
	facts
	if [ ! -f /chain/via-initrd ]; then
		mkdir -p /chain/out
		echo "Hello from L$this, written at L$this" >/chain/out/hello-L$this
	fi
	user_cmd
	exit 0
fi
if [ "$this" -gt 0 ]; then
	facts
	[ "$(cat /chain/cmd-at 2>/dev/null)" = all ] && user_cmd
fi

# /chain/nohz: a quiet CPU for the chain. Every level that runs a child
# has 2 CPUs; CPU 1 runs nothing but the child's last vCPU thread and
# takes no tick while it does (the lean kernel's NO_HZ_FULL, with
# nohz_full=1 rcu_nocbs=1 on the levels' command lines), and everything
# else (this script, turtle's main, device and FUSE threads, the child's
# vCPU 0) stays on CPU 0. So the CPU-1 threads of all the levels form one
# chain down to the deepest level's vCPU, which no level above it
# interrupts with its own tick. The deepest level keeps 1 vCPU.
pin=""
if [ -f /chain/nohz ] && [ "$(nproc)" -ge 2 ]; then
	taskset -p -c 0 $$ >/dev/null
	pin=1
fi
# /chain/thp: transparent huge pages for the child's RAM at this level too.
# Linux turns THP off on a machine with less than 512 MiB of RAM
# (mm/huge_memory.c, hugepage_init), which is every level from L2 down, so
# their KVMs map their child's RAM in 4 KiB pages, and so must every shadow
# stage 2 above them (a shadow entry is a block only where every level
# below maps one: arch/arm64/kvm/mmu.c): each 4 KiB page of a deep level
# faults separately into every level above. With THP (madvise: turtle
# asks for it on guest RAM) a 2 MiB block faults once. Without compaction
# or khugepaged, though: both move pages of the child's RAM, and any MMU
# notifier on it makes this level's KVM drop every shadow stage 2 it keeps
# (arch/arm64/kvm/mmu.c, kvm_unmap_gfn_range -> kvm_nested_s2_unmap).
thp=/sys/kernel/mm/transparent_hugepage
if [ -f /chain/thp ] && grep -q '\[never\]' $thp/enabled 2>/dev/null; then
	echo never >$thp/defrag
	echo 3600000 >$thp/khugepaged/scan_sleep_millisecs
	echo madvise >$thp/enabled && echo "L$this THP: turned on (madvise) for the child's RAM"
fi
# timer_irqs: this level's timer interrupts per CPU so far (arch_timer),
# and the memory events that make its KVM drop every shadow stage 2 of its
# guest's guests (an MMU notifier on any page of a guest's RAM calls
# kvm_nested_s2_unmap: THP collapses, compaction's migrations).
timer_irqs() {
	echo "L$this timer interrupts per CPU: $(grep -m1 arch_timer /proc/interrupts | tr -s ' ')"
	echo "L$this vmstat: $(grep -E '^(thp_fault_alloc|thp_fault_fallback|thp_collapse_alloc|compact_stall|pgmigrate_success|nr_anon_transparent_hugepages) ' /proc/vmstat | tr '\n' ' ')"
}

kernel=/chain/Image
[ -f /chain/Image-L$next ] && kernel=/chain/Image-L$next
extra=$(cat /chain/cmdline-L$next 2>/dev/null)
targs=$(cat /chain/turtle-args-L$next 2>/dev/null)
mem=$(cat /chain/mem-L$next 2>/dev/null)
if [ -z "$mem" ]; then
	# Each level must fit inside the one above it (turtle refuses more
	# RAM than its host has), so the sizes shrink with depth.
	case $next in
	1) mem=1024 ;;
	2) mem=512 ;;
	3) mem=384 ;;
	4) mem=256 ;;
	*) mem=192 ;;
	esac
fi

if [ -f /chain/via-initrd ]; then
	# The next level's initramfs is this one, less the per-level kernels
	# of this level and the next (no level below needs them), so that a
	# large kernel for L1 (Debian's, say) is not copied into every level.
	initrd=/sys/firmware/initrd
	: >/tmp/prune
	k=1
	while [ $k -le $next ]; do
		[ -f /chain/Image-L$k ] && echo ./chain/Image-L$k >>/tmp/prune
		k=$((k + 1))
	done
	if [ -s /tmp/prune ]; then
		(cd / && find . -xdev ! -path './tmp/*' | grep -vxF -f /tmp/prune |
			cpio -o -H newc 2>/dev/null) >/tmp/next.cpio && initrd=/tmp/next.cpio
	fi
	share=""
	init="retain_initrd -- /chain/level.sh $next $last"
else
	initrd=/chain/initrd.cpio
	# cache=always: nothing changes /chain under a level's feet (only the
	# deepest level writes, to /chain/out, which L0 reads from its own
	# directory), so each level's kernel may keep names, attributes and
	# data for good, and asks the level above, where every request costs
	# a round trip through all the levels above it, only once.
	# (/chain/cache, from CHAIN_CACHE, says otherwise: the benchmark.)
	cache=$(cat /chain/cache 2>/dev/null)
	share="--share /chain,tag=chain,cache=${cache:-always}"
	init="-- /bin/chain-level $next $last"
	# /chain/direct-share: the deepest level mounts it through the direct
	# window, from L0's turtle (every turtle gets --direct-window).
	if [ -f /chain/direct-share ]; then
		share="$share --direct-window"
		[ "$next" = "$last" ] && init="$init direct"
	fi
fi

echo "INCEPTION-START L$next"
# The deepest level may run at EL1 (/chain/el1-last): it hosts nothing,
# and the level above it then needs only plain VHE KVM, not nested mode.
nested="--nested"
kvmmode="kvm-arm.mode=nested"
if [ -f /chain/el1-last ]; then
	if [ "$next" = "$last" ]; then
		nested=""
		kvmmode=""
	elif [ "$next" = $((last - 1)) ]; then
		kvmmode=""
	fi
fi
# Each turtle reports its setup steps and, at the end, its counters,
# unless /chain/quiet says not to (make run).
verbose="--stats -v"
[ -f /chain/quiet ] && verbose=
# Shadow stage-2 slots. This level's KVM runs each level below the next
# one (L$next's guests, their guests, ...) on a shadow of their stage 2,
# one per distinct VTTBR_EL2 that L$next programs, and keeps 2 of them per
# vCPU of L$next (arch/arm64/kvm/nested.c, S2_MMU_PER_VCPU). With fewer
# slots than levels below L$next, every switch between them recycles a
# slot, unmaps all of it, and faults every page in again: the L4 livelock
# (docs/inception.md). So L$next gets (last - next + 1) / 2 vCPUs: 2 for
# L1 of an L4 or L5 chain, 1 down to L3.
cpus=""
need=$(((last - next + 1) / 2))
[ "$need" -gt 1 ] && cpus="--cpus $need"
if [ -f /chain/nohz ] && [ "$next" -lt "$last" ]; then
	[ "$need" -gt 2 ] || cpus="--cpus 2"
	extra="nohz_full=1 rcu_nocbs=1 irqaffinity=0 $extra"
fi
/chain/bin/turtle run --kernel "$kernel" --initrd $initrd --mem "$mem" \
	$nested $share --console-prefix "[L$next] " $verbose $cpus $targs \
	--cmdline "console=ttyAMA0 quiet panic=-1 $kvmmode $extra $init" &
pid=$!
if [ -n "$pin" ]; then
	# Pin the child's last vCPU thread on CPU 1 once turtle has made it
	# (after it has read the child's kernel, which takes minutes deep down).
	vcpu=vcpu0
	[ -n "$cpus" ] && vcpu=vcpu1
	(
		while kill -0 $pid 2>/dev/null; do
			for t in /proc/$pid/task/*; do
				[ "$(cat $t/comm 2>/dev/null)" = $vcpu ] || continue
				taskset -p -c 1 "${t##*/}" >/dev/null &&
					echo "L$this pinned the $vcpu thread of L$next on CPU 1"
				timer_irqs
				exit 0
			done
			sleep 1
		done
	) &
fi
# Every few minutes, have turtle say where the next level's vCPU is, so a
# level that seems stuck shows whether it moves (SIGUSR1), and with
# /chain/trace, what this level's KVM is doing.
every=$(cat /chain/report-every 2>/dev/null)
(
	while sleep "${every:-120}"; do
		kill -USR1 $pid 2>/dev/null || exit 0
		timer_irqs
		[ -f /chain/trace ] && kvm_trace
	done
) &
watch=$!
wait $pid
rc=$?
kill $watch 2>/dev/null
echo "INCEPTION-END L$next status=$rc"
if [ "$this" = 0 ] && [ -f /chain/out/hello-L$last ]; then
	echo "CHAIN-OUT $(cat /chain/out/hello-L$last)"
fi
[ $rc = 0 ]
