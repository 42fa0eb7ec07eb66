# What the in-host parts of the levels and peers suites share (busybox sh,
# sourced as /tests/bench-lib.sh by tests/bench/levels-lib.sh and
# tests/bench/peers-lib.sh, after /tests/lib.sh).

# say TEXT: a progress line, stamped with this level's uptime.
say() { echo "== $(now) $*"; }

# bench_wait_line PATTERN FILE SECONDS: until FILE has PATTERN.
bench_wait_line() {
	i=0
	while ! grep -q -- "$1" "$2" 2>/dev/null; do
		[ $i -ge $(($3 * 5)) ] && return 1
		sleep 0.2
		i=$((i + 1))
	done
}

# bench_nested_l1 LIMIT CMD [TURTLE-RUN-ARGS...]: turtle runs an L1 at EL2
# (--nested, 1 GiB, 2 vCPUs) on this very image (/sys/firmware/initrd),
# with the arguments given and CMD as its init's command, for LIMIT
# seconds at most. Its console, each line tagged "[L1] ", goes to stdout
# and to /tmp/nest.out, which ends with "TURTLE-STATUS <status>".
bench_nested_l1() {
	n_limit=$1 n_cmd=$2
	shift 2
	rm -f /tmp/nest.out
	{
		timeout "$n_limit" turtle run --kernel $GUEST_KERNEL \
			--initrd /sys/firmware/initrd --mem 1024 --cpus 2 \
			--nested "$@" --console-prefix "[L1] " \
			--cmdline "$GUEST_CMDLINE kvm-arm.mode=nested -- $n_cmd" \
			</dev/null 2>&1
		echo "TURTLE-STATUS $?"
	} | tr -d '\r' | tee /tmp/nest.out
}
