// SPDX-License-Identifier: GPL-2.0
/*
 * Attributes: GETATTR and SETATTR (mode, owner, size, times), in both
 * security models (mapped: the guest's view lives in an xattr, see
 * server-mapped.c). Every host call is on an inode's fd (see the primer in
 * server.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../lib/log.h"
#include "server-int.h"

static int reply_attr(struct fuse_req *r, const struct stat *st)
{
	struct fuse_attr_out *a = reply_small(r);

	memset(a, 0, sizeof(*a));
	a->attr_valid = r->s->timeout_sec;
	fill_attr(&a->attr, st);
	return sizeof(*a);
}

int op_getattr(struct fuse_req *r)
{
	const struct fuse_getattr_in *in = r->arg;
	struct fuse_inode *ino = inode__get(r->s, r->in->nodeid);
	struct fuse_handle *h = NULL;
	struct stat st;
	int ret = 0;

	if (!ino)
		return -ENOENT;
	if (in->getattr_flags & FUSE_GETATTR_FH) {
		h = handle__get(r->s, in->fh);
		if (!h)
			ret = -EBADF;
		else if (fstat(h->fd, &st) < 0)
			ret = -errno;
		else if (r->s->mapped)
			mapped__overlay(ino->fd, &st);
	} else {
		ret = inode__stat(r->s, ino, &st);
	}
	if (!ret)
		ret = reply_attr(r, &st);
	if (h)
		handle__put(r->s, h);
	inode__put(r->s, ino);
	return ret;
}

static void set_time(struct timespec *ts, uint32_t valid, uint32_t set,
		     uint32_t now, uint64_t sec, uint32_t nsec)
{
	if (valid & now) {
		ts->tv_sec = 0;
		ts->tv_nsec = UTIME_NOW;
	} else if (valid & set) {
		ts->tv_sec = (time_t)sec;
		ts->tv_nsec = nsec;
	} else {
		ts->tv_sec = 0;
		ts->tv_nsec = UTIME_OMIT;
	}
}

/*
 * mapped: chmod and chown change the xattr, never the host file (a
 * symlink, which has no xattr, is chowned on the host if turtle can).
 */
static int setattr_mapped(struct fuse_req *r, struct fuse_inode *ino)
{
	const struct fuse_setattr_in *in = r->arg;
	uint32_t v = in->valid;
	struct mapped_attr m;
	struct stat st;
	int ret;

	if (ino->type == S_IFLNK) {
		if (v & FATTR_MODE)
			return -EOPNOTSUPP;
		return fchownat(ino->fd, "",
				v & FATTR_UID ? in->uid : (uid_t)-1,
				v & FATTR_GID ? in->gid : (gid_t)-1,
				AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0
			       ? -errno
			       : 0;
	}
	ret = inode__stat(r->s, ino, &st);
	if (ret)
		return ret;
	mapped__from_stat(&m, &st);
	if (v & FATTR_MODE)
		m.mode = (m.mode & S_IFMT) | (in->mode & 07777);
	if (v & FATTR_UID)
		m.uid = in->uid;
	if (v & FATTR_GID)
		m.gid = in->gid;
	return mapped__set(ino->fd, &m);
}

/*
 * chown as the request's user. FUSE sends only the caller's primary group,
 * so a change to a group the owner holds as a supplementary one would
 * fail: the guest kernel (default_permissions) has checked membership
 * already, so the thread holds that group for the call (the raw setgroups
 * system call is per thread; glibc's would change every thread's).
 */
static int chown_as_member(struct fuse_req *r, struct fuse_inode *ino,
			   uid_t uid, gid_t gid)
{
	gid_t saved[64];
	long n = -1;
	int ret;

	if (gid != (gid_t)-1 && gid != r->in->gid && r->in->uid != 0 &&
	    !r->s->mapped) {
		n = syscall(SYS_getgroups, 64, saved);
		if (n >= 0 && syscall(SYS_setgroups, 1, &gid) < 0)
			n = -1;
	}
	ret = fchownat(ino->fd, "", uid, gid,
		       AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0
		      ? -errno
		      : 0;
	if (n >= 0)
		syscall(SYS_setgroups, (size_t)n, saved);
	return ret;
}

/*
 * utimensat. Under the writeback cache the guest kernel sends "now" as
 * explicit times (it keeps mtime itself), which only the owner may set:
 * a writer that is not the owner, whose touch the guest kernel allowed
 * as "now", would get EPERM. Then, if the user may write, the host's
 * now is set instead.
 */
static int set_times(struct fuse_req *r, struct fuse_inode *ino, int fd,
		     struct timespec ts[2])
{
	char path[32];
	int ret;

	if (fd >= 0)
		ret = futimens(fd, ts);
	else
		ret = utimensat(ino->fd, "", ts,
				AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
	if (!ret)
		return 0;
	ret = -errno;
	if (ret != -EPERM || r->s->mapped ||
	    !(r->s->flags & FUSE_WRITEBACK_CACHE) || ino->type == S_IFLNK ||
	    ts[0].tv_nsec == UTIME_OMIT || ts[1].tv_nsec == UTIME_OMIT ||
	    proc_path(r->s, ino->fd, path, sizeof(path)) ||
	    faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) < 0)
		return ret;
	ts[0].tv_nsec = ts[1].tv_nsec = UTIME_NOW;
	if (fd >= 0)
		ret = futimens(fd, ts);
	else
		ret = utimensat(ino->fd, "", ts,
				AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
	return ret < 0 ? -errno : 0;
}

/* SETATTR's changes, in the order chmod, chown, truncate, utimes. */
static int setattr(struct fuse_req *r, struct fuse_inode *ino, int fd)
{
	const struct fuse_setattr_in *in = r->arg;
	uint32_t v = in->valid;
	char path[32];
	int ret;

	if (r->s->mapped && (v & (FATTR_MODE | FATTR_UID | FATTR_GID))) {
		ret = setattr_mapped(r, ino);
		if (ret)
			return ret;
		v &= ~(uint32_t)(FATTR_MODE | FATTR_UID | FATTR_GID);
	}
	if (v & FATTR_MODE) {
		if (fd >= 0)
			ret = fchmod(fd, in->mode & 07777);
		else if (ino->type == S_IFLNK)
			return -EOPNOTSUPP; /* links have no mode */
		else if ((ret = proc_path(r->s, ino->fd, path, sizeof(path))))
			return ret;
		else
			ret = chmod(path, in->mode & 07777);
		if (ret < 0)
			return -errno;
	}
	if (v & (FATTR_UID | FATTR_GID)) {
		ret = chown_as_member(r, ino,
				      v & FATTR_UID ? in->uid : (uid_t)-1,
				      v & FATTR_GID ? in->gid : (gid_t)-1);
		if (ret)
			return ret;
	}
	if (v & FATTR_SIZE) {
		if (fd >= 0) {
			ret = ftruncate(fd, (off_t)in->size);
		} else if (ino->type != S_IFREG) {
			return ino->type == S_IFDIR ? -EISDIR : -EINVAL;
		} else {
			ret = proc_path(r->s, ino->fd, path, sizeof(path));
			if (ret)
				return ret;
			ret = truncate(path, (off_t)in->size);
		}
		if (ret < 0)
			return -errno;
	}
	if (v & (FATTR_ATIME | FATTR_MTIME)) {
		struct timespec ts[2];

		set_time(&ts[0], v, FATTR_ATIME, FATTR_ATIME_NOW, in->atime,
			 in->atimensec);
		set_time(&ts[1], v, FATTR_MTIME, FATTR_MTIME_NOW, in->mtime,
			 in->mtimensec);
		ret = set_times(r, ino, fd, ts);
		if (ret)
			return ret;
	}
	return 0;
}

int op_setattr(struct fuse_req *r)
{
	const struct fuse_setattr_in *in = r->arg;
	struct fuse_inode *ino = inode__get(r->s, r->in->nodeid);
	struct fuse_handle *h = NULL;
	struct stat st;
	int ret;

	if (!ino)
		return -ENOENT;
	if (in->valid & FATTR_FH) {
		h = handle__get(r->s, in->fh);
		if (!h || h->inode != ino) {
			ret = -EBADF;
			goto out;
		}
	}
	ret = setattr(r, ino, h ? h->fd : -1);
	if (!ret)
		ret = inode__stat(r->s, ino, &st);
	if (!ret)
		ret = reply_attr(r, &st);
out:
	if (h)
		handle__put(r->s, h);
	inode__put(r->s, ino);
	return ret;
}
