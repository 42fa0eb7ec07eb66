// SPDX-License-Identifier: GPL-2.0
/* `turtle exec` options. Pure, so the unit tests can drive it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../fuse-vsock/ports.h"
#include "exec.h"
#include "../lib/log.h"

const char exec__usage[] =
	"usage: turtle exec SOCKET [options] [--] COMMAND [ARGS...]\n"
	"\n"
	"Run COMMAND in a running guest and wait for it. SOCKET is the Unix\n"
	"socket of turtle's --vsock CID,SOCKET; the guest must run\n"
	"`turtle-agent exec`. The command's stdout and stderr come out on\n"
	"turtle's, turtle's stdin goes to the command (use </dev/null when\n"
	"there is none), and SIGINT, SIGTERM, SIGHUP and SIGQUIT are passed on\n"
	"to it. Options go before COMMAND:\n"
	"\n"
	"      --port N          the agent's vsock port (default 7000)\n"
	"      --timeout S       give up after S seconds, killing the command\n"
	"      --cwd DIR         run the command in DIR\n"
	"      --env NAME=VALUE  set a variable for the command (repeatable)\n"
	"  -h, --help            this text\n"
	"\n"
	"Exit status: the command's (128+N if signal N killed it, 127 if it\n"
	"was not found, 126 if it could not run); 2 on a command-line error,\n"
	"124 if --timeout passed, 255 if the guest could not be reached or the\n"
	"connection broke.\n";

static int parse_uint(const char *s, unsigned long long max,
		      unsigned long long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end || *v > max ? -1 : 0;
}

/*
 * The option at argv[*i]: its value is after '=' or the next argument.
 * Returns the value, or NULL if the option is not name.
 */
static const char *opt_value(int argc, char **argv, int *i, const char *name,
			     int *missing)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, n))
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n])
		return NULL;
	if (*i + 1 >= argc) {
		*missing = 1;
		return NULL;
	}
	return argv[++*i];
}

static int parse_option(int argc, char **argv, int *i, struct exec_opts *o,
			char *err)
{
	const char *opt = argv[*i], *v;
	unsigned long long n;
	int missing = 0;

	if ((v = opt_value(argc, argv, i, "--port", &missing))) {
		if (parse_uint(v, 0xfffffffeULL, &n)) {
			errbuf_set(err,
				   "exec: bad --port '%s' (0 to 4294967294)",
				   v);
			return -1;
		}
		o->port = (uint32_t)n;
	} else if ((v = opt_value(argc, argv, i, "--timeout", &missing))) {
		if (parse_uint(v, EXEC_MAX_TIMEOUT, &n) || !n) {
			errbuf_set(err,
				   "exec: bad --timeout '%s' (1 to %d seconds)",
				   v, EXEC_MAX_TIMEOUT);
			return -1;
		}
		o->timeout_s = (unsigned int)n;
	} else if ((v = opt_value(argc, argv, i, "--cwd", &missing))) {
		if (!*v) {
			errbuf_set(err, "exec: empty --cwd");
			return -1;
		}
		o->cwd = v;
	} else if ((v = opt_value(argc, argv, i, "--env", &missing))) {
		if (!strchr(v, '=') || *v == '=') {
			errbuf_set(err, "exec: bad --env '%s' (NAME=VALUE)", v);
			return -1;
		}
		if (o->nenv == EXEC_MAX_ENV) {
			errbuf_set(err, "exec: more than %d --env",
				   EXEC_MAX_ENV);
			return -1;
		}
		o->env[o->nenv++] = v;
	} else if (missing) {
		errbuf_set(err, "exec: option '%s' needs a value", opt);
		return -1;
	} else {
		errbuf_set(err,
			   "exec: unknown option '%s' (see turtle exec --help)",
			   opt);
		return -1;
	}
	return 0;
}

enum cli_result exec__parse(int argc, char **argv, struct exec_opts *o,
			    char *err)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->port = TURTLE_EXEC_PORT;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return CLI_HELP;
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] == '-' && a[1]) {
			if (parse_option(argc, argv, &i, o, err))
				return CLI_ERROR;
			continue;
		}
		if (o->socket)
			break; /* the command starts here */
		o->socket = a;
	}
	if (!o->socket) {
		errbuf_set(err,
			   "exec: no socket (turtle exec SOCKET -- COMMAND)");
		return CLI_ERROR;
	}
	if (i >= argc) {
		errbuf_set(err,
			   "exec: no command (turtle exec SOCKET -- COMMAND)");
		return CLI_ERROR;
	}
	if (!argv[i][0]) {
		errbuf_set(err, "exec: empty command name");
		return CLI_ERROR;
	}
	o->argv = argv + i;
	o->argc = argc - i;
	return CLI_OK;
}
