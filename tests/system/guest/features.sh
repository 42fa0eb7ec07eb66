#!/bin/sh
# features.sh: what this guest's vCPUs have and what time it thinks it is,
# as markers for the system cases (el1.sh, nested.sh):
#   FEAT-cpu sve=0|1 vl=BYTES paca=0|1 pacg=0|1 pmu=0|1 steal=0|1 rtc=0|1
#   FEAT-clock SECONDS  this level's wall clock minus the shared counter
#                       (clockoff): compare with the host's clockoff
# sve, paca, pacg: /proc/cpuinfo's Features; vl: the default SVE vector
# length; pmu: a PMUv3 under /sys/bus/event_source/devices; steal: the
# kernel uses stolen-time accounting; rtc: rtc-pl031 set the clock.
f=" $(grep -m1 '^Features' /proc/cpuinfo | cut -d: -f2) "
feat() { case "$f" in *" $1 "*) echo 1 ;; *) echo 0 ;; esac; }
pmu=0
ls /sys/bus/event_source/devices/ 2>/dev/null | grep -q armv8_pmuv3 && pmu=1
steal=0
dmesg | grep -q 'using stolen time PV' && steal=1
rtc=0
dmesg | grep -q 'rtc-pl031 .*registered as rtc0' && rtc=1
vl=$(cat /proc/sys/abi/sve_default_vector_length 2>/dev/null || echo 0)
echo "FEAT-cpu sve=$(feat sve) vl=$vl paca=$(feat paca) pacg=$(feat pacg) pmu=$pmu steal=$steal rtc=$rtc"
echo "FEAT-clock $(clockoff)"
