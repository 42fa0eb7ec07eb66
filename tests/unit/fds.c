// SPDX-License-Identifier: GPL-2.0
#include "fds.h"

#include <check.h>
#include <dirent.h>
#include <fcntl.h>

int fds__count(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1; /* not the directory's own */
}

void fds__leave_free(int n, struct rlimit *old)
{
	struct rlimit low;
	int fd, free_fds = 0;

	/* New descriptors take the lowest free numbers. */
	for (fd = 0; free_fds < n; fd++)
		free_fds += fcntl(fd, F_GETFD) < 0;
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, old), 0);
	low = *old;
	low.rlim_cur = (rlim_t)fd;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
}
