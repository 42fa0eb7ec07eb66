#!/bin/sh
# Bad input from the command line or a file: a clear message, a non-zero
# exit, and never a crash (a signal exit would show as 128+N).
. /tests/lib.sh

# check NAME EXPECTED_STATUS MESSAGE_PATTERN ARGS...
check() {
	name=$1 want=$2 pattern=$3
	shift 3
	timeout $(scaled 60) turtle "$@" >/tmp/out 2>&1
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

# Disks: missing, a size that is not whole sectors, bad options, in use.
printf 'x%.0s' $(seq 1000) >/tmp/odd.img
dd if=/dev/zero of=/tmp/ok.img bs=1M count=0 seek=1 2>/dev/null
check bad-disk-missing 1 "cannot open disk '/no/such.img'" run --kernel $GUEST_KERNEL --disk /no/such.img
check bad-disk-size 1 "not a non-zero multiple of 512" run --kernel $GUEST_KERNEL --disk /tmp/odd.img
check bad-disk-dir 1 "cannot open disk '/tmp' for writing: Is a directory" run --kernel $GUEST_KERNEL --disk /tmp
check bad-disk-option 2 "unknown option 'bogus'" run --kernel $GUEST_KERNEL --disk /tmp/ok.img,bogus
check bad-disk-queues 2 "queues must be 1 to 8" run --kernel $GUEST_KERNEL --disk /tmp/ok.img,queues=99
check bad-disk-io 2 "io must be auto, pread or map, not 'mmap'" run --kernel $GUEST_KERNEL --disk /tmp/ok.img,io=mmap
check bad-disk-no-path 2 "has no image path" run --kernel $GUEST_KERNEL --disk ,ro
# A second turtle must not write an image the first one is using. The
# first one's guest says it is up (so its turtle holds the image) and then
# waits for a line on its console, which comes once both attempts are done.
rm -f /tmp/first.in /tmp/first.out
mkfifo /tmp/first.in
exec 7<>/tmp/first.in
turtle run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD --mem 256 --disk /tmp/ok.img \
	--cmdline "$GUEST_CMDLINE -- echo FIRST-UP; read line; echo FIRST-\$line" \
	</tmp/first.in >/tmp/first.out 2>&1 &
first=$!
if ! wait_for FIRST-UP /tmp/first.out $first; then
	sed 's/^/    | /' /tmp/first.out
	fail bad-disk-in-use "the first turtle ended before its guest was up"
	fail bad-disk-in-use-ro "the first turtle ended before its guest was up"
else
	check bad-disk-in-use 1 "in use by another process" run --kernel $GUEST_KERNEL --disk /tmp/ok.img
	check bad-disk-in-use-ro 1 "in use by another process" run --kernel $GUEST_KERNEL --disk /tmp/ok.img,ro
fi
echo done >&7
wait $first
rc=$?
exec 7>&-
sed 's/^/    | /' /tmp/first.out
if [ $rc != 0 ] || ! grep -q FIRST-done /tmp/first.out; then
	fail bad-disk-first-held "the first turtle did not hold the image to the end (status $rc)"
else
	pass bad-disk-first-held "the first guest ran until both attempts were done"
fi
