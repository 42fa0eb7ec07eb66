// SPDX-License-Identifier: GPL-2.0
/*
 * turtle's own privileges. turtle needs root, or rather a few
 * capabilities, only for a passthrough share, whose workers act as each
 * guest user; everything else it needs is an open fd, which turtle holds
 * before it gives anything up. /dev/kvm, the disks, the kernel and initrd,
 * the vsock Unix socket and the shared directories are opened with
 * whatever the user who started turtle may open; then, still single
 * threaded:
 *
 *   at start (privs__start)   a root turtle drops its supplementary groups
 *                             (setgroups(0, NULL)): requests run with the
 *                             guest user's fsuid and fsgid, but the groups
 *                             of turtle's process would still count, so
 *                             from sudo or a root login (groups = [0])
 *                             every guest user could use root's group
 *                             permissions on the host. A passthrough share
 *                             without CAP_SETUID etc. (turtle not root) is
 *                             refused: it cannot act as the guest's users
 *                             (the default model is mapped then).
 *   after setup (privs__drop) no_new_privs; RLIMIT_CORE 0 so guest memory
 *                             never lands in a core file (--core-dump
 *                             keeps the limit); the bounding set cut to
 *                             privs__needed (needs CAP_SETPCAP, so first),
 *                             the ambient set cleared, the effective,
 *                             permitted and inheritable sets set to it
 *                             (inheritable: empty). Checked by reading
 *                             them back.
 *
 * Capabilities are per thread in Linux, and a thread inherits its
 * creator's: privs__drop runs before turtle starts its first thread, so
 * every thread has the reduced sets (no thread can take back what the
 * bounding set lost). The per-request setfsuid in a passthrough share's
 * workers clears the filesystem capabilities from a worker's effective set
 * while it acts as a non-root guest user, and restores them from the
 * permitted set for guest root, which is why they stay permitted.
 *
 * RLIMIT_NPROC is left alone: it counts every process of turtle's real
 * user, not turtle's threads, and turtle bounds its own threads (vCPUs,
 * queue workers, the share's pool). RLIMIT_NOFILE belongs to the shares
 * (run.c raises the soft limit for their inode fds).
 */
#include "privs.h"

#include <errno.h>
#include <grp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../lib/log.h"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

/* What a passthrough share's workers do as each guest user (server.c). */
#define CAPS_SHARE_ACT_AS (PRIVS_CAP(CAP_SETUID) | PRIVS_CAP(CAP_SETGID))
/* ... and what guest root may do to files it does not own. */
#define CAPS_SHARE_READ (CAPS_SHARE_ACT_AS | PRIVS_CAP(CAP_DAC_OVERRIDE))
#define CAPS_SHARE_WRITE                                                  \
	(CAPS_SHARE_READ | PRIVS_CAP(CAP_CHOWN) | PRIVS_CAP(CAP_FOWNER) | \
	 PRIVS_CAP(CAP_FSETID) | PRIVS_CAP(CAP_MKNOD) |                   \
	 PRIVS_CAP(CAP_SETFCAP))

static const char *const cap_names[] = {
	[CAP_CHOWN] = "CAP_CHOWN",
	[CAP_DAC_OVERRIDE] = "CAP_DAC_OVERRIDE",
	[CAP_DAC_READ_SEARCH] = "CAP_DAC_READ_SEARCH",
	[CAP_FOWNER] = "CAP_FOWNER",
	[CAP_FSETID] = "CAP_FSETID",
	[CAP_KILL] = "CAP_KILL",
	[CAP_SETGID] = "CAP_SETGID",
	[CAP_SETUID] = "CAP_SETUID",
	[CAP_SETPCAP] = "CAP_SETPCAP",
	[CAP_SYS_ADMIN] = "CAP_SYS_ADMIN",
	[CAP_MKNOD] = "CAP_MKNOD",
	[CAP_SETFCAP] = "CAP_SETFCAP",
};

/*
 * Whether a share's workers act as each guest user (setfsuid): the
 * passthrough model, which needs CAP_SETUID and CAP_SETGID, and the
 * filesystem capabilities for guest root. A mapped share acts as turtle's
 * own user and needs nothing. The default is passthrough as root, mapped
 * otherwise (as fuse_server__create resolves it).
 */
static bool share_acts_as_guest_users(const struct fuse_share_opts *s,
				      bool root)
{
	return s->security == FUSE_SECURITY_PASSTHROUGH ||
	       (s->security == FUSE_SECURITY_DEFAULT && root);
}

privs_caps privs__needed(const struct run_opts *o, bool root)
{
	privs_caps caps = 0;
	unsigned int i;

	for (i = 0; i < o->nshares; i++) {
		if (!share_acts_as_guest_users(&o->shares[i], root))
			continue;
		caps |= o->shares[i].read_only ? CAPS_SHARE_READ
					       : CAPS_SHARE_WRITE;
	}
	return caps;
}

int privs__check(const struct run_opts *o, bool root, privs_caps permitted,
		 char *err)
{
	char names[160];
	unsigned int i;

	for (i = 0; i < o->nshares; i++) {
		const struct fuse_share_opts *s = &o->shares[i];
		privs_caps missing;

		if (!share_acts_as_guest_users(s, root))
			continue;
		missing = (s->read_only ? CAPS_SHARE_READ : CAPS_SHARE_WRITE) &
			  ~permitted;
		if (!missing)
			continue;
		errbuf_set(
			err,
			"--share %s: security=passthrough acts as each guest user, which needs root (missing %s); as an ordinary user, use security=mapped",
			s->dir, privs__names(missing, names, sizeof(names)));
		return -1;
	}
	return 0;
}

char *privs__names(privs_caps caps, char *buf, size_t len)
{
	size_t off = 0;
	unsigned int c;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (c = 0; c < 64 && off < len; c++) {
		const char *name = c < sizeof(cap_names) / sizeof(cap_names[0])
					   ? cap_names[c]
					   : NULL;
		int n;

		if (!(caps & PRIVS_CAP(c)))
			continue;
		n = name ? snprintf(buf + off, len - off, "%s%s",
				    off ? "," : "", name)
			 : snprintf(buf + off, len - off, "%scap_%u",
				    off ? "," : "", c);
		if (n < 0)
			break;
		off += (size_t)n;
	}
	if (!off)
		snprintf(buf, len, "none");
	return buf;
}

static int caps_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};

	return (int)syscall(SYS_capget, &h, d);
}

static int caps_set(privs_caps eff, privs_caps prm, privs_caps inh)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2] = {
		{ (uint32_t)eff, (uint32_t)prm, (uint32_t)inh },
		{ (uint32_t)(eff >> 32), (uint32_t)(prm >> 32),
		  (uint32_t)(inh >> 32) },
	};

	return (int)syscall(SYS_capset, &h, d);
}

static privs_caps caps_of(const struct __user_cap_data_struct d[2], int which)
{
	uint32_t lo = which == 0   ? d[0].effective
		      : which == 1 ? d[0].permitted
				   : d[0].inheritable;
	uint32_t hi = which == 0   ? d[1].effective
		      : which == 1 ? d[1].permitted
				   : d[1].inheritable;

	return (privs_caps)hi << 32 | lo;
}

int privs__drop_thread(void)
{
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	return caps_set(0, 0, 0);
}

privs_caps privs__permitted(void)
{
	struct __user_cap_data_struct d[2];

	return caps_get(d) ? 0 : caps_of(d, 1);
}

int privs__start(const struct run_opts *o, char *err)
{
	if (geteuid() == 0 && getgroups(0, NULL) > 0 && setgroups(0, NULL)) {
		errbuf_set(err, "cannot drop the supplementary groups: %s",
			   strerror(errno));
		return -1;
	}
	return privs__check(o, geteuid() == 0, privs__permitted(), err);
}

/* Cut the bounding set to keep (needs CAP_SETPCAP, which it may drop). */
static int bounding_drop(privs_caps keep, char *err)
{
	unsigned int c;

	for (c = 0; c < 64; c++) {
		int r = prctl(PR_CAPBSET_READ, c, 0, 0, 0);

		if (r < 0)
			break; /* past the kernel's last capability */
		if (!r || (keep & PRIVS_CAP(c)))
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0)) {
			errbuf_set(
				err,
				"cannot drop capability %u from the bounding set: %s",
				c, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int privs__limit(privs_caps keep, char *err)
{
	struct __user_cap_data_struct d[2];
	char names[160];

	if (caps_get(d)) {
		errbuf_set(err, "capget: %s", strerror(errno));
		return -1;
	}
	keep &= caps_of(d, 1);
	/* Without CAP_SETPCAP (not root) the bounding set stays: with
	 * no_new_privs, nothing turtle could exec would gain from it. */
	if ((caps_of(d, 0) & PRIVS_CAP(CAP_SETPCAP)) &&
	    bounding_drop(keep, err))
		return -1;
	/* Before Linux 4.3 there is no ambient set to clear. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) &&
	    errno != EINVAL) {
		errbuf_set(err, "clearing the ambient capabilities: %s",
			   strerror(errno));
		return -1;
	}
	errno = 0;
	if (caps_set(keep, keep, 0) || caps_get(d) || caps_of(d, 0) != keep ||
	    caps_of(d, 1) != keep || caps_of(d, 2)) {
		errbuf_set(err, "cannot reduce the capabilities to %s: %s",
			   privs__names(keep, names, sizeof(names)),
			   errno ? strerror(errno) : "they did not change");
		return -1;
	}
	return 0;
}

int privs__drop(const struct run_opts *o, char *err)
{
	privs_caps keep;
	char names[160];

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		errbuf_set(err, "no_new_privs: %s", strerror(errno));
		return -1;
	}
	if (!o->core_dump) {
		const struct rlimit none = { 0, 0 };

		if (setrlimit(RLIMIT_CORE, &none)) {
			errbuf_set(err, "RLIMIT_CORE: %s", strerror(errno));
			return -1;
		}
	}
	keep = privs__needed(o, geteuid() == 0) & privs__permitted();
	if (privs__limit(keep, err))
		return -1;
	pr_debug("privileges: capabilities kept: %s; no_new_privs; %s%s",
		 privs__names(keep, names, sizeof(names)),
		 o->core_dump ? "core dumps as the limit says"
			      : "no core dumps",
		 geteuid() == 0 ? "; no supplementary groups" : "");
	return 0;
}
