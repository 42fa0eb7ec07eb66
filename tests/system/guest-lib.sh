# Helpers for the system test cases, which run on the NV2 host (busybox sh:
# the emulated host, or this arm64 machine in the same layout; see
# tests/system/host.sh). Sourced as /tests/lib.sh.
#
# A case reports each check on one line, which tests/system/run.sh counts:
#   TEST-RESULT <name> PASS [detail]
#   TEST-RESULT <name> FAIL <reason>

# SCALE: how much longer than on an idle machine things may take here
# (tests/system/qemu-host.sh passes it as turtle.scale=N, native-host.sh as
# TURTLE_TIME_SCALE); scaled SECONDS is a time limit scaled by it. Guests
# get it on their command line too.
SCALE=${TURTLE_TIME_SCALE:-$(sed -n 's/.*turtle\.scale=\([0-9]*\).*/\1/p' /proc/cmdline)}
SCALE=${SCALE:-1}
scaled() { echo $(($1 * SCALE)); }

GUEST_KERNEL=/guest/Image
GUEST_INITRD=/guest/initrd.cpio
GUEST_CMDLINE="console=ttyAMA0 quiet panic=-1 turtle.scale=$SCALE"

# A guest command that writes a minimal valid arm64 Image header (magic
# "ARMd" at offset 56, image_size 0) to /tmp/k: enough for turtle to get
# past its input checks without carrying a real kernel into the guest.
FAKE_IMAGE_CMD="head -c 56 /dev/zero >/tmp/k; printf ARMd >>/tmp/k; head -c 4 /dev/zero >>/tmp/k"

pass() { echo "TEST-RESULT $1 PASS${2:+ $2}"; }
fail() { echo "TEST-RESULT $1 FAIL $2"; }

now() { cut -d' ' -f1 /proc/uptime; }

# run_turtle OUT TIMEOUT ARGS...: run turtle, each output line stamped with
# seconds since turtle started, into OUT (and echoed indented). Sets RC.
# TIMEOUT is for an idle machine: it is scaled.
run_turtle() {
	out=$1
	limit=$(scaled $2)
	shift 2
	t0=$(now)
	{ timeout "$limit" turtle "$@" 2>&1; echo $? >/tmp/rc; } |
		while IFS= read -r line; do
			echo "$(awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%.2f", a - b }') $line"
		done >"$out"
	RC=$(cat /tmp/rc)
	sed 's/^/    | /' "$out"
}

# wait_for PATTERN FILE [PID]: until FILE has PATTERN; 1 if PID (when
# given) ended first. No time limit: the emulated host's own is the guard.
wait_for() {
	while ! grep -q -- "$1" "$2" 2>/dev/null; do
		[ -z "${3:-}" ] || kill -0 "$3" 2>/dev/null || return 1
		sleep 0.2
	done
}

# seconds_to MARKER OUT: the stamp of the first line containing MARKER.
seconds_to() {
	grep -m1 -- "$1" "$2" | cut -d' ' -f1
}

# clock_skew MARKER OUT: the guest's wall clock minus the host's, from the
# clockoff the guest printed after MARKER and the host's own: every level
# reads the same counter (turtle's counter offset 0), so the difference is
# exact however late the console line arrives.
clock_skew() {
	grep -m1 -- "$1" "$2" | tr -d '\r' |
		awk -v h="$(clockoff)" -v m="$1" '{
			for (i = 2; i < NF; i++)
				if ($i == m) { printf "%.3f", $(i + 1) - h; exit }
		}'
}

# within SKEW LIMIT: |SKEW| <= LIMIT (both in seconds).
within() {
	awk -v s="$1" -v l="$2" 'BEGIN { exit !(s != "" && s <= l && -s <= l) }'
}

# expect NAME COND_DESC: PASS if the previous command succeeded.
has() { grep -q -- "$1" "$2"; }

# turtle_run_pid: the process id of the "turtle run" here (its main
# process), or nothing.
turtle_run_pid() {
	for p in $(pidof turtle); do
		tr '\0' ' ' <"/proc/$p/cmdline" | grep -q '^turtle run ' && echo "$p" && return
	done
}

# rss_kib PID [FIELD]: PID's resident KiB outside the guest's RAM: the
# sum of FIELD (default Rss; Anonymous: the part no file backs) over its
# mappings smaller than 256 MiB (the guest's RAM is one mapping of
# 256 MiB, or a little more with QEMU's alignment and guard pages).
rss_kib() {
	[ -n "$1" ] && [ -r "/proc/$1/smaps" ] || { echo -; return; }
	awk -v f="${2:-Rss}:" '/^Size:/ { big = $2 >= 262144 } $1 == f { if (!big) s += $2 }
		END { print s + 0 }' "/proc/$1/smaps"
}
