// SPDX-License-Identifier: GPL-2.0
/*
 * fsops: single file-system calls from the shell, for posix.sh in guests
 * whose static busybox has no `mv -T`, `setfattr`/`getfattr` or a tool
 * for POSIX record locks. Each subcommand is one system call (lock: two),
 * so a check that uses it tests exactly that call.
 *
 *   fsops rename OLD NEW            rename(2): OLD becomes NEW, never
 *                                   "into" a directory NEW (mv -T)
 *   fsops setxattr FILE NAME VALUE  setxattr(2)
 *   fsops getxattr FILE NAME        getxattr(2), the value on stdout
 *   fsops removexattr FILE NAME     removexattr(2)
 *   fsops listxattr FILE            listxattr(2), a name per line
 *   fsops lock FILE CMD [ARG...]    an exclusive POSIX lock on all of FILE
 *                                   (fcntl F_SETLKW), held while CMD runs:
 *                                   fsops becomes CMD (exec keeps the lock)
 *   fsops trylock FILE              fcntl F_SETLK: status 0 if the lock
 *                                   was free (it is released at once), 1
 *                                   if another process holds it
 *   fsops getlk FILE                fcntl F_GETLK: "unlocked", or "locked"
 *                                   if another process holds a lock
 *   fsops flock FILE CMD [ARG...]   flock(2) LOCK_EX on FILE, held while
 *                                   CMD runs (fsops becomes CMD)
 *   fsops tryflock FILE             flock(2) LOCK_EX | LOCK_NB: status 0
 *                                   if it was free, 1 if held elsewhere
 *   fsops names DIR                 open(2) O_RDONLY and getdents: the
 *                                   names but . and .., a line each, and
 *                                   nothing else (busybox ls stats each)
 *
 * Errors: "fsops: OP PATH: reason" on stderr and status 1; a bad command
 * line, status 2.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/xattr.h>
#include <unistd.h>

#define XATTR_BUF 65536

static int fail(const char *op, const char *path)
{
	fprintf(stderr, "fsops: %s %s: %s\n", op, path, strerror(errno));
	return 1;
}

static int open_rw(const char *op, const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		fail(op, path);
	return fd;
}

static struct flock whole_file(short type)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET };

	return fl;
}

/* lock and flock: take the lock, then become CMD, which keeps it. */
static int do_lock(const char *op, char **argv)
{
	struct flock fl = whole_file(F_WRLCK);
	int fd = open_rw(op, argv[0]);

	if (fd < 0)
		return 1;
	if (!strcmp(op, "flock") ? flock(fd, LOCK_EX) < 0
				 : fcntl(fd, F_SETLKW, &fl) < 0)
		return fail(op, argv[0]);
	/* fd stays open across exec (no FD_CLOEXEC), and with it the lock. */
	if (fcntl(fd, F_SETFD, 0) < 0)
		return fail(op, argv[0]);
	execvp(argv[1], argv + 1);
	return fail("exec", argv[1]);
}

static int do_trylock(const char *op, const char *path)
{
	struct flock fl = whole_file(F_WRLCK);
	int fd = open_rw(op, path);

	if (fd < 0)
		return 1;
	if (!strcmp(op, "tryflock") ? flock(fd, LOCK_EX | LOCK_NB) < 0
				    : fcntl(fd, F_SETLK, &fl) < 0) {
		if (errno == EAGAIN || errno == EACCES || errno == EWOULDBLOCK)
			return 1; /* held elsewhere */
		return fail(op, path);
	}
	close(fd);
	return 0;
}

static int do_getlk(const char *path)
{
	struct flock fl = whole_file(F_WRLCK);
	int fd = open_rw("getlk", path);

	if (fd < 0)
		return 1;
	if (fcntl(fd, F_GETLK, &fl) < 0)
		return fail("getlk", path);
	puts(fl.l_type == F_UNLCK ? "unlocked" : "locked");
	close(fd);
	return 0;
}

static int do_xattr(const char *op, char **argv, int argc)
{
	static char buf[XATTR_BUF];
	ssize_t n, i;

	if (!strcmp(op, "setxattr") && argc == 3) {
		if (setxattr(argv[0], argv[1], argv[2], strlen(argv[2]), 0))
			return fail(op, argv[0]);
	} else if (!strcmp(op, "getxattr") && argc == 2) {
		n = getxattr(argv[0], argv[1], buf, sizeof(buf));
		if (n < 0)
			return fail(op, argv[0]);
		fwrite(buf, 1, (size_t)n, stdout);
		putchar('\n');
	} else if (!strcmp(op, "removexattr") && argc == 2) {
		if (removexattr(argv[0], argv[1]))
			return fail(op, argv[0]);
	} else if (!strcmp(op, "listxattr") && argc == 1) {
		n = listxattr(argv[0], buf, sizeof(buf));
		if (n < 0)
			return fail(op, argv[0]);
		for (i = 0; i < n; i += (ssize_t)strlen(buf + i) + 1)
			puts(buf + i);
	} else {
		return -1;
	}
	return 0;
}

static int do_names(const char *path)
{
	struct dirent *d;
	DIR *dir = opendir(path);

	if (!dir)
		return fail("names", path);
	while ((errno = 0, d = readdir(dir)))
		if (strcmp(d->d_name, ".") && strcmp(d->d_name, ".."))
			puts(d->d_name);
	if (errno)
		return fail("names", path);
	closedir(dir);
	return 0;
}

int main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";
	int n = argc - 2, ret;

	argv += 2;
	if (!strcmp(op, "rename") && n == 2)
		return rename(argv[0], argv[1]) ? fail(op, argv[0]) : 0;
	if ((!strcmp(op, "lock") || !strcmp(op, "flock")) && n >= 2)
		return do_lock(op, argv);
	if ((!strcmp(op, "trylock") || !strcmp(op, "tryflock")) && n == 1)
		return do_trylock(op, argv[0]);
	if (!strcmp(op, "getlk") && n == 1)
		return do_getlk(argv[0]);
	if (!strcmp(op, "names") && n == 1)
		return do_names(argv[0]);
	if (strstr(op, "xattr") && (ret = do_xattr(op, argv, n)) >= 0)
		return ret;
	fprintf(stderr,
		"usage: fsops rename OLD NEW | setxattr FILE NAME VALUE |\n"
		"       getxattr FILE NAME | removexattr FILE NAME | listxattr FILE |\n"
		"       lock FILE CMD [ARG...] | trylock FILE | getlk FILE |\n"
		"       flock FILE CMD [ARG...] | tryflock FILE | names DIR\n");
	return 2;
}
