// SPDX-License-Identifier: GPL-2.0
/*
 * security=mapped: the guest's view of ownership, mode and file type kept
 * in an xattr on plain host files (as QEMU 9p's mapped-xattr model).
 *
 * On the host, everything the guest creates is a regular file (mode 0600)
 * or a directory (0700) owned by the user turtle runs as, or a symlink;
 * never a device node, FIFO, socket, or a setuid/setgid or group/other
 * writable file. What the guest sees is in the xattr user.turtle.stat, 24
 * bytes, little endian:
 *	u32 version (1), u32 uid, u32 gid, u32 mode (S_IFMT and 07777),
 *	u64 rdev (the kernel's encoding, as in struct stat)
 * on a host regular file (which may then be any type but a directory or
 * symlink in the guest) or directory (a directory). A file without it, or
 * with one that does not parse or does not fit the host type, shows its
 * host attributes unchanged (what was on the host before, or what a host
 * program made). Symlinks are host symlinks (user.* xattrs are not
 * allowed on them): they grant nothing, their owner is whoever turtle
 * could make it (as root: the guest's; else turtle's user).
 *
 * Turtle does not impersonate guest users here: requests run as turtle's
 * user, and the guest kernel checks permissions against these attributes
 * (turtle-agent mounts with default_permissions). Where the guest kernel
 * cannot (CREATE of a name it did not know existed, ACCESS), the server
 * checks them itself (mapped__may).
 *
 * The guest's own xattrs: the prefix user.turtle. is reserved on the
 * host. A guest name that starts with it is stored with "x." after the
 * prefix (user.turtle.foo is user.turtle.x.foo on the host), and the
 * guest's trusted.* and security.* names (which need privileges on the
 * host, and would mean something to it) are stored as user.turtle.n.NAME.
 * Listing decodes both and hides every other user.turtle.* name and every
 * host name outside user.*; system.* (ACLs) is not supported. So a guest
 * can neither read nor forge user.turtle.stat, and a turtle inside a
 * guest can keep its own user.turtle.stat on this share: it is stored as
 * user.turtle.x.stat, and reads back as user.turtle.stat (nesting).
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "server-int.h"

#define MAPPED_VERSION 1

struct mapped_disk {
	uint32_t version, uid, gid, mode;
	uint64_t rdev;
};

static void encode(struct mapped_disk *d, const struct mapped_attr *m)
{
	d->version = htole32(MAPPED_VERSION);
	d->uid = htole32(m->uid);
	d->gid = htole32(m->gid);
	d->mode = htole32(m->mode);
	d->rdev = htole64(m->rdev);
}

/* The xattr value as attributes; -EINVAL if it is not ours. */
static int decode(const struct mapped_disk *d, ssize_t n, struct mapped_attr *m)
{
	if (n != (ssize_t)sizeof(*d) || le32toh(d->version) != MAPPED_VERSION)
		return -EINVAL;
	m->uid = le32toh(d->uid);
	m->gid = le32toh(d->gid);
	m->mode = le32toh(d->mode);
	m->rdev = le64toh(d->rdev);
	if (m->mode & ~(uint32_t)(S_IFMT | 07777))
		return -EINVAL;
	return 0;
}

/* Does a guest type fit a host type? */
static bool fits(mode_t host, uint32_t guest)
{
	switch (guest & S_IFMT) {
	case S_IFDIR:
		return host == S_IFDIR;
	case S_IFREG:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		return host == S_IFREG;
	default:
		return false;
	}
}

int mapped__get(int opath_fd, mode_t host_type, struct mapped_attr *m)
{
	struct mapped_disk d;
	char path[32];
	ssize_t n;

	if (host_type != S_IFREG && host_type != S_IFDIR)
		return -ENODATA;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", opath_fd);
	n = getxattr(path, MAPPED_XATTR, &d, sizeof(d));
	if (n < 0)
		return errno == ERANGE ? -EINVAL : -errno;
	if (decode(&d, n, m) || !fits(host_type, m->mode))
		return -EINVAL;
	return 0;
}

static int set_common(const char *path, int fd, const struct mapped_attr *m)
{
	struct mapped_disk d;
	int ret;

	encode(&d, m);
	if (path)
		ret = setxattr(path, MAPPED_XATTR, &d, sizeof(d), 0);
	else
		ret = fsetxattr(fd, MAPPED_XATTR, &d, sizeof(d), 0);
	return ret < 0 ? -errno : 0;
}

int mapped__set(int opath_fd, const struct mapped_attr *m)
{
	char path[32];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", opath_fd);
	return set_common(path, -1, m);
}

int mapped__fset(int fd, const struct mapped_attr *m)
{
	return set_common(NULL, fd, m);
}

void mapped__from_stat(struct mapped_attr *m, const struct stat *st)
{
	m->uid = st->st_uid;
	m->gid = st->st_gid;
	m->mode = st->st_mode & (S_IFMT | 07777);
	m->rdev = st->st_rdev;
}

void mapped__overlay(int opath_fd, struct stat *st)
{
	struct mapped_attr m;

	if (mapped__get(opath_fd, st->st_mode & S_IFMT, &m))
		return;
	st->st_uid = m.uid;
	st->st_gid = m.gid;
	st->st_mode = m.mode;
	st->st_rdev = (dev_t)m.rdev;
	if (!S_ISREG(m.mode) && !S_ISDIR(m.mode))
		st->st_size = 0; /* a special file has no data */
}

int mapped__stat(struct fuse_server *s, int opath_fd, struct stat *st)
{
	if (fstatat(opath_fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (s->mapped)
		mapped__overlay(opath_fd, st);
	return 0;
}

void mapped__new(struct mapped_attr *m, const struct fuse_in_header *in,
		 int parent_fd, uint32_t mode, uint64_t rdev)
{
	struct stat pst;

	m->uid = in->uid;
	m->gid = in->gid;
	m->mode = mode & (S_IFMT | 07777);
	m->rdev = rdev;
	/* A setgid directory gives its group, and to subdirectories its bit */
	if (!fstatat(parent_fd, "", &pst,
		     AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) {
		mapped__overlay(parent_fd, &pst);
		if (pst.st_mode & S_ISGID) {
			m->gid = pst.st_gid;
			if (S_ISDIR(mode))
				m->mode |= S_ISGID;
		}
	}
}

int mapped__may(const struct stat *st, uint32_t uid, uint32_t gid, int mask)
{
	mode_t m = st->st_mode, bits;

	if (uid == 0) {
		/* root: all but executing a file with no x bit at all */
		if ((mask & X_OK) && !S_ISDIR(m) && !(m & 0111))
			return -EACCES;
		return 0;
	}
	if (st->st_uid == uid)
		bits = (m >> 6) & 7;
	else if (st->st_gid == gid)
		bits = (m >> 3) & 7;
	else
		bits = m & 7;
	return ((unsigned int)mask & ~bits) ? -EACCES : 0;
}

/* Guest xattr names to host ones, and back. */

#define RESERVED "user.turtle."
#define RESERVED_LEN (sizeof(RESERVED) - 1)
#define ESCAPED RESERVED "x."
#define ESCAPED_LEN (sizeof(ESCAPED) - 1)
#define NONUSER RESERVED "n."
#define NONUSER_LEN (sizeof(NONUSER) - 1)

int mapped__xattr_to_host(const char *guest, char *host, size_t len)
{
	int n;

	if (!strncmp(guest, RESERVED, RESERVED_LEN))
		n = snprintf(host, len, "%s%s", ESCAPED, guest + RESERVED_LEN);
	else if (!strncmp(guest, "user.", 5))
		n = snprintf(host, len, "%s", guest);
	else if (!strncmp(guest, "trusted.", 8) ||
		 !strncmp(guest, "security.", 9))
		n = snprintf(host, len, "%s%s", NONUSER, guest);
	else
		return -EOPNOTSUPP; /* system.*: ACLs are not kept */
	if (n < 0 || (size_t)n >= len || n > XATTR_NAME_MAX_LEN)
		return -ERANGE;
	return 0;
}

/* The guest's name for a host name into out (room: len); its length. */
static size_t to_guest(const char *host, char *out, size_t len)
{
	const char *rest;
	int n;

	if (!strncmp(host, ESCAPED, ESCAPED_LEN)) {
		rest = host + ESCAPED_LEN;
		n = snprintf(out, len, "%s%s", RESERVED, rest);
	} else if (!strncmp(host, NONUSER, NONUSER_LEN)) {
		rest = host + NONUSER_LEN;
		if (strncmp(rest, "trusted.", 8) &&
		    strncmp(rest, "security.", 9))
			return 0;
		n = snprintf(out, len, "%s", rest);
	} else if (!strncmp(host, RESERVED, RESERVED_LEN) ||
		   strncmp(host, "user.", 5)) {
		return 0; /* ours, or the host's own */
	} else {
		n = snprintf(out, len, "%s", host);
	}
	return n > 0 && (size_t)n < len ? (size_t)n + 1 : 0;
}

ssize_t mapped__xattr_list(const char *hostlist, size_t n, char *out,
			   size_t size)
{
	char name[XATTR_NAME_MAX_LEN + 16];
	size_t used = 0, k, off;

	for (off = 0; off < n; off += strnlen(hostlist + off, n - off) + 1) {
		if (!memchr(hostlist + off, '\0', n - off))
			break; /* not a list the kernel makes */
		k = to_guest(hostlist + off, name, sizeof(name));
		if (!k)
			continue;
		if (size) {
			if (used + k > size)
				return -ERANGE;
			memcpy(out + used, name, k);
		}
		used += k;
	}
	return (ssize_t)used;
}
