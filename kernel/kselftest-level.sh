#!/bin/sh
# kselftest-level.sh LEVEL LEVELS: runs in the emulated host (LEVEL 0) and
# in every guest level below it (kernel/kselftest.sh). Runs each KVM
# selftest in /kst/tests.list (or those in $KST_TESTS) with a time limit
# scaled for the level, printing one line each:
#   KST L<LEVEL> <test> pass|skip|fail|timeout <seconds> [TAP:ok/skip/fail]
# (get-reg-list: skipped-configs:N instead)
# then, above the last level, starts the next one at EL2 with turtle,
# sharing /kst (the tests) and /guest (the kernels and initramfs) down.
# With KST_FROM=F a level above F runs no test: it only starts the next.
# The next level boots /guest/Image-L<n> if there is one (KERNEL_Ln),
# else /guest/Image.
level=$1
levels=$2
base=${KST_TIMEOUT:-180}
from=${KST_FROM:-0}
# An exit at L1 costs some 20 times one at L0, at L2 another 20 times
# (docs/benchmarks.md); the tests took 5 to 15 times longer at L1.
case $level in
0) scale=1 ;;
1) scale=10 ;;
*) scale=80 ;;
esac
limit=$((base * scale))
# The lists come on the kernel command line, where Linux hands init at most
# 32 words (more panics it before its console is up): one word each, the
# names joined with commas.
tests=$(echo "${KST_TESTS:-$(cat /kst/tests.list)}" | tr ',' ' ')
[ "$level" -ge "$from" ] || tests=""
# What a distribution's init would have mounted: access_tracking_perf_test
# wants /sys/kernel/debug/lru_gen and the memory cgroup controller.
grep -q ' /sys/kernel/debug ' /proc/mounts || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
grep -q ' cgroup2 ' /proc/mounts || mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
# stage2_block_transitions wants 32 MiB of reserved 2 MiB huge pages.
# (sea_to_user wants a 1 GiB one: not reserved, the levels are too small.)
echo 16 >/proc/sys/vm/nr_hugepages 2>/dev/null
echo "KST-LEVEL L$level start $(date +%s) limit ${limit}s kernel $(uname -r)"
# A test that ran out of time at a level above (on an emulator: too slow
# to finish) is not run again below, where it would only take its ten
# times longer limit to time out again: n/a. KST_GONE lists them.
gone=$(echo "${KST_GONE:-}" | tr ',' ' ')
for t in $tests; do
	[ -x "/kst/$t" ] || { echo "KST L$level $t fail 0 (no such test)"; continue; }
	case " $gone " in
	*" $t "*)
		echo "KST L$level $t n/a 0 (timed out above)"
		continue
		;;
	esac
	t0=$(cut -d' ' -f1 /proc/uptime)
	(cd "/kst/$(dirname "$t")" && timeout "$limit" "./$(basename "$t")") >/tmp/kst.log 2>&1 </dev/null
	rc=$?
	secs=$(awk -v a="$(cut -d' ' -f1 /proc/uptime)" -v b="$t0" 'BEGIN { printf "%.0f", a - b }')
	case $rc in
	0) res=pass ;;
	4) res=skip ;;
	124 | 143) res=timeout ;;
	*) res=fail ;;
	esac
	# Tests that report in TAP: how many cases passed, skipped, failed.
	ok=$(grep -c '^ok ' /tmp/kst.log)
	skip=$(grep -c '^ok .*# *SKIP' /tmp/kst.log)
	nok=$(grep -c '^not ok ' /tmp/kst.log)
	tap=""
	[ $((ok + nok)) -gt 0 ] && tap=" TAP:$((ok - skip))/$skip/$nok"
	# get-reg-list says nothing of the configurations that pass, only of
	# those it skips (no SVE, PMU, E2H0, ...): count those.
	nope=$(grep -c 'not available, skipping' /tmp/kst.log)
	[ "$nope" -gt 0 ] && tap=" skipped-configs:$nope"
	[ "$nope" -gt 0 ] && grep -a 'not available, skipping' /tmp/kst.log |
		sed "s|^|KST-WHY L$level $t: |" | cut -c1-200
	echo "KST L$level $t $res $secs$tap"
	[ $res != timeout ] || gone="$gone $t"
	if [ $res != pass ]; then
		# The reason, in a few lines: an assertion's place and message,
		# the failed or skipped TAP cases, else the last lines.
		{ if grep -aq 'Test Assertion Failure' /tmp/kst.log; then
			grep -a -v addr2line /tmp/kst.log |
				grep -a -m 1 -A 3 'Test Assertion Failure' | tail -n 3
		elif grep -aq '^not ok \|SKIP' /tmp/kst.log; then
			grep -a -m 4 '^not ok \|SKIP' /tmp/kst.log
		else
			tail -n 3 /tmp/kst.log
		fi; } | sed "s|^|KST-WHY L$level $t: |" | cut -c1-200
	fi
done
echo "KST-LEVEL L$level end $(date +%s)"

[ "$level" -lt "$levels" ] || exit 0
next=$((level + 1))
# The next level: 2 vCPUs, 2 GiB at L1 (as the tests were run before),
# less below, at EL2 so that it runs KVM.
mem=2048
[ $next -gt 1 ] && mem=1024
[ $next -lt "$levels" ] && mem=$((mem + 512))
commas() { printf '%s' "$1" | tr -s ' \t\n' ',,,' | sed 's/^,//; s/,$//'; }
kernel=/guest/Image-L$next
[ -f $kernel ] || kernel=/guest/Image
echo "KST-LEVEL L$next boot $kernel"
turtle run --nested --cpus 2 --mem $mem \
	--kernel $kernel --initrd /guest/initrd.cpio \
	--share /kst,tag=kst,ro,cache=always --share /guest,tag=boot,ro,cache=always \
	--console-prefix "[L$next] " \
	--cmdline "console=ttyAMA0 quiet panic=-1 kvm-arm.mode=nested -- mkdir -p /kst /guest; turtle-agent mount --tag kst /kst; turtle-agent mount --tag boot /guest; KST_TIMEOUT=$base KST_FROM=$from KST_TESTS=$(commas "${KST_TESTS:-}") KST_GONE=$(commas "$gone") /kst/kselftest-level.sh $next $levels" </dev/null
echo "KST-LEVEL L$next turtle rc=$?"
