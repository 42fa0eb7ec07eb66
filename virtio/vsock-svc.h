/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-VMM vsock services (vsock__bind_service): a guest connecting to a
 * bound port talks to code inside turtle through a struct vsock_stream.
 * The device's thread delivers the guest's bytes (recv) and takes the
 * service's; services send from any thread (vsock_stream__send), which
 * queues the bytes and wakes the device through wake_fd.
 */
#ifndef TURTLE_VIRTIO_VSOCK_SVC_H
#define TURTLE_VIRTIO_VSOCK_SVC_H

#include <pthread.h>

#include "vsock-conn.h"
#include "vsock.h"

#define VSOCK_MAX_SERVICES 8
/*
 * A sender blocks while this much waits for the guest on its stream, or
 * on all streams together (the first send into an empty queue always
 * goes: it cannot wait for itself).
 */
#define VSOCK_STREAM_QUEUE_MAX (1U << 20)
#define VSOCK_SVCS_QUEUE_MAX (16U << 20)
/*
 * Connections to all services at once; more get RST. With
 * VSOCK_BUF_ALLOC each for what a service has not taken yet, this bounds
 * that memory too (64 x 256 KiB = 16 MiB).
 */
#define VSOCK_SVC_MAX_STREAMS 64

struct vsock_svc {
	uint32_t port;
	const struct vsock_service_ops *ops;
	void *svc;
};

struct vsock_svcs {
	pthread_mutex_t lock; /* bound[] */
	struct vsock_svc bound[VSOCK_MAX_SERVICES];
	unsigned int nbound;
	int wake_fd;		      /* eventfd: the device thread's wake-up */
	pthread_t thread;	      /* the device's thread */
	struct vsock_stream *streams; /* live ones; device thread only */
	unsigned int nstreams;
	uint64_t refused; /* unprivileged guest ports turned away */
	uint64_t full;	  /* connections refused at VSOCK_SVC_MAX_STREAMS */

	/* Bytes sent and not yet read by the guest, all streams. */
	pthread_mutex_t qlock;
	pthread_cond_t qcond; /* queue space, or a stream closed */
	size_t queued, queued_peak;
};

void vsock_svcs__init(struct vsock_svcs *s, int wake_fd);
int vsock_svcs__bind(struct vsock_svcs *s, uint32_t port,
		     const struct vsock_service_ops *ops, void *svc);

/*
 * The accept hook's part: if c's port is bound, attach the service and
 * return 0 (accepted) or -1 (refused). VSOCK_SVC_NONE: not a service port.
 */
#define VSOCK_SVC_NONE 2
int vsock_svcs__accept(struct vsock_svcs *s, struct vsock_conn *c);
/*
 * After a wake-up: every stream with queued bytes becomes readable, and
 * every resumed one is offered what its service did not take.
 */
void vsock_svcs__poll(struct vsock_svcs *s);
/* Bytes queued for the guest now, all streams (and the most so far). */
size_t vsock_svcs__queued(struct vsock_svcs *s, size_t *peak);

#endif
