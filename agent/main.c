// SPDX-License-Identifier: GPL-2.0
/*
 * turtle-agent: turtle's helper inside a guest, one static binary with a
 * subcommand per service.
 *
 *   turtle-agent exec [--port N]   run commands for `turtle exec`
 *   turtle-agent mount [...] DIR    mount a directory the host shares
 *   turtle-agent run-as UID[:GID] -- CMD [ARGS...]
 *                                  run CMD as another uid and gid
 */
#include <stdio.h>
#include <string.h>

#include "exec.h"
#include "mount.h"
#include "run-as.h"

static const struct {
	const char *name;
	int (*main)(int argc, char **argv);
} commands[] = {
	{ "exec", agent_exec__main },
	{ "mount", agent_mount__main },
	{ "run-as", agent_run_as__main },
};

static const char usage[] =
	"usage: turtle-agent COMMAND [ARGS]\n"
	"\n"
	"Commands:\n"
	"  exec [--port N]   run commands sent by `turtle exec` on the host\n"
	"  mount [--tag NAME] [--conns N] [--ro] DIR\n"
	"                    mount a directory the host shares (--share)\n"
	"  run-as UID[:GID] [--] CMD [ARGS...]\n"
	"                    run CMD with that uid and gid (default: UID) and\n"
	"                    no supplementary groups; exit status 126 if that\n"
	"                    cannot be done, 127 if CMD is not found\n";

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2 || !strcmp(argv[1], "help") ||
	    !strcmp(argv[1], "--help")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].main(argc - 1, argv + 1);
	fprintf(stderr, "turtle-agent: unknown command '%s'\n", argv[1]);
	fputs(usage, stderr);
	return 2;
}
