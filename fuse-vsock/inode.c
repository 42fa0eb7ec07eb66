// SPDX-License-Identifier: GPL-2.0
/*
 * The server's tables: nodeid -> inode (an O_PATH fd), (dev, ino) ->
 * inode for deduplication, and fh -> open file. Chained hash tables that
 * double when full, under one mutex. Entries are reference counted: the
 * table holds one reference while the entry is in it, each request one
 * while it uses it; the last put closes the fd.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <string.h>
#include <unistd.h>

#include "../lib/log.h"
#include "server-int.h"

#define INITIAL_BUCKETS 64

static size_t hash64(uint64_t v, size_t nbuckets)
{
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdULL;
	v ^= v >> 33;
	return (size_t)v & (nbuckets - 1);
}

static size_t hash_key(dev_t dev, ino_t ino, size_t nbuckets)
{
	return hash64((uint64_t)ino ^ ((uint64_t)dev * 0x9e3779b97f4a7c15ULL),
		      nbuckets);
}

int table__init(struct fuse_table *t)
{
	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	t->nbuckets = INITIAL_BUCKETS;
	t->nfhbuckets = INITIAL_BUCKETS;
	t->by_id = calloc(t->nbuckets, sizeof(*t->by_id));
	t->by_key = calloc(t->nbuckets, sizeof(*t->by_key));
	t->fhs = calloc(t->nfhbuckets, sizeof(*t->fhs));
	t->next_nodeid = FUSE_ROOT_ID + 1;
	t->next_fh = 1;
	return t->by_id && t->by_key && t->fhs ? 0 : -1;
}

static void inode_link(struct fuse_table *t, struct fuse_inode *ino)
{
	size_t h = hash64(ino->nodeid, t->nbuckets);
	size_t k = hash_key(ino->dev, ino->ino, t->nbuckets);

	ino->next_id = t->by_id[h];
	t->by_id[h] = ino;
	ino->next_key = t->by_key[k];
	t->by_key[k] = ino;
}

static void inode_unlink(struct fuse_table *t, struct fuse_inode *ino)
{
	struct fuse_inode **pp;

	pp = &t->by_id[hash64(ino->nodeid, t->nbuckets)];
	while (*pp != ino)
		pp = &(*pp)->next_id;
	*pp = ino->next_id;
	pp = &t->by_key[hash_key(ino->dev, ino->ino, t->nbuckets)];
	while (*pp != ino)
		pp = &(*pp)->next_key;
	*pp = ino->next_key;
	ino->in_table = false;
	t->ninodes--;
}

/* Double the inode buckets when they average more than two entries. */
static void inode_grow(struct fuse_table *t)
{
	struct fuse_inode **id, **key, *ino, *next;
	size_t i, n = t->nbuckets * 2, old = t->nbuckets;

	if (t->ninodes <= t->nbuckets * 2)
		return;
	id = calloc(n, sizeof(*id));
	key = calloc(n, sizeof(*key));
	if (!id || !key) {
		free(id);
		free(key);
		return; /* longer chains, still correct */
	}
	for (i = 0; i < old; i++) {
		for (ino = t->by_id[i]; ino; ino = next) {
			next = ino->next_id;
			ino->next_id = id[hash64(ino->nodeid, n)];
			id[hash64(ino->nodeid, n)] = ino;
		}
		for (ino = t->by_key[i]; ino; ino = next) {
			next = ino->next_key;
			ino->next_key = key[hash_key(ino->dev, ino->ino, n)];
			key[hash_key(ino->dev, ino->ino, n)] = ino;
		}
	}
	free(t->by_id);
	free(t->by_key);
	t->by_id = id;
	t->by_key = key;
	t->nbuckets = n;
}

static struct fuse_inode *find_id(struct fuse_table *t, uint64_t nodeid)
{
	struct fuse_inode *ino = t->by_id[hash64(nodeid, t->nbuckets)];

	while (ino && ino->nodeid != nodeid)
		ino = ino->next_id;
	return ino;
}

static struct fuse_inode *find_key(struct fuse_table *t, dev_t dev, ino_t i)
{
	struct fuse_inode *ino = t->by_key[hash_key(dev, i, t->nbuckets)];

	while (ino && (ino->dev != dev || ino->ino != i))
		ino = ino->next_key;
	return ino;
}

/* The guest's share of turtle's fds (server-int.h). */
static long fds_held, fds_max = LONG_MAX;

void fds__set_limit(void)
{
	struct rlimit rl;
	long max = LONG_MAX;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < (rlim_t)LONG_MAX) {
		long cur = (long)rl.rlim_cur, reserve = cur / 8;

		if (reserve < FUSE_FDS_RESERVE)
			reserve = FUSE_FDS_RESERVE;
		max = cur > reserve ? cur - reserve : 0;
	}
	__atomic_store_n(&fds_max, max, __ATOMIC_RELAXED);
}

bool fds__take(void)
{
	long max = __atomic_load_n(&fds_max, __ATOMIC_RELAXED);

	if (__atomic_fetch_add(&fds_held, 1, __ATOMIC_RELAXED) < max)
		return true;
	__atomic_fetch_sub(&fds_held, 1, __ATOMIC_RELAXED);
	pr_guest(
		"fuse: the guest holds %ld host fds, the most turtle gives it (RLIMIT_NOFILE less a reserve): refused",
		max);
	return false;
}

void fds__give(void)
{
	__atomic_fetch_sub(&fds_held, 1, __ATOMIC_RELAXED);
}

static struct fuse_inode *inode_alloc(int fd, const struct stat *st)
{
	struct fuse_inode *ino = calloc(1, sizeof(*ino));

	if (!ino)
		return NULL;
	ino->fd = fd;
	ino->dev = st->st_dev;
	ino->ino = st->st_ino;
	ino->type = st->st_mode & S_IFMT;
	pthread_mutex_init(&ino->lock, NULL);
	return ino;
}

static void inode_free(struct fuse_inode *ino)
{
	lock__drop_all(ino);
	close(ino->fd);
	fds__give();
	pthread_mutex_destroy(&ino->lock);
	free(ino);
}

struct fuse_inode *inode__new_root(struct fuse_server *s, int fd,
				   const struct stat *st)
{
	struct fuse_inode *ino = inode_alloc(fd, st);

	if (!ino)
		return NULL;
	__atomic_fetch_add(&fds_held, 1, __ATOMIC_RELAXED); /* never refused */
	ino->nodeid = FUSE_ROOT_ID;
	ino->nlookup = 1;
	ino->refs = 1;
	ino->in_table = true;
	pthread_mutex_lock(&s->t.lock);
	inode_link(&s->t, ino);
	s->t.ninodes++;
	pthread_mutex_unlock(&s->t.lock);
	return ino;
}

struct fuse_inode *inode__get(struct fuse_server *s, uint64_t nodeid)
{
	struct fuse_inode *ino;

	pthread_mutex_lock(&s->t.lock);
	ino = find_id(&s->t, nodeid);
	if (ino)
		ino->refs++;
	pthread_mutex_unlock(&s->t.lock);
	return ino;
}

void inode__put(struct fuse_server *s, struct fuse_inode *ino)
{
	unsigned int refs;

	if (!ino)
		return;
	pthread_mutex_lock(&s->t.lock);
	refs = --ino->refs;
	pthread_mutex_unlock(&s->t.lock);
	if (!refs)
		inode_free(ino);
}

int inode__stat(struct fuse_server *s, struct fuse_inode *ino, struct stat *st)
{
	return mapped__stat(s, ino->fd, st);
}

int inode__add(struct fuse_server *s, int fd, struct fuse_inode **out,
	       struct stat *st)
{
	struct fuse_table *t = &s->t;
	struct fuse_inode *ino, *fresh;

	if (fstatat(fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	pthread_mutex_lock(&t->lock);
	ino = find_key(t, st->st_dev, st->st_ino);
	fresh = NULL;
	if (!ino) {
		/* A new inode keeps its fd: within the guest's share. */
		if (!fds__take()) {
			pthread_mutex_unlock(&t->lock);
			close(fd);
			return -ENFILE;
		}
		fresh = inode_alloc(fd, st);
		if (!fresh) {
			fds__give();
			pthread_mutex_unlock(&t->lock);
			close(fd);
			return -ENOMEM;
		}
	}
	if (ino) {
		ino->nlookup++;
		ino->refs++;
	} else {
		ino = fresh;
		ino->nodeid = t->next_nodeid++;
		ino->nlookup = 1;
		ino->refs = 2; /* the table's and the caller's */
		ino->in_table = true;
		inode_link(t, ino);
		t->ninodes++;
		inode_grow(t);
	}
	pthread_mutex_unlock(&t->lock);
	if (s->mapped)
		mapped__overlay(fd, st); /* the table keys on the host's */
	if (!fresh)
		close(fd); /* known already: the new fd is not needed */
	*out = ino;
	return 0;
}

int inode__lookup(struct fuse_server *s, struct fuse_inode *parent,
		  const char *name, struct fuse_inode **out, struct stat *st)
{
	int fd;

	if (!*name || strchr(name, '/'))
		return -EINVAL;
	if (!strcmp(name, ".") ||
	    (!strcmp(name, "..") && parent->nodeid == FUSE_ROOT_ID))
		/* the directory itself; nothing above the root */
		fd = openat(parent->fd, ".", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	else
		fd = openat(parent->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return inode__add(s, fd, out, st);
}

/* Drop the table's reference; the caller frees if this returns true. */
static bool inode_evict(struct fuse_table *t, struct fuse_inode *ino)
{
	inode_unlink(t, ino);
	return --ino->refs == 0;
}

void inode__forget(struct fuse_server *s, uint64_t nodeid, uint64_t n)
{
	struct fuse_inode *ino;
	bool free_it = false;

	if (nodeid == FUSE_ROOT_ID)
		return;
	pthread_mutex_lock(&s->t.lock);
	ino = find_id(&s->t, nodeid);
	if (ino) {
		ino->nlookup -= n < ino->nlookup ? n : ino->nlookup;
		if (!ino->nlookup)
			free_it = inode_evict(&s->t, ino);
	}
	pthread_mutex_unlock(&s->t.lock);
	if (free_it)
		inode_free(ino);
}

/* File handles. */

static void handle_free(struct fuse_server *s, struct fuse_handle *h)
{
	close(h->fd);
	fds__give();
	inode__put(s, h->inode);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

static void handle_grow(struct fuse_table *t)
{
	struct fuse_handle **b, *h, *next;
	size_t i, n = t->nfhbuckets * 2;

	if (t->nfhs <= t->nfhbuckets * 2)
		return;
	b = calloc(n, sizeof(*b));
	if (!b)
		return;
	for (i = 0; i < t->nfhbuckets; i++) {
		for (h = t->fhs[i]; h; h = next) {
			next = h->next;
			h->next = b[hash64(h->fh, n)];
			b[hash64(h->fh, n)] = h;
		}
	}
	free(t->fhs);
	t->fhs = b;
	t->nfhbuckets = n;
}

uint64_t handle__add(struct fuse_server *s, int fd, struct fuse_inode *ino,
		     bool is_dir)
{
	struct fuse_table *t = &s->t;
	struct fuse_handle *h = NULL;
	int err = ENFILE;
	size_t b;

	if (fds__take()) {
		h = calloc(1, sizeof(*h));
		if (!h) {
			fds__give();
			err = ENOMEM;
		}
	}
	if (!h) {
		close(fd);
		inode__put(s, ino);
		errno = err;
		return 0;
	}
	h->fd = fd;
	h->inode = ino;
	h->is_dir = is_dir;
	h->refs = 1;
	h->in_table = true;
	pthread_mutex_init(&h->lock, NULL);
	pthread_mutex_lock(&t->lock);
	h->fh = t->next_fh++;
	b = hash64(h->fh, t->nfhbuckets);
	h->next = t->fhs[b];
	t->fhs[b] = h;
	t->nfhs++;
	handle_grow(t);
	pthread_mutex_unlock(&t->lock);
	return h->fh;
}

static struct fuse_handle **find_fh(struct fuse_table *t, uint64_t fh)
{
	struct fuse_handle **pp = &t->fhs[hash64(fh, t->nfhbuckets)];

	while (*pp && (*pp)->fh != fh)
		pp = &(*pp)->next;
	return pp;
}

struct fuse_handle *handle__get(struct fuse_server *s, uint64_t fh)
{
	struct fuse_handle *h;

	pthread_mutex_lock(&s->t.lock);
	h = *find_fh(&s->t, fh);
	if (h)
		h->refs++;
	pthread_mutex_unlock(&s->t.lock);
	return h;
}

struct fuse_handle *handle__get_kind(struct fuse_server *s, uint64_t fh,
				     bool is_dir)
{
	struct fuse_handle *h = handle__get(s, fh);

	if (h && h->is_dir != is_dir) {
		handle__put(s, h);
		return NULL;
	}
	return h;
}

int handle__fsync(struct fuse_server *s, uint64_t fh, bool is_dir,
		  uint32_t fsync_flags)
{
	struct fuse_handle *h = handle__get_kind(s, fh, is_dir);
	int ret;

	if (!h)
		return -EBADF;
	ret = fsync_flags & FUSE_FSYNC_FDATASYNC ? fdatasync(h->fd)
						 : fsync(h->fd);
	ret = ret < 0 ? -errno : 0;
	handle__put(s, h);
	return ret;
}

void handle__put(struct fuse_server *s, struct fuse_handle *h)
{
	unsigned int refs;

	pthread_mutex_lock(&s->t.lock);
	refs = --h->refs;
	pthread_mutex_unlock(&s->t.lock);
	if (!refs)
		handle_free(s, h);
}

int handle__remove(struct fuse_server *s, uint64_t fh, bool is_dir)
{
	struct fuse_handle **pp, *h;
	unsigned int refs;

	pthread_mutex_lock(&s->t.lock);
	pp = find_fh(&s->t, fh);
	h = *pp;
	if (!h || h->is_dir != is_dir) {
		pthread_mutex_unlock(&s->t.lock);
		return -EBADF;
	}
	*pp = h->next;
	h->in_table = false;
	s->t.nfhs--;
	refs = --h->refs;
	pthread_mutex_unlock(&s->t.lock);
	if (!refs)
		handle_free(s, h);
	return 0;
}

void table__reset(struct fuse_server *s)
{
	struct fuse_table *t = &s->t;
	struct fuse_inode *ino, *next, *dead = NULL;
	struct fuse_handle *h, *hnext, *hdead = NULL;
	size_t i;

	pthread_mutex_lock(&t->lock);
	for (i = 0; i < t->nfhbuckets; i++) {
		for (h = t->fhs[i]; h; h = hnext) {
			hnext = h->next;
			h->in_table = false;
			if (!--h->refs) {
				h->next = hdead;
				hdead = h;
			}
		}
		t->fhs[i] = NULL;
	}
	t->nfhs = 0;
	for (i = 0; i < t->nbuckets; i++) {
		for (ino = t->by_id[i]; ino; ino = next) {
			next = ino->next_id;
			if (ino == s->root)
				continue;
			if (inode_evict(t, ino)) {
				ino->next_id = dead;
				dead = ino;
			}
		}
	}
	pthread_mutex_unlock(&t->lock);
	for (; hdead; hdead = hnext) {
		hnext = hdead->next;
		handle_free(s, hdead);
	}
	for (; dead; dead = next) {
		next = dead->next_id;
		inode_free(dead);
	}
}

void table__destroy(struct fuse_table *t)
{
	struct fuse_inode *ino, *next;
	size_t i;

	/* After table__reset: only the root can be left. */
	for (i = 0; t->by_id && i < t->nbuckets; i++) {
		for (ino = t->by_id[i]; ino; ino = next) {
			next = ino->next_id;
			inode_free(ino);
		}
	}
	free(t->by_id);
	free(t->by_key);
	free(t->fhs);
	pthread_mutex_destroy(&t->lock);
}
