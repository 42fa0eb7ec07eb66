#!/bin/bash
# Build a guest initramfs (an uncompressed newc cpio): busybox, turtle's
# init, the kernel modules in modules.list, and any extra files.
#
#   mkinitramfs.sh OUT.cpio [SRC:DST ...]
#
# Environment: TURTLE_CACHE (busybox and kernel, from scripts/deps.sh),
# KVER_DIR (a kernel's modules directory; default: the cached kernel's).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=$1
shift
cache=${TURTLE_CACHE:-/var/cache/turtle}
busybox=$cache/busybox/bin/busybox
moddir=${KVER_DIR:-$(echo "$cache"/kernel/current/root/usr/lib/modules/*)}

[ -x "$busybox" ] || { echo "mkinitramfs: no busybox in $cache (run make deps)" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,dev,proc,sys,tmp,run,etc,lib/modules,root}
cp "$busybox" "$stage/bin/busybox"
install -m 0755 "$here/init" "$stage/init"

: >"$stage/etc/modules"
grep -v '^#' "$here/modules.list" | while read -r m; do
	[ -n "$m" ] || continue
	name=$(basename "$m")
	if [ -f "$moddir/kernel/$m.ko.xz" ]; then
		xz -dc "$moddir/kernel/$m.ko.xz" >"$stage/lib/modules/$name.ko"
		echo "$name" >>"$stage/etc/modules"
	elif [ -f "$moddir/kernel/$m.ko" ]; then
		cp "$moddir/kernel/$m.ko" "$stage/lib/modules/$name.ko"
		echo "$name" >>"$stage/etc/modules"
	fi
done

for spec in "$@"; do
	src=${spec%%:*}
	dst=${spec#*:}
	mkdir -p "$stage/$(dirname "$dst")"
	cp -a "$src" "$stage/$dst"
done

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) >"$out.tmp"
mv "$out.tmp" "$out"
