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
 *
 * mapped: names are translated (server-mapped.c) so that the guest never
 * reaches user.turtle.stat, and its trusted.* and security.* names are
 * stored as user.* ones, which mean nothing to the host.
 */
#include <errno.h>
#include <linux/limits.h>
#include <stdlib.h>
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

/* The host's name for a guest xattr name (mapped: translated). */
static int host_name(struct fuse_req *r, const char **name, char *buf,
		     size_t len)
{
	int ret;

	if (!r->s->mapped)
		return 0;
	ret = mapped__xattr_to_host(*name, buf, len);
	if (!ret)
		*name = buf;
	return ret;
}

int op_setxattr(struct fuse_req *r)
{
	const struct fuse_setxattr_in *in = r->arg;
	char path[32], hname[XATTR_NAME_MAX + 1];
	struct fuse_inode *ino;
	const char *name;
	size_t next;
	int ret;

	/* Without FUSE_SETXATTR_EXT the kernel sends the short struct. */
	name = req_name(r, FUSE_COMPAT_SETXATTR_IN_SIZE, &next);
	if (!name || r->arg_len - next != in->size)
		return -EINVAL;
	ret = check_xattr_write(r, name);
	if (!ret)
		ret = host_name(r, &name, hname, sizeof(hname));
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
	char path[32], hname[XATTR_NAME_MAX + 1];
	struct fuse_inode *ino;
	const char *name;
	size_t next;
	void *buf = NULL;
	ssize_t n;
	int ret;

	name = req_name(r, sizeof(*in), &next);
	if (!name || next != r->arg_len || !*name)
		return -EINVAL;
	if (host_name(r, &name, hname, sizeof(hname)))
		return -ENODATA; /* nothing kept under such a name */
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

/*
 * mapped: the host's whole list, translated into buf (size 0: only its
 * length); the length or -errno.
 */
static ssize_t list_mapped(const char *path, char *buf, size_t size)
{
	char *host = NULL;
	ssize_t n, len;

	for (;;) {
		len = listxattr(path, NULL, 0);
		if (len <= 0)
			return len < 0 ? -errno : 0;
		free(host);
		host = malloc((size_t)len);
		if (!host)
			return -ENOMEM;
		n = listxattr(path, host, (size_t)len);
		if (n >= 0)
			break;
		if (errno != ERANGE) { /* ERANGE: it grew meanwhile */
			n = -errno;
			free(host);
			return n;
		}
	}
	n = mapped__xattr_list(host, (size_t)n, buf, size);
	free(host);
	return n;
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
	if (r->s->mapped) {
		n = list_mapped(path, buf, in->size);
		if (n < 0) {
			errno = (int)-n;
			n = -1;
		}
	} else {
		n = listxattr(path, buf, in->size);
	}
	ret = reply_xattr(r, in->size, n);
	inode__put(r->s, ino);
	return ret;
}

int op_removexattr(struct fuse_req *r)
{
	char path[32], hname[XATTR_NAME_MAX + 1];
	struct fuse_inode *ino;
	const char *name;
	size_t next;
	int ret;

	name = req_name(r, 0, &next);
	if (!name || next != r->arg_len)
		return -EINVAL;
	ret = check_xattr_write(r, name);
	if (!ret)
		ret = host_name(r, &name, hname, sizeof(hname));
	if (ret)
		return ret;
	ret = xattr_path(r, &ino, path, sizeof(path));
	if (ret)
		return ret;
	ret = removexattr(path, name) < 0 ? -errno : 0;
	inode__put(r->s, ino);
	return ret;
}
