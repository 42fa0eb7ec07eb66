// SPDX-License-Identifier: GPL-2.0
/*
 * --sandbox: turtle's own mount namespace, whose root holds only what
 * turtle still reaches by path once it is set up.
 *
 * Everything else it uses is an fd opened during setup: /dev/kvm, the
 * kernel and initrd, the disks, the vsock listener, each share's root
 * directory (an O_PATH fd: every inode of a share is reached from it, never
 * by path) and /proc/self/fd (an O_PATH fd the shares reopen files
 * through). Fds outlive the mounts they came from, so none of those needs
 * to be visible. Two things remain by path:
 *   /proc             the shares' xattr and chmod calls name an inode as
 *                     the string /proc/self/fd/N (no fd-relative form);
 *   the vsock dir     a guest's connection to host port P is connected to
 *                     the Unix socket PATH_P (Firecracker's protocol), so
 *                     PATH's directory is bound at the same path.
 *
 * How (bubblewrap's way, in one process): unshare(CLONE_NEWNS), make every
 * mount private (nothing propagates back to the host), mount a tmpfs on
 * /tmp, build the new tree in it, pivot_root into it with the old root
 * under /.old, bind what is needed from /.old, detach /.old (MNT_DETACH:
 * it lives on only as long as fds need it), then remount the new root
 * read-only, nosuid, nodev, noexec. The tmpfs's mount point /tmp is
 * uncovered by the pivot, so a socket directory under /tmp binds fine.
 *
 * This needs CAP_SYS_ADMIN: --sandbox is refused when turtle is not root
 * (a user namespace would give it, but also a full capability set inside
 * it and a uid map; not done). It is off by default: it adds nothing for
 * a turtle that runs as an ordinary user, and it would have to be run
 * across every configuration in make test before it could be the default.
 */
#include "sandbox.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../lib/log.h"

#define SANDBOX_BASE "/tmp"
#define SANDBOX_OLD "/.old"

int sandbox__check(const struct run_opts *o, char *err)
{
	if (!o->sandbox)
		return 0;
	if (geteuid() != 0) {
		errbuf_set(
			err,
			"--sandbox needs root (a mount namespace needs CAP_SYS_ADMIN)");
		return -1;
	}
	if (o->has_vsock && o->vsock.uds_path && o->vsock.uds_path[0] != '/') {
		errbuf_set(
			err,
			"--sandbox needs an absolute --vsock socket path, not '%s'",
			o->vsock.uds_path);
		return -1;
	}
	return 0;
}

/* mkdir -p of path (absolute) under the current root. */
static int mkdirs(const char *path)
{
	char buf[PATH_MAX];
	char *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -1;
	for (p = buf + 1;; p++) {
		if (*p == '/' || !*p) {
			char c = *p;

			*p = '\0';
			if (mkdir(buf, 0755) && errno != EEXIST)
				return -1;
			*p = c;
			if (!c)
				return 0;
		}
	}
}

/* Bind /.old/<path> (a directory) at <path>, read-write. */
static int bind_from_old(const char *path, int rec, char *err)
{
	char src[PATH_MAX + sizeof(SANDBOX_OLD)];

	snprintf(src, sizeof(src), SANDBOX_OLD "%s", path);
	if (mkdirs(path) ||
	    mount(src, path, NULL, MS_BIND | (rec ? MS_REC : 0), NULL)) {
		errbuf_set(err, "--sandbox: binding %s: %s", path,
			   strerror(errno));
		return -1;
	}
	return 0;
}

int sandbox__enter(const struct run_opts *o, char *err)
{
	char sockdir[PATH_MAX] = "";

	if (!o->sandbox)
		return 0;
	/* The socket's directory, resolved while the host's tree is ours. */
	if (o->has_vsock && o->vsock.uds_path) {
		char dir[PATH_MAX], *slash;

		snprintf(dir, sizeof(dir), "%s", o->vsock.uds_path);
		slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (!realpath(dir, sockdir)) {
			errbuf_set(err, "--sandbox: %s: %s", dir,
				   strerror(errno));
			return -1;
		}
	}
	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		errbuf_set(err, "--sandbox: a mount namespace: %s",
			   strerror(errno));
		return -1;
	}
	if (mount("turtle", SANDBOX_BASE, "tmpfs", MS_NOSUID | MS_NODEV,
		  "size=64k,nr_inodes=64,mode=0755") ||
	    mkdir(SANDBOX_BASE SANDBOX_OLD, 0700) ||
	    syscall(SYS_pivot_root, SANDBOX_BASE, SANDBOX_BASE SANDBOX_OLD) ||
	    chdir("/")) {
		errbuf_set(err, "--sandbox: pivot_root: %s", strerror(errno));
		return -1;
	}
	if (bind_from_old("/proc", 1, err) ||
	    (*sockdir && strcmp(sockdir, "/") &&
	     bind_from_old(sockdir, 0, err)))
		return -1;
	if (umount2(SANDBOX_OLD, MNT_DETACH) || rmdir(SANDBOX_OLD) ||
	    mount(NULL, "/", NULL,
		  MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV |
			  MS_NOEXEC,
		  NULL)) {
		errbuf_set(err, "--sandbox: detaching the host's tree: %s",
			   strerror(errno));
		return -1;
	}
	pr_debug("sandbox: root is a read-only tmpfs with /proc%s%s",
		 *sockdir ? " and " : "", sockdir);
	return 0;
}
