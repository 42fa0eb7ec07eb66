#!/bin/bash
# The kselftest table from one or more logs of kernel/kselftest.sh (their
# "KST Ln test result seconds [detail]" lines): a row per test, a column
# per level seen, '*' where a level's result differs from L0's. Several
# logs merge, so a run with KST_FROM=2 adds its L2 column to an earlier
# L0/L1 run's table:
#
#   kernel/kselftest-table.sh build/test-logs/kselftest.log [MORE.log ...]
set -uo pipefail
[ $# -gt 0 ] || { echo "usage: kselftest-table.sh LOG..." >&2; exit 2; }
cat "$@" | tr -d '\r' | grep -a -o 'KST L[0-9]* .*' | awk '
	{ l = substr($2, 2) + 0; t = $3; cell = $4 " " $5 "s"
	  if ($6 != "") cell = cell " " $6
	  if ($4 == "n/a") cell = "n/a"
	  res[t, l] = $4; txt[t, l] = cell; has[l] = 1
	  if (l > max) max = l
	  if (!(t in seen)) { seen[t] = 1; order[n++] = t } }
	END {
		printf "%-40s", "test"
		for (l = 0; l <= max; l++) if (l in has) printf " %-24s", "L" l
		printf "\n"
		for (i = 0; i < n; i++) {
			t = order[i]; printf "%-40s", t
			for (l = 0; l <= max; l++) {
				if (!(l in has)) continue
				c = ((t, l) in txt) ? txt[t, l] : "-"
				if (l > 0 && ((t, l) in res) && ((t, 0) in res) && res[t, l] != res[t, 0] && res[t, l] != "n/a")
					c = c " *"
				printf " %-24s", c
			}
			printf "\n"
		}
		printf "(cells: result, time; TAP: cases passed/skipped/failed; skipped-configs: get-reg-list'"'"'s; n/a: timed out above, not run; * differs from L0)\n"
	}'
