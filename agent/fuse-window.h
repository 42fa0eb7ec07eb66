/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest side of FUSE through the direct window
 * (fuse-vsock/window-proto.h): each request copied into the window's
 * shared memory, a doorbell written, and the reply there when the write
 * returns. Synchronous: no interrupt, no DMA, one request at a time.
 */
#ifndef TURTLE_AGENT_FUSE_WINDOW_H
#define TURTLE_AGENT_FUSE_WINDOW_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../fuse-vsock/window-proto.h"

struct fuse_window_client {
	volatile uint8_t *regs; /* the window's probe page */
	volatile uint8_t *mem;	/* its shared memory, FUSE_WINDOW_MEM bytes */
	/* Write val to the doorbell reg; NULL: the MMIO store itself. */
	void (*ring)(void *ctx, uint32_t reg, uint32_t val);
	void *ctx;
	pthread_mutex_t lock; /* one request at a time */
	void *map;
	size_t map_len;
};

/*
 * Map this machine's window (the "turtle,direct-window" node under
 * dt_root) through /dev/mem. 0, or -1 with err saying why not.
 */
int fuse_window_client__open(struct fuse_window_client *c, const char *dt_root,
			     char *err);
/* c's regs and mem already set (a test): just the lock. */
void fuse_window_client__init(struct fuse_window_client *c);
void fuse_window_client__close(struct fuse_window_client *c);

/*
 * Say hello for the share tag. 0 and the welcome's flags, or a negative
 * errno: -ENOENT no such share, -ENOSYS the top turtle has no FUSE
 * doorbell (no --share there, or an older turtle), other statuses.
 */
int fuse_window_client__hello(struct fuse_window_client *c, const char *tag,
			      uint32_t *flags);

/*
 * One FUSE request (len bytes, its fuse_in_header's len): the reply into
 * reply (cap bytes), its length (0: the request takes none), or a
 * negative errno: the window's status (-EMSGSIZE for a request larger
 * than the window, ...), -ENOSYS (no doorbell), -EPROTO (a reply that
 * cannot be framed).
 */
ssize_t fuse_window_client__call(struct fuse_window_client *c, const void *req,
				 size_t len, void *reply, size_t cap);

#endif
