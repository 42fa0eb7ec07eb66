#!/bin/sh
# Bad input from the command line or a file: a clear message, a non-zero
# exit, and never a crash (a signal exit would show as 128+N).
. /tests/lib.sh

# check NAME EXPECTED_STATUS MESSAGE_PATTERN ARGS...
check() {
	name=$1 want=$2 pattern=$3
	shift 3
	timeout 60 turtle "$@" >/tmp/out 2>&1
	rc=$?
	sed 's/^/    | /' /tmp/out
	if [ $rc != "$want" ]; then
		fail $name "exit status $rc, expected $want"
	elif ! grep -q -- "$pattern" /tmp/out; then
		fail $name "no message matching '$pattern'"
	else
		pass $name
	fi
}

echo "this is not a kernel" >/tmp/notakernel
head -c 40 $GUEST_KERNEL >/tmp/truncated

check bad-not-image 1 "not an arm64 Image" run --kernel /tmp/notakernel
check bad-truncated 1 "not an arm64 Image" run --kernel /tmp/truncated
check bad-initrd-as-kernel 1 "not an arm64 Image" run --kernel $GUEST_INITRD
check bad-missing-kernel 1 "cannot open kernel '/no/such/Image'" run --kernel /no/such/Image
check bad-missing-initrd 1 "cannot open initrd" run --kernel $GUEST_KERNEL --initrd /no/such/initrd
check bad-kernel-is-dir 1 "not a regular file" run --kernel /guest
check bad-mem-zero 2 "0 is not a size" run --kernel $GUEST_KERNEL --mem 0
check bad-mem-huge 1 "more than this host" run --kernel $GUEST_KERNEL --mem 65536
check bad-mem-tiny 1 "cannot hold the kernel" run --kernel $GUEST_KERNEL --mem 8
check bad-mem-garbage 2 "not a size" run --kernel $GUEST_KERNEL --mem lots
check bad-unknown-flag 2 "unknown option '--frobnicate'" run --kernel $GUEST_KERNEL --frobnicate
check bad-no-kernel 2 "--kernel IMAGE is required" run
check bad-cpus 2 "--cpus" run --kernel $GUEST_KERNEL --cpus 0
check bad-nested-mode 2 "unknown mode" run --kernel $GUEST_KERNEL --nested=sideways
check bad-command 2 "unknown command" frobnicate
