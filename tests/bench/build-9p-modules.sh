#!/bin/bash
# The 9p modules (9pnet, 9pnet_virtio, 9p) for Debian's cloud kernel, which
# is built without them (# CONFIG_NET_9P is not set): the peers suite's
# guests mount QEMU's virtio-9p share with them. Built out of tree from
# Debian's linux-source of the same version (kernel/linux-source.sh) with
# the cached kernel's own config plus NET_9P, NET_9P_VIRTIO and 9P_FS as
# modules, and its release string, so that the kernel loads them (it has
# no MODVERSIONS and does not force signatures). netfs.ko, which 9p
# needs, is the kernel's own.
#
#   tests/bench/build-9p-modules.sh   -> prints the directory of the .ko files
#
# Idempotent: cached in $TURTLE_CACHE/qemu-arm64/9p-<release>.
set -euo pipefail
here=$(cd "$(dirname "$0")/../../kernel" && pwd)
cache=${TURTLE_CACHE:-/var/cache/turtle}
log() { echo "build-9p-modules: $*" >&2; }
# On arm64 the native compiler (docs/native.md).
cross=aarch64-linux-gnu-
[ "$(uname -m)" != aarch64 ] || cross=

kver=$(readlink "$cache/kernel/current" 2>/dev/null || true)
[ -n "$kver" ] || { log "no cached kernel: run make deps first"; exit 1; }
out=$cache/qemu-arm64/9p-$kver
if [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi
# One build at a time: a second waits for the first, then finds its modules.
mkdir -p "$cache/qemu-arm64"
exec 9>"$cache/qemu-arm64/.9p-lock"
flock 9
if [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi
series=$(echo "$kver" | cut -d. -f1,2)
. "$here/linux-source.sh"
need_tools bc bison flex libssl-dev libelf-dev
linux_source

rm -rf "$out"
b=$out/build
mkdir -p "$b" "$out/ext"
cfg=$cache/kernel/current/root/usr/lib/modules/$kver/config
# Kconfig drops what this machine's tools cannot build; the kernel's
# struct module and task_struct must still come out as Debian built them.
# BTF (DEBUG_INFO_BTF_MODULES adds fields to struct module, and
# SCHED_CLASS_EXT, which needs BTF, to task_struct) depends on pahole's
# version: a stand-in pahole reports the one Debian's build had (nothing
# here runs it: BTF for external modules needs a vmlinux, not built here).
pv=$(sed -n 's/^CONFIG_PAHOLE_VERSION=//p' "$cfg")
mkdir -p "$out/bin"
printf '#!/bin/sh\n[ "$1" = --version ] && echo v%s.%s\nexit 0\n' "${pv%??}" "${pv#?}" >"$out/bin/pahole"
chmod +x "$out/bin/pahole"
mk() {
	make -C "$src" O="$b" ARCH=arm64 CROSS_COMPILE="$cross" \
		PAHOLE="$out/bin/pahole" LOCALVERSION="${kver#"${kver%%+*}"}" "$@"
}
cp "$cfg" "$b/.config"
"$src/scripts/config" --file "$b/.config" -m NET_9P -m NET_9P_VIRTIO -m 9P_FS \
	-d MODULE_SIG_ALL -d 9P_FS_POSIX_ACL -d 9P_FS_SECURITY -d NET_9P_DEBUG \
	--set-str SYSTEM_TRUSTED_KEYS "" --set-str MODULE_SIG_KEY ""
log "configuring (the kernel's config + 9p)"
mk -s olddefconfig >/dev/null
log "modules_prepare"
mk -s modules_prepare >"$out/build.log" 2>&1 || { tail -n 20 "$out/build.log" >&2; exit 1; }
# What is still missing should be the compiler's and the tools' own.
lost=$(grep -E '^CONFIG_[A-Z0-9_]+=[ym]$' "$cfg" | while read -r l; do
	grep -qx "$l" "$b/.config" || echo "${l%=*}"
done | grep -vE '^CONFIG_(CC_|AS_|LD_|GCC_|RUST|BINDGEN|PAHOLE|TOOLS_|OPENSSL_|RELR$|COMPAT_VDSO$|THUMB2_COMPAT_VDSO$)' || true)
[ -z "$lost" ] || log "options the kernel has and this build lost:" $lost
rel=$(cat "$b/include/config/kernel.release")
[ "$rel" = "$kver" ] || { log "release $rel, not $kver"; exit 1; }

# The two directories' sources as one external module tree.
cp -r "$src/net/9p" "$out/ext/net9p"
cp -r "$src/fs/9p" "$out/ext/fs9p"
printf 'obj-m += net9p/ fs9p/\n' >"$out/ext/Kbuild"
log "building 9pnet, 9pnet_virtio and 9p"
mk -s M="$out/ext" KBUILD_MODPOST_WARN=1 modules >>"$out/build.log" 2>&1 ||
	{ tail -n 20 "$out/build.log" >&2; exit 1; }
for m in net9p/9pnet net9p/9pnet_virtio fs9p/9p; do
	"${cross}strip" --strip-debug -o "$out/$(basename $m).ko" "$out/ext/$m.ko"
done
rm -rf "$b" "$out/ext"
touch "$out/.done"
log "done: $(cd "$out" && ls ./*.ko | tr '\n' ' ')"
echo "$out"
