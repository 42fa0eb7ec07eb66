#!/bin/sh
# The init command of every level below L0 when the chain travels over the
# shared directory (the default): mount the parent level's share at
# /chain, then run the chain script from it.
#
#   chain-level.sh THIS LAST [direct]
#
# direct: through the direct window, from L0's turtle (turtle-agent mount
# --direct, which falls back to the level above's share and says why).
#
# Marker: SHARE-MOUNTED Ln <seconds the mount took>
this=$1
t0=$(cut -d' ' -f1 /proc/uptime)
mkdir -p /chain
how=""
[ "${3:-}" = direct ] && how=--direct
if ! turtle-agent mount $how --tag chain /chain; then
	echo "L$this: cannot mount the chain's share from L$((this - 1))"
	exit 1
fi
t1=$(cut -d' ' -f1 /proc/uptime)
echo "SHARE-MOUNTED L$this $(awk -v a="$t1" -v b="$t0" 'BEGIN { printf "%.2f", a - b }')"
exec sh /chain/level.sh "$1" "$2"
