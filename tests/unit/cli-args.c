// SPDX-License-Identifier: GPL-2.0
/* The cli tests' command lines. */
#include "cli-args.h"

#include <stdio.h>
#include <string.h>

#include "../../lib/log.h"
#include "suites.h"

/*
 * getopt wants char **, and may reorder the array (never the strings), so
 * the arguments go in a writable array of pointers to literals.
 */
enum cli_result cli_args__parse(const char **argv, struct run_opts *o,
				char *err)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	return cli__parse_run(argc, (char **)argv, o, err);
}

void cli_args__refused(const char *why, const char **argv)
{
	char err[ERRBUF_LEN] = "", line[512] = "";
	struct run_opts o;
	int i;

	for (i = 0; argv[i]; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
			 "%s%s", i ? " " : "", argv[i]);
	ck_assert_msg(cli_args__parse(argv, &o, err) == CLI_ERROR,
		      "'%s' not refused", line);
	ck_assert_msg(strstr(err, why), "'%s': \"%s\" does not mention \"%s\"",
		      line, err, why);
}
