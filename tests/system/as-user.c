// SPDX-License-Identifier: GPL-2.0
/*
 * as-user UID:GID[:G1,G2,...] CMD [ARGS...]: run CMD with these ids and
 * exactly these supplementary groups (none without the third field). The
 * privs case starts turtle with it as an ordinary user, and as root with
 * groups [0, 10] (as sudo or a root login would leave them).
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_GROUPS 16

static int parse_id(const char *s, char **end, unsigned int *id)
{
	unsigned long v;

	errno = 0;
	v = strtoul(s, end, 10);
	if (errno || *end == s || v >= 0xffffffffUL)
		return -1;
	*id = (unsigned int)v;
	return 0;
}

int main(int argc, char **argv)
{
	gid_t groups[MAX_GROUPS];
	unsigned int uid, gid, g;
	size_t ngroups = 0;
	char *p;

	if (argc < 3 || parse_id(argv[1], &p, &uid) || *p != ':' ||
	    parse_id(p + 1, &p, &gid) || (*p && *p != ':'))
		goto usage;
	if (*p == ':') {
		do {
			if (ngroups == MAX_GROUPS || parse_id(p + 1, &p, &g))
				goto usage;
			groups[ngroups++] = g;
		} while (*p == ',');
		if (*p)
			goto usage;
	}
	if (setgroups(ngroups, groups) || setgid(gid) || setuid(uid)) {
		fprintf(stderr, "as-user: %s\n", strerror(errno));
		return 126;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "as-user: %s: %s\n", argv[2], strerror(errno));
	return 127;
usage:
	fputs("usage: as-user UID:GID[:G1,G2,...] CMD [ARGS...]\n", stderr);
	return 2;
}
