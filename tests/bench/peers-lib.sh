# The peers suite's common part (busybox sh, sourced as
# /tests/bench-peers-lib.sh by tests/bench/peers-in-host.sh and
# tests/bench/peers-in-l1.sh): start the guest under turtle or QEMU/KVM,
# follow its console (tests/bench/peers-guest.sh) and measure it.
#
# Results go to /tmp/results (and stdout, for the level above) as
#   PEERSRESULT <level> <vmm> <key> <value>
# Needs: GUEST_KERNEL, GUEST_CMDLINE (tests/lib.sh); for a full run also
# img, S, rtt, bytes, blk_s, fs_s, fs_mib.

. /tests/bench-lib.sh

PINITRD=/guest/peers-initrd.cpio

# res LEVEL VMM KEY VALUE: one result ("-" values are left out).
res() {
	[ -n "$4" ] && [ "$4" != - ] || return 0
	echo "PEERSRESULT $1 $2 $3 $4" | tee -a /tmp/results
}

# qemu_cmd TRANSPORT GUEST-ARGS...: QEMU/KVM's command line for the guest,
# TRANSPORT "device" (virtio-mmio) or "pci"; with img set, the disk, vsock
# (if this kernel has vhost-vsock) and the 9p share come too.
qemu_cmd() {
	t=$1
	shift
	set -- -M virt,gic-version=3 -accel kvm -cpu host -smp 1 -m 256 \
		-nodefaults -no-user-config -display none -monitor none \
		-serial stdio -no-reboot -kernel "$GUEST_KERNEL" -initrd "$PINITRD" \
		-append "$GUEST_CMDLINE cryptomgr.notests -- /peers.sh $*"
	if [ -n "${img:-}" ]; then
		set -- "$@" -drive "file=$img,format=raw,if=none,id=d0" \
			-device "virtio-blk-$t,drive=d0" \
			-fsdev "local,id=f0,path=$S,security_model=passthrough" \
			-device "virtio-9p-$t,fsdev=f0,mount_tag=share"
		[ ! -c /dev/vhost-vsock ] || set -- "$@" -device "vhost-vsock-$t,guest-cid=3"
	fi
	qemu-system-aarch64 "$@"
}

# vmm_cmd VMM GUEST-ARGS...: run the guest under VMM (turtle, qemu-mmio,
# qemu-pci) in the foreground.
vmm_cmd() {
	v=$1
	shift
	case $v in
	turtle)
		dev=""
		[ -z "${img:-}" ] || dev="--disk $img --vsock 3,/tmp/v.sock --share $S"
		# shellcheck disable=SC2086
		turtle run --kernel "$GUEST_KERNEL" --initrd "$PINITRD" --mem 256 $dev \
			--cmdline "$GUEST_CMDLINE cryptomgr.notests -- /peers.sh $*"
		;;
	qemu-mmio) qemu_cmd device "$@" ;;
	qemu-pci) qemu_cmd pci "$@" ;;
	esac
}

# vmm_pid VMM: the VMM's process id (turtle's main process), or nothing.
vmm_pid() {
	case $1 in
	turtle) turtle_run_pid ;;
	*) pidof qemu-system-aarch64 | cut -d' ' -f1 ;;
	esac
}

# stamp: each input line prefixed with this level's uptime (no fork).
stamp() {
	while IFS= read -r line; do
		read -r up _ </proc/uptime
		echo "$up $line"
	done
}

# peers_start LEVEL VMM OUT GUEST-ARGS...: the VMM in the background (LEVEL
# names the caller's level, for the reader), its
# console stamped into OUT; sets T0 (the start) and BG (the pipeline).
peers_start() {
	p_vmm=$2 p_out=$3
	shift 3
	rm -f "$p_out"
	read -r T0 _ </proc/uptime
	{
		vmm_cmd "$p_vmm" "$@" </dev/null 2>&1
		echo "VMM-STATUS $?"
	} | tr -d '\r' | stamp >"$p_out" &
	BG=$!
}

# peers_boot LEVEL VMM OUT: the boot's results, once OUT has PEERS-UP.
peers_boot() {
	res "$1" "$2" boot_s "$(awk -v t0="$T0" '$2 == "TURTLE-INIT" { printf "%.3f", $1 - t0; exit }' "$3")"
	# the guest's own uptime at init: the kernel's part of the boot
	res "$1" "$2" kernel_s "$(awk '$2 == "TURTLE-INIT" { print $3; exit }' "$3")"
	p_pid=$(vmm_pid "$2")
	res "$1" "$2" rss_up "$(rss_kib "$p_pid")"
	res "$1" "$2" anon_up "$(rss_kib "$p_pid" Anonymous)"
}

# peers_boot_only LEVEL VMM: boot the guest, sample, power off.
peers_boot_only() {
	out=/tmp/$2.out
	say "$1 $2: boot to init"
	peers_start "$1" "$2" "$out" boot
	wait_for PEERS-UP "$out" $BG && peers_boot "$1" "$2" "$out"
	wait $BG
	sed 's/^/    | /' "$out"
}

# peers_run VMM: the whole run of one VMM at L1 (see peers-in-host.sh).
peers_run() {
	v=$1
	out=/tmp/$v.out
	case $v in
	turtle) h2g=unix:/tmp/v.sock lsn=listen-unix:/tmp/v.sock_ ;;
	*) h2g=vsock:3 lsn=listen-vsock: ;;
	esac
	say "L1 $v: the guest"
	rm -f /tmp/v.sock* /tmp/$v.*
	# the guest's connections to the host, ports 5003 and 5001
	vsock-tool echo-server ${lsn}5003 --count 1 >/tmp/$v.g2h-echo 2>&1 &
	e=$!
	vsock-tool sink ${lsn}5001 >/tmp/$v.g2h-sink 2>&1 &
	k=$!
	bench_wait_line LISTENING /tmp/$v.g2h-echo 20
	bench_wait_line LISTENING /tmp/$v.g2h-sink 20
	peers_start L1 "$v" "$out" "$([ $v = turtle ] && echo turtle || echo 9p)" \
		"$rtt" "$bytes" "$blk_s" "$fs_s" "$fs_mib"
	if wait_for PEERS-UP "$out" $BG; then
		peers_boot L1 "$v" "$out"
	fi
	if wait_for PEERS-H2G-READY "$out" $BG; then
		say "L1 $v: host -> guest round trips and stream"
		timeout 600 vsock-tool pingpong "$h2g:5000" --count "$rtt" \
			</dev/null >/tmp/$v.h2g-rtt 2>&1
		timeout 600 vsock-tool source "$h2g:5002" --bytes "$bytes" \
			</dev/null >/tmp/$v.h2g-src 2>&1
		cat /tmp/$v.h2g-rtt /tmp/$v.h2g-src
	fi
	if wait_for PEERS-END "$out" $BG; then
		p_pid=$(vmm_pid "$v")
		res L1 "$v" rss_end "$(rss_kib "$p_pid")"
		res L1 "$v" anon_end "$(rss_kib "$p_pid" Anonymous)"
		say "L1 $v: the VMM's largest resident mappings at the end (KiB, outside the guest's RAM)"
		awk '/^[0-9a-f]+-[0-9a-f]+ / { m = $1 " " $6 } /^Size:/ { big = $2 >= 262144 }
			/^Rss:/ { if (!big && $2 > 0) print $2, m }' "/proc/$p_pid/smaps" |
			sort -rn | head -n 12 | sed 's/^/    rss /'
		echo "    threads: $(ls /proc/$p_pid/task | wc -l)"
	fi
	wait $BG
	kill $e $k 2>/dev/null
	wait $e $k 2>/dev/null
	sed 's/^/    | /' "$out"
	cat /tmp/$v.g2h-echo /tmp/$v.g2h-sink

	g() { kv "$out" "$@"; }
	res L1 "$v" rtt_h2g "$(kv /tmp/$v.h2g-rtt PINGPONG p50_us)"
	res L1 "$v" rtt_g2h "$(g "PEERS-G2H PINGPONG" p50_us)"
	if [ "$(sed -n 's/^SUM //p' /tmp/$v.h2g-src)" = "$(sed -n 's/^[0-9.]* PEERS-H2G-SINK SUM //p' "$out")" ]; then
		res L1 "$v" tput_h2g "$(kv /tmp/$v.h2g-src SOURCE MBps)"
	else
		say "L1 $v: host -> guest: the checksums differ (or no stream)"
	fi
	if [ "$(sed -n 's/^SUM //p' /tmp/$v.g2h-sink)" = "$(sed -n 's/^[0-9.]* PEERS-G2H SUM //p' "$out")" ]; then
		res L1 "$v" tput_g2h "$(g "PEERS-G2H SOURCE" MBps)"
	else
		say "L1 $v: guest -> host: the checksums differ (or no stream)"
	fi
	res L1 "$v" randread "$(g "PEERS-BLK BENCH randread-4k" iops)"
	res L1 "$v" randwrite "$(g "PEERS-BLK BENCH randwrite-4k" iops)"
	res L1 "$v" seqread "$(g "PEERS-BLK BENCH seqread-1m" mbps)"
	res L1 "$v" seqwrite "$(g "PEERS-BLK BENCH seqwrite-1m" mbps)"
	res L1 "$v" fs_stat "$(g "PEERS-FS BENCH stat" med_us)"
	res L1 "$v" fs_statcold "$(g "PEERS-FS BENCH stat-cold" med_us)"
	res L1 "$v" fs_open "$(g "PEERS-FS BENCH open-read-4k" med_us)"
	res L1 "$v" fs_create "$(g "PEERS-FS BENCH create-4k" med_us)"
	res L1 "$v" fs_seqw "$(g "PEERS-FS BENCH seqwrite" mbps)"
	res L1 "$v" fs_seqr "$(g "PEERS-FS BENCH seqread" mbps)"
}

# kv FILE WORDS KEY: KEY's value in FILE's first line with " WORDS " (or
# starting with "WORDS "), e.g. kv OUT "PEERS-FS BENCH stat" med_us.
kv() {
	awk -v p="$2 " -v k="$3=" '(index($0, " " p) || index($0, p) == 1) {
		for (i = 1; i <= NF; i++)
			if (index($i, k) == 1) { print substr($i, length(k) + 1); exit }
	}' "$1"
}

# peers_el2_refusal LEVEL: what QEMU says when asked for a guest at EL2
# with KVM (virtualization=on), as a result line (QEMU 10.0 refuses).
peers_el2_refusal() {
	msg=$(timeout 120 qemu-system-aarch64 -M virt,gic-version=3,virtualization=on \
		-accel kvm -cpu host -m 256 -nodefaults -display none -monitor none \
		-serial none -no-reboot -kernel "$GUEST_KERNEL" </dev/null 2>&1 | head -n1)
	echo "PEERSNOTE $1 qemu-system-aarch64 -M virt,virtualization=on -accel kvm: ${msg:-started}" |
		tee -a /tmp/results
}
