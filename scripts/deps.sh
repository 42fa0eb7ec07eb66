#!/bin/bash
# Install everything turtle needs on a Debian 12 (bookworm) x86_64 machine,
# and fetch Debian's current arm64 cloud kernel into a cache. On an arm64
# machine that runs turtle natively (docs/native.md) only the native
# compiler and libraries: no cross toolchain, no foreign architecture and
# no QEMU (unless TURTLE_HOST=emulated asks for the emulated host).
#
# Idempotent: a second run checks a few facts and returns in well under a
# second. Run by `make deps`, which `make run` and `make test` call.
#
#   TURTLE_CACHE    where the kernel, busybox and arm64 libfdt are cached
#                   (default /var/cache/turtle)
#   TURTLE_REFRESH  1: look for a newer kernel even if one is cached
set -euo pipefail

CACHE=${TURTLE_CACHE:-/var/cache/turtle}
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

log() { echo "deps: $*" >&2; }

apt_sources() {
	local src=/etc/apt/sources.list.d/turtle-backports.sources
	local pin=/etc/apt/preferences.d/turtle-backports
	local changed=0

	if [ "$A" != arm64 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
		log "adding the arm64 architecture"
		$SUDO dpkg --add-architecture arm64
		changed=1
	fi
	if [ ! -f "$src" ]; then
		log "adding bookworm-backports and trixie-backports (pinned low)"
		$SUDO tee "$src" >/dev/null <<'EOS'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
		changed=1
	fi
	if [ ! -f "$pin" ]; then
		$SUDO tee "$pin" >/dev/null <<'EOS'
# turtle: nothing moves to backports unless asked for by name.
Package: *
Pin: release n=trixie-backports
Pin-Priority: 100

Package: *
Pin: release n=bookworm-backports
Pin-Priority: 100
EOS
		changed=1
	fi
	if [ $changed = 1 ] || ! qemu_ok || [ -n "$(missing $NATIVE_PKGS $ARM64_PKGS)" ] ||
		[ ! -f "$CACHE/kernel/current/.done" ]; then
		log "apt-get update"
		$SUDO apt-get update -q >/dev/null
	fi
}

# Packages, by apt name: installed only if missing, so a second run is quick.
A=$(dpkg --print-architecture)
NATIVE_PKGS="libfdt-dev:$A libseccomp-dev:$A check:$A pkg-config:$A cpio:$A
xz-utils:$A"
if [ "$A" = arm64 ]; then
	NATIVE_PKGS="$NATIVE_PKGS gcc:$A libc6-dev:$A"
	ARM64_PKGS=""
else
	NATIVE_PKGS="$NATIVE_PKGS gcc-aarch64-linux-gnu:$A libc6-dev-arm64-cross:$A"
	ARM64_PKGS="libseccomp-dev:arm64"
fi
# QEMU only for the emulated NV2 host (tests/system/host.sh).
HOST_MODE=$("$(dirname "$0")/../tests/system/native-host.sh" detect)

# Print each of NAME:ARCH that is not installed for ARCH (or as arch all).
missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status} ${Architecture}\n' "${p%:*}" 2>/dev/null |
			grep -Eq "^install ok installed (${p##*:}|all)$" || echo "$p"
	done
}

qemu_ok() {
	[ "$HOST_MODE" = native ] && return 0
	command -v qemu-system-aarch64 >/dev/null &&
		qemu-system-aarch64 --version | grep -Eq 'version (1[0-9]|[2-9][0-9])\.'
}

apt_packages() {
	local m
	export DEBIAN_FRONTEND=noninteractive
	if ! qemu_ok; then
		log "installing QEMU 10 from bookworm-backports"
		$SUDO apt-get install -y -q -t bookworm-backports qemu-system-arm >/dev/null
	fi
	# shellcheck disable=SC2086
	m=$(missing $NATIVE_PKGS)
	if [ -n "$m" ]; then
		log "installing" $m
		# shellcheck disable=SC2086
		$SUDO apt-get install -y -q $m >/dev/null
	fi
	# A separate call: one combined call with the amd64 packages fails.
	# shellcheck disable=SC2086
	m=$(missing $ARM64_PKGS)
	if [ -n "$m" ]; then
		log "installing" $m
		# shellcheck disable=SC2086
		$SUDO apt-get install -y -q $m >/dev/null
	fi
}

# libfdt-dev is not co-installable across architectures: installing the
# arm64 one removes the amd64 one that the native unit tests link. So the
# arm64 static library is unpacked into the cache instead of installed.
arm64_libfdt() {
	local dir=$CACHE/arm64
	[ "$A" != arm64 ] || return 0 # libfdt-dev's own
	[ -f "$dir/usr/lib/aarch64-linux-gnu/libfdt.a" ] && return 0
	log "fetching libfdt-dev:arm64 (static library for the cross build)"
	mkdir -p "$dir"
	fetch_unpack libfdt-dev:arm64 "$dir"
}

# Download PKG (apt syntax, e.g. name:arm64/suite) and unpack it into DIR.
fetch_unpack() {
	local pkg=$1 dir=$2 tmp
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >/dev/null)
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$dir"
	done
	rm -rf "$tmp"
}

# Debian's current arm64 cloud kernel from trixie-backports. The version is
# resolved now, from the meta package's dependencies, never hard-coded.
kernel() {
	local tmp ver dir
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root linux-image-cloud-arm64:arm64/trixie-backports >/dev/null)
	ver=$(dpkg-deb -f "$tmp"/*.deb Depends | tr ',' '\n' |
		sed -n 's/^ *linux-image-\([^ ]*-cloud-arm64\).*/\1/p' | head -n1)
	rm -rf "$tmp"
	[ -n "$ver" ] || { log "cannot resolve the cloud kernel version"; exit 1; }
	dir=$CACHE/kernel/$ver
	if [ ! -f "$dir/.done" ]; then
		log "fetching arm64 kernel $ver"
		rm -rf "$dir"
		mkdir -p "$dir/root"
		for p in linux-binary-$ver linux-modules-$ver linux-base-$ver; do
			fetch_unpack "$p:arm64/trixie-backports" "$dir/root" ||
				fetch_unpack "$p:arm64" "$dir/root"
		done
		touch "$dir/.done"
	fi
	ln -sfn "$ver" "$CACHE/kernel/current"
}

busybox() {
	local dir=$CACHE/busybox
	[ -x "$dir/bin/busybox" ] && return 0
	log "fetching busybox-static:arm64"
	rm -rf "$dir"
	mkdir -p "$dir/root" "$dir/bin"
	fetch_unpack busybox-static:arm64 "$dir/root"
	cp "$dir/root/bin/busybox" "$dir/bin/busybox"
}

# mkfs.ext4 for test guests: busybox has no ext4 mkfs and Debian ships no
# static e2fsprogs, so the arm64 packages (and the libc they link) are
# unpacked here and boot/init/mkinitramfs.sh copies what mke2fs needs.
e2fsprogs() {
	local dir=$CACHE/e2fsprogs p
	[ -x "$dir/root/sbin/mke2fs" ] && return 0
	log "fetching e2fsprogs:arm64 and its libraries (mkfs.ext4 in test guests)"
	rm -rf "$dir"
	mkdir -p "$dir/root"
	for p in e2fsprogs libext2fs2 libcom-err2 libblkid1 libuuid1 libc6; do
		fetch_unpack "$p:arm64" "$dir/root"
	done
}

# socat for the vsock system test, in the host image: Debian's arm64 build
# and the libraries it links (about 9.5 MB with libc), unpacked the same way.
socat_arm64() {
	local dir=$CACHE/socat p
	[ -f "$dir/.done" ] && return 0
	log "fetching socat:arm64 and its libraries (vsock tests)"
	rm -rf "$dir"
	mkdir -p "$dir/root"
	for p in socat libssl3 libwrap0 libnsl2 libtirpc3 libgssapi-krb5-2 \
		libkrb5-3 libk5crypto3 libkrb5support0 libkeyutils1 libcom-err2 libc6; do
		fetch_unpack "$p:arm64" "$dir/root"
	done
	touch "$dir/.done"
}

mkdir -p "$CACHE"
apt_sources
apt_packages
arm64_libfdt
e2fsprogs
socat_arm64
if [ -f "$CACHE/kernel/current/.done" ] && [ -x "$CACHE/busybox/bin/busybox" ] &&
	[ "${TURTLE_REFRESH:-0}" = 0 ]; then
	exit 0
fi
kernel
busybox
log "done: kernel $(readlink "$CACHE/kernel/current") in $CACHE"
