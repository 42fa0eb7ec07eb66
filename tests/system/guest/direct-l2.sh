#!/bin/sh
# direct-l2.sh: in L2 of the direct case (tests/system/cases/direct.sh),
# under an L1 whose turtle passes the window on: exitbench --direct, then
# the emulated host's share 'win' mounted through the window (served by
# the turtle in the emulated host, not by L1). Markers:
#   DIRECT-SHARE-READ <from-host's content>
#   DIRECT-SHARE-WROTE                  /w/from-l2 written and synced
#   DIRECT-SHARE-ROOTONLY rc=N ERR      uid 1000 reads the 0600 root file
#   DIRECT-SHARE-GROUP-WRITE rc=N       uid 1000 holding group 0 in the
#                                       guest appends to a root:root 0660
#                                       file: the guest allows it, the host
#                                       must not (the request runs as 1000)
#   DIRECT-SHARE-MOUNT-FAILED
exitbench --seconds 0.05 --direct
mkdir -p /w
if turtle-agent mount --direct --tag win /w; then
	echo "DIRECT-SHARE-READ $(cat /w/from-host)"
	echo "written at L2" >/w/from-l2 && sync && echo DIRECT-SHARE-WROTE
	as-user 1000:1000 cat /w/rootonly >/dev/null 2>/tmp/err
	echo "DIRECT-SHARE-ROOTONLY rc=$? $(cat /tmp/err)"
	as-user 1000:1000:0 sh -c 'echo pwned >>/w/rootfile' 2>/dev/null
	echo "DIRECT-SHARE-GROUP-WRITE rc=$?"
	umount /w
else
	echo DIRECT-SHARE-MOUNT-FAILED
fi
