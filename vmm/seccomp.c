// SPDX-License-Identifier: GPL-2.0
#include "seccomp.h"

#include <errno.h>
#include <seccomp.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "term.h"

/*
 * What the VMM does after setup: KVM ioctls, the console, threads, memory,
 * and the block devices' file I/O.
 */
static const int allowed[] = {
	SCMP_SYS(read),
	SCMP_SYS(write),
	SCMP_SYS(readv),
	SCMP_SYS(writev),
	SCMP_SYS(pread64),
	SCMP_SYS(pwrite64),
	SCMP_SYS(preadv),
	SCMP_SYS(pwritev),
	SCMP_SYS(preadv2),
	SCMP_SYS(pwritev2),
	SCMP_SYS(fallocate),
	SCMP_SYS(ioctl),
	SCMP_SYS(close),
	SCMP_SYS(epoll_pwait),
	SCMP_SYS(epoll_ctl),
	SCMP_SYS(epoll_create1),
	SCMP_SYS(ppoll),
	SCMP_SYS(futex),
	SCMP_SYS(clone),
	SCMP_SYS(clone3),
	SCMP_SYS(set_robust_list),
	SCMP_SYS(rseq),
	SCMP_SYS(exit),
	SCMP_SYS(exit_group),
	SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigaction),
	SCMP_SYS(tgkill),
	SCMP_SYS(getpid),
	SCMP_SYS(gettid),
	SCMP_SYS(mmap),
	SCMP_SYS(munmap),
	SCMP_SYS(mprotect),
	SCMP_SYS(madvise),
	SCMP_SYS(brk),
	SCMP_SYS(clock_gettime),
	SCMP_SYS(clock_nanosleep),
	SCMP_SYS(nanosleep),
	SCMP_SYS(sched_yield),
	/* glibc's malloc, sizing arenas for a new thread (FUSE workers) */
	SCMP_SYS(sched_getaffinity),
	SCMP_SYS(fstat),
	SCMP_SYS(newfstatat),
	SCMP_SYS(fsync),
	SCMP_SYS(fdatasync),
	SCMP_SYS(eventfd2),
	SCMP_SYS(timerfd_settime), /* the RTC's alarm */
	/* virtio-vsock's host Unix sockets */
	SCMP_SYS(socket),
	SCMP_SYS(connect),
	SCMP_SYS(accept4),
	SCMP_SYS(sendmsg),
	SCMP_SYS(shutdown),
	SCMP_SYS(getsockopt),
	/* --share: the FUSE server's host filesystem calls (fuse-vsock/) */
	SCMP_SYS(openat),
	SCMP_SYS(fstatfs),
	SCMP_SYS(readlinkat),
	SCMP_SYS(symlinkat),
	SCMP_SYS(mknodat),
	SCMP_SYS(mkdirat),
	SCMP_SYS(unlinkat),
	SCMP_SYS(renameat2),
	SCMP_SYS(linkat),
	SCMP_SYS(fchmod),
	SCMP_SYS(fchmodat),
	SCMP_SYS(fchownat),
	SCMP_SYS(ftruncate),
	SCMP_SYS(truncate),
	SCMP_SYS(utimensat),
	SCMP_SYS(faccessat),
	SCMP_SYS(faccessat2),
	SCMP_SYS(lseek),
	SCMP_SYS(getdents64),
	SCMP_SYS(copy_file_range),
	SCMP_SYS(syncfs),
	SCMP_SYS(fcntl),
	SCMP_SYS(flock),
	SCMP_SYS(setxattr),
	SCMP_SYS(getxattr),
	SCMP_SYS(listxattr),
	SCMP_SYS(removexattr),
	SCMP_SYS(setfsuid),
	SCMP_SYS(setfsgid),
	SCMP_SYS(geteuid),
	SCMP_SYS(getegid),
	SCMP_SYS(unshare),
	SCMP_SYS(umask),
};

/* SIGSYS: name the forbidden call instead of dying silently. */
static void seccomp__sigsys(int sig, siginfo_t *si, void *uc)
{
	static const char msg[] = "\nturtle: blocked by seccomp: system call ";
	char num[24];
	int n = sizeof(num), nr = si->si_syscall;

	(void)sig;
	(void)uc;
	term__restore();
	num[--n] = '\n';
	do {
		num[--n] = (char)('0' + nr % 10);
		nr /= 10;
	} while (nr && n > 0);
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0 ||
	    write(STDERR_FILENO, num + n, sizeof(num) - (size_t)n) < 0)
		_exit(1);
	_exit(1);
}

int seccomp__install(void)
{
	struct sigaction sa = { .sa_sigaction = seccomp__sigsys,
				.sa_flags = SA_SIGINFO };
	scmp_filter_ctx ctx;
	unsigned int i;
	int ret;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSYS, &sa, NULL);

	ctx = seccomp_init(SCMP_ACT_TRAP);
	if (!ctx) {
		pr_err("seccomp_init failed");
		return -1;
	}
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
		if (ret < 0) {
			pr_err("seccomp rule for call %d: %s", allowed[i],
			       strerror(-ret));
			seccomp_release(ctx);
			return -1;
		}
	}
	ret = seccomp_load(ctx);
	seccomp_release(ctx);
	if (ret < 0) {
		pr_err("seccomp_load: %s (run with --no-seccomp to skip the filter)",
		       strerror(-ret));
		return -1;
	}
	return 0;
}
