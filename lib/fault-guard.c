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

/*
 * The access that raised it faults again if run again. Not so for a SIGBUS
 * sent (si_code <= 0) or a memory error report (BUS_MCEERR_AO, sent
 * whenever; BUS_MCEERR_AR as KVM sends it, unforced, to a vCPU thread):
 * returning from those with SIGBUS blocked would go on as if nothing came.
 */
static int refaults(const siginfo_t *si)
{
	return si->si_code == BUS_ADRALN || si->si_code == BUS_ADRERR ||
	       si->si_code == BUS_OBJERR;
}

static void fault_guard__handler(int sig, siginfo_t *si, void *uc)
{
	sigjmp_buf *jb = active;

	/* A fault in the guarded copy (a poisoned page's BUS_MCEERR_AR too) */
	if (jb && (refaults(si) || si->si_code == BUS_MCEERR_AR)) {
		active = NULL;
		fault_addr = si->si_addr;
		siglongjmp(*jb, 1);
	}
	if (prev.sa_flags & SA_SIGINFO)
		prev.sa_sigaction(sig, si, uc);
	else if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN)
		prev.sa_handler(sig);
	/* Sent, or a memory error report: end as the default action would. */
	if (!refaults(si))
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
