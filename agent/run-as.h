/* SPDX-License-Identifier: GPL-2.0 */
/*
 * turtle-agent run-as: run a command as another uid and gid, by number.
 * A guest's static busybox has no setpriv, and its su cannot look users
 * up (no NSS), so this is how guest scripts drop root.
 */
#ifndef TURTLE_AGENT_RUN_AS_H
#define TURTLE_AGENT_RUN_AS_H

#include <sys/types.h>

/* Exit statuses, as a shell gives them. */
#define AGENT_RUN_AS_CANNOT 126	   /* could not become uid:gid, or exec */
#define AGENT_RUN_AS_NOT_FOUND 127 /* no such command */

/*
 * "UID" or "UID:GID", decimal, each below 2^32 - 1; without GID the gid
 * is UID. 0, or -1 with err set.
 */
int agent_run_as__parse_ids(const char *spec, uid_t *uid, gid_t *gid,
			    char *err);

/*
 * `turtle-agent run-as UID[:GID] [--] CMD [ARGS...]`: drop every
 * supplementary group, set the gid, then the uid, and exec CMD (searched
 * in PATH). Returns only on failure: 2 for a usage error, 126 when a step
 * fails (with a message), 127 when CMD is not found.
 */
int agent_run_as__main(int argc, char **argv);

#endif
