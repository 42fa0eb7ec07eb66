// SPDX-License-Identifier: GPL-2.0
/*
 * A FUSE worker (fuse-vsock/): the share's host file system calls, always
 * relative to a directory fd (the share's root, an inode's O_PATH fd,
 * /proc/self/fd), under the request's fsuid and fsgid, with its own umask
 * (unshare(CLONE_FS)); replies go to the vsock device thread through
 * memory and an eventfd write. A SETLKW that waits adds a worker: the
 * pool's threads are made by workers (clone with glibc's thread flags
 * only; clone3's flags are in memory no filter can read, so it fails and
 * glibc falls back to clone), and the new thread sets up its TLS.
 */
#include <errno.h>
#include <sched.h>

#include "seccomp-rules.h"

/* glibc's pthread_create (nptl/pthread_create.c, create_thread). */
#define THREAD_CLONE_FLAGS                                                   \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SYSVSEM | CLONE_SIGHAND | \
	 CLONE_THREAD | CLONE_SETTLS | CLONE_PARENT_SETTID |                 \
	 CLONE_CHILD_CLEARTID)

static const struct seccomp_rule rules[] = {
	/* Files: open, read, write, sync, allocate. */
	SC_ALLOW(openat),
	SC_ALLOW(close),
	SC_ALLOW(read),
	SC_ALLOW(pread64),
	SC_ALLOW(pwrite64),
	SC_ALLOW(lseek),
	SC_ALLOW(getdents64),
	SC_ALLOW(copy_file_range),
	SC_ALLOW(fallocate),
	SC_ALLOW(ftruncate),
	SC_ALLOW(truncate),
	SC_ALLOW(fsync),
	SC_ALLOW(fdatasync),
	SC_ALLOW(syncfs),
	SC_ALLOW(fcntl),
	SC_ALLOW(flock),
	/* Metadata. */
	SC_ALLOW(fstat),
	SC_ALLOW(newfstatat),
	SC_ALLOW(fstatfs),
	SC_ALLOW(readlinkat),
	SC_ALLOW(fchmod),
	SC_ALLOW(fchmodat),
	SC_ALLOW(fchownat),
	SC_ALLOW(utimensat),
	SC_ALLOW(faccessat),
	SC_ALLOW(faccessat2),
	SC_ALLOW(getxattr),
	SC_ALLOW(setxattr),
	SC_ALLOW(fsetxattr), /* a mapped share's new entry */
	SC_ALLOW(listxattr),
	SC_ALLOW(removexattr),
	/* Names. */
	SC_ALLOW(mknodat),
	SC_ALLOW(mkdirat),
	SC_ALLOW(symlinkat),
	SC_ALLOW(linkat),
	SC_ALLOW(unlinkat),
	SC_ALLOW(renameat2),
	SC_ALLOW(renameat), /* glibc's renameat2 with no flags, on arm64 */
	/* Who asks: fsuid, fsgid and umask per request. */
	SC_ALLOW(setfsuid),
	SC_ALLOW(setfsgid),
	SC_ALLOW(geteuid),
	SC_ALLOW(getegid),
	SC_ALLOW(umask),
	/* A create or chown in a supplementary group (per thread, raw). */
	SC_ALLOW(getgroups),
	SC_ALLOW(setgroups),
	SC_ALLOW_IF(unshare, SC_EQ(0, CLONE_FS)),
	/* A new worker. */
	SC_ALLOW_IF(clone, SC_EQ(0, THREAD_CLONE_FLAGS)),
	SC_FAIL(clone3, ENOSYS),
	SC_ALLOW(set_robust_list),
	SC_ALLOW(rseq),
	/* A SETLKW polls the lock, sleeping in between (server-lock.c). */
	SC_ALLOW(clock_nanosleep),
};

const struct seccomp_table seccomp_fuse = SECCOMP_TABLE(rules);
