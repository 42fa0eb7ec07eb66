#!/bin/sh
# How a guest's life ends, and the console's input direction:
#  - console input: keystrokes on turtle's stdin reach the guest's shell;
#  - a guest reboot, and a guest panic (panic=-1), end turtle with status 3;
#    with --reboot, a reboot boots the guest again;
#  - SIGUSR1 makes each vCPU report its PC and PSTATE, the guest runs on;
#  - SIGTERM and SIGINT stop the guest; turtle exits 128+N with a message;
#  - at a terminal, Ctrl-C goes to the guest, Ctrl-A x stops turtle (130),
#    and the terminal is restored.
. /tests/lib.sh

# Console input: no command, so init starts a shell on the console; feed it
# a line once the shell's prompt shows, and let that line power the guest
# off.
rm -f /tmp/out /tmp/in.fifo
: >/tmp/out
mkfifo /tmp/in.fifo
timeout $(scaled 240) turtle run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
	--mem 256 --cmdline "$GUEST_CMDLINE" </tmp/in.fifo >/tmp/out 2>&1 &
pid=$!
exec 7>/tmp/in.fifo
# The prompt ("/ # ", then line-editing escapes) follows TURTLE-INIT.
while ! sed -n '/TURTLE-INIT/,$p' /tmp/out | grep -q '# ' && kill -0 $pid 2>/dev/null; do
	sleep 0.2
done
printf 'echo MARK-input-$((5*5))\npoweroff -f\n' >&7
exec 7>&- # EOF on turtle's stdin now: the guest runs on without input.
wait $pid
rc=$?
sed 's/^/    | /' /tmp/out
if [ $rc != 0 ]; then
	fail console-input "turtle exited $rc"
elif ! has "MARK-input-25" /tmp/out; then
	fail console-input "the guest shell did not run the typed command"
else
	pass console-input
fi

# expect_reset NAME PATTERN CMD: the guest's CMD resets it; turtle says so
# and exits 3, and the output shows PATTERN.
expect_reset() {
	name=$1 pattern=$2
	run_turtle /tmp/out 240 run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
		--mem 256 --cmdline "$GUEST_CMDLINE -- $3"
	if [ "$RC" != 3 ]; then
		fail $name "turtle exited $RC, expected 3"
	elif ! has "guest requested a reset" /tmp/out; then
		fail $name "no message about the reset"
	elif ! has "$pattern" /tmp/out; then
		fail $name "no '$pattern' in the guest's output"
	else
		pass $name
	fi
}
expect_reset guest-reboot "reboot: Restarting system" "reboot -f"
expect_reset guest-panic "Kernel panic" "echo c >/proc/sysrq-trigger"

# --reboot: the first boot marks a disk and reboots; the second sees the
# mark (so it is a new boot of the same machine) and powers off.
dd if=/dev/zero of=/tmp/reboot.img bs=64k count=1 2>/dev/null
run_turtle /tmp/out 360 run --reboot --kernel $GUEST_KERNEL \
	--initrd $GUEST_INITRD --mem 256 --disk /tmp/reboot.img --cmdline \
	"$GUEST_CMDLINE -- grep -q MARK-REBOOTED /dev/vda && { echo MARK-second-boot; poweroff -f; }; echo MARK-REBOOTED >/dev/vda; sync; reboot -f"
boots=$(grep -c TURTLE-INIT /tmp/out)
if [ "$RC" != 0 ]; then
	fail guest-reboot-again "turtle --reboot exited $RC, expected 0"
elif [ "$boots" != 2 ] || ! has "booting it again (boot 2)" /tmp/out; then
	fail guest-reboot-again "$boots boots, expected 2 with a message"
elif ! has MARK-second-boot /tmp/out; then
	fail guest-reboot-again "the second boot did not see the first's mark"
else
	pass guest-reboot-again
fi

# signal SIG STATUS: stop a guest that sleeps, once it is up.
signal() {
	sig=$1 want=$2
	rm -f /tmp/out
	# turtle itself in the background, not a subshell around it.
	turtle run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD --mem 256 \
		--cmdline "$GUEST_CMDLINE -- sleep 600" >/tmp/out 2>&1 &
	pid=$!
	wait_for TURTLE-INIT /tmp/out $pid
	# SIGUSR1 first: each vCPU says where it is, and the guest runs on.
	kill -USR1 $pid
	wait_for "vcpu0: pc=" /tmp/out $pid
	kill -$sig $pid
	wait $pid
	rc=$?
	sed 's/^/    | /' /tmp/out
	if [ $rc != $want ]; then
		fail stop-by-sig$sig "turtle exited $rc, expected $want"
	elif ! has "stopped by" /tmp/out; then
		fail stop-by-sig$sig "no message about the signal"
	elif ! grep -q "vcpu0: pc=0x[0-9a-f]* pstate=0x[0-9a-f]* (EL[01][th])" /tmp/out; then
		fail stop-by-sig$sig "SIGUSR1 did not make the vCPU report where it is"
	else
		pass stop-by-sig$sig
	fi
}
signal TERM 143
signal INT 130

# At a terminal: turtle puts it in raw mode while the guest runs; Ctrl-C
# typed there goes to the guest, Ctrl-A x stops it, and the terminal's
# modes come back as they were.
ptyrun TURTLE-INIT -- turtle run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
	--mem 256 --cmdline "$GUEST_CMDLINE -- sleep 600" >/tmp/out 2>&1
sed 's/^/    | /' /tmp/out
if ! has "PTYRUN raw-while-running yes" /tmp/out; then
	fail tty-escape "the terminal was not in raw mode while the guest ran"
elif ! has "PTYRUN alive-after-ctrl-c yes" /tmp/out; then
	fail tty-escape "Ctrl-C stopped turtle instead of reaching the guest"
elif ! has "PTYRUN status 130" /tmp/out; then
	fail tty-escape "Ctrl-A x did not stop turtle with status 130"
elif ! has "PTYRUN restored yes" /tmp/out; then
	fail tty-escape "the terminal was left in raw mode"
else
	pass tty-escape
fi
