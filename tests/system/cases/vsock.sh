#!/bin/sh
# virtio-vsock between an L1 guest and host programs, through turtle's Unix
# socket (Firecracker's CONNECT protocol):
#  - turtle exec: a guest command's stdout, stderr, exit status and stdin;
#  - 64 MiB guest -> host and host -> guest, equal checksums both ends;
#  - 256 connections at once, each echoing 1 MiB, every byte checked;
#  - one-byte round trips (latency, for the record);
#  - a port nobody listens on fails cleanly, and turtle runs on;
#  - socat, an ordinary host program, in both directions;
#  - the guest powers off when asked, and turtle exits 0.
# The guest (/tests/vsock-guest.sh) runs turtle-agent and an echo server on
# port 5000; everything else runs in it through turtle exec.
. /tests/lib.sh

SOCK=/tmp/v.sock
BIG=${VSOCK_BIG:-64M}
BIG_BYTES=67108864
[ "$BIG" = 64M ] || BIG_BYTES=
ECHO_CONNS=${VSOCK_ECHO_CONNS:-256}
ECHO_BYTES=${VSOCK_ECHO_BYTES:-1M}

# Every limit here is for an idle machine, scaled (lib.sh).
# bg NAME SECONDS CMD...: run CMD in the background, killed after SECONDS;
# its output goes to /tmp/NAME.out, its status to /tmp/NAME.rc; BG is the
# pid of the subshell that runs it.
bg() {
	name=$1 limit=$(scaled $2)
	shift 2
	rm -f /tmp/$name.rc /tmp/$name.out
	(
		timeout "$limit" "$@" </dev/null >/tmp/$name.out 2>&1
		echo $? >/tmp/$name.rc
	) &
	BG=$!
}
# await NAME: wait for bg NAME to end (its own limit stops it); prints
# its status.
await() {
	while [ ! -f /tmp/$1.rc ]; do
		sleep 0.2
	done
	cat /tmp/$1.rc
}
# gx CMD...: run CMD in the guest (120 s at most).
gx() { timeout $(scaled 120) turtle exec $SOCK -- "$@" </dev/null; }
sum_of() { grep '^SUM ' "$1" | cut -d' ' -f2 | tr -d '\r'; }
field() { tr ' ' '\n' <"$2" | grep "^$1=" | head -n1 | cut -d= -f2; }
show() { sed 's/^/    | /' "$1"; }

rm -f $SOCK /tmp/turtle.rc /tmp/out
(
	timeout $(scaled 900) turtle run --kernel $GUEST_KERNEL --initrd $GUEST_INITRD \
		--mem 256 --cpus 2 --vsock 3,$SOCK \
		--cmdline "$GUEST_CMDLINE -- /tests/vsock-guest.sh" \
		</dev/null >/tmp/out 2>&1
	echo $? >/tmp/turtle.rc
) &

# The agent is up once a command runs (3 minutes at most).
up=0
end=$(($(cut -d. -f1 /proc/uptime) + $(scaled 180)))
while [ "$(cut -d. -f1 /proc/uptime)" -lt $end ] && [ ! -f /tmp/turtle.rc ]; do
	if timeout $(scaled 20) turtle exec $SOCK -- true </dev/null 2>/dev/null; then
		up=1
		break
	fi
	sleep 2
done
if [ $up = 0 ]; then
	fail vsock-exec "turtle exec never reached the guest's agent"
	show /tmp/out
	[ -f /tmp/turtle.rc ] || gx poweroff -f
	exit 0
fi

# turtle exec: output, error output, status.
gx sh -c 'echo hi; echo err >&2; exit 7' >/tmp/eo 2>/tmp/ee
rc=$?
if [ $rc != 7 ]; then
	fail vsock-exec "status $rc, expected 7 ($(cat /tmp/ee))"
elif [ "$(cat /tmp/eo)" != hi ]; then
	fail vsock-exec "stdout '$(cat /tmp/eo)', expected 'hi'"
elif [ "$(cat /tmp/ee)" != err ]; then
	fail vsock-exec "stderr '$(cat /tmp/ee)', expected 'err'"
else
	pass vsock-exec "stdout, stderr, status 7"
fi

# Standard input, and a command the guest does not have.
out=$(echo through-stdin | timeout $(scaled 60) turtle exec $SOCK -- cat)
timeout $(scaled 60) turtle exec $SOCK -- no-such-command </dev/null 2>/tmp/ee
rc=$?
if [ "$out" != through-stdin ]; then
	fail vsock-exec-stdin "cat gave '$out'"
elif [ $rc != 127 ] || ! grep -q "cannot run 'no-such-command'" /tmp/ee; then
	fail vsock-exec-stdin "a missing command gave status $rc: $(cat /tmp/ee)"
else
	pass vsock-exec-stdin "stdin reaches the command; missing command 127"
fi

# Guest -> host: a host sink on the socket turtle connects to for port 5001.
bg sink1 200 vsock-tool sink listen-unix:${SOCK}_5001
wait_for LISTENING /tmp/sink1.out $BG
gx vsock-tool source vsock:2:5001 --bytes $BIG >/tmp/src1 2>&1
rc=$?
await sink1 >/tmp/sink1.rc2
show /tmp/src1
show /tmp/sink1.out
s1=$(sum_of /tmp/src1)
s2=$(sum_of /tmp/sink1.out)
if [ $rc != 0 ] || [ "$(cat /tmp/sink1.rc2)" != 0 ]; then
	fail vsock-guest-to-host "source status $rc, sink status $(cat /tmp/sink1.rc2)"
elif [ -z "$s1" ] || [ "$s1" != "$s2" ]; then
	fail vsock-guest-to-host "checksums differ: sent $s1, received $s2"
elif [ -n "$BIG_BYTES" ] && [ "$(field bytes /tmp/sink1.out)" != $BIG_BYTES ]; then
	fail vsock-guest-to-host "received $(field bytes /tmp/sink1.out) bytes"
else
	pass vsock-guest-to-host "$BIG, $(field MBps /tmp/sink1.out) MB/s"
fi

# Host -> guest: the guest's sink runs through turtle exec, its output
# streaming back, so its LISTENING line tells when to start.
bg sink2 200 turtle exec $SOCK -- vsock-tool sink listen-vsock:5002
wait_for LISTENING /tmp/sink2.out $BG
timeout $(scaled 200) vsock-tool source unix:$SOCK:5002 --bytes $BIG >/tmp/src2 2>&1
rc=$?
await sink2 >/tmp/sink2.rc2
show /tmp/src2
show /tmp/sink2.out
s1=$(sum_of /tmp/src2)
s2=$(sum_of /tmp/sink2.out)
if [ $rc != 0 ] || [ "$(cat /tmp/sink2.rc2)" != 0 ]; then
	fail vsock-host-to-guest "source status $rc, sink status $(cat /tmp/sink2.rc2)"
elif [ -z "$s1" ] || [ "$s1" != "$s2" ]; then
	fail vsock-host-to-guest "checksums differ: sent $s1, received $s2"
else
	pass vsock-host-to-guest "$BIG, $(field MBps /tmp/sink2.out) MB/s"
fi

# Many connections at once, against the guest's echo server.
timeout $(scaled 300) vsock-tool echo-client unix:$SOCK:5000 --bytes $ECHO_BYTES \
	--conns $ECHO_CONNS --timeout $(scaled 280) </dev/null >/tmp/echo 2>&1
rc=$?
show /tmp/echo
if [ $rc = 0 ] && grep -q "^ECHO-OK conns=$ECHO_CONNS " /tmp/echo; then
	pass vsock-echo-many "$ECHO_CONNS x $ECHO_BYTES, $(field MBps /tmp/echo) MB/s"
else
	fail vsock-echo-many "status $rc: $(grep -m1 ECHO-FAIL /tmp/echo)"
fi

timeout $(scaled 120) vsock-tool pingpong unix:$SOCK:5000 --count 500 </dev/null >/tmp/pp 2>&1
rc=$?
show /tmp/pp
if [ $rc = 0 ] && grep -q '^PINGPONG ' /tmp/pp; then
	pass vsock-pingpong "p50 $(field p50_us /tmp/pp) us, p99 $(field p99_us /tmp/pp) us"
else
	fail vsock-pingpong "status $rc"
fi

# Nobody listens on port 5999: a clean error, and turtle runs on.
timeout $(scaled 60) turtle exec $SOCK --port 5999 -- true </dev/null 2>/tmp/ee
rc=$?
timeout $(scaled 60) vsock-tool echo-client unix:$SOCK:5999 --bytes 1 </dev/null >/tmp/nl 2>&1
rc2=$?
show /tmp/ee
show /tmp/nl
if [ $rc != 255 ] || ! grep -q "nothing listens on vsock port 5999" /tmp/ee; then
	fail vsock-no-listener "turtle exec: status $rc"
elif [ $rc2 != 1 ] || ! grep -q "ECHO-FAIL.*nothing listens" /tmp/nl; then
	fail vsock-no-listener "vsock-tool: status $rc2"
elif [ -f /tmp/turtle.rc ] || ! gx true; then
	fail vsock-no-listener "turtle or the guest did not survive"
else
	pass vsock-no-listener
fi

# socat, host -> guest: the CONNECT line by hand, then, once turtle said
# OK, a line the guest's echo server sends back; then EOF.
rm -f /tmp/socat.fifo
mkfifo /tmp/socat.fifo
timeout $(scaled 30) socat - UNIX-CONNECT:$SOCK </tmp/socat.fifo >/tmp/socat1 2>&1 &
spid=$!
exec 8>/tmp/socat.fifo
printf 'CONNECT 5000\n' >&8
wait_for '^OK ' /tmp/socat1 $spid && echo hello-socat >&8 &&
	wait_for hello-socat /tmp/socat1 $spid
exec 8>&-
wait $spid
rc=$?
show /tmp/socat1
# socat, guest -> host: socat listens where turtle connects for port 5003.
rm -f /tmp/socat.in
bg socat2 120 socat -u UNIX-LISTEN:${SOCK}_5003 OPEN:/tmp/socat.in,creat,trunc
while [ ! -S ${SOCK}_5003 ] && kill -0 $BG 2>/dev/null; do
	sleep 0.2
done
gx vsock-tool source vsock:2:5003 --bytes 1M >/tmp/src3 2>&1
rc3=$?
await socat2 >/tmp/socat2.rc2
s1=$(sum_of /tmp/src3)
s2=$(vsock-tool sink - </tmp/socat.in | grep '^SUM ' | cut -d' ' -f2)
if [ $rc != 0 ] || ! grep -q '^OK ' /tmp/socat1 || ! grep -q hello-socat /tmp/socat1; then
	fail vsock-socat "socat CONNECT and echo: status $rc"
elif [ $rc3 != 0 ] || [ "$(cat /tmp/socat2.rc2)" != 0 ]; then
	fail vsock-socat "guest to socat: source $rc3, socat $(cat /tmp/socat2.rc2)"
elif [ -z "$s1" ] || [ "$s1" != "$s2" ]; then
	fail vsock-socat "guest to socat: checksums differ ($s1, $s2)"
else
	pass vsock-socat "both directions"
fi

# The end: the guest stops when asked, and turtle with it.
gx touch /tmp/vsock-stop
rc=$(await turtle)
show /tmp/out
if [ "$rc" != 0 ] || ! has "TURTLE-EXIT 0" /tmp/out; then
	fail vsock-poweroff "turtle exited $rc"
else
	pass vsock-poweroff
fi
