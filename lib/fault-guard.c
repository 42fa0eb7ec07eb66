// SPDX-License-Identifier: GPL-2.0
/* See fault-guard.h. */
#include "fault-guard.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

/* This thread's way back while it runs a guarded call, else NULL. */
static __thread sigjmp_buf *volatile active;
static __thread void *volatile fault_addr;
static struct sigaction prev;
static int wanted;

static void fault_guard__handler(int sig, siginfo_t *si, void *uc)
{
	sigjmp_buf *jb = active;

	if (jb && si->si_code > 0) { /* a fault, not a kill or tgkill */
		active = NULL;
		fault_addr = si->si_addr;
		siglongjmp(*jb, 1);
	}
	if (prev.sa_flags & SA_SIGINFO)
		prev.sa_sigaction(sig, si, uc);
	else if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN)
		prev.sa_handler(sig);
	/* A sent SIGBUS: end as it would. */
	if (si->si_code <= 0)
		_exit(128 + SIGBUS);
	/* A fault: it happens again once this returns, SIGBUS blocked. */
	sigaddset(&((ucontext_t *)uc)->uc_sigmask, SIGBUS);
}

int fault_guard__install(void)
{
	struct sigaction sa = { .sa_sigaction = fault_guard__handler,
				.sa_flags = SA_SIGINFO };
	struct sigaction cur;

	wanted = 1;
	if (sigaction(SIGBUS, NULL, &cur) < 0)
		return -1;
	if ((cur.sa_flags & SA_SIGINFO) &&
	    cur.sa_sigaction == fault_guard__handler)
		return 0;
	/* SIGBUS stays blocked in the handler: see fault-guard.h. */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL) < 0)
		return -1;
	prev = cur;
	return 0;
}

int fault_guard__thread(void)
{
	sigset_t bus;

	sigemptyset(&bus);
	sigaddset(&bus, SIGBUS);
	return pthread_sigmask(SIG_UNBLOCK, &bus, NULL) ? -1 : 0;
}

int fault_guard__wanted(void)
{
	return wanted;
}

int fault_guard__call(void (*fn)(void *), void *arg, void **addr)
{
	sigjmp_buf jb;

	/* 0: no mask saved here, so no system call on the way in. */
	if (sigsetjmp(jb, 0)) {
		/* Out of the handler by a jump: SIGBUS is still blocked. */
		fault_guard__thread();
		if (addr)
			*addr = fault_addr;
		return -1;
	}
	active = &jb;
	fn(arg);
	active = NULL;
	return 0;
}
