#!/bin/bash
# Install everything turtle needs on a Debian 12 (bookworm) x86_64 machine,
# and fetch Debian's current arm64 cloud kernel into a cache.
#
# Idempotent: a second run checks a few facts and returns in well under a
# second. Run by `make deps`, which `make run` and `make test` call.
#
#   TURTLE_CACHE  where the kernel and busybox are cached
#                 (default /var/cache/turtle)
set -euo pipefail

CACHE=${TURTLE_CACHE:-/var/cache/turtle}
STAMP_PKGS=/var/lib/turtle/deps-v1.done
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

log() { echo "deps: $*" >&2; }

apt_sources() {
	local src=/etc/apt/sources.list.d/turtle-backports.sources
	local pin=/etc/apt/preferences.d/turtle-backports
	local changed=0

	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
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
	if [ $changed = 1 ] || [ ! -f "$STAMP_PKGS" ]; then
		log "apt-get update"
		$SUDO apt-get update -q >/dev/null
	fi
}

apt_packages() {
	[ -f "$STAMP_PKGS" ] && return 0
	export DEBIAN_FRONTEND=noninteractive
	log "installing QEMU 10 from bookworm-backports"
	$SUDO apt-get install -y -q -t bookworm-backports qemu-system-arm >/dev/null
	log "installing the build tools"
	$SUDO apt-get install -y -q gcc-aarch64-linux-gnu libc6-dev-arm64-cross \
		libfdt-dev libseccomp-dev check pkg-config cpio xz-utils \
		device-tree-compiler >/dev/null
	# A separate call: one combined call with the amd64 packages fails.
	log "installing the arm64 static libraries"
	$SUDO apt-get install -y -q libfdt-dev:arm64 libseccomp-dev:arm64 >/dev/null
	$SUDO mkdir -p "$(dirname "$STAMP_PKGS")"
	$SUDO touch "$STAMP_PKGS"
}

# Download PKG (apt syntax, e.g. name:arm64/suite) and unpack it into DIR.
fetch_unpack() {
	local pkg=$1 dir=$2 tmp
	tmp=$(mktemp -d); chmod 755 "$tmp"
	(cd "$tmp" && apt-get download -q "$pkg" >/dev/null)
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$dir"
	done
	rm -rf "$tmp"
}

# Debian's current arm64 cloud kernel from trixie-backports. The version is
# resolved now, from the meta package's dependencies, never hard-coded.
kernel() {
	local tmp ver dir
	tmp=$(mktemp -d); chmod 755 "$tmp"
	(cd "$tmp" && apt-get download -q linux-image-cloud-arm64:arm64/trixie-backports >/dev/null)
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

mkdir -p "$CACHE"
apt_sources
apt_packages
if [ -f "$CACHE/kernel/current/.done" ] && [ -x "$CACHE/busybox/bin/busybox" ] &&
	[ "${TURTLE_REFRESH:-0}" = 0 ]; then
	exit 0
fi
kernel
busybox
log "done: kernel $(readlink "$CACHE/kernel/current") in $CACHE"
