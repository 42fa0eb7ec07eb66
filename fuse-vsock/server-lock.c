// SPDX-License-Identifier: GPL-2.0
/*
 * File locks: GETLK, SETLK, SETLKW, really enforced on the host.
 *
 * POSIX locks belong to a process (the kernel's lock_owner), not to an
 * open file. Each (inode, lock_owner) pair gets its own host open file
 * description and the locks are OFD locks (F_OFD_SETLK) on it: two guest
 * owners conflict with each other and with host processes' locks, and one
 * owner's locks merge and split as POSIX says. FLUSH (a close in the
 * guest) releases the owner's locks and its description, as closing any
 * fd does for a POSIX process.
 *
 * flock() locks (FUSE_LK_FLOCK) belong to the open file: they are flock()
 * on the handle's own fd, and go when RELEASE closes it.
 *
 * SETLKW does not sleep in the host kernel, where only a signal could
 * wake it: it retries the non-blocking lock with a growing pause (1 to
 * 32 ms), giving up with EINTR as soon as the guest interrupts the
 * request or its connection goes. The pool is told, so a blocked waiter
 * does not take a worker from the other requests. The cost: no fairness
 * between waiters, and no deadlock detection (OFD locks have none).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "server-int.h"

#define OFFSET_MAX INT64_MAX

struct fuse_lock_owner {
	uint64_t owner;
	int fd;
	struct fuse_lock_owner *next;
};

/*
 * A dup of the owner's fd (its own fd may close under a concurrent
 * FLUSH; the description lives on in the dup), or a negative errno.
 */
static int owner_fd(struct fuse_server *s, struct fuse_handle *h,
		    uint64_t owner)
{
	struct fuse_inode *ino = h->inode;
	struct fuse_lock_owner *o;
	int fd = -1, ret;

	pthread_mutex_lock(&ino->lock);
	for (o = ino->owners; o && o->owner != owner; o = o->next)
		;
	if (!o) {
		/* Each owner holds a host fd: within the guest's share. */
		if (!fds__take()) {
			ret = -ENOLCK;
			goto out;
		}
		o = calloc(1, sizeof(*o));
		if (!o) {
			fds__give();
			ret = -ENOMEM;
			goto out;
		}
		/* Read-write if this user may, else as the handle is. */
		fd = open_inode(s, ino, s->read_only ? O_RDONLY : O_RDWR);
		if (fd < 0)
			fd = open_inode(s, ino,
					fcntl(h->fd, F_GETFL) & O_ACCMODE);
		if (fd < 0) {
			fds__give();
			free(o);
			ret = fd;
			goto out;
		}
		o->owner = owner;
		o->fd = fd;
		o->next = ino->owners;
		ino->owners = o;
	}
	ret = fcntl(o->fd, F_DUPFD_CLOEXEC, 0);
	if (ret < 0)
		ret = -errno;
out:
	pthread_mutex_unlock(&ino->lock);
	return ret;
}

void lock__release_owner(struct fuse_inode *ino, uint64_t owner)
{
	struct fuse_lock_owner **pp, *o;
	struct flock fl = { .l_type = F_UNLCK, .l_whence = SEEK_SET };

	pthread_mutex_lock(&ino->lock);
	for (pp = &ino->owners; *pp && (*pp)->owner != owner; pp = &(*pp)->next)
		;
	o = *pp;
	if (o)
		*pp = o->next;
	pthread_mutex_unlock(&ino->lock);
	if (!o)
		return;
	fcntl(o->fd, F_OFD_SETLK, &fl);
	close(o->fd);
	fds__give();
	free(o);
}

void lock__drop_all(struct fuse_inode *ino)
{
	struct fuse_lock_owner *o;

	while ((o = ino->owners)) {
		ino->owners = o->next;
		close(o->fd);
		fds__give();
		free(o);
	}
}

static int to_flock(const struct fuse_file_lock *lk, struct flock *fl)
{
	memset(fl, 0, sizeof(*fl));
	if (lk->type != F_RDLCK && lk->type != F_WRLCK && lk->type != F_UNLCK)
		return -EINVAL;
	if (lk->start > OFFSET_MAX || lk->end < lk->start)
		return -EINVAL;
	fl->l_type = (short)lk->type;
	fl->l_whence = SEEK_SET;
	fl->l_start = (off_t)lk->start;
	fl->l_len =
		lk->end >= OFFSET_MAX ? 0 : (off_t)(lk->end - lk->start + 1);
	return 0;
}

/* The request's file handle (lk_in.fh), with a reference. */
static struct fuse_handle *lk_handle(struct fuse_req *r)
{
	const struct fuse_lk_in *in = r->arg;
	struct fuse_handle *h = handle__get(r->s, in->fh);

	if (h && h->is_dir) {
		handle__put(r->s, h);
		return NULL;
	}
	return h;
}

int op_getlk(struct fuse_req *r)
{
	const struct fuse_lk_in *in = r->arg;
	struct fuse_handle *h;
	struct fuse_lk_out *o;
	struct flock fl;
	int fd, ret;

	ret = to_flock(&in->lk, &fl);
	if (ret)
		return ret;
	h = lk_handle(r);
	if (!h)
		return -EBADF;
	fd = owner_fd(r->s, h, in->owner);
	handle__put(r->s, h);
	if (fd < 0)
		return fd;
	ret = fcntl(fd, F_OFD_GETLK, &fl) < 0 ? -errno : 0;
	close(fd);
	if (ret)
		return ret;
	o = reply_small(r);
	memset(o, 0, sizeof(*o));
	o->lk.type = (uint32_t)fl.l_type;
	if (fl.l_type != F_UNLCK) {
		o->lk.start = (uint64_t)fl.l_start;
		o->lk.end = fl.l_len ? (uint64_t)(fl.l_start + fl.l_len - 1)
				     : (uint64_t)OFFSET_MAX;
	}
	return sizeof(*o);
}

/* One try: 0, -EAGAIN if someone holds a conflicting lock, or an error. */
static int try_lock(struct fuse_handle *h, int fd, const struct fuse_lk_in *in,
		    struct flock *fl)
{
	if (in->lk_flags & FUSE_LK_FLOCK) {
		int op = in->lk.type == F_RDLCK	  ? LOCK_SH
			 : in->lk.type == F_WRLCK ? LOCK_EX
						  : LOCK_UN;

		if (flock(h->fd, op | LOCK_NB) == 0)
			return 0;
	} else if (fcntl(fd, F_OFD_SETLK, fl) == 0) {
		return 0;
	}
	return errno == EWOULDBLOCK || errno == EACCES ? -EAGAIN : -errno;
}

static int setlk(struct fuse_req *r, bool wait)
{
	const struct fuse_lk_in *in = r->arg;
	struct fuse_req_ctl *ctl = r->ctl;
	struct timespec pause = { 0, 1000000 };
	struct fuse_handle *h;
	bool waiting = false;
	struct flock fl;
	int fd = -1, ret;

	ret = to_flock(&in->lk, &fl);
	if (ret)
		return ret;
	h = lk_handle(r);
	if (!h)
		return -EBADF;
	if (!(in->lk_flags & FUSE_LK_FLOCK)) {
		fd = owner_fd(r->s, h, in->owner);
		if (fd < 0) {
			handle__put(r->s, h);
			return fd;
		}
	}
	while ((ret = try_lock(h, fd, in, &fl)) == -EAGAIN && wait) {
		if (ctl && atomic_load(&ctl->interrupted)) {
			ret = -EINTR;
			break;
		}
		if (!waiting && ctl && ctl->waiting)
			ctl->waiting(ctl->priv, 1);
		waiting = true;
		nanosleep(&pause, NULL);
		if (pause.tv_nsec < 32000000)
			pause.tv_nsec *= 2;
	}
	if (waiting && ctl && ctl->waiting)
		ctl->waiting(ctl->priv, 0);
	if (fd >= 0)
		close(fd);
	handle__put(r->s, h);
	return ret;
}

int op_setlk(struct fuse_req *r)
{
	return setlk(r, false);
}

int op_setlkw(struct fuse_req *r)
{
	return setlk(r, true);
}
