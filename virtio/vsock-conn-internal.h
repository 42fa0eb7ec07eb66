/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the two halves of a vsock connection share, and nothing else
 * includes: vsock-conn.c (the table, the state machine, packets from the
 * guest) and vsock-conn-rx.c (packets to the guest).
 */
#ifndef TURTLE_VIRTIO_VSOCK_CONN_INTERNAL_H
#define TURTLE_VIRTIO_VSOCK_CONN_INTERNAL_H

#include "vsock-conn.h"

/* Control packets owed to the guest (struct vsock_conn's pending). */
#define PEND_REQUEST (1U << 0)
#define PEND_RESPONSE (1U << 1)
#define PEND_SHUTDOWN (1U << 2)
#define PEND_CREDIT (1U << 3)

#define SHUT_SEND VIRTIO_VSOCK_SHUTDOWN_SEND
#define SHUT_BOTH (VIRTIO_VSOCK_SHUTDOWN_RCV | VIRTIO_VSOCK_SHUTDOWN_SEND)

/* vsock-conn-rx.c */

/* An RST for (local, peer); forced ones may use the whole queue. */
void vsock_conns__queue_rst(struct vsock_conns *t, uint32_t local,
			    uint32_t peer, bool forced);
/* Put c on the output list if it has something for the guest. */
void vsock_conn__kick(struct vsock_conn *c);
/* Take c off the output list (c->queued). */
void vsock_conn__unqueue(struct vsock_conn *c);

/* vsock-conn.c */

/*
 * After a shutdown, a flush or the backend's end of stream: pass the
 * guest's end of stream on, and end the connection once both directions
 * are done. True if c is gone.
 */
bool vsock_conn__check_finish(struct vsock_conn *c);

/* Tell the backend what it watches for may have changed. */
static inline void vsock_conn__changed(struct vsock_conn *c)
{
	if (c->ops && c->ops->changed)
		c->ops->changed(c);
}

#endif
