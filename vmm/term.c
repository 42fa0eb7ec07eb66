// SPDX-License-Identifier: GPL-2.0
#include "term.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static struct termios saved;
static volatile sig_atomic_t is_raw;

void term__restore(void)
{
	if (is_raw) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
		is_raw = 0;
	}
}

/*
 * A fatal signal must not leave the terminal raw: restore, then die (the
 * handler is reset on entry, SA_RESETHAND, so no call changes it here:
 * a seccomp filter allows what raise needs, not sigaction).
 */
static void term__fatal(int sig)
{
	term__restore();
	raise(sig);
}

int term__raw(void)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
	struct sigaction sa = { .sa_handler = term__fatal,
				.sa_flags = SA_RESETHAND | SA_NODEFER };
	struct termios t;
	unsigned int i;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved) < 0)
		return 0;
	t = saved;
	cfmakeraw(&t);
	t.c_oflag |= OPOST | ONLCR;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) < 0)
		return 0;
	is_raw = 1;
	atexit(term__restore);
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		sigaction(fatal[i], &sa, NULL);
	return 1;
}
