/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio-vsock device (virtio 1.x, section 5.10): stream sockets
 * between the guest (its CID set by --vsock) and the host (CID 2).
 *
 * Host side, two kinds of peer:
 *  - Unix sockets, Firecracker's protocol (vsock-unix.c): a host program
 *    connects to PATH and writes "CONNECT <port>\n"; a guest connecting to
 *    host port P makes turtle connect to "PATH_P".
 *  - In-VMM services: a port bound with vsock__bind_service() is answered
 *    by code inside turtle (the shared filesystem), with no socket at all.
 */
#ifndef TURTLE_VIRTIO_VSOCK_H
#define TURTLE_VIRTIO_VSOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "guest-mem.h"
#include "mmio.h"

struct vsock_opts {
	uint64_t guest_cid;   /* 3 .. 0xffffffff - 1 */
	const char *uds_path; /* Unix socket for host programs, or NULL */
};

struct virtio_dev *vsock__create(const struct vsock_opts *o,
				 const struct guest_mem *mem, char *err);

/*
 * A connection between a guest socket and an in-VMM service, seen by the
 * service as a byte stream.
 */
struct vsock_stream;

/*
 * In a Linux guest only a process with CAP_NET_BIND_SERVICE (root) can
 * bind a vsock port up to this one; autobind picks ports above it
 * (net/vmw_vsock/af_vsock.c). So a connection from a guest port up to
 * here was made by the guest's root, the kernel or its agent.
 */
#define VSOCK_PRIVILEGED_PORT_MAX 1023

struct vsock_service_ops {
	/*
	 * Answer only connections from a privileged guest port (up to
	 * VSOCK_PRIVILEGED_PORT_MAX): any other gets RST, and a rate-limited
	 * line, before accept is called.
	 */
	bool privileged;
	/*
	 * The guest connected to the service's port. Return the service's
	 * per-connection state (passed back to recv and closed), or NULL to
	 * refuse (the guest gets RST).
	 */
	void *(*accept)(void *svc, struct vsock_stream *s);
	/*
	 * Bytes from the guest, in order. Called on the device's thread: copy
	 * what is needed and return quickly. Returns how many it took (they
	 * count as consumed: the guest gets the credit back), or -1 if the
	 * stream is malformed (the connection is reset). Bytes not taken
	 * wait in the device, within the guest's credit (so the guest stops
	 * sending), until the service calls vsock_stream__resume.
	 */
	ssize_t (*recv)(void *conn, const void *buf, size_t len);
	/*
	 * The connection is gone (guest shutdown or reset, device reset, or
	 * recv failed). No recv follows. The service must stop using the
	 * stream and then call vsock_stream__put().
	 */
	void (*closed)(void *conn);
};

/* Answer guest connections to host port `port` with a service. */
int vsock__bind_service(struct virtio_dev *vdev, uint32_t port,
			const struct vsock_service_ops *ops, void *svc);

/*
 * From any thread: send bytes to the guest, all or nothing, kept whole
 * relative to other senders on the same stream. Blocks while too much is
 * queued for the guest (backpressure). Returns 0, or -1 if the connection
 * is closed.
 */
int vsock_stream__send(struct vsock_stream *s, const struct iovec *iov,
		       int iovcnt);
/*
 * From any thread, without blocking: recv may take more now; the device
 * offers it what it kept.
 */
void vsock_stream__resume(struct vsock_stream *s);
/* Drop the service's reference after closed(); frees the stream. */
void vsock_stream__put(struct vsock_stream *s);

/*
 * From any thread: drop every connection (host sockets closed, services
 * see closed()) and send the guest VIRTIO_VSOCK_EVENT_TRANSPORT_RESET, so
 * that it resets its sockets too and reads its CID again.
 */
void vsock__transport_reset(struct virtio_dev *vdev);

#endif
