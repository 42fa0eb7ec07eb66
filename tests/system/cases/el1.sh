#!/bin/sh
# turtle boots an EL1 guest with 1 and with 2 vCPUs; the guest runs a
# command, sees every CPU online, and powers off; turtle exits 0. The
# guest finds its early console on the PL011 through stdout-path, and its
# wall clock on the PL031: `date` agrees with the host's within 2 s. It
# has SVE, pointer authentication and a PMU, each of which a flag turns
# off. With
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

# vCPU features, on by default where the host offers them (-cpu max: SVE,
# pointer authentication, PMUv3; stolen time where its KVM has it), and
# the wall clock from the PL031 (rtc-pl031, RTC_HCTOSYS), which nothing in
# the guest's init sets: it reads the host's CLOCK_REALTIME.
run_turtle /tmp/out 240 run -v --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
	--mem 256 --cmdline "$GUEST_CMDLINE -- /tests/features.sh"
feat=$(grep -m1 -o 'FEAT-cpu .*' /tmp/out | tr -d '\r')
skew=$(clock_skew FEAT-clock /tmp/out)
echo "host offers: $(grep -o 'vCPU features: .*' /tmp/out)"
case "$feat" in
*"sve=1 "*"paca=1 pacg=1 pmu=1 "*) pass el1-features "$feat" ;;
*) fail el1-features "guest sees '$feat'; turtle: $(grep -o 'vCPU features: .*' /tmp/out)" ;;
esac
if ! has "rtc=1" /tmp/out; then
	fail el1-clock "no rtc-pl031 in the guest's dmesg"
elif ! within "$skew" 2; then
	fail el1-clock "guest clock is ${skew:-?} s off the host's ($(grep -m1 FEAT-clock /tmp/out))"
else
	pass el1-clock "guest clock ${skew} s off the host's"
fi

# Each flag turns its feature off; --sve-max-vl caps the vector length
# (256 bits: a default of 32 bytes).
run_turtle /tmp/out 240 run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
	--mem 256 --no-ptrauth --no-pmu --no-pvtime --sve-max-vl 256 \
	--cmdline "$GUEST_CMDLINE -- /tests/features.sh"
feat=$(grep -m1 -o 'FEAT-cpu .*' /tmp/out | tr -d '\r')
case "$feat" in
*"sve=1 vl=32 paca=0 pacg=0 pmu=0 steal=0 "*) pass el1-features-off "$feat" ;;
*) fail el1-features-off "guest sees '$feat' with --no-ptrauth --no-pmu --no-pvtime --sve-max-vl 256" ;;
esac
run_turtle /tmp/out 240 run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
	--mem 256 --no-sve --cmdline "$GUEST_CMDLINE -- /tests/features.sh"
feat=$(grep -m1 -o 'FEAT-cpu .*' /tmp/out | tr -d '\r')
case "$feat" in
*"sve=0 vl=0 paca=1 "*) pass el1-no-sve "$feat" ;;
*) fail el1-no-sve "guest sees '$feat' with --no-sve" ;;
esac

# The RTC's alarm under the filters: set on a vCPU thread, fired on main.
run_turtle /tmp/out 240 run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
	--mem 256 --cmdline "$GUEST_CMDLINE -- /tests/rtc-alarm.sh"
alarm=$(grep -m1 -o 'RTC-ALARM .*' /tmp/out | tr -d '\r')
case "$RC:$alarm" in
"0:RTC-ALARM fired"*) pass el1-rtc-alarm "$alarm; exit 0" ;;
*) fail el1-rtc-alarm "turtle exited $RC, guest: '${alarm:-nothing}' $(grep -m1 seccomp /tmp/out)" ;;
esac

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
