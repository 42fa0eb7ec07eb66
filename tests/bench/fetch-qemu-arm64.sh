#!/bin/bash
# Debian's arm64 QEMU (qemu-system-arm:arm64 from bookworm-backports, 10.0)
# and the shared libraries it links, unpacked into a cache for the peers
# suite (tests/bench/run.sh peers), which puts them into the emulated
# host's image: QEMU/KVM as the L1 VMM beside turtle.
#
#   tests/bench/fetch-qemu-arm64.sh    -> prints the cache directory
#
# The package closure is resolved by apt itself, with a private, empty
# dpkg status and arm64 as the only architecture, from the package lists
# this machine already has (scripts/deps.sh configures them): nothing is
# installed. The binary's own library closure (ELF NEEDED entries,
# followed recursively) is written to DIR/initramfs.list as SRC:DST specs
# for boot/init/mkinitramfs.sh. Idempotent: a second run returns at once.
# trixie-backports' 11.1 needs trixie's libc (>= 2.38), which no
# configured archive has, so 10.0 it is.
set -euo pipefail
cache=${TURTLE_CACHE:-/var/cache/turtle}/qemu-arm64
log() { echo "fetch-qemu-arm64: $*" >&2; }

if [ -f "$cache/.done" ]; then
	echo "$cache"
	exit 0
fi
log "fetching qemu-system-arm:arm64 (bookworm-backports) and its libraries"
rm -rf "$cache"
mkdir -p "$cache/apt/archives/partial" "$cache/root"
: >"$cache/apt/status"
apt-get install --download-only -y -q --no-install-recommends \
	-o Dir::State::status="$cache/apt/status" \
	-o Dir::Cache::archives="$cache/apt/archives" \
	-o APT::Architecture=arm64 -o APT::Architectures=arm64 \
	-o Debug::NoLocking=1 -o APT::Sandbox::User=root \
	-t bookworm-backports qemu-system-arm:arm64 >"$cache/apt/log" 2>&1 ||
	{ tail -n 20 "$cache/apt/log" >&2; exit 1; }
for deb in "$cache"/apt/archives/*.deb; do
	dpkg-deb -x "$deb" "$cache/root"
done
rm -rf "$cache/apt/archives"

bin=$cache/root/usr/bin/qemu-system-aarch64
# readelf reads any ELF, arm64's too, on any machine.
needed() { readelf -d "$1" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'; }
lib_path() {
	local d
	for d in lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu; do
		[ -e "$cache/root/$d/$1" ] && { echo "$cache/root/$d/$1"; return 0; }
	done
	log "library $1 not in the unpacked packages"
	return 1
}
# The image gets /lib/ld-linux-aarch64.so.1 and /lib/aarch64-linux-gnu/:
# the binary's own interpreter path and the loader's default search path.
{
	echo "$bin:bin/qemu-system-aarch64"
	seen=" "
	todo=$(needed "$bin")
	todo="$todo ld-linux-aarch64.so.1"
	while [ -n "${todo// /}" ]; do
		todo=$(echo $todo)
		read -r l todo <<<"$todo"
		case $seen in *" $l "*) continue ;; esac
		seen="$seen$l "
		p=$(lib_path "$l")
		echo "$(readlink -f "$p"):lib/aarch64-linux-gnu/$l"
		todo="$todo $(needed "$p")"
	done
	ld=$(lib_path ld-linux-aarch64.so.1)
	echo "$(readlink -f "$ld"):lib/ld-linux-aarch64.so.1"
} >"$cache/initramfs.list"
touch "$cache/.done"
log "$(wc -l <"$cache/initramfs.list") files, $(cut -d: -f1 "$cache/initramfs.list" | xargs du -cL | tail -n1 | cut -f1) KiB"
echo "$cache"
