// SPDX-License-Identifier: GPL-2.0
/*
 * In every thread's list: memory (glibc's malloc, whichever thread first
 * needs an arena, and thread stacks; never executable), locks, the clock,
 * leaving the thread, and what the SIGSYS handler (seccomp.c) and a crash
 * (term.c) need to report and stop: write, the terminal's restore (TCSETS,
 * TCGETS on stdin), a signal to turtle itself, exit_group.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "seccomp-rules.h"

static const struct seccomp_rule rules[] = {
	SC_ALLOW(write),
	SC_ALLOW(futex),
	SC_ALLOW_IF(mmap, SC_MASKED(2, PROT_EXEC, 0)),
	SC_ALLOW_IF(mprotect, SC_MASKED(2, PROT_EXEC, 0)),
	SC_ALLOW(munmap),
	SC_ALLOW(mremap), /* realloc of a large block */
	SC_ALLOW(madvise),
	SC_ALLOW(brk),
	SC_ALLOW(sched_getaffinity), /* malloc sizing its arenas */
	SC_ALLOW(clock_gettime),
	SC_ALLOW(rt_sigprocmask),
	SC_ALLOW(rt_sigreturn),
	SC_ALLOW(exit),
	SC_ALLOW(exit_group),
	/* term__restore: tcsetattr(STDIN_FILENO, TCSANOW), which glibc
	 * checks with a TCGETS */
	SC_ALLOW_IF2(ioctl, SC_EQ(0, STDIN_FILENO), SC_EQ(1, TCSETS)),
	SC_ALLOW_IF2(ioctl, SC_EQ(0, STDIN_FILENO), SC_EQ(1, TCGETS)),
	/* raise() after a crash: to turtle only */
	SC_ALLOW(getpid),
	{ .nr = SCMP_SYS(tgkill), .nargs = 1, .self_pid = 1 },
};

const struct seccomp_table seccomp_common = SECCOMP_TABLE(rules);
