#!/bin/bash
# Build a guest initramfs (an uncompressed newc cpio): busybox, turtle's
# init, the kernel modules in modules.list, and any extra files.
#
#   mkinitramfs.sh OUT.cpio [SRC:DST ...]
#
# Environment: TURTLE_CACHE (busybox and kernel, from scripts/deps.sh),
# KVER_DIR (a kernel's modules directory; default: the cached kernel's),
# TOOLS="e2fsprogs socat" (a list: add mke2fs/mkfs.ext4, socat, each with the
# arm64 libraries it needs).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=$1
shift
cache=${TURTLE_CACHE:-/var/cache/turtle}
busybox=$cache/busybox/bin/busybox
moddir=${KVER_DIR:-$(echo "$cache"/kernel/current/root/usr/lib/modules/*)}

[ -x "$busybox" ] || { echo "mkinitramfs: no busybox in $cache (run make deps)" >&2; exit 1; }

stage=$(mktemp -d)
# mktemp makes it 0700: the image's / must be searchable by every user.
chmod 755 "$stage"
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

# copy_libs ROOT LIB...: arm64 shared libraries from an unpacked package tree.
copy_libs() {
	local root=$1 l src
	shift
	mkdir -p "$stage/lib/aarch64-linux-gnu"
	for l in ld-linux-aarch64.so.1 libc.so.6 "$@"; do
		src=$root/lib/aarch64-linux-gnu/$l
		[ -e "$src" ] || src=$root/usr/lib/aarch64-linux-gnu/$l
		cp -L "$src" "$stage/lib/aarch64-linux-gnu/$l"
	done
	ln -sfn aarch64-linux-gnu/ld-linux-aarch64.so.1 "$stage/lib/ld-linux-aarch64.so.1"
}

case " ${TOOLS:-} " in *" e2fsprogs "*)
	e2=$cache/e2fsprogs/root
	[ -x "$e2/sbin/mke2fs" ] || { echo "mkinitramfs: no e2fsprogs in $cache (run make deps)" >&2; exit 1; }
	copy_libs "$e2" libext2fs.so.2 libcom_err.so.2 libblkid.so.1 libuuid.so.1 libe2p.so.2
	cp "$e2/sbin/mke2fs" "$stage/sbin/mke2fs"
	ln -s mke2fs "$stage/sbin/mkfs.ext4"
	;;
esac
case " ${TOOLS:-} " in *" socat "*)
	so=$cache/socat/root
	[ -f "$cache/socat/.done" ] || { echo "mkinitramfs: no socat in $cache (run make deps)" >&2; exit 1; }
	copy_libs "$so" libssl.so.3 libcrypto.so.3 libwrap.so.0 libnsl.so.2 libtirpc.so.3 \
		libgssapi_krb5.so.2 libkrb5.so.3 libk5crypto.so.3 libkrb5support.so.0 \
		libkeyutils.so.1 libcom_err.so.2 libresolv.so.2
	cp "$so/usr/bin/socat" "$stage/bin/socat"
	;;
esac

for spec in "$@"; do
	src=${spec%%:*}
	dst=${spec#*:}
	mkdir -p "$stage/$(dirname "$dst")"
	cp -a "$src" "$stage/$dst"
done

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) >"$out.tmp"
mv "$out.tmp" "$out"
