// SPDX-License-Identifier: GPL-2.0
/*
 * --reboot: a guest reset boots the guest again.
 *
 * Each boot runs in a child process forked from a parent that has done
 * nothing yet but parse the command line: the child opens /dev/kvm,
 * allocates guest RAM, starts devices and shares, drops its privileges
 * and installs its seccomp filters exactly as a turtle without --reboot
 * would. When the guest resets, the child exits with REBOOT_STATUS and
 * all of its state (vCPUs, the vGIC, device queues, vsock connections,
 * FUSE sessions, image locks) goes with it; the parent forks the next
 * boot from the same pristine state. Any other end (power off, an error,
 * a signal) ends the parent too, with the child's status.
 *
 * The parent stays small and holds no guest resources. It keeps the
 * privileges it started with (each child needs them to set itself up) and
 * waits; the only thing a guest can make it do is fork again. It forwards
 * the signals that stop or query a turtle to the child, and puts the
 * terminal back as it found it if a child died without doing so.
 */
#include "reboot.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "../lib/log.h"

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1 };
static volatile pid_t child;

static void reboot__forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

static void reboot__set_handlers(void (*handler)(int), sigset_t *set)
{
	struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_RESTART };
	unsigned int i;

	sigemptyset(&sa.sa_mask);
	sigemptyset(set);
	for (i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++) {
		sigaction(forwarded[i], &sa, NULL);
		sigaddset(set, forwarded[i]);
	}
}

/* Wait for the child; its status as turtle's exit status. */
static int reboot__wait(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			pr_err("--reboot: waiting for the guest's process: %s",
			       strerror(errno));
			return 1;
		}
	}
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

int reboot__supervise(const struct run_opts *o,
		      int (*run)(const struct run_opts *o))
{
	struct termios term;
	int have_term =
		isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &term) == 0;
	unsigned int boot;
	sigset_t set, old;
	int status;

	reboot__set_handlers(reboot__forward, &set);
	for (boot = 1;; boot++) {
		pid_t pid;

		/* A signal between fork and child = pid waits, not lost. */
		sigprocmask(SIG_BLOCK, &set, &old);
		fflush(NULL);
		pid = fork();
		if (pid < 0) {
			sigprocmask(SIG_SETMASK, &old, NULL);
			pr_err("--reboot: cannot start boot %u: %s", boot,
			       strerror(errno));
			return 1;
		}
		if (pid == 0) {
			reboot__set_handlers(SIG_DFL, &set);
			sigprocmask(SIG_SETMASK, &old, NULL);
			exit(run(o));
		}
		child = pid;
		sigprocmask(SIG_SETMASK, &old, NULL);
		status = reboot__wait(pid);
		child = 0;
		if (have_term)
			tcsetattr(STDIN_FILENO, TCSANOW, &term);
		if (status != REBOOT_STATUS)
			return status;
		pr_info("the guest reset: booting it again (boot %u)",
			boot + 1);
	}
}
