/* SPDX-License-Identifier: GPL-2.0 */
/*
 * turtle-agent mount: mount a directory the host shares (turtle run
 * --share) over vsock, then serve it from the background.
 */
#ifndef TURTLE_AGENT_MOUNT_H
#define TURTLE_AGENT_MOUNT_H

#define AGENT_MOUNT_DEFAULT_TAG "share"
#define AGENT_MOUNT_DEFAULT_CONNS 4

struct agent_mount_opts {
	const char *tag;
	unsigned int conns;
	int read_only;
	int direct; /* --direct: over the direct window if there is one */
	const char *mountpoint;
};

/* The command line after "mount"; 0, or -1 with err set. */
int agent_mount__parse(int argc, char **argv, struct agent_mount_opts *o,
		       char *err);

/* `turtle-agent mount [--tag NAME] [--conns N] [--ro] [--direct] MOUNTPOINT` */
int agent_mount__main(int argc, char **argv);

#endif
