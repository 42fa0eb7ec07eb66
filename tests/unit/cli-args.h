/* SPDX-License-Identifier: GPL-2.0 */
/* The cli tests' command lines: cli__parse_run on literal arguments. */
#ifndef TURTLE_TESTS_UNIT_CLI_ARGS_H
#define TURTLE_TESTS_UNIT_CLI_ARGS_H

#include "../../vmm/cli.h"

/* cli__parse_run on argv, which ends with NULL. */
enum cli_result cli_args__parse(const char **argv, struct run_opts *o,
				char *err);

/* parse(&o, err, "--kernel", "k"): `turtle run --kernel k` parsed. */
#define parse(o, err, ...)                                                   \
	cli_args__parse((const char *[]){ "run", ##__VA_ARGS__, NULL }, (o), \
			(err))

/*
 * accepted("--kernel", "k", ...): the options of a command line that is
 * accepted (CLI_OK).
 */
struct run_opts cli_args__accepted(const char **argv);
#define accepted(...) \
	cli_args__accepted((const char *[]){ "run", ##__VA_ARGS__, NULL })

/*
 * refused("why", "--kernel", "k", ...): the command line is refused
 * (CLI_ERROR) with a message that mentions why.
 */
void cli_args__refused(const char *why, const char **argv);
#define refused(why, ...) \
	cli_args__refused((why), (const char *[]){ "run", ##__VA_ARGS__, NULL })

#endif
