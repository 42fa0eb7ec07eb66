#!/bin/sh
# The native host: run an in-host command (a system case, make run's demo,
# a level of the inception chain, a benchmark) straight on this arm64
# machine's KVM, in the layout the emulated NV2 host boots
# (tests/system/qemu-host.sh): the image's files unpacked into a private
# root, with /proc, /sys, its own /dev and a fresh /tmp and /run, the image's
# busybox as shell and tools, the command run as root in its own mount and
# PID namespaces. Whatever the command leaves running ends with it, as
# when the emulated host powers off. tests/system/host.sh chooses between
# the two; this script is POSIX sh so that it runs under the emulated
# host's busybox too, where tests/system/cases/native.sh tests it.
#
#   native-host.sh detect      print "native" or "emulated": TURTLE_HOST
#                              if set, else native on arm64 with /dev/kvm
#   native-host.sh run [--nested] TIMEOUT CMD...
#
# run: HOST_INITRD is the image (a newc cpio, as mkinitramfs.sh makes, with
# turtle in bin/ or chain/bin/). --nested: the command needs guests at EL2;
# without them (turtle kvm-check --nested) it is skipped: a TURTLE-SKIP
# line with the reason, exit 77. TURTLE_TIME_SCALE (default 1) multiplies
# TIMEOUT and reaches the command (guest-lib.sh's SCALE). "retain_initrd"
# in HOST_CMDLINE_EXTRA shows the image at /sys/firmware/initrd, as the
# emulated host's kernel does. Prints TURTLE-INIT and TURTLE-EXIT <status>
# as the emulated host's init does, and exits with the command's status.
set -u

die() {
	echo "turtle: native host: $*" >&2
	exit 1
}

detect() {
	case ${TURTLE_HOST:-} in
	native | emulated) echo "$TURTLE_HOST" ;;
	'')
		if [ "$(uname -m)" = aarch64 ] && [ -c /dev/kvm ]; then
			echo native
		else
			echo emulated
		fi
		;;
	*)
		echo "turtle: TURTLE_HOST=$TURTLE_HOST: use native or emulated" >&2
		return 2
		;;
	esac
}

# mkdev DIR: a /dev of the root's own, with nodes for the machine's devices
# that the in-host parts use, each with the machine's mode and group, and
# its own ptys: what a test changes there (privs: /dev/kvm's group) stays
# there.
mkdev() {
	mount -t tmpfs -o mode=0755 tmpfs "$1" || return 1
	for n in null zero full random urandom tty kvm fuse; do
		[ -c "/dev/$n" ] || continue
		# shellcheck disable=SC2046 # major, minor, mode, group
		set -- "$1" $(stat -c '%t %T %a %g' "/dev/$n")
		mknod -m "$4" "$1/$n" c $((0x$2)) $((0x$3)) && chgrp "$5" "$1/$n" ||
			return 1
	done
	mkdir "$1/pts" "$1/shm" &&
		mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$1/pts" &&
		mount -t tmpfs tmpfs "$1/shm" &&
		ln -s pts/ptmx "$1/ptmx" && ln -s /proc/self/fd "$1/fd" &&
		ln -s fd/0 "$1/stdin" && ln -s fd/1 "$1/stdout" && ln -s fd/2 "$1/stderr"
}

# Inside the new namespaces, as their PID 1: ROOT IMAGE LIMIT CMD.
inside() {
	root=$1 img=$2 limit=$3 cmd=$4
	# The root a mount of its own, as the emulated host's is: pivot_root
	# (turtle --sandbox) refuses a root that is not a mount's.
	if ! { mount -o bind "$root" "$root" &&
		mkdir -p "$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/run" &&
		mount -t proc proc "$root/proc" &&
		mount -o rbind /sys "$root/sys" &&
		mkdev "$root/dev" &&
		mount -t tmpfs tmpfs "$root/tmp" &&
		mount -t tmpfs tmpfs "$root/run"; }; then
		die "cannot mount /proc, /sys, /dev, /tmp and /run in $root"
	fi
	case " ${HOST_CMDLINE_EXTRA:-} " in *" retain_initrd "*)
		if ! { mount -t tmpfs -o mode=0755 tmpfs "$root/sys/firmware" &&
			: >"$root/sys/firmware/initrd" &&
			mount -o bind "$img" "$root/sys/firmware/initrd"; }; then
			die "cannot show $img at /sys/firmware/initrd"
		fi
		;;
	esac
	chroot "$root" /bin/busybox --install -s /bin || die "no busybox in $img"
	echo "TURTLE-INIT $(cut -d' ' -f1 /proc/uptime)"
	# init's environment; TURTLE_TIME_SCALE for guest-lib.sh.
	timeout "$limit" env -i HOME=/ TERM=linux PATH=/bin:/sbin \
		TURTLE_TIME_SCALE="$TURTLE_TIME_SCALE" \
		chroot "$root" /bin/sh -c "$cmd" </dev/null
	rc=$?
	echo "TURTLE-EXIT $rc"
	exit $rc
}

run() {
	nested=
	if [ "${1:-}" = --nested ]; then
		nested=--nested
		shift
	fi
	[ $# -ge 2 ] || die "usage: native-host.sh run [--nested] TIMEOUT CMD..."
	TURTLE_TIME_SCALE=${TURTLE_TIME_SCALE:-1}
	limit=$(($1 * TURTLE_TIME_SCALE))
	shift
	img=${HOST_INITRD:-}
	[ "$(uname -m)" = aarch64 ] ||
		die "this machine is $(uname -m), not arm64 (TURTLE_HOST=emulated boots the emulated NV2 host)"
	[ "$(id -u)" = 0 ] ||
		die "needs root: it unpacks the image into a private root and mounts /proc, /sys and /dev there (run as root, or install sudo)"
	[ -c /dev/kvm ] || die "no /dev/kvm: this kernel offers no KVM (an arm64 kernel with KVM, booted at EL2, is needed)"
	[ -f "$img" ] ||
		die "no image '$img' (HOST_INITRD; run make images)"

	root=$(mktemp -d "${TMPDIR:-/tmp}/turtle-host.XXXXXX") || die "mktemp failed"
	trap 'cleanup' EXIT
	trap 'exit 130' INT TERM
	chmod 755 "$root"
	(cd "$root" && cpio -i -d 2>/dev/null) <"$img" || die "cannot unpack $img"
	turtle=$root/bin/turtle
	[ -x "$turtle" ] || turtle=$root/chain/bin/turtle
	[ -x "$turtle" ] || die "no turtle in $img (bin/turtle or chain/bin/turtle)"
	"$turtle" kvm-check $nested
	case $? in
	0) ;;
	3)
		echo "TURTLE-SKIP this host's KVM runs no guests at EL2 (no KVM_CAP_ARM_EL2): skipped"
		exit 77
		;;
	*) die "no usable KVM (turtle kvm-check)" ;;
	esac
	echo "TURTLE-TIME-SCALE $TURTLE_TIME_SCALE (limit ${limit}s; load $(cut -d' ' -f1-3 /proc/loadavg)); native host, root $root" >&2
	export TURTLE_TIME_SCALE HOST_CMDLINE_EXTRA
	unshare -m -p -f --propagation private \
		sh "$0" inside "$root" "$img" "$limit" "$*"
}

# The private root goes, unless something is still mounted in it (which
# only the namespace, now gone, should have had).
cleanup() {
	if grep -q " $root/" /proc/mounts; then
		echo "turtle: native host: $root still has mounts; not removed" >&2
	else
		rm -rf "$root"
	fi
}

case ${1:-} in
detect) detect ;;
run)
	shift
	run "$@"
	;;
inside)
	shift
	inside "$@"
	;;
*)
	echo "usage: native-host.sh detect | run [--nested] TIMEOUT CMD..." >&2
	exit 2
	;;
esac
