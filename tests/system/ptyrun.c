// SPDX-License-Identifier: GPL-2.0
/*
 * ptyrun: run a command on a fresh pseudo-terminal, as a user at a
 * terminal would, to test turtle's console handling.
 *
 *   ptyrun MARKER -- COMMAND [ARGS...]
 *
 * Copies the command's output to stdout. Once MARKER appears in it, checks
 * that the terminal is in raw mode and types Ctrl-C (the byte 0x03, which
 * a terminal that is not raw turns into SIGINT for its foreground job);
 * once the guest has echoed it ("^C": it went through), or the command
 * has exited, it looks whether the command still runs, and types turtle's
 * escape, Ctrl-A x. When the command has exited, compares the
 * terminal's modes with those before it started. Reports on stdout:
 *   PTYRUN raw-while-running yes|no
 *   PTYRUN alive-after-ctrl-c yes|no
 *   PTYRUN restored yes|no
 *   PTYRUN status N          (exit status, or 128+signal)
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int same_modes(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag &&
	       a->c_lflag == b->c_lflag && a->c_cflag == b->c_cflag;
}

/* Append buf to the window seen[] (size cap), keeping its newest part. */
static void remember(char *seen, size_t cap, size_t *len, const char *buf,
		     size_t n)
{
	if (n >= cap / 2) {
		buf += n - cap / 2 + 1;
		n = cap / 2 - 1;
	}
	if (*len + n >= cap) {
		size_t keep = cap / 2 - 1 - n;

		if (keep > *len)
			keep = *len;
		memmove(seen, seen + *len - keep, keep);
		*len = keep;
	}
	memcpy(seen + *len, buf, n);
	*len += n;
	seen[*len] = '\0';
}

int main(int argc, char **argv)
{
	struct termios before, during, after;
	char buf[4096], seen[16384] = "";
	int master, slave, status, raw = 0, typed = 0, alive = 0;
	int ctrl_c = 0; /* typed Ctrl-C; seen[] now collects what follows */
	size_t seen_len = 0;
	const char *marker;
	pid_t pid;

	if (argc < 4 || strcmp(argv[2], "--")) {
		fprintf(stderr, "usage: ptyrun MARKER -- COMMAND [ARGS...]\n");
		return 2;
	}
	marker = argv[1];
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master)) {
		perror("ptyrun: posix_openpt");
		return 1;
	}
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	if (slave < 0 || tcgetattr(slave, &before)) {
		perror("ptyrun: slave");
		return 1;
	}

	pid = fork();
	if (pid == 0) {
		setsid();
		ioctl(slave, TIOCSCTTY, 0);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		close(master);
		close(slave);
		execvp(argv[3], argv + 3);
		_exit(127);
	}

	for (;;) {
		struct pollfd p = { .fd = master, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 200) > 0) {
			n = read(master, buf, sizeof(buf));
			if (n > 0) {
				fwrite(buf, 1, (size_t)n, stdout);
				fflush(stdout);
				if (!typed)
					remember(seen, sizeof(seen), &seen_len,
						 buf, (size_t)n);
			}
		}
		if (!ctrl_c && strstr(seen, marker)) {
			tcgetattr(slave, &during);
			raw = !(during.c_lflag & ICANON) &&
			      !(during.c_lflag & ECHO);
			if (write(master, "\x03", 1) != 1)
				perror("ptyrun: typing Ctrl-C");
			ctrl_c = 1;
			seen_len = 0;
			seen[0] = '\0';
		}
		if (ctrl_c && !typed && strstr(seen, "^C")) {
			alive = waitpid(pid, &status, WNOHANG) == 0;
			if (alive && write(master, "\x01x", 2) != 2)
				perror("ptyrun: typing Ctrl-A x");
			typed = 1;
			if (!alive)
				break;
		}
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
	}
	tcgetattr(slave, &after);
	printf("\nPTYRUN raw-while-running %s\n", raw ? "yes" : "no");
	printf("PTYRUN alive-after-ctrl-c %s\n", alive ? "yes" : "no");
	printf("PTYRUN restored %s\n",
	       same_modes(&before, &after) ? "yes" : "no");
	printf("PTYRUN status %d\n", WIFEXITED(status)
					     ? WEXITSTATUS(status)
					     : 128 + WTERMSIG(status));
	return 0;
}
