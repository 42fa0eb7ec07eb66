// SPDX-License-Identifier: GPL-2.0
/*
 * The workers' reply buffers (server.h): each keeps FUSE_SERVER_BUF_KEEP
 * bytes, enough for every reply whose size the server decides. The others
 * carry as much data as the request asks for (the size in its
 * fuse_read_in or fuse_getxattr_in), and reply_body (server.c) grows the
 * buffer to exactly that: fuse_server__reply_need tells it beforehand,
 * from the whole message, so that those bytes are charged to the guest's
 * budget (session.c) like its requests'; fuse_server__buf_shrink gives
 * them back once the reply is sent. A worker so holds no more than KEEP
 * bytes between requests, however large the guest's last one was.
 *
 * The spares: a reply buffer of up to FUSE_SERVER_BUF_SIZE (a 1 MiB READ)
 * is made that size, and when its request is done it is kept, up to
 * FUSE_SERVER_SPARE_BUFS of them for every worker together, for the next
 * such request: a stream of large READs reuses resident pages instead of
 * faulting in a fresh megabyte for each (which cost 40% of a sequential
 * read's throughput). That is a fixed 2 MiB at most, whatever the guest
 * does; larger buffers (READs of up to 16 MiB) go back to the heap.
 */
#include <linux/fuse.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

static struct {
	pthread_mutex_t lock;
	unsigned int n;
	void *p[FUSE_SERVER_SPARE_BUFS];
} spare = { .lock = PTHREAD_MUTEX_INITIALIZER };

size_t fuse_server__reply_need(const void *msg, size_t len)
{
	const struct fuse_in_header *in = msg;
	const void *arg = in + 1;
	uint32_t size;
	size_t need;

	if (len < sizeof(*in))
		return 0;
	switch (in->opcode) {
	case FUSE_READ:
	case FUSE_READDIR:
	case FUSE_READDIRPLUS:
		if (len < sizeof(*in) + sizeof(struct fuse_read_in))
			return 0;
		size = ((const struct fuse_read_in *)arg)->size;
		break;
	case FUSE_GETXATTR:
	case FUSE_LISTXATTR:
		if (len < sizeof(*in) + sizeof(struct fuse_getxattr_in))
			return 0;
		size = ((const struct fuse_getxattr_in *)arg)->size;
		break;
	default:
		return 0;
	}
	need = sizeof(struct fuse_out_header) + size;
	/* Larger than MAX_REPLY: refused with an error, which fits. */
	return need <= FUSE_SERVER_BUF_KEEP || need > FUSE_SERVER_MAX_REPLY
		       ? 0
		       : need;
}

int fuse_server__buf_grow(struct fuse_buf *b, size_t need)
{
	size_t cap = need > FUSE_SERVER_BUF_SIZE ? need : FUSE_SERVER_BUF_SIZE;
	void *p = NULL;

	if (cap == FUSE_SERVER_BUF_SIZE) {
		pthread_mutex_lock(&spare.lock);
		if (spare.n)
			p = spare.p[--spare.n];
		pthread_mutex_unlock(&spare.lock);
	}
	if (!p)
		p = malloc(cap);
	if (!p)
		return -1;
	/* What is written so far stays: as realloc would. */
	if (b->p)
		memcpy(p, b->p, b->cap < cap ? b->cap : cap);
	free(b->p);
	b->p = p;
	b->cap = cap;
	return 0;
}

void fuse_server__buf_shrink(struct fuse_buf *b)
{
	if (b->p && b->cap <= FUSE_SERVER_BUF_KEEP)
		return;
	if (b->cap == FUSE_SERVER_BUF_SIZE) {
		pthread_mutex_lock(&spare.lock);
		if (spare.n < FUSE_SERVER_SPARE_BUFS) {
			spare.p[spare.n++] = b->p;
			b->p = NULL;
		}
		pthread_mutex_unlock(&spare.lock);
	}
	free(b->p);
	b->p = malloc(FUSE_SERVER_BUF_KEEP);
	b->cap = b->p ? FUSE_SERVER_BUF_KEEP : 0;
}
