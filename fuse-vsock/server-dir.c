// SPDX-License-Identifier: GPL-2.0
/*
 * Directories: OPENDIR, READDIR, READDIRPLUS, RELEASEDIR, FSYNCDIR. A
 * directory handle is a real fd of the directory; READDIR's offset is the
 * host's own d_off cookie, so each request seeks to it and reads on with
 * getdents64 (under the handle's lock: the fd position is shared).
 * READDIRPLUS also looks every entry up, as LOOKUP would, except "." and
 * "..", which the kernel does not count.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "server-int.h"

int op_opendir(struct fuse_req *r)
{
	struct fuse_inode *ino = inode__get(r->s, r->in->nodeid);
	struct fuse_open_out *o;
	uint64_t fh;
	int fd;

	if (!ino)
		return -ENOENT;
	if (ino->type != S_IFDIR) {
		inode__put(r->s, ino);
		return -ENOTDIR;
	}
	fd = open_inode(r->s, ino, O_RDONLY);
	if (fd < 0) {
		inode__put(r->s, ino);
		return fd;
	}
	fh = handle__add(r->s, fd, ino, true); /* takes fd and ino */
	if (!fh)
		return -errno; /* ENFILE: the guest holds too many fds */
	o = reply_small(r);
	memset(o, 0, sizeof(*o));
	o->fh = fh;
	if (r->s->cache == FUSE_CACHE_ALWAYS)
		o->open_flags = FOPEN_CACHE_DIR | FOPEN_KEEP_CACHE;
	return sizeof(*o);
}

/* The directory handle fh, with a reference; NULL: EBADF. */
static struct fuse_handle *dir(struct fuse_req *r, uint64_t fh)
{
	return handle__get_kind(r->s, fh, true);
}

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static bool dot_or_dotdot(const char *n)
{
	return n[0] == '.' && (!n[1] || (n[1] == '.' && !n[2]));
}

/* One entry into out; its size, or 0 if it does not fit in room. */
static size_t put_entry(struct fuse_req *r, struct fuse_handle *h, bool plus,
			const struct linux_dirent64 *d, char *out, size_t room)
{
	size_t namelen = strlen(d->d_name);
	size_t size =
		plus ? FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET_DIRENTPLUS + namelen)
		     : FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET + namelen);
	struct fuse_dirent *de;
	unsigned char type;

	if (size > room)
		return 0;
	memset(out, 0, size);
	/* mapped: a host file may be anything to the guest; say which below */
	type = d->d_type;
	if (r->s->mapped && type == DT_REG)
		type = DT_UNKNOWN;
	if (plus) {
		struct fuse_direntplus *dp = (void *)out;
		struct fuse_inode *ino;
		struct stat st;

		/* Not found any more (a race) is nodeid 0: no entry. */
		if (!dot_or_dotdot(d->d_name) &&
		    !inode__lookup(r->s, h->inode, d->d_name, &ino, &st)) {
			fill_entry(r->s, &dp->entry_out, ino, &st);
			inode__put(r->s, ino);
			type = IFTODT(st.st_mode);
		}
		de = &dp->dirent;
	} else {
		de = (void *)out;
	}
	de->ino = d->d_ino;
	de->off = (uint64_t)d->d_off;
	de->namelen = (uint32_t)namelen;
	de->type = type;
	memcpy(de->name, d->d_name, namelen);
	return size;
}

static int readdir_common(struct fuse_req *r, bool plus)
{
	const struct fuse_read_in *in = r->arg;
	char dbuf[16384] __attribute__((aligned(8)));
	struct fuse_handle *h;
	size_t used = 0, n;
	long got, pos;
	char *out;
	int ret = 0;

	h = dir(r, in->fh);
	if (!h)
		return -EBADF;
	out = reply_body(r, in->size);
	if (!out) {
		handle__put(r->s, h);
		return -EINVAL;
	}
	pthread_mutex_lock(&h->lock);
	if (lseek(h->fd, (off_t)in->offset, SEEK_SET) < 0) {
		ret = -errno;
		goto out;
	}
	for (;;) {
		got = syscall(SYS_getdents64, h->fd, dbuf, sizeof(dbuf));
		if (got < 0) {
			ret = used ? 0 : -errno;
			goto out;
		}
		if (got == 0)
			goto out;
		for (pos = 0; pos < got;) {
			struct linux_dirent64 *d = (void *)(dbuf + pos);

			n = put_entry(r, h, plus, d, out + used,
				      in->size - used);
			if (!n)
				goto out; /* full: the guest asks again */
			used += n;
			pos += d->d_reclen;
		}
	}
out:
	pthread_mutex_unlock(&h->lock);
	handle__put(r->s, h);
	return ret < 0 ? ret : (int)used;
}

int op_readdir(struct fuse_req *r)
{
	return readdir_common(r, false);
}

int op_readdirplus(struct fuse_req *r)
{
	return readdir_common(r, true);
}

int op_releasedir(struct fuse_req *r)
{
	const struct fuse_release_in *in = r->arg;

	return handle__remove(r->s, in->fh, true);
}

int op_fsyncdir(struct fuse_req *r)
{
	const struct fuse_fsync_in *in = r->arg;

	return handle__fsync(r->s, in->fh, true, in->fsync_flags);
}
