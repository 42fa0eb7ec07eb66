#!/bin/sh
# posix.sh DIR: POSIX behaviour of the filesystem DIR is on (a turtle
# share in a guest, or the native FUSE mount of the unit tests), checked
# with ordinary commands; busybox sh and applets are enough.
#
# Each check prints POSIX-OK NAME, POSIX-FAIL NAME REASON or (when this
# system lacks what it needs) POSIX-SKIP NAME REASON; then
#   POSIX-DONE pass=N fail=M skip=K
# and the status is 0 when nothing failed; first, POSIX-AS HOW says how
# the permission checks become another uid. Run as root: they become uid
# POSIX_UID (default 1000) through `turtle-agent run-as` when turtle-agent
# is on PATH (a guest's static busybox has no setpriv, and its su finds no
# users without NSS), else util-linux setpriv, else su when /etc/passwd has
# a user with that uid. DIR itself must be searchable by that uid (e.g.
# mode 755).

DIR=${1:?usage: posix.sh DIR}
U=${POSIX_UID:-1000}
MANY=${POSIX_MANY:-300} # files in one directory (each takes round trips)
W=$DIR/posix.$$
export TZ=UTC
PASS=0 FAIL=0 SKIP=0

# How to run a command as uid U (empty: no way).
AS=
if command -v turtle-agent >/dev/null 2>&1 &&
	turtle-agent run-as 0 -- true 2>/dev/null; then
	AS=run-as
elif setpriv --reuid=0 --regid=0 --clear-groups true 2>/dev/null; then
	AS=setpriv
elif command -v su >/dev/null 2>&1; then
	SU_USER=$(awk -F: -v u="$U" '$3 == u { print $1; exit }' /etc/passwd 2>/dev/null)
	[ -n "$SU_USER" ] && AS=su
fi
# as_user 'COMMAND': the shell command, as uid U.
as_user() {
	case $AS in
	run-as) turtle-agent run-as "$U:$U" -- sh -c "$1" ;;
	setpriv) setpriv --reuid="$U" --regid="$U" --clear-groups sh -c "$1" ;;
	su) su -s /bin/sh "$SU_USER" -c "$1" ;;
	*) return 99 ;;
	esac
}

# Tools beyond busybox: GNU mv -T, setfattr/getfattr, flock, or fsops
# (tests/system/fsops.c, in the guest image), which does each with one
# system call.
HAVE_FSOPS=
command -v fsops >/dev/null 2>&1 && HAVE_FSOPS=1
# rename_t OLD NEW: rename(2), never "into" a directory NEW.
rename_t() {
	if [ -n "$HAVE_FSOPS" ]; then
		fsops rename "$1" "$2"
	else
		mv -T "$1" "$2"
	fi
}
# flock_t FILE CMD...: CMD with an exclusive flock(2) on FILE;
# tryflock FILE: take it and let go at once, or fail if it is held.
flock_t() {
	if [ -n "$HAVE_FSOPS" ]; then fsops flock "$@"; else flock "$@"; fi
}
tryflock() {
	if [ -n "$HAVE_FSOPS" ]; then fsops tryflock "$1"; else flock -n "$1" true; fi
}
# xset FILE NAME VALUE, xget FILE NAME, xdel FILE NAME: extended attributes.
xset() {
	if [ -n "$HAVE_FSOPS" ]; then fsops setxattr "$@"; else setfattr -n "$2" -v "$3" "$1"; fi
}
xget() {
	if [ -n "$HAVE_FSOPS" ]; then fsops getxattr "$@"; else getfattr --only-values -n "$2" "$1"; fi
}
xdel() {
	if [ -n "$HAVE_FSOPS" ]; then fsops removexattr "$@"; else setfattr -x "$2" "$1"; fi
}

# The checks' helpers; a failing one ends its check (they run under set -e).
# expect WHAT GOT WANT
expect() {
	[ "$2" = "$3" ] && return 0
	echo "$1: got '$2', want '$3'"
	return 1
}
# fails WHAT CMD...: CMD must fail.
fails() {
	what=$1
	shift
	if "$@" >/dev/null 2>&1; then
		echo "$what: succeeded, should fail"
		return 1
	fi
}
# user_fails WHAT 'COMMAND' / user_ok WHAT 'COMMAND'
user_fails() {
	if as_user "$2" >/dev/null 2>&1; then
		echo "$1: uid $U could, should not"
		return 1
	fi
}
user_ok() {
	as_user "$2" >/dev/null 2>&1 && return 0
	echo "$1: uid $U could not"
	return 1
}
mode() { stat -c %a "$1"; }
owner() { stat -c %u:%g "$1"; }
links() { stat -c %h "$1"; }
size() { stat -c %s "$1"; }

# run NAME [needs]: the function t_NAME in a fresh directory, in a subshell
# under set -e; needs "user" (a way to be uid U), "rename" (GNU mv -T or
# fsops), "xattr" (setfattr and getfattr, or fsops), "flock" (flock or
# fsops) or "fsops", or it is skipped.
run() {
	name=$1
	if [ "$2" = user ] && [ -z "$AS" ]; then
		echo "POSIX-SKIP $name no way to run as uid $U"
		SKIP=$((SKIP + 1))
		return
	fi
	case $2 in
	rename) [ -n "$HAVE_FSOPS" ] || mv --version 2>/dev/null | grep -q GNU ;;
	xattr) [ -n "$HAVE_FSOPS" ] || { command -v setfattr && command -v getfattr; } >/dev/null ;;
	flock) [ -n "$HAVE_FSOPS" ] || command -v flock >/dev/null ;;
	fsops) [ -n "$HAVE_FSOPS" ] ;;
	esac || {
		echo "POSIX-SKIP $name needs $2 (GNU mv -T, setfattr, flock or fsops)"
		SKIP=$((SKIP + 1))
		return
	}
	d=$W/$name
	mkdir -p "$d" && chmod 755 "$d"
	(
		set -e
		cd "$d"
		"t_$name"
	) >"$W.log" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		echo "POSIX-OK $name"
		PASS=$((PASS + 1))
	else
		why=$(tail -n 1 "$W.log")
		echo "POSIX-FAIL $name ${why:-status $rc}"
		FAIL=$((FAIL + 1))
	fi
}

t_write_read() {
	echo hello >f
	echo more >>f
	expect content "$(cat f)" "hello
more"
	expect size "$(size f)" 11
}

t_noclobber() {
	echo x >f
	fails "O_EXCL on an existing file" sh -c 'set -C; echo y >f'
	expect content "$(cat f)" x
}

t_many_entries() {
	for i in $(seq 1 "$MANY"); do : >"file-$i"; done
	expect entries "$(ls | wc -l)" "$MANY"
	[ -e "file-$MANY" ] || { echo "file-$MANY missing"; return 1; }
	rm file-*
	expect "entries after rm" "$(ls | wc -l)" 0
}

t_unlink_open_file() {
	echo "still here" >f
	exec 3<f
	rm f
	[ ! -e f ] || { echo "f still exists"; return 1; }
	expect "read after unlink" "$(cat <&3)" "still here"
	exec 3<&-
}

t_rename_over_file() {
	echo new >a
	echo old >b
	mv -f a b
	[ ! -e a ] || { echo "a still exists"; return 1; }
	expect content "$(cat b)" new
}

# These need rename(2) without mv's "into the directory": rename_t.
t_rename_dir_over_empty_dir() {
	mkdir a b
	echo in-a >a/f
	rename_t a b
	[ -d b ] && [ ! -e a ] || { echo "a was not renamed over b"; return 1; }
	expect content "$(cat b/f)" in-a
}

t_rename_dir_over_nonempty_dir() {
	mkdir -p a c/x
	fails "renaming over a non-empty directory" rename_t a c
	[ -d a ] && [ -d c/x ] || { echo "a or c changed"; return 1; }
}

t_rename_file_over_dir() {
	: >f
	mkdir d
	fails "renaming a file over a directory" rename_t f d
	[ -f f ] && [ -d d ] || { echo "f or d changed"; return 1; }
}

t_rename_dir_into_itself() {
	mkdir -p a/sub
	fails "moving a directory into itself" mv a a/sub/
	[ -d a/sub ] || { echo "a/sub is gone"; return 1; }
}

t_hard_links() {
	echo data >f
	ln f g
	expect "links of f" "$(links f)" 2
	expect "same inode" "$(stat -c %i g)" "$(stat -c %i f)"
	rm f
	expect "links of g" "$(links g)" 1
	expect content "$(cat g)" data
	mkdir d
	fails "hard link to a directory" ln d d2
}

t_symlinks() {
	echo data >target
	ln -s target l
	expect readlink "$(readlink l)" target
	expect "through the link" "$(cat l)" data
	[ -L l ] || { echo "l is no symlink"; return 1; }
	ln -s nowhere dangling
	[ -L dangling ] && [ ! -e dangling ] || {
		echo "dangling link wrong"
		return 1
	}
	fails "reading a dangling link" cat dangling
	ln -s ../"$(basename "$PWD")"/target rel
	expect "relative link" "$(cat rel)" data
}

t_truncate() {
	echo 0123456789 >f
	truncate -s 4 f
	expect "size after shrink" "$(size f)" 4
	expect content "$(cat f)" 0123
	truncate -s 100000 f
	expect "size after growth" "$(size f)" 100000
	expect "zeros after the end" "$(tail -c 5 f | od -An -tx1 | tr -d ' \n')" 0000000000
	: >f
	expect "size after O_TRUNC" "$(size f)" 0
}

t_timestamps() {
	: >f
	touch -d "2001-02-03 04:05:06" f
	expect mtime "$(stat -c %y f | cut -c1-19)" "2001-02-03 04:05:06"
	expect atime "$(stat -c %x f | cut -c1-19)" "2001-02-03 04:05:06"
	# Moved to "now", whatever the clock says (a guest's may say 1970).
	echo more >>f
	[ "$(stat -c %Y f)" != 981173106 ] || {
		echo "mtime did not move on write"
		return 1
	}
	mkdir d
	touch -d "2001-02-03 04:05:06" d
	: >d/new
	[ "$(stat -c %Y d)" != 981173106 ] || {
		echo "directory mtime did not move on create"
		return 1
	}
}

t_chmod() {
	: >f
	chmod 640 f
	expect mode "$(mode f)" 640
	chmod u+x,g-r f
	expect "mode after u+x,g-r" "$(mode f)" 700
	mkdir d
	chmod 1777 d
	expect "sticky dir mode" "$(mode d)" 1777
}

t_umask() {
	(
		umask 027
		: >f
		mkdir d
	)
	expect "file mode" "$(mode f)" 640
	expect "dir mode" "$(mode d)" 750
}

t_chown() {
	: >f
	chown "$U:$U" f
	expect owner "$(owner f)" "$U:$U"
	chown 0:0 f
	expect "owner back" "$(owner f)" 0:0
}

t_perm_read() {
	echo secret >f
	chmod 600 f
	user_fails "reading a 600 root file" "cat $PWD/f"
	chmod 644 f
	user_ok "reading a 644 root file" "cat $PWD/f"
	user_fails "writing a 644 root file" "echo x >>$PWD/f"
}

t_perm_dir() {
	mkdir closed open
	chmod 755 closed
	chmod 777 open
	user_fails "creating in a 755 root dir" ": >$PWD/closed/f"
	user_ok "creating in a 777 dir" ": >$PWD/open/f"
	expect "new file's owner" "$(owner open/f)" "$U:$U"
	chmod 700 closed
	user_fails "listing a 700 root dir" "ls $PWD/closed"
}

t_perm_owner() {
	mkdir open
	chmod 777 open
	user_ok "creating a file" ": >$PWD/open/mine"
	user_ok "chmod of an own file" "chmod 600 $PWD/open/mine"
	expect "mode set by its owner" "$(mode open/mine)" 600
	: >open/roots
	user_fails "chmod of root's file" "chmod 666 $PWD/open/roots"
	user_fails "chown to root" "chown 0 $PWD/open/mine"
}

# A directory its owner may read but not search (0600) still opens for
# reading: its names list.
t_dir_read_no_search() {
	mkdir open
	chmod 777 open
	user_ok "a directory of its own, 0600" "mkdir $PWD/open/d && : >$PWD/open/d/n && chmod 600 $PWD/open/d"
	# busybox ls stats each name, which needs search: fsops only reads
	if [ -n "$HAVE_FSOPS" ]; then lister="fsops names"; else lister=ls; fi
	expect "names of a 0600 dir" "$(as_user "$lister $PWD/open/d")" n
}

# A user who may write a setuid/setgid file (not its own) writes it; the
# bits go, as on a local file system.
t_write_clears_setuid() {
	echo x >f
	chmod 6777 f
	user_ok "writing a setuid file it may write" "echo y >>$PWD/f"
	expect content "$(cat f)" "x
y"
	expect "mode after a write by another user" "$(mode f)" 777
}

# touch (utimensat UTIME_NOW) by a user who may write the file but does
# not own it.
t_touch_by_writer() {
	: >f
	chmod 666 f
	touch -d "2001-02-03 04:05:06" f
	user_ok "touching a file it may write" "touch $PWD/f"
	[ "$(stat -c %Y f)" != 981173106 ] || {
		echo "mtime did not move on touch"
		return 1
	}
}

t_sticky() {
	mkdir s
	chmod 1777 s
	: >s/roots
	chmod 666 s/roots
	user_fails "deleting root's file in a sticky dir" "rm -f $PWD/s/roots"
	user_ok "creating in a sticky dir" ": >$PWD/s/mine"
	user_ok "deleting an own file in a sticky dir" "rm $PWD/s/mine"
}

t_setgid_dir() {
	mkdir g
	chown 0:4321 g
	chmod 2777 g
	user_ok "creating in a setgid dir" ": >$PWD/g/f"
	expect "inherited group" "$(stat -c %g g/f)" 4321
}

t_mkdir_rmdir() {
	mkdir -p a/b/c
	fails "rmdir of a non-empty dir" rmdir a
	rmdir a/b/c a/b a
	[ ! -e a ] || { echo "a still exists"; return 1; }
	fails "mkdir over a file" sh -c ': >f; mkdir f'
}

t_fifo() {
	mkfifo p
	[ -p p ] || { echo "p is no fifo"; return 1; }
}

# Device nodes (a mapped share keeps them; POSIX_DEVICES=1 asks for the
# check): any major:minor, with their type and rdev; FIFOs and sockets.
t_devices() {
	mknod c c 1 3
	mknod b b 8 17
	mknod big c 4095 1048575
	expect "char device" "$(stat -c '%F %t:%T' c)" "character special file 1:3"
	expect "block device" "$(stat -c '%F %t:%T' b)" "block special file 8:11"
	expect "large numbers" "$(stat -c '%t:%T' big)" "fff:fffff"
	mknod p p
	[ -p p ] || { echo "p is no fifo"; return 1; }
	chown "$U:$U" c
	chmod 620 c
	expect "device owner and mode" "$(owner c):$(mode c)" "$U:$U:620"
	expect "rdev after chmod" "$(stat -c '%t:%T' c)" "1:3"
}

t_xattr() {
	: >f
	xset f user.turtle shell
	expect value "$(xget f user.turtle)" shell
	xset f user.turtle replaced
	expect value "$(xget f user.turtle)" replaced
	xdel f user.turtle
	fails "reading a removed xattr" xget f user.turtle
	fails "removing it again" xdel f user.turtle
}

# A lock holder, started in the background with the lock, runs HOLD: it
# creates ./held and keeps the lock until ./release exists.
# held PID: wait until holder PID has the lock (it made ./held).
# release PID: tell holder PID to let go, and wait for it to end.
HOLD=': >held; while [ ! -e release ]; do sleep 0.1; done'
held() {
	while [ ! -e held ]; do
		[ -z "${1:-}" ] || kill -0 "$1" 2>/dev/null ||
			{ echo "the holder never took the lock"; return 1; }
		sleep 0.1
	done
}
release() {
	: >release
	wait "$1"
}

t_flock() {
	: >f
	flock_t f sh -c "$HOLD" &
	holder=$!
	held $holder
	fails "flock -n on a held lock" tryflock f
	release $holder
	tryflock f || { echo "flock -n after release failed"; return 1; }
}

# POSIX record locks (fcntl), which belong to a process: while one
# process holds a write lock on the whole file, another sees it with
# F_GETLK and cannot take it with F_SETLK; once the holder exits it can.
t_posix_lock() {
	: >f
	fsops lock f sh -c "$HOLD" &
	holder=$!
	held $holder
	expect "F_GETLK while held" "$(fsops getlk f)" locked
	fails "F_SETLK on a held lock" fsops trylock f
	release $holder
	expect "F_GETLK after the holder exited" "$(fsops getlk f)" unlocked
	fsops trylock f || { echo "F_SETLK after release failed"; return 1; }
}

mkdir -p "$W" && chmod 755 "$W" || {
	echo "POSIX-FAIL setup cannot make $W"
	echo "POSIX-DONE pass=0 fail=1 skip=0"
	exit 1
}
if [ -n "$AS" ] && ! as_user "ls $W" >"$W.log" 2>&1; then
	echo "POSIX-SKIP user uid $U cannot reach $W ($AS: $(tail -n 1 "$W.log"))"
	AS=
fi
echo "POSIX-AS ${AS:-none}"

run write_read
run noclobber
run many_entries
run unlink_open_file
run rename_over_file
run rename_dir_over_empty_dir rename
run rename_dir_over_nonempty_dir rename
run rename_file_over_dir rename
run rename_dir_into_itself
run hard_links
run symlinks
run truncate
run timestamps
run chmod
run umask
run chown
run perm_read user
run perm_dir user
run perm_owner user
run sticky user
run dir_read_no_search user
run write_clears_setuid user
run touch_by_writer user
run setgid_dir user
run mkdir_rmdir
run fifo
[ "${POSIX_DEVICES:-0}" = 1 ] && run devices
run xattr xattr
run flock flock
run posix_lock fsops

rm -rf "$W" "$W.log"
echo "POSIX-DONE pass=$PASS fail=$FAIL skip=$SKIP"
[ $FAIL = 0 ]
