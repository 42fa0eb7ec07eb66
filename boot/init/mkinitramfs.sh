#!/bin/bash
# Build a guest initramfs (an uncompressed newc cpio): busybox, turtle's
# init, the kernel modules in modules.list, and any extra files.
#
#   mkinitramfs.sh OUT.cpio [SRC:DST ...]
#
# Environment: TURTLE_CACHE (busybox and kernel, from scripts/deps.sh),
# KVER_DIR (a kernel's modules directory; default: the cached kernel's),
# TOOLS=e2fsprogs (add mke2fs/mkfs.ext4 with the arm64 libraries it needs).
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
mkdir -p "$stage"/{bin,sbin,dev,proc,sys,tmp,run,etc,lib/modules,root,mnt}
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

if [ "${TOOLS:-}" = e2fsprogs ]; then
	e2=$cache/e2fsprogs/root
	[ -x "$e2/sbin/mke2fs" ] || { echo "mkinitramfs: no e2fsprogs in $cache (run make deps)" >&2; exit 1; }
	mkdir -p "$stage/lib/aarch64-linux-gnu"
	for l in ld-linux-aarch64.so.1 libc.so.6 libext2fs.so.2 libcom_err.so.2 \
		libblkid.so.1 libuuid.so.1 libe2p.so.2; do
		src=$e2/lib/aarch64-linux-gnu/$l
		[ -e "$src" ] || src=$e2/usr/lib/aarch64-linux-gnu/$l
		cp -L "$src" "$stage/lib/aarch64-linux-gnu/$l"
	done
	ln -s aarch64-linux-gnu/ld-linux-aarch64.so.1 "$stage/lib/ld-linux-aarch64.so.1"
	cp "$e2/sbin/mke2fs" "$stage/sbin/mke2fs"
	ln -s mke2fs "$stage/sbin/mkfs.ext4"
fi

for spec in "$@"; do
	src=${spec%%:*}
	dst=${spec#*:}
	mkdir -p "$stage/$(dirname "$dst")"
	cp -a "$src" "$stage/$dst"
done

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) >"$out.tmp"
mv "$out.tmp" "$out"
