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

/* argv as one line, for a failure's message. */
static const char *line_of(const char **argv)
{
	static char line[512];
	int i;

	line[0] = '\0';
	for (i = 0; argv[i]; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
			 "%s%s", i ? " " : "", argv[i]);
	return line;
}

struct run_opts cli_args__accepted(const char **argv)
{
	char err[ERRBUF_LEN] = "";
	struct run_opts o;

	ck_assert_msg(cli_args__parse(argv, &o, err) == CLI_OK,
		      "'%s' refused: %s", line_of(argv), err);
	return o;
}

void cli_args__refused(const char *why, const char **argv)
{
	const char *line = line_of(argv);
	char err[ERRBUF_LEN] = "";
	struct run_opts o;
	ck_assert_msg(cli_args__parse(argv, &o, err) == CLI_ERROR,
		      "'%s' not refused", line);
	ck_assert_msg(strstr(err, why), "'%s': \"%s\" does not mention \"%s\"",
		      line, err, why);
}
