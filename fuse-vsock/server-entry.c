// SPDX-License-Identifier: GPL-2.0
/*
 * Names: LOOKUP, FORGET, the operations that create, remove or rename a
 * directory entry, STATFS, ACCESS (attributes are in server-attr.c). Every
 * host call is relative to an inode's fd with one checked name component
 * (see the primer in server.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../lib/log.h"
#include "server-int.h"

/* The request's nodeid, with a reference (put it), or NULL: ENOENT. */
static struct fuse_inode *node(struct fuse_req *r)
{
	return inode__get(r->s, r->in->nodeid);
}

/* One name from off to the end of the arguments, nothing after it. */
static const char *last_name(struct fuse_req *r, size_t off)
{
	size_t next;
	const char *name = req_name(r, off, &next);

	return name && next == r->arg_len ? name : NULL;
}

/* Reply an entry for name in parent: LOOKUP and what creates entries. */
static int reply_entry(struct fuse_req *r, struct fuse_inode *parent,
		       const char *name)
{
	struct fuse_entry_out *e;
	struct fuse_inode *ino;
	struct stat st;
	int ret;

	ret = inode__lookup(r->s, parent, name, &ino, &st);
	if (ret)
		return ret;
	e = reply_small(r);
	fill_entry(r->s, e, ino, &st);
	inode__put(r->s, ino);
	return sizeof(*e);
}

int op_lookup(struct fuse_req *r)
{
	const char *name = last_name(r, 0);
	struct fuse_inode *parent;
	int ret;

	if (!name)
		return -EINVAL;
	parent = node(r);
	if (!parent)
		return -ENOENT;
	ret = reply_entry(r, parent, name);
	inode__put(r->s, parent);
	return ret;
}

int op_forget(struct fuse_req *r)
{
	const struct fuse_forget_in *in = r->arg;

	inode__forget(r->s, r->in->nodeid, in->nlookup);
	return FUSE_NO_REPLY;
}

int op_batch_forget(struct fuse_req *r)
{
	const struct fuse_batch_forget_in *in = r->arg;
	const struct fuse_forget_one *one = (const void *)(in + 1);
	size_t i, n = (r->arg_len - sizeof(*in)) / sizeof(*one);

	/* A count beyond the message forgets only what is there. */
	for (i = 0; i < n && i < in->count; i++)
		inode__forget(r->s, one[i].nodeid, one[i].nlookup);
	return FUSE_NO_REPLY;
}

int op_readlink(struct fuse_req *r)
{
	struct fuse_inode *ino = node(r);
	char *buf;
	ssize_t n;

	if (!ino)
		return -ENOENT;
	buf = reply_body(r, PATH_MAX);
	if (!buf) {
		inode__put(r->s, ino);
		return -ENOMEM;
	}
	n = readlinkat(ino->fd, "", buf, PATH_MAX);
	inode__put(r->s, ino);
	return n < 0 ? -errno : (int)n;
}

/*
 * The request's parent directory and the new entry's checked name, at
 * off to the end of the message.
 */
static int parent_and_name(struct fuse_req *r, size_t off,
			   struct fuse_inode **parent, const char **name)
{
	*name = last_name(r, off);
	if (!*name || check_name(*name))
		return -EINVAL;
	*parent = node(r);
	return *parent ? 0 : -ENOENT;
}

/* With FUSE_DONT_MASK, the host applies the guest's umask (or ACLs). */
static void umask_enter(struct fuse_req *r, uint32_t mask)
{
	if (r->s->flags & FUSE_DONT_MASK)
		umask(mask & 0777);
}

static void umask_leave(void)
{
	umask(0);
}

int op_symlink(struct fuse_req *r)
{
	struct fuse_inode *parent;
	const char *name, *target;
	size_t next;
	int ret;

	name = req_name(r, 0, &next);
	if (!name || check_name(name))
		return -EINVAL;
	target = last_name(r, next);
	if (!target || !*target)
		return -EINVAL;
	parent = node(r);
	if (!parent)
		return -ENOENT;
	/* The target is data: never resolved on the host. */
	if (symlinkat(target, parent->fd, name) < 0) {
		ret = -errno;
	} else {
		/* mapped: the creator's if turtle can (it grants nothing) */
		if (r->s->mapped && geteuid() == 0 &&
		    fchownat(parent->fd, name, r->in->uid, r->in->gid,
			     AT_SYMLINK_NOFOLLOW) < 0)
			pr_debug("fuse %s: symlink owner: %s", r->s->tag,
				 strerror(errno));
		ret = reply_entry(r, parent, name);
	}
	inode__put(r->s, parent);
	return ret;
}

/*
 * mapped: every kind of file but a directory or symlink is a host regular
 * file 0600 with its type, mode, owner and rdev in the xattr. It is
 * created O_EXCL and removed again if the xattr cannot be set.
 */
static int mapped_mknod(struct fuse_req *r, struct fuse_inode *parent,
			const char *name, uint32_t mode, uint64_t rdev)
{
	struct mapped_attr m;
	int fd, ret;

	switch (mode & S_IFMT) {
	case S_IFREG:
	case S_IFIFO:
	case S_IFSOCK:
	case S_IFCHR:
	case S_IFBLK:
		break;
	default:
		return -EINVAL;
	}
	fd = openat(parent->fd, name,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	mapped__new(&m, r->in, parent->fd, mode,
		    S_ISCHR(mode) || S_ISBLK(mode) ? rdev : 0);
	ret = mapped__fset(fd, &m);
	close(fd);
	if (ret) {
		unlinkat(parent->fd, name, 0);
		return ret;
	}
	return reply_entry(r, parent, name);
}

int op_mknod(struct fuse_req *r)
{
	const struct fuse_mknod_in *in = r->arg;
	struct fuse_inode *parent;
	const char *name;
	int ret;

	ret = parent_and_name(r, sizeof(*in), &parent, &name);
	if (ret)
		return ret;
	if (r->s->mapped) {
		ret = mapped_mknod(r, parent, name, in->mode, in->rdev);
		goto out;
	}
	switch (in->mode & S_IFMT) {
	case S_IFREG:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	case S_IFCHR:
	case S_IFBLK:
		/*
		 * A device node would let the host open the device; only
		 * 0:0, overlayfs's whiteout, is created.
		 */
		if (in->rdev == 0)
			break;
		/* fall through */
	default:
		ret = -EPERM;
		goto out;
	}
	umask_enter(r, in->umask);
	ret = mknodat(parent->fd, name, in->mode, in->rdev);
	umask_leave();
	ret = ret < 0 ? -errno : reply_entry(r, parent, name);
out:
	inode__put(r->s, parent);
	return ret;
}

/* mapped: a host directory 0700, the guest's view in its xattr. */
static int mapped_mkdir(struct fuse_req *r, struct fuse_inode *parent,
			const char *name, uint32_t mode)
{
	struct mapped_attr m;
	int fd, ret;

	if (mkdirat(parent->fd, name, 0700) < 0)
		return -errno;
	fd = openat(parent->fd, name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
	} else {
		mapped__new(&m, r->in, parent->fd, S_IFDIR | (mode & 07777), 0);
		ret = mapped__fset(fd, &m);
		close(fd);
	}
	if (ret) {
		unlinkat(parent->fd, name, AT_REMOVEDIR);
		return ret;
	}
	return reply_entry(r, parent, name);
}

int op_mkdir(struct fuse_req *r)
{
	const struct fuse_mkdir_in *in = r->arg;
	struct fuse_inode *parent;
	const char *name;
	int ret;

	ret = parent_and_name(r, sizeof(*in), &parent, &name);
	if (ret)
		return ret;
	if (r->s->mapped) {
		ret = mapped_mkdir(r, parent, name, in->mode);
		inode__put(r->s, parent);
		return ret;
	}
	umask_enter(r, in->umask);
	ret = mkdirat(parent->fd, name, in->mode & 07777);
	umask_leave();
	ret = ret < 0 ? -errno : reply_entry(r, parent, name);
	inode__put(r->s, parent);
	return ret;
}

static int remove_entry(struct fuse_req *r, int flags)
{
	struct fuse_inode *parent;
	const char *name;
	int ret;

	ret = parent_and_name(r, 0, &parent, &name);
	if (ret)
		return ret;
	ret = unlinkat(parent->fd, name, flags) < 0 ? -errno : 0;
	inode__put(r->s, parent);
	return ret;
}

int op_unlink(struct fuse_req *r)
{
	return remove_entry(r, 0);
}

int op_rmdir(struct fuse_req *r)
{
	return remove_entry(r, AT_REMOVEDIR);
}

static int rename_common(struct fuse_req *r, size_t off, uint64_t newdir,
			 uint32_t flags)
{
	struct fuse_inode *from, *to;
	const char *oldname, *newname;
	size_t next;
	int ret;

	if (flags &
	    ~(uint32_t)(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	/* mapped: a whiteout would be a real 0:0 device node on the host */
	if (r->s->mapped && (flags & RENAME_WHITEOUT))
		return -EINVAL;
	oldname = req_name(r, off, &next);
	if (!oldname || check_name(oldname))
		return -EINVAL;
	newname = last_name(r, next);
	if (!newname || check_name(newname))
		return -EINVAL;
	from = node(r);
	to = inode__get(r->s, newdir);
	if (!from || !to)
		ret = -ENOENT;
	else if (renameat2(from->fd, oldname, to->fd, newname, flags) < 0)
		ret = -errno;
	else
		ret = 0;
	inode__put(r->s, from);
	inode__put(r->s, to);
	return ret;
}

int op_rename(struct fuse_req *r)
{
	const struct fuse_rename_in *in = r->arg;

	return rename_common(r, sizeof(*in), in->newdir, 0);
}

int op_rename2(struct fuse_req *r)
{
	const struct fuse_rename2_in *in = r->arg;

	return rename_common(r, sizeof(*in), in->newdir, in->flags);
}

int op_link(struct fuse_req *r)
{
	const struct fuse_link_in *in = r->arg;
	struct fuse_inode *parent, *ino;
	const char *name;
	char num[16];
	int ret;

	ret = parent_and_name(r, sizeof(*in), &parent, &name);
	if (ret)
		return ret;
	/* The source is an inode in the table: inside by construction. */
	ino = inode__get(r->s, in->oldnodeid);
	if (!ino) {
		ret = -ENOENT;
		goto out;
	}
	/*
	 * linkat(fd, "", AT_EMPTY_PATH) needs CAP_DAC_READ_SEARCH, which a
	 * guest user's fsuid lacks; the /proc magic link names the same
	 * inode (a symlink inode itself: the jump is not followed further).
	 */
	snprintf(num, sizeof(num), "%d", ino->fd);
	if (linkat(r->s->proc_fd, num, parent->fd, name, AT_SYMLINK_FOLLOW) < 0)
		ret = -errno;
	else
		ret = reply_entry(r, parent, name);
	inode__put(r->s, ino);
out:
	inode__put(r->s, parent);
	return ret;
}

int op_statfs(struct fuse_req *r)
{
	struct fuse_inode *ino = node(r);
	struct fuse_statfs_out *o;
	struct statfs sf;
	int ret;

	if (!ino)
		return -ENOENT;
	ret = fstatfs(ino->fd, &sf) < 0 ? -errno : 0;
	inode__put(r->s, ino);
	if (ret)
		return ret;
	o = reply_small(r);
	memset(o, 0, sizeof(*o));
	o->st.blocks = sf.f_blocks;
	o->st.bfree = sf.f_bfree;
	o->st.bavail = sf.f_bavail;
	o->st.files = sf.f_files;
	o->st.ffree = sf.f_ffree;
	o->st.bsize = (uint32_t)sf.f_bsize;
	o->st.namelen = (uint32_t)sf.f_namelen;
	o->st.frsize = (uint32_t)sf.f_frsize;
	return sizeof(*o);
}

int op_access(struct fuse_req *r)
{
	const struct fuse_access_in *in = r->arg;
	struct fuse_inode *ino;
	int ret;

	if (in->mask & ~(uint32_t)(R_OK | W_OK | X_OK))
		return -EINVAL;
	if ((in->mask & W_OK) && r->s->read_only)
		return -EROFS;
	ino = node(r);
	if (!ino)
		return -ENOENT;
	if (r->s->mapped) {
		struct stat st;

		ret = inode__stat(r->s, ino, &st);
		if (!ret)
			ret = mapped__may(&st, r->in->uid, r->in->gid,
					  (int)in->mask);
		inode__put(r->s, ino);
		return ret;
	}
	/* AT_EACCESS: check as the fsuid, not turtle's real uid. */
	ret = faccessat(ino->fd, "", (int)in->mask,
			AT_EMPTY_PATH | AT_EACCESS) < 0
		      ? -errno
		      : 0;
	inode__put(r->s, ino);
	return ret;
}

int op_syncfs(struct fuse_req *r)
{
	int fd, ret;

	fd = openat(r->s->root->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syncfs(fd) < 0 ? -errno : 0;
	close(fd);
	return ret;
}
