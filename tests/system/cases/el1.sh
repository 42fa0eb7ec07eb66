#!/bin/sh
# turtle boots an EL1 guest with 1 and with 2 vCPUs; the guest runs a
# command, sees every CPU online, and powers off; turtle exits 0. The
# guest finds its early console on the PL011 through stdout-path.
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
