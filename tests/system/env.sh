# Paths shared by the system test scripts (sourced, not run).
TURTLE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TURTLE_CACHE=${TURTLE_CACHE:-/var/cache/turtle}
IMAGES=$TURTLE_ROOT/build/images
# Debian's arm64 cloud kernel, fetched by scripts/deps.sh: the emulated
# host's kernel, and by default the guests' kernel too.
KERNEL_DIR=$(echo "$TURTLE_CACHE"/kernel/current/root/usr/lib/modules/*)
HOST_KERNEL=${HOST_KERNEL:-$KERNEL_DIR/vmlinuz}
GUEST_KERNEL=${GUEST_KERNEL:-$HOST_KERNEL}
# Binutils for arm64 files: the cross ones, or the native ones on arm64.
CROSS_PREFIX=aarch64-linux-gnu-
[ "$(uname -m)" != aarch64 ] || CROSS_PREFIX=

# Time limits in the tests are hang guards sized for an idle machine; on a
# busy one everything the emulator runs takes longer, so each limit is
# multiplied by TURTLE_TIME_SCALE: by default 1 + the load average per CPU
# (rounded up, at most 10), read when it is needed (each emulated host
# boot takes it afresh). Set it to fix the factor.
turtle_time_scale() {
	if [ -n "${TURTLE_TIME_SCALE:-}" ]; then
		echo "$TURTLE_TIME_SCALE"
		return
	fi
	awk -v n="$(nproc)" '{ s = 1 + int(($1 + n - 0.01) / n); print (s > 10 ? 10 : s) }' /proc/loadavg
}
