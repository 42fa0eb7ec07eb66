# Sourced by kernel/build-lean.sh and kernel/build-kselftests.sh: the build
# tools and Debian's linux-source for the cached kernel's series, unpacked
# once under $cache/lean/src-$series. Needs: cache, series, log.

# need_tools PKG...: install the packages that are missing.
need_tools() {
	local need="" p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || need="$need $p"
	done
	if [ -n "$need" ]; then
		log "installing the build tools:$need"
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need >/dev/null
	fi
}

# linux_source: fetch and unpack linux-source-$series (trixie-backports)
# unless it is there; sets src.
linux_source() {
	local pkg=linux-source-$series tmp
	src=$cache/lean/src-$series
	[ ! -f "$src/.done" ] || return 0
	log "fetching $pkg from trixie-backports"
	rm -rf "$src"
	mkdir -p "$src"
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg/trixie-backports" >/dev/null)
	dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp" ./usr/src
	tar -xf "$tmp"/usr/src/linux-source-*.tar.xz -C "$src" --strip-components=1
	rm -rf "$tmp"
	touch "$src/.done"
}
