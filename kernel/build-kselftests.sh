#!/bin/bash
# Build the kernel's KVM selftests (tools/testing/selftests/kvm) for arm64,
# static, from the same Debian linux-source package the lean kernel uses
# (kernel/build-lean.sh fetches and caches it; so does this script). The
# binaries are cached:
#
#   kernel/build-kselftests.sh      -> prints the folder of the binaries
#
# The folder holds every arm64 test program (arm64/host_sve, get-reg-list,
# ...) and a list of them, tests.list, one relative path a line.
# Environment: TURTLE_CACHE (default /var/cache/turtle), JOBS (default nproc).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${TURTLE_CACHE:-/var/cache/turtle}
jobs=${JOBS:-$(nproc)}
log() { echo "build-kselftests: $*" >&2; }

kver=$(readlink "$cache/kernel/current" 2>/dev/null || true)
[ -n "$kver" ] || { log "no cached kernel: run make deps first"; exit 1; }
series=$(echo "$kver" | cut -d. -f1,2)
out=$cache/kselftest/$series
if [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi

# On arm64 the native compiler (docs/native.md).
cross=aarch64-linux-gnu-
[ "$(uname -m)" != aarch64 ] || cross=

# headers_install copies with rsync.
. "$here/linux-source.sh"
need_tools rsync bc bison flex
linux_source

t0=$(date +%s)
rm -rf "$out"
mkdir -p "$out/obj"
# The UAPI headers into a folder of our own: the source tree stays clean
# for build-lean.sh's out-of-tree builds.
log "installing the UAPI headers"
make -s -C "$src" O="$out/obj" ARCH=arm64 headers_install >"$out/build.log" 2>&1 || {
	tail -n 20 "$out/build.log" >&2
	exit 1
}
log "building the KVM selftests with $jobs jobs (log: $out/build.log)"
if ! make -C "$src/tools/testing/selftests/kvm" -j"$jobs" ARCH=arm64 \
	CROSS_COMPILE="$cross" LDFLAGS=-static OUTPUT="$out" \
	KHDR_INCLUDES="-isystem $out/obj/usr/include" >>"$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	exit 1
fi
rm -rf "$out/obj"
find "$out" \( -name '*.o' -o -name '*.d' -o -name '*.a' \) -delete
# Every executable the build made, the library's objects aside.
(cd "$out" && find . -type f -perm -u+x ! -name '*.o' ! -name '*.sh' |
	sed 's|^\./||' | sort >tests.list)
touch "$out/.done"
log "built $(wc -l <"$out/tests.list") tests in $(($(date +%s) - t0))s"
echo "$out"
