// SPDX-License-Identifier: GPL-2.0
/* The cli tests' command lines. */
#include "cli-args.h"

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
