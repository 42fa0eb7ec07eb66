# One status line for long runs (make test, make inception, make bench),
# sourced by bash scripts.
#
# At a terminal, progress_begin TITLE sends the script's output through a
# filter that prints it as before and keeps one line under it, redrawn
# every second: "TITLE: PHASE (for 42s), 12m03s in all". progress PHASE
# sets the phase, from this script or any script it runs (they find the
# phase file through TURTLE_PROGRESS). Not at a terminal, progress_begin
# does nothing, and progress only records the phase (if an outer script
# keeps a status line): logs get the output alone, no redrawn lines.

# progress PHASE: what is going on now.
progress() {
	[ -n "${TURTLE_PROGRESS:-}" ] || return 0
	printf '%s %s\n' "$(date +%s)" "$*" >"$TURTLE_PROGRESS"
}

# progress_filter TITLE FILE: copy stdin to stdout, each line above the
# status line, and redraw that line every second and after each line.
progress_filter() {
	local title=$1 file=$2 t0 line pending= now since phase s p
	t0=$(date +%s)
	while :; do
		if IFS= read -r -t 1 line; then
			printf '\r\033[K%s\n' "$pending$line"
			pending=
		elif [ $? -gt 128 ]; then
			pending+=$line # a timeout: keep what came of the line
		else
			[ -z "$pending$line" ] || printf '\r\033[K%s\n' "$pending$line"
			break
		fi
		now=$(date +%s)
		read -r since phase <"$file" 2>/dev/null || { since=$now phase=; }
		s=$((now - t0)) p=$((now - since))
		printf '\r\033[K\033[7m%s: %s (for %ds), %dm%02ds in all\033[m' \
			"$title" "${phase:-starting}" "$p" $((s / 60)) $((s % 60))
	done
	printf '\r\033[K'
}

# progress_begin TITLE: at a terminal, and unless an outer script already
# keeps a status line, start keeping one until the script exits.
progress_begin() {
	[ -t 1 ] && [ -z "${TURTLE_PROGRESS:-}" ] || return 0
	TURTLE_PROGRESS=$(mktemp /tmp/turtle-progress.XXXXXX)
	export TURTLE_PROGRESS
	progress starting
	exec 3>&1 4>&2
	exec > >(progress_filter "$1" "$TURTLE_PROGRESS" >&3 2>&4) 2>&1
	PROGRESS_FILTER=$!
	trap progress_end EXIT
}

# progress_end: close the filter's input, let it finish, clear the line.
progress_end() {
	[ -n "${PROGRESS_FILTER:-}" ] || return 0
	exec 1>&3 2>&4
	wait "$PROGRESS_FILTER" 2>/dev/null
	rm -f "$TURTLE_PROGRESS"
	PROGRESS_FILTER=
}
