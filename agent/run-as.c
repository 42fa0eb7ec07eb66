// SPDX-License-Identifier: GPL-2.0
#include "run-as.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/log.h"

static const char run_as_usage[] =
	"usage: turtle-agent run-as UID[:GID] [--] CMD [ARGS...]\n";

/* A decimal id from s up to stop (exclusive); -1 if it is none. */
static int parse_id(const char *s, const char *stop, unsigned int *id)
{
	unsigned long long v = 0;

	if (s == stop || stop - s > 10)
		return -1;
	for (; s < stop; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned int)(*s - '0');
	}
	if (v >= 0xffffffffULL) /* (uid_t)-1 means "unchanged" */
		return -1;
	*id = (unsigned int)v;
	return 0;
}

int agent_run_as__parse_ids(const char *spec, uid_t *uid, gid_t *gid, char *err)
{
	const char *colon = strchr(spec, ':');
	const char *end = spec + strlen(spec);
	unsigned int u, g;

	if (parse_id(spec, colon ? colon : end, &u) ||
	    (colon && parse_id(colon + 1, end, &g))) {
		errbuf_set(err,
			   "'%s' is not UID or UID:GID (numbers below "
			   "4294967295)",
			   spec);
		return -1;
	}
	*uid = u;
	*gid = colon ? g : u;
	return 0;
}

int agent_run_as__main(int argc, char **argv)
{
	char err[ERRBUF_LEN];
	uid_t uid;
	gid_t gid;
	int cmd = 2, e;

	if (argc > 2 && !strcmp(argv[2], "--"))
		cmd = 3;
	if (argc <= cmd) {
		fputs(run_as_usage, stderr);
		return 2;
	}
	if (agent_run_as__parse_ids(argv[1], &uid, &gid, err)) {
		fprintf(stderr, "turtle-agent: run-as: %s\n", err);
		return 2;
	}
	if (setgroups(0, NULL)) {
		fprintf(stderr,
			"turtle-agent: run-as: cannot drop the supplementary "
			"groups: %s\n",
			strerror(errno));
		return AGENT_RUN_AS_CANNOT;
	}
	if (setgid(gid)) {
		fprintf(stderr, "turtle-agent: run-as: cannot set gid %u: %s\n",
			(unsigned int)gid, strerror(errno));
		return AGENT_RUN_AS_CANNOT;
	}
	if (setuid(uid)) {
		fprintf(stderr, "turtle-agent: run-as: cannot set uid %u: %s\n",
			(unsigned int)uid, strerror(errno));
		return AGENT_RUN_AS_CANNOT;
	}
	execvp(argv[cmd], argv + cmd);
	e = errno;
	fprintf(stderr, "turtle-agent: run-as: %s: %s\n", argv[cmd],
		strerror(e));
	return e == ENOENT ? AGENT_RUN_AS_NOT_FOUND : AGENT_RUN_AS_CANNOT;
}
