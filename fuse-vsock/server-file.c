// SPDX-License-Identifier: GPL-2.0
/*
 * Open files: OPEN, CREATE, READ, WRITE, RELEASE, FSYNC, FLUSH, FALLOCATE,
 * LSEEK, COPY_FILE_RANGE. A file handle (fh) is a real host fd, opened
 * from the inode's O_PATH fd (see open_inode); the I/O uses explicit
 * offsets (pread/pwrite), so handles shared by many requests at once need
 * no lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server-int.h"

/*
 * Reopen an inode for I/O: a directory or a regular file, through its
 * /proc/self/fd magic link, which names exactly that inode (no path walk,
 * so nothing can redirect it, and no search permission on a directory is
 * needed to open it for reading, as on a local file system; openat(fd,
 * ".") would need it). Nothing else: a symlink is never followed, and
 * devices, FIFOs and sockets the guest kernel opens itself.
 */
int open_inode(struct fuse_server *s, struct fuse_inode *ino, int flags)
{
	char num[16];
	int fd;

	flags |= O_CLOEXEC;
	if (ino->type == S_IFDIR || ino->type == S_IFREG) {
		if (ino->type == S_IFDIR)
			flags |= O_DIRECTORY;
		snprintf(num, sizeof(num), "%d", ino->fd);
		fd = openat(s->proc_fd, num, flags & ~O_NOFOLLOW);
	} else {
		return ino->type == S_IFLNK ? -ELOOP : -EACCES;
	}
	return fd < 0 ? -errno : fd;
}

/*
 * The host open flags for the guest's. With the writeback cache the guest
 * kernel reads pages around partial writes and computes append offsets
 * itself: write-only opens become read-write, and O_APPEND goes.
 */
static int host_flags(struct fuse_server *s, uint32_t flags, bool *widened)
{
	int acc = (int)flags & O_ACCMODE;
	int keep = O_TRUNC | O_APPEND | O_SYNC | O_DSYNC;

	*widened = false;
	if (s->read_only && (acc != O_RDONLY || (flags & O_TRUNC)))
		return -EROFS;
	if (s->flags & FUSE_WRITEBACK_CACHE) {
		keep &= ~O_APPEND;
		if (acc == O_WRONLY) {
			acc = O_RDWR;
			*widened = true;
		}
	}
	return acc | ((int)flags & keep);
}

static int reply_open(const struct fuse_server *s, struct fuse_open_out *o,
		      uint64_t fh)
{
	memset(o, 0, sizeof(*o));
	o->fh = fh;
	if (s->cache == FUSE_CACHE_ALWAYS)
		o->open_flags = FOPEN_KEEP_CACHE;
	else if (s->cache == FUSE_CACHE_NEVER)
		o->open_flags = FOPEN_DIRECT_IO;
	return sizeof(*o);
}

int op_open(struct fuse_req *r)
{
	const struct fuse_open_in *in = r->arg;
	struct fuse_inode *ino;
	bool widened;
	uint64_t fh;
	int flags, fd;

	flags = host_flags(r->s, in->flags, &widened);
	if (flags < 0)
		return flags;
	ino = inode__get(r->s, r->in->nodeid);
	if (!ino)
		return -ENOENT;
	if (ino->type == S_IFDIR) {
		inode__put(r->s, ino);
		return -EISDIR;
	}
	if (r->s->mapped && ino->type == S_IFREG) {
		/* a device, FIFO or socket to the guest: not ours to open */
		struct stat st;
		int ret = inode__stat(r->s, ino, &st);

		if (ret || !S_ISREG(st.st_mode)) {
			inode__put(r->s, ino);
			return ret ? ret : -EACCES;
		}
	}
	fd = open_inode(r->s, ino, flags);
	if (fd == -EACCES && widened) /* write-only file: as asked */
		fd = open_inode(r->s, ino, (flags & ~O_ACCMODE) | O_WRONLY);
	if (fd < 0) {
		inode__put(r->s, ino);
		return fd;
	}
	fh = handle__add(r->s, fd, ino, false); /* takes fd and ino */
	if (!fh)
		return -errno; /* ENFILE: the guest holds too many fds */
	return reply_open(r->s, reply_small(r), fh);
}

/*
 * Open name in dir, creating it. An existing special file is never
 * opened (virtiofsd's CVE-2020-35517: an open of a FIFO blocks, or wakes
 * its writer; a device's open has effects): O_EXCL first; if the name
 * exists, it is opened O_PATH (which opens nothing), checked to be a
 * regular file (to the guest too, when mapped) and only then reopened
 * through its /proc/self/fd magic link, which names exactly that inode.
 * mapped: a new file is 0600 on the host, the guest's
 * view in its xattr; an existing one the server checks the guest's
 * permission on, since the guest kernel did not know it existed.
 */
static int create_file(struct fuse_req *r, struct fuse_inode *parent,
		       const char *name, int flags)
{
	const struct fuse_create_in *in = r->arg;
	struct mapped_attr m;
	struct stat st;
	mode_t mode = r->s->mapped ? 0600 : in->mode & 07777;
	char num[16];
	int fd, pfd, ret;

	fd = openat(parent->fd, name,
		    flags | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd >= 0) {
		if (!r->s->mapped)
			return fd;
		mapped__new(&m, r->in, parent->fd, S_IFREG | (in->mode & 07777),
			    0);
		ret = mapped__fset(fd, &m);
		if (ret) {
			close(fd);
			unlinkat(parent->fd, name, 0);
			return ret;
		}
		return fd;
	}
	if (errno != EEXIST || (in->flags & O_EXCL))
		return -errno;
	pfd = openat(parent->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (pfd < 0)
		return -errno;
	ret = mapped__stat(r->s, pfd, &st);
	if (!ret && !S_ISREG(st.st_mode))
		ret = S_ISDIR(st.st_mode)   ? -EISDIR
		      : S_ISLNK(st.st_mode) ? -ELOOP /* as O_NOFOLLOW */
					    : -EACCES;
	if (!ret && r->s->mapped) {
		int want = (flags & O_ACCMODE) == O_RDONLY   ? R_OK
			   : (flags & O_ACCMODE) == O_WRONLY ? W_OK
							     : R_OK | W_OK;

		if (flags & O_TRUNC)
			want |= W_OK;
		ret = mapped__may(&st, r->in->uid, r->in->gid, want);
	}
	if (!ret) {
		/* a regular file: its open neither blocks nor has effects */
		snprintf(num, sizeof(num), "%d", pfd);
		fd = openat(r->s->proc_fd, num, flags | O_CLOEXEC);
		ret = fd < 0 ? -errno : fd;
	}
	close(pfd);
	return ret;
}

int op_create(struct fuse_req *r)
{
	const struct fuse_create_in *in = r->arg;
	struct fuse_inode *parent, *ino;
	struct fuse_entry_out *e;
	const char *name;
	size_t next;
	struct stat st;
	char num[16];
	bool widened;
	int flags, fd, pfd, ret;
	uint64_t fh;

	name = req_name(r, sizeof(*in), &next);
	if (!name || next != r->arg_len || check_name(name))
		return -EINVAL;
	flags = host_flags(r->s, in->flags, &widened);
	if (flags < 0)
		return flags;
	parent = inode__get(r->s, r->in->nodeid);
	if (!parent)
		return -ENOENT;
	if (r->s->flags & FUSE_DONT_MASK)
		umask(in->umask & 0777);
	fd = create_file(r, parent, name, flags);
	if (fd == -EACCES && widened)
		fd = create_file(r, parent, name,
				 (flags & ~O_ACCMODE) | O_WRONLY);
	umask(0);
	inode__put(r->s, parent);
	if (fd < 0)
		return fd;
	/* The inode is the file just opened, whatever the name is now. */
	snprintf(num, sizeof(num), "%d", fd);
	pfd = openat(r->s->proc_fd, num, O_PATH | O_CLOEXEC);
	if (pfd < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	ret = inode__add(r->s, pfd, &ino, &st);
	if (ret) {
		close(fd);
		return ret;
	}
	e = reply_small(r);
	fill_entry(r->s, e, ino, &st);
	fh = handle__add(r->s, fd, ino, false); /* takes fd and ino's ref */
	if (!fh) {
		ret = -errno; /* ENFILE: the guest holds too many fds */
		inode__forget(r->s, e->nodeid, 1);
		return ret;
	}
	reply_open(r->s, (struct fuse_open_out *)(e + 1), fh);
	return sizeof(*e) + sizeof(struct fuse_open_out);
}

/* The open file fh (not a directory), with a reference; NULL: EBADF. */
static struct fuse_handle *file(struct fuse_req *r, uint64_t fh)
{
	return handle__get_kind(r->s, fh, false);
}

int op_read(struct fuse_req *r)
{
	const struct fuse_read_in *in = r->arg;
	struct fuse_handle *h;
	size_t done = 0;
	ssize_t n = 0;
	char *buf;

	h = file(r, in->fh);
	if (!h)
		return -EBADF;
	/* Straight into the reply buffer: the bytes are copied once. */
	buf = reply_body(r, in->size);
	if (!buf) {
		handle__put(r->s, h);
		return -EINVAL;
	}
	while (done < in->size) {
		n = pread(h->fd, buf + done, in->size - done,
			  (off_t)(in->offset + done));
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	handle__put(r->s, h);
	if (n < 0 && !done)
		return -errno;
	return (int)done;
}

int op_write(struct fuse_req *r)
{
	const struct fuse_write_in *in = r->arg;
	const char *data = (const char *)(in + 1);
	struct fuse_write_out *o;
	struct fuse_handle *h;
	size_t done = 0;
	ssize_t n = 0;

	if (r->arg_len - sizeof(*in) != in->size)
		return -EINVAL;
	h = file(r, in->fh);
	if (!h)
		return -EBADF;
	while (done < in->size) {
		n = pwrite(h->fd, data + done, in->size - done,
			   (off_t)(in->offset + done));
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	handle__put(r->s, h);
	if (n < 0 && !done)
		return -errno;
	o = reply_small(r);
	memset(o, 0, sizeof(*o));
	o->size = (uint32_t)done;
	return sizeof(*o);
}

int op_release(struct fuse_req *r)
{
	const struct fuse_release_in *in = r->arg;

	/* Closing the fd also drops its flock (FUSE_RELEASE_FLOCK_UNLOCK). */
	return handle__remove(r->s, in->fh, false);
}

int op_fsync(struct fuse_req *r)
{
	const struct fuse_fsync_in *in = r->arg;

	return handle__fsync(r->s, in->fh, false, in->fsync_flags);
}

int op_flush(struct fuse_req *r)
{
	const struct fuse_flush_in *in = r->arg;
	struct fuse_handle *h = file(r, in->fh);

	if (!h)
		return -EBADF;
	/* A close in the guest: POSIX drops the process's locks. */
	lock__release_owner(h->inode, in->lock_owner);
	handle__put(r->s, h);
	return 0;
}

int op_fallocate(struct fuse_req *r)
{
	const struct fuse_fallocate_in *in = r->arg;
	struct fuse_handle *h = file(r, in->fh);
	int ret;

	if (!h)
		return -EBADF;
	ret = fallocate(h->fd, (int)in->mode, (off_t)in->offset,
			(off_t)in->length) < 0
		      ? -errno
		      : 0;
	handle__put(r->s, h);
	return ret;
}

int op_lseek(struct fuse_req *r)
{
	const struct fuse_lseek_in *in = r->arg;
	struct fuse_handle *h;
	struct fuse_lseek_out *o;
	off_t off;

	if (in->whence != SEEK_DATA && in->whence != SEEK_HOLE)
		return -EINVAL; /* the kernel handles the others itself */
	h = file(r, in->fh);
	if (!h)
		return -EBADF;
	off = lseek(h->fd, (off_t)in->offset, (int)in->whence);
	handle__put(r->s, h);
	if (off < 0)
		return -errno;
	o = reply_small(r);
	o->offset = (uint64_t)off;
	return sizeof(*o);
}

int op_copy_file_range(struct fuse_req *r)
{
	const struct fuse_copy_file_range_in *in = r->arg;
	struct fuse_handle *src, *dst;
	struct fuse_write_out *o;
	loff_t off_in = (loff_t)in->off_in, off_out = (loff_t)in->off_out;
	size_t len = in->len > (1u << 30) ? (1u << 30) : in->len;
	ssize_t n;

	if (in->flags)
		return -EINVAL;
	src = file(r, in->fh_in);
	dst = file(r, in->fh_out);
	if (!src || !dst) {
		n = -EBADF;
	} else {
		n = copy_file_range(src->fd, &off_in, dst->fd, &off_out, len,
				    0);
		if (n < 0)
			n = -errno;
	}
	if (src)
		handle__put(r->s, src);
	if (dst)
		handle__put(r->s, dst);
	if (n < 0)
		return (int)n;
	o = reply_small(r);
	memset(o, 0, sizeof(*o));
	o->size = (uint32_t)n;
	return sizeof(*o);
}
