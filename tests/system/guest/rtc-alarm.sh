#!/bin/sh
# rtc-alarm.sh: the PL031's alarm, end to end (el1.sh). Setting it is a
# write of the match register on a vCPU thread (turtle arms a timerfd);
# its firing is the main thread's timerfd and an interrupt. Waits for the
# interrupt (the rtc-pl031 line of /proc/interrupts counts up), then says
#   RTC-ALARM fired    or    RTC-ALARM no-rtc | no-interrupt
count() { awk '/pl031/ { n = 0; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) n += $i; print n }' /proc/interrupts; }
w=/sys/class/rtc/rtc0/wakealarm
[ -w $w ] || { echo "RTC-ALARM no-rtc"; exit 0; }
before=$(count)
echo 0 >$w
echo +2 >$w
# The alarm is 2 s of the guest's clock away: wait for it, however long
# the machine takes (the case's own limit ends a guest that never sees it).
while [ "$(count)" = "$before" ]; do
	sleep 0.2
done
echo "RTC-ALARM fired ($before -> $(count) interrupts)"
