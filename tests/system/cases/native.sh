#!/bin/sh
# The native host layer (tests/system/native-host.sh), tested on the one
# arm64 machine with KVM and EL2 guests there is here: the emulated host.
# It runs the scripts' in-host parts as on a real arm64 NV2 machine (no
# QEMU underneath that the layer knows of), from this host's own image
# (/sys/firmware/initrd: run.sh boots this case with retain_initrd), and
# turtle is the image's prebuilt one, standing in for a native build.
# Checked: the detection, turtle kvm-check, refusal without root, the
# layout and clean-up, a system case (bad-input), make run LEVELS=1's
# in-host part (an L1 at EL2 saying hello) and the inception chain's L0
# (tests/inception/level.sh, L0 -> L1 over the shared directory, as make
# run and make inception start it) run through it end to end.
. /tests/lib.sh
nh=/tests/native-host.sh
export HOST_INITRD=/sys/firmware/initrd TURTLE_TIME_SCALE="$SCALE"

# native_run OUT ARGS...: native-host.sh run ARGS, output indented; RC.
native_run() {
	out=$1
	shift
	"$nh" run "$@" >"$out" 2>&1
	RC=$?
	sed 's/^/    | /' "$out"
}

d=$(TURTLE_HOST='' "$nh" detect)
e=$(TURTLE_HOST=emulated "$nh" detect)
TURTLE_HOST=sideways "$nh" detect >/tmp/err 2>&1
rc=$?
if [ "$d:$e" != native:emulated ]; then
	fail native-detect "arm64 with /dev/kvm detected as '$d', TURTLE_HOST=emulated as '$e'"
elif [ $rc != 2 ] || ! has "use native or emulated" /tmp/err; then
	fail native-detect "TURTLE_HOST=sideways: status $rc, '$(cat /tmp/err)'"
else
	pass native-detect "native here; TURTLE_HOST=emulated and a bad value honoured"
fi

turtle kvm-check --nested >/tmp/out 2>&1
rc=$?
turtle kvm-check --sideways >/dev/null 2>&1
rc2=$?
if [ $rc = 0 ] && has "guests at EL2: yes" /tmp/out && [ $rc2 = 2 ]; then
	pass native-kvm-check "$(cat /tmp/out)"
else
	fail native-kvm-check "status $rc ($(cat /tmp/out)), bad option status $rc2"
fi

as-user 65534:65534 "$nh" run 60 true >/tmp/out 2>&1
rc=$?
if [ $rc = 1 ] && has "native host: needs root" /tmp/out; then
	pass native-not-root "refused: $(cat /tmp/out)"
else
	fail native-not-root "as uid 65534: status $rc, '$(cat /tmp/out)'"
fi

# The layout the in-host parts expect, as root, with a root that
# pivot_root accepts (turtle --sandbox); a /dev of its own (the
# privs case changes /dev/kvm's group: the machine's must not change); and
# a process the command leaves behind, which must end with it (PID
# namespace).
kvm_before=$(stat -c '%g %a' /dev/kvm)
export HOST_CMDLINE_EXTRA=retain_initrd
# shellcheck disable=SC2016 # expanded on the native host
native_run /tmp/lay 120 \
	'echo LAYOUT uid=$(id -u) scale=$TURTLE_TIME_SCALE $(ls /bin/turtle /guest/Image /guest/initrd.cpio /tests/lib.sh) tmp=$(ls /tmp | wc -l) initrd=$(cpio -t </sys/firmware/initrd 2>/dev/null | grep -c "^tests/native-host.sh$") pty=$(ptyrun NONE -- true 2>/dev/null | grep -c "^PTYRUN status 0") pivot=$(unshare -m sh -c "mount -t tmpfs t /mnt && mkdir /mnt/old && pivot_root /mnt /mnt/old && echo ok" 2>&1); chgrp 4242 /dev/kvm; sleep 1000 & echo LEFT $!'
unset HOST_CMDLINE_EXTRA
# shellcheck disable=SC2009 # busybox here has ps, no pgrep
left=$(ps -o args | grep -c '^[s]leep 1000')
rest=$(find /tmp -maxdepth 1 -name 'turtle-host.*' | wc -l)
mounts=$(grep -c turtle-host /proc/mounts)
want="LAYOUT uid=0 scale=$SCALE /bin/turtle /guest/Image /guest/initrd.cpio /tests/lib.sh tmp=0 initrd=1 pty=1 pivot=ok"
if [ $RC != 0 ] || ! has "^$want" /tmp/lay; then
	fail native-layout "status $RC, not '$want'"
elif ! has "^LEFT [0-9]" /tmp/lay || [ "$left:$rest:$mounts" != 0:0:0 ]; then
	fail native-layout "left behind: $left processes, $rest roots, $mounts mounts"
elif [ "$(stat -c '%g %a' /dev/kvm)" != "$kvm_before" ]; then
	fail native-layout "the machine's /dev/kvm changed: $kvm_before -> $(stat -c '%g %a' /dev/kvm)"
else
	pass native-layout "root, files, /tmp, /dev, ptys, pivot_root, /sys/firmware/initrd; nothing left after"
fi

# A system case end to end: the one tests/system/run.sh would run.
native_run /tmp/case 400 /tests/cases/bad-input.sh
np=$(grep -c '^TEST-RESULT [^ ]* PASS' /tmp/case)
nf=$(grep -c '^TEST-RESULT [^ ]* FAIL' /tmp/case)
if [ $RC != 0 ] || ! has "^TURTLE-EXIT 0" /tmp/case; then
	fail native-case "bad-input: status $RC"
elif [ "$np" -lt 10 ] || [ "$nf" != 0 ]; then
	fail native-case "bad-input: $np passed, $nf failed"
else
	pass native-case "bad-input: $np checks passed on the native host"
fi

# make run LEVELS=1's in-host part (scripts/demo-in-host.sh): an L1 at EL2.
native_run /tmp/demo --nested 600 /tests/demo.sh
if [ $RC != 0 ] || ! has "^TURTLE-DEMO-RC 0" /tmp/demo; then
	fail native-demo "status $RC, $(grep -m1 TURTLE-DEMO-RC /tmp/demo)"
elif ! has "Hello from L1" /tmp/demo || ! has "started at EL2" /tmp/demo; then
	fail native-demo "no 'Hello from L1' from an L1 started at EL2"
else
	pass native-demo "L1 at EL2 said hello: $(grep -m1 'turtle exited' /tmp/demo)"
fi

# The inception chain's L0, L0 -> L1, from an image made here as
# tests/inception/run.sh makes it: /chain holds the kernel, turtle,
# level.sh and L1's initramfs (the guest image plus chain-level).
c=/tmp/chainroot
rm -rf $c
mkdir -p $c/bin $c/chain/bin /tmp/cl/bin
cp /bin/busybox $c/bin/busybox
cp /bin/turtle $c/chain/bin/turtle
cp /guest/Image $c/chain/Image
cp /tests/level.sh $c/chain/level.sh
: >$c/chain/quiet
cp /tests/chain-level.sh /tmp/cl/bin/chain-level
(cd /tmp/cl && find . | cpio -o -H newc 2>/dev/null) >/tmp/cl.cpio
cat /guest/initrd.cpio /tmp/cl.cpio >$c/chain/initrd.cpio
(cd $c && find . | cpio -o -H newc 2>/dev/null) >/tmp/chain.cpio
rm -rf $c /tmp/cl /tmp/cl.cpio
HOST_INITRD=/tmp/chain.cpio
native_run /tmp/chain --nested 900 '/chain/level.sh 0 1'
rm -f /tmp/chain.cpio
if [ $RC != 0 ] || ! has "INCEPTION-END L1 status=0" /tmp/chain; then
	fail native-chain "status $RC, $(grep -m1 INCEPTION-END /tmp/chain)"
elif ! has "^CHAIN-OUT Hello from L1, written at L1" /tmp/chain; then
	fail native-chain "L0 did not read back what L1 wrote to the share"
else
	pass native-chain "L1 booted from L0's share, L0 read back: $(sed -n 's/^CHAIN-OUT //p' /tmp/chain)"
fi
