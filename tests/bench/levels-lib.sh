# The vsock and shared-directory benchmarks' common part (busybox sh,
# sourced as /tests/bench-levels-lib.sh): start a child guest with a vsock
# device and a share, measure it from its parent, stop it. The same code
# measures L1 from the emulated host (tests/bench/levels-in-host.sh) and
# L2 from inside L1 (tests/bench/levels-in-l1.sh).
#
# Results go to stdout as lines the host's table reads:
#   BENCHRESULT <level> <what> <tool's result line>
# with <what> one of vsock-rtt-h2g, vsock-rtt-g2h (vsock-tool pingpong:
# the host or the guest starts the round trips), vsock-tput-h2g,
# vsock-tput-g2h (vsock-tool source, 64 KiB writes), fs-tmp, fs-share
# (fsbench on the child's tmpfs and on its share).
#
# Tuning, from the environment: BENCH_RTT (round trips, default 200),
# BENCH_BYTES (each way, default 8M), BENCH_FS_SECONDS (per fsbench
# measurement, default 0.5), BENCH_FS_MIB (sequential file, default 4).
# (Time is counted in instructions, so few samples give steady numbers.)

. /tests/bench-lib.sh

# The child guest's command: mount the share at /mnt, echo on vsock port
# 5000, run turtle exec's commands, until /tmp/stop appears. (Fewer than
# 32 words: the kernel's limit for init's arguments.)
CHILD_CMD='turtle-agent mount /mnt && echo BENCH-MOUNTED; vsock-tool echo-server listen-vsock:5000 & turtle-agent exec & while [ ! -f /tmp/stop ]; do sleep 0.2; done'

# child_start OUT LIMIT TURTLE-RUN-ARGS...: turtle run in the background,
# killed after LIMIT seconds; its output in OUT, its status in OUT.rc.
child_start() {
	c_out=$1
	c_limit=$2
	shift 2
	rm -f "$c_out" "$c_out.rc"
	(
		timeout "$c_limit" turtle run "$@" </dev/null >"$c_out" 2>&1
		echo $? >"$c_out.rc"
	) &
}

# child_wait SOCK OUT SECONDS: until the child's agent runs a command (0),
# or SECONDS pass or turtle ends (1).
child_wait() {
	w_end=$(($(cut -d. -f1 /proc/uptime) + $3))
	while [ "$(cut -d. -f1 /proc/uptime)" -lt $w_end ] && [ ! -f "$2.rc" ]; do
		timeout 30 turtle exec "$1" -- true </dev/null 2>/dev/null && return 0
		sleep 2
	done
	return 1
}

# child_stop SOCK OUT: ask the child to power off; wait for turtle (120 s).
child_stop() {
	timeout 60 turtle exec "$1" -- touch /tmp/stop </dev/null
	i=0
	while [ ! -f "$2.rc" ] && [ $i -lt 600 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	say "turtle status $(cat "$2.rc" 2>/dev/null || echo 'still running')"
}

# gx SOCK CMD...: run CMD in the child (600 s at most).
gx() {
	g_sock=$1
	shift
	timeout 600 turtle exec "$g_sock" -- "$@" </dev/null
}

# result LEVEL WHAT FILE PATTERN: FILE's lines matching PATTERN, tagged.
result() {
	tr -d '\r' <"$3" | grep -- "$4" | sed "s/^/BENCHRESULT $1 $2 /"
}

# measure LEVEL SOCK OUT: every measurement of the child behind SOCK (its
# agent already up, its turtle's output in OUT), from this side.
measure() {
	lv=$1
	sock=$2
	out=$3
	rm -f /tmp/exits
	rtt=${BENCH_RTT:-200}
	bytes=${BENCH_BYTES:-8M}
	fs_s=${BENCH_FS_SECONDS:-0.5}
	fs_mib=${BENCH_FS_MIB:-4}

	# A fresh guest's first touch of a page costs a stage-2 fault in
	# every level above it: write and delete 64 MiB twice, so that the
	# measurements reuse warm pages. The two times show what the first
	# touch costs.
	say "$lv: warming the guest's memory (64 MiB through its tmpfs, twice)"
	gx "$sock" sh -c 'for i in 1 2; do a=$(cut -d" " -f1 /proc/uptime); dd if=/dev/zero of=/tmp/warm bs=1M count=64 2>/dev/null; rm -f /tmp/warm; echo "warm-up pass $i: $(awk -v a=$a "{ print \$1 - a }" /proc/uptime) s"; done'

	say "$lv: vsock round trips, host starts ($rtt)"
	timeout 600 vsock-tool pingpong "unix:$sock:5000" --count "$rtt" \
		</dev/null >/tmp/m.out 2>&1
	cat /tmp/m.out
	result "$lv" vsock-rtt-h2g /tmp/m.out '^PINGPONG '

	say "$lv: vsock round trips, guest starts ($rtt)"
	rm -f /tmp/srv.out
	timeout 600 vsock-tool echo-server "listen-unix:${sock}_5003" --count 1 \
		</dev/null >/tmp/srv.out 2>&1 &
	srv=$!
	bench_wait_line LISTENING /tmp/srv.out 20
	gx "$sock" vsock-tool pingpong vsock:2:5003 --count "$rtt" >/tmp/m.out 2>&1 ||
		kill $srv 2>/dev/null
	cat /tmp/m.out
	result "$lv" vsock-rtt-g2h /tmp/m.out '^PINGPONG '
	wait $srv

	say "$lv: vsock guest -> host, $bytes in 64 KiB writes"
	rm -f /tmp/srv.out
	timeout 600 vsock-tool sink "listen-unix:${sock}_5001" \
		</dev/null >/tmp/srv.out 2>&1 &
	srv=$!
	bench_wait_line LISTENING /tmp/srv.out 20
	gx "$sock" vsock-tool source vsock:2:5001 --bytes "$bytes" >/tmp/m.out 2>&1 ||
		kill $srv 2>/dev/null
	wait $srv
	cat /tmp/m.out /tmp/srv.out
	if [ "$(grep '^SUM' /tmp/m.out)" = "$(grep '^SUM' /tmp/srv.out)" ]; then
		result "$lv" vsock-tput-g2h /tmp/m.out '^SOURCE '
	else
		say "$lv: guest -> host: the checksums differ"
	fi

	say "$lv: vsock host -> guest, $bytes in 64 KiB writes"
	rm -f /tmp/srv.out
	timeout 600 turtle exec "$sock" -- vsock-tool sink listen-vsock:5002 \
		</dev/null >/tmp/srv.out 2>&1 &
	srv=$!
	bench_wait_line LISTENING /tmp/srv.out 60
	timeout 600 vsock-tool source "unix:$sock:5002" --bytes "$bytes" \
		</dev/null >/tmp/m.out 2>&1 || kill $srv 2>/dev/null
	wait $srv
	cat /tmp/m.out /tmp/srv.out
	if [ "$(grep '^SUM' /tmp/m.out)" = "$(grep '^SUM' /tmp/srv.out | tr -d '\r')" ]; then
		result "$lv" vsock-tput-h2g /tmp/m.out '^SOURCE '
	else
		say "$lv: host -> guest: the checksums differ"
	fi

	say "$lv: fsbench on the guest's tmpfs"
	gx "$sock" fsbench --seconds "$fs_s" --size "$fs_mib" /tmp >/tmp/m.out 2>&1
	cat /tmp/m.out
	result "$lv" fs-tmp /tmp/m.out '^BENCH '

	# One measurement at a time, with the child's exit counters read
	# before and after each: what one operation costs the level above.
	say "$lv: fsbench on the guest's share"
	prev=""
	for op in stat open-read-4k create-4k stat-cold seqread; do
		a=$(counters "$out")
		gx "$sock" fsbench --seconds "$fs_s" --size "$fs_mib" --only $op /mnt >/tmp/m.out 2>&1
		b=$(counters "$out")
		cat /tmp/m.out
		result "$lv" fs-share /tmp/m.out '^BENCH '
		per_op "$lv" $op /tmp/m.out "$a" "$b" "$prev"
		prev=$(grep "^BENCHRESULT $lv exits-create-4k " /tmp/exits 2>/dev/null)
	done
	cat /tmp/exits 2>/dev/null
}

# counters OUT: the child turtle's counters, from a report it prints to
# OUT on SIGUSR1: "exits wfi mmio_kernel mmio_user interrupts", the first
# four KVM's own (summed over vCPUs), the last virtio-vsock's.
counters() {
	n=$(wc -l <"$1")
	# (busybox here has pidof but no pgrep)
	for pid in $(pidof turtle); do
		[ "$pid" -gt 0 ] && tr '\0' ' ' <"/proc/$pid/cmdline" |
			grep -q '^turtle run ' && kill -USR1 "$pid"
	done
	i=0
	until tail -n +$((n + 1)) "$1" | grep -q 'virtio-vsock@' || [ $i -ge 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	tail -n +$((n + 1)) "$1" | tr -d '\r' | awk '
		/in KVM:/ {
			sub(/.*in KVM: /, "")
			for (i = 1; i <= NF; i++) { split($i, kv, "="); s[kv[1]] += kv[2] }
		}
		/virtio-vsock@/ {
			for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "interrupts") irq = kv[2] }
		}
		END { printf "%d %d %d %d %d\n", s["exits"], s["wfi"], s["mmio_kernel"], s["mmio_user"], irq }'
}

# per_op LEVEL OP FSBENCH-OUT BEFORE AFTER [CREATE]: the counters' growth
# per operation, into /tmp/exits as
#   BENCHRESULT <level> exits-<op> exits=N wfi=N mmio_kernel=N mmio_user=N irqs=N
# stat-cold also ran create-4k (for its files): less CREATE's per-op
# counts. seqread's "operation" is a MiB, and includes seqwrite's work.
per_op() {
	ops=$(sed -n "s/^BENCH $2 .*ops=\([0-9]*\).*/\1/p" "$3")
	# seqread: per MiB read (a pass reads fs_mib MiB; seqwrite came first)
	[ "$2" = seqread ] &&
		ops=$(($(sed -n 's/^BENCH seqread .*passes=\([0-9]*\).*/\1/p' "$3") * fs_mib))
	cops=$(sed -n 's/^BENCH create-4k .*ops=\([0-9]*\).*/\1/p' "$3")
	[ -n "$ops" ] && [ "$ops" -gt 0 ] || return 0
	echo "$4 $5 $6" | awk -v lv="$1" -v op="$2" -v ops="$ops" -v cops="${cops:-0}" '{
		split("exits wfi mmio_kernel mmio_user irqs", k, " ")
		line = "BENCHRESULT " lv " exits-" op
		for (i = 1; i <= 5; i++) {
			d = $(i + 5) - $i
			if (op == "stat-cold" && NF >= 18) {
				split($(i + 13), c, "=")
				d -= c[2] * cops
			}
			line = line sprintf(" %s=%.1f", k[i], d / ops)
		}
		print line " ops=" ops
	}' >>/tmp/exits
}
