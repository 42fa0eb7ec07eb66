/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shared filesystems as a vsock service: guest connections to host
 * port FUSE_VSOCK_PORT (ports.h) become fuse-vsock sessions (session.c)
 * on one worker pool, each bound by its hello to the share with that tag.
 */
#ifndef TURTLE_FUSE_VSOCK_SERVICE_H
#define TURTLE_FUSE_VSOCK_SERVICE_H

#include <stddef.h>

#include "server.h"

struct virtio_dev;
struct fuse_vsock;

/*
 * Serve the n shares (the caller keeps them, and destroys them after
 * fuse_vsock__destroy) on the vsock device. NULL and err on failure.
 */
struct fuse_vsock *fuse_vsock__serve(struct virtio_dev *vsock,
				     struct fuse_server **shares,
				     unsigned int n, char *err);
/* After the vsock device is gone (no connection left): stop the workers. */
void fuse_vsock__destroy(struct fuse_vsock *fv);
/* The workers and the budget, for the direct window's sessions (window.h). */
struct fuse_pool *fuse_vsock__pool(struct fuse_vsock *fv);
struct fuse_budget *fuse_vsock__budget(struct fuse_vsock *fv);
/* Bytes of requests held now (and at most so far), all shares together. */
size_t fuse_vsock__queued(struct fuse_vsock *fv, size_t *peak);

#endif
