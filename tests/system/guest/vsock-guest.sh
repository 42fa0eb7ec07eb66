#!/bin/sh
# In an L1 guest with a vsock device: the services the vsock case drives
# from the host (tests/system/cases/vsock.sh). turtle-agent runs the host's
# `turtle exec` commands; vsock-tool echoes on port 5000. Runs until the
# host creates /tmp/vsock-stop (through turtle exec), 15 minutes at most
# (times SCALE).
# SCALE: how much longer than on an idle machine things may take now
# (turtle.scale=N on the command line, from tests/system/guest-lib.sh).
SCALE=$(sed -n 's/.*turtle\.scale=\([0-9]*\).*/\1/p' /proc/cmdline)
SCALE=${SCALE:-1}
turtle-agent exec &
agent=$!
vsock-tool echo-server listen-vsock:5000 &
echo=$!
echo VSOCK-GUEST-READY
i=0
while [ ! -f /tmp/vsock-stop ] && [ $i -lt $((4500 * SCALE)) ]; do
	sleep 0.2
	i=$((i + 1))
done
kill $agent $echo
[ -f /tmp/vsock-stop ] || { echo "VSOCK-GUEST no stop request"; exit 1; }
echo VSOCK-GUEST-DONE
