// SPDX-License-Identifier: GPL-2.0
/* turtle: a minimal arm64 KVM virtual machine monitor that nests. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "exec.h"
#include "kvm-check.h"
#include "../lib/heap.h"
#include "../lib/log.h"
#include "reboot.h"
#include "run.h"

#ifndef TURTLE_VERSION
#define TURTLE_VERSION "dev"
#endif

static const char usage[] =
	"usage: turtle COMMAND [ARGS]\n"
	"\n"
	"Commands:\n"
	"  run       boot a Linux guest (turtle run --help)\n"
	"  exec      run a command in a running guest (turtle exec --help)\n"
	"  kvm-check can this machine run guests (--nested: at EL2)?\n"
	"  version   print turtle's version\n"
	"  help      this text\n";

static int cmd_run(int argc, char **argv)
{
	char err[ERRBUF_LEN] = "";
	struct run_opts o;

	switch (cli__parse_run(argc, argv, &o, err)) {
	case CLI_HELP:
		fputs(cli__run_usage, stdout);
		return 0;
	case CLI_ERROR:
		pr_err("%s", err);
		return 2;
	case CLI_OK:
		break;
	}
	heap__bound(); /* before any thread: lib/heap.h */
	if (o.reboot)
		return reboot__supervise(&o, turtle__run);
	return turtle__run(&o);
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		fputs(usage, stderr);
		return 2;
	}
	if (!strcmp(cmd, "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "exec"))
		return exec__main(argc - 1, argv + 1);
	if (!strcmp(cmd, "kvm-check"))
		return kvm_check__main(argc - 1, argv + 1);
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("turtle %s\n", TURTLE_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") ||
	    !strcmp(cmd, "-h")) {
		fputs(usage, stdout);
		return 0;
	}
	pr_err("unknown command '%s' (see turtle help)", cmd);
	return 2;
}
