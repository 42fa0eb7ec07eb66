#!/bin/bash
# Build turtle's lean arm64 guest kernel from Debian's linux-source package
# (the same version as the cached cloud kernel's series), cross-compiled,
# with allnoconfig plus kernel/lean.config. The Image is cached:
#
#   kernel/build-lean.sh            -> prints the Image's path
#   kernel/build-lean.sh --cached   -> the same if it is built, else
#                                      status 1 (builds nothing)
#
# Environment: TURTLE_CACHE (default /var/cache/turtle), JOBS (default nproc),
# LEAN_EXTRA (more config fragments merged after lean.config, in order,
# e.g. kernel/lean-nohz.config; the cached Image is keyed on all of them).
# Use it with: make inception KERNEL=$(kernel/build-lean.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${TURTLE_CACHE:-/var/cache/turtle}
jobs=${JOBS:-$(nproc)}
log() { echo "build-lean: $*" >&2; }

# The source series follows the cached kernel (e.g. 7.3 for 7.3.4+deb13).
kver=$(readlink "$cache/kernel/current" 2>/dev/null || true)
[ -n "$kver" ] || { log "no cached kernel: run make deps first"; exit 1; }
series=$(echo "$kver" | cut -d. -f1,2)

frags=("$here/lean.config")
for f in ${LEAN_EXTRA:-}; do
	[ -f "$f" ] || { log "LEAN_EXTRA: no file $f"; exit 1; }
	frags+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")")
done
# kernel/patches/*.patch: small additions to Debian's source, each a
# choice that only a fragment takes (hz-12.patch: CONFIG_HZ_12, for
# lean-hz12.config), so lean.config's own build is the same with or
# without them. lean.config alone keeps its old key, so existing caches
# stay valid; with more fragments the key covers the patches too.
patches=("$here"/patches/*.patch)
if [ ${#frags[@]} = 1 ]; then
	cfg_sum=$(sha256sum "$here/lean.config" | cut -c1-12)
else
	cfg_sum=$(cat "${frags[@]}" "${patches[@]}" | sha256sum | cut -c1-12)
fi
out=$cache/lean/$series-$cfg_sum
if [ -f "$out/Image" ]; then
	echo "$out/Image"
	exit 0
fi
[ "${1:-}" != --cached ] || exit 1

# One build at a time (make test and make inception may both ask): the
# second waits for the first, then finds its Image.
mkdir -p "$cache/lean"
exec 9>"$cache/lean/.lock"
if ! flock -n 9; then
	log "another build of the lean kernel is running: waiting for it"
	flock 9
fi
if [ -f "$out/Image" ]; then
	echo "$out/Image"
	exit 0
fi

. "$here/linux-source.sh"
need_tools bc bison flex libssl-dev libelf-dev patch
linux_source
for p in "${patches[@]}"; do
	# Applied once: a patch that reverses cleanly is in already.
	patch -d "$src" -p1 -R -s -f --dry-run <"$p" >/dev/null 2>&1 && continue
	patch -d "$src" -p1 -s -f <"$p" >/dev/null || { log "$p does not apply to $src"; exit 1; }
done

build=$cache/lean/build-$series-$cfg_sum
mkdir -p "$build"
# On arm64 the native compiler (docs/native.md).
cross=aarch64-linux-gnu-
[ "$(uname -m)" != aarch64 ] || cross=
mk() { make -C "$src" O="$build" ARCH=arm64 CROSS_COMPILE="$cross" "$@"; }
t0=$(date +%s)
log "configuring (allnoconfig + lean.config)"
mk -s allnoconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" "${frags[@]}" >/dev/null
mk -s olddefconfig >/dev/null
# Kconfig drops options whose dependencies are missing: check they stuck
# (each option as the last fragment that sets it says).
missing=$(cat "${frags[@]}" | grep -E '^CONFIG_[A-Z0-9_]+=' | tac | awk -F= '!seen[$1]++' |
	grep -E '=y$' | while read -r l; do
		grep -qx "$l" "$build/.config" || echo "${l%=y}"
	done)
if [ -n "$missing" ]; then
	log "these options did not survive olddefconfig:" $missing
	exit 1
fi
log "building Image with $jobs jobs (log: $build/build.log)"
if ! mk -j"$jobs" Image >"$build/build.log" 2>&1; then
	tail -n 30 "$build/build.log" >&2
	exit 1
fi
mkdir -p "$out"
cp "$build/arch/arm64/boot/Image" "$out/Image"
cp "$build/.config" "$out/config"
log "built $(du -h "$out/Image" | cut -f1) Image in $(( $(date +%s) - t0 ))s"
echo "$out/Image"
