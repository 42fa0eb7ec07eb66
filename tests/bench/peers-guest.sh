#!/bin/sh
# The peers suite's guest side (/peers.sh in the guest's initramfs, the
# same for turtle's guest and QEMU's): tests/bench/peers-in-host.sh
# starts a VMM with "-- /peers.sh SHARE RTT BYTES BLK_S FS_S FS_MIB" and
# reads the console. SHARE is how to mount the VMM's shared directory:
# turtle (turtle-agent) or 9p (QEMU's virtio-9p, tag "share").
#
# Steps, each announced on the console for the host to act on:
#   PEERS-UP          init ran: the host samples the VMM's memory
#   PEERS-H2G-READY   an echo server (port 5000) and a sink (port 5002)
#                     listen: the host runs its round trips and stream
#   then the guest's own round trips (host port 5003) and stream (host
#   port 5001), blkbench on /dev/vda, fsbench on the share, and
#   PEERS-END, after which the host samples the VMM's memory again.
# "/peers.sh boot": only PEERS-UP, then power off.
share=$1 rtt=$2 bytes=$3 blk_s=$4 fs_s=$5 fs_mib=$6

echo PEERS-UP
if [ "$share" = boot ]; then
	sleep 1
	exit 0
fi
vsock-tool echo-server listen-vsock:5000 --count 1 >/tmp/echo.out 2>&1 &
vsock-tool sink listen-vsock:5002 >/tmp/sink.out 2>&1 &
until grep -q LISTENING /tmp/echo.out && grep -q LISTENING /tmp/sink.out; do
	sleep 0.05
done
echo PEERS-H2G-READY
wait
sed 's/^/PEERS-H2G-SINK /' /tmp/sink.out

vsock-tool pingpong vsock:2:5003 --count "$rtt" 2>&1 | sed 's/^/PEERS-G2H /'
vsock-tool source vsock:2:5001 --bytes "$bytes" 2>&1 | sed 's/^/PEERS-G2H /'

blkbench --seconds "$blk_s" /dev/vda 2>&1 | sed 's/^/PEERS-BLK /'

case $share in
turtle) turtle-agent mount /mnt ;;
9p)
	for m in netfs 9pnet 9pnet_virtio 9p; do
		insmod /lib/modules/$m.ko 2>/dev/null
	done
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 share /mnt
	;;
esac && fsbench --seconds "$fs_s" --size "$fs_mib" /mnt 2>&1 | sed 's/^/PEERS-FS /'
grep -E ' /mnt ' /proc/mounts | sed 's/^/PEERS-MOUNT /'

echo PEERS-END
# The host samples the VMM's memory now: time for it before power-off.
sleep 2
