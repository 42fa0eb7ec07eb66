#!/bin/sh
# turtle boots an EL1 guest with 1 and with 2 vCPUs; the guest runs a
# command, sees every CPU online, and powers off; turtle exits 0. The
# guest finds its early console on the PL011 through stdout-path, and its
# wall clock on the PL031: `date` agrees with the host's within 2 s. With
# --exit-probe, exitbench measures exits through the probe.
. /tests/lib.sh

for n in 1 2; do
	name=el1-${n}cpu
	run_turtle /tmp/out 240 run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
		--mem 256 --cpus $n \
		--cmdline "$GUEST_CMDLINE earlycon -- echo MARK-online-\$(cat /sys/devices/system/cpu/online)-nproc-\$(nproc); dmesg | grep -o 'earlycon: pl1[1]'"
	if [ "$RC" != 0 ]; then
		fail $name "turtle exited $RC"
	elif [ $n = 1 ] && ! has "MARK-online-0-nproc-1" /tmp/out; then
		fail $name "guest marker missing or wrong CPU count"
	elif [ $n = 2 ] && ! has "MARK-online-0-1-nproc-2" /tmp/out; then
		fail $name "guest marker missing or CPU 1 not online"
	elif ! has "earlycon: pl11" /tmp/out; then
		fail $name "no early console on the PL011"
	elif ! has "TURTLE-EXIT 0" /tmp/out; then
		fail $name "guest command did not finish"
	else
		pass $name "init at $(seconds_to TURTLE-INIT /tmp/out)s, poweroff at $(tail -n1 /tmp/out | cut -d' ' -f1)s"
	fi
done

# The guest's clock comes from the PL031 (rtc-pl031, RTC_HCTOSYS), with
# nothing in its init setting it; it reads the host's CLOCK_REALTIME.
run_turtle /tmp/out 240 run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
	--mem 256 --cmdline "$GUEST_CMDLINE -- echo MARK-date \$(date +%s.%N); dmesg | grep -o 'rtc-pl031 [^ ]*: registered as rtc0'"
skew=$(clock_skew MARK-date /tmp/out)
if ! has "registered as rtc0" /tmp/out; then
	fail el1-clock "no rtc-pl031 in the guest's dmesg"
elif ! within "$skew" 2; then
	fail el1-clock "guest clock is ${skew:-?} s off the host's ($(date +%s) on the host; $(grep -m1 MARK-date /tmp/out))"
else
	pass el1-clock "guest clock ${skew} s off the host's"
fi

# --exit-probe: exitbench finds the probe in the device tree, maps it
# through /dev/mem, and its own count of the accesses that reached turtle
# matches the probe's: every write to 0x10 and read of 0x00, and none of
# the writes to 0x18, which KVM ends in the kernel (an ioeventfd).
run_turtle /tmp/out 240 run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
	--mem 256 --exit-probe \
	--cmdline "$GUEST_CMDLINE -- exitbench --seconds 0.2; echo EXITBENCH-RC \$?"
counted=$(grep -o 'EXIT counted .*' /tmp/out)
if ! has "EXITBENCH-RC 0" /tmp/out; then
	fail exit-probe "exitbench failed: $(grep -a 'exitbench\|EXIT' /tmp/out | tail -n 2 | tr '\n' ';')"
else
	pass exit-probe "$counted; user MMIO $(grep -o 'mmio-user med_ns=[0-9]*' /tmp/out | cut -d= -f2) ns, kernel MMIO $(grep -o 'mmio-kernel med_ns=[0-9]*' /tmp/out | cut -d= -f2) ns"
fi
# Without the option the guest has no probe, and exitbench says so.
run_turtle /tmp/out 240 run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
	--mem 256 --cmdline "$GUEST_CMDLINE -- exitbench; echo EXITBENCH-RC \$?"
if has "EXITBENCH-RC 1" /tmp/out && has "no exit-probe node" /tmp/out; then
	pass exit-probe-absent "exitbench: no exit-probe node, status 1"
else
	fail exit-probe-absent "$(grep -a 'exitbench\|EXIT' /tmp/out | tail -n 2 | tr '\n' ';')"
fi
