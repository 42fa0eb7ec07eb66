# Paths shared by the system test scripts (sourced, not run).
TURTLE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TURTLE_CACHE=${TURTLE_CACHE:-/var/cache/turtle}
IMAGES=$TURTLE_ROOT/build/images
# Debian's arm64 cloud kernel, fetched by scripts/deps.sh: the emulated
# host's kernel, and by default the guests' kernel too.
KERNEL_DIR=$(echo "$TURTLE_CACHE"/kernel/current/root/usr/lib/modules/*)
HOST_KERNEL=${HOST_KERNEL:-$KERNEL_DIR/vmlinuz}
GUEST_KERNEL=${GUEST_KERNEL:-$HOST_KERNEL}
