// SPDX-License-Identifier: GPL-2.0
/*
 * Extended attributes: SETXATTR, GETXATTR, LISTXATTR, REMOVEXATTR. There
 * is no fd-relative xattr call for an O_PATH fd, so they go through the
 * inode's /proc/self/fd magic link, which names the inode itself (for a
 * symlink inode, the link: the jump is not followed further).
 *
 * trusted.* and security.* (file capabilities!) are checked with
 * CAP_SYS_ADMIN and CAP_SETFCAP, which a guest user's fsuid keeps: only
 * guest root may set or remove them.
 */
#include <errno.h>
#include <linux/limits.h>
#include <string.h>
#include <sys/xattr.h>

#include "server-int.h"

/* The inode's magic link path; its inode is in *ino (put it). */
static int xattr_path(struct fuse_req *r, struct fuse_inode **ino, char *path,
		      size_t len)
{
	int ret;

	*ino = inode__get(r->s, r->in->nodeid);
	if (!*ino)
		return -ENOENT;
	ret = proc_path(r->s, (*ino)->fd, path, len);
	if (ret)
		inode__put(r->s, *ino);
	return ret;
}

static int check_xattr_write(struct fuse_req *r, const char *name)
{
	if (!*name || strlen(name) > XATTR_NAME_MAX)
		return -EINVAL;
	if ((!strncmp(name, "trusted.", 8) || !strncmp(name, "security.", 9)) &&
	    r->in->uid != 0)
		return -EPERM;
	return 0;
}

int op_setxattr(struct fuse_req *r)
{
	const struct fuse_setxattr_in *in = r->arg;
	struct fuse_inode *ino;
	const char *name;
	char path[32];
	size_t next;
	int ret;

	/* Without FUSE_SETXATTR_EXT the kernel sends the short struct. */
	name = req_name(r, FUSE_COMPAT_SETXATTR_IN_SIZE, &next);
	if (!name || r->arg_len - next != in->size)
		return -EINVAL;
	ret = check_xattr_write(r, name);
	if (ret)
		return ret;
	ret = xattr_path(r, &ino, path, sizeof(path));
	if (ret)
		return ret;
	ret = setxattr(path, name, (const char *)r->arg + next, in->size,
		       (int)in->flags) < 0
		      ? -errno
		      : 0;
	inode__put(r->s, ino);
	return ret;
}

/* size 0 asks for the size; else the value, or ERANGE. */
static int reply_xattr(struct fuse_req *r, uint32_t size, ssize_t n)
{
	struct fuse_getxattr_out *o;

	if (n < 0)
		return -errno;
	if (size)
		return (int)n;
	o = reply_small(r);
	memset(o, 0, sizeof(*o));
	o->size = (uint32_t)n;
	return sizeof(*o);
}

int op_getxattr(struct fuse_req *r)
{
	const struct fuse_getxattr_in *in = r->arg;
	struct fuse_inode *ino;
	const char *name;
	char path[32];
	size_t next;
	void *buf = NULL;
	ssize_t n;
	int ret;

	name = req_name(r, sizeof(*in), &next);
	if (!name || next != r->arg_len || !*name)
		return -EINVAL;
	if (in->size && !(buf = reply_body(r, in->size)))
		return -E2BIG;
	ret = xattr_path(r, &ino, path, sizeof(path));
	if (ret)
		return ret;
	n = getxattr(path, name, buf, in->size);
	ret = reply_xattr(r, in->size, n);
	inode__put(r->s, ino);
	return ret;
}

int op_listxattr(struct fuse_req *r)
{
	const struct fuse_getxattr_in *in = r->arg;
	struct fuse_inode *ino;
	char path[32];
	char *buf = NULL;
	ssize_t n;
	int ret;

	if (in->size && !(buf = reply_body(r, in->size)))
		return -E2BIG;
	ret = xattr_path(r, &ino, path, sizeof(path));
	if (ret)
		return ret;
	n = listxattr(path, buf, in->size);
	ret = reply_xattr(r, in->size, n);
	inode__put(r->s, ino);
	return ret;
}

int op_removexattr(struct fuse_req *r)
{
	struct fuse_inode *ino;
	const char *name;
	char path[32];
	size_t next;
	int ret;

	name = req_name(r, 0, &next);
	if (!name || next != r->arg_len)
		return -EINVAL;
	ret = check_xattr_write(r, name);
	if (ret)
		return ret;
	ret = xattr_path(r, &ino, path, sizeof(path));
	if (ret)
		return ret;
	ret = removexattr(path, name) < 0 ? -errno : 0;
	inode__put(r->s, ino);
	return ret;
}
