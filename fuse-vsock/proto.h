/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuse-vsock: the wire protocol between the guest agent (the FUSE client
 * in the guest) and the passthrough server inside turtle's vsock device.
 *
 * The guest kernel's FUSE messages cross the vsock stream unchanged, so
 * the protocol is the kernel's own (linux/fuse.h):
 *
 *   guest -> host   struct fuse_in_header, then the opcode's arguments;
 *                   in_header.len is the whole message, header included
 *   host -> guest   struct fuse_out_header, then the reply;
 *                   out_header.len likewise, out_header.unique = the request's
 *
 * Each message carries its own length, so a stream needs no extra framing:
 * messages follow each other back to back. Many requests are in flight on
 * one connection at once; the server answers each as soon as it is done,
 * in any order, and the client matches an answer to its request by unique.
 * Requests that take no answer (FORGET, BATCH_FORGET, INTERRUPT's target
 * once interrupted) simply get none.
 *
 * A connection opens with one hello each way, before any FUSE message:
 *
 *   client -> server  struct fuse_vsock_hello   (magic, version, tag)
 *   server -> client  struct fuse_vsock_welcome (magic, version, error, flags)
 *
 * error is 0, or a positive errno: ENOENT (no share has that tag),
 * EPROTO (bad magic or version). After an error the server closes.
 * The client may open several connections to the same share (one per
 * /dev/fuse clone): they share one inode table on the server.
 *
 * All integers are little-endian (as FUSE's own are host-endian, and both
 * ends are arm64 or x86-64, little-endian).
 */
#ifndef TURTLE_FUSE_VSOCK_PROTO_H
#define TURTLE_FUSE_VSOCK_PROTO_H

#include <stdint.h>

#define FUSE_VSOCK_MAGIC 0x46555653 /* "FUVS" */
#define FUSE_VSOCK_VERSION 1
#define FUSE_VSOCK_TAG_MAX 64

/* welcome.flags */
#define FUSE_VSOCK_F_RO (1u << 0) /* the share is read-only */

struct fuse_vsock_hello {
	uint32_t magic;
	uint32_t version;
	char tag[FUSE_VSOCK_TAG_MAX]; /* NUL-terminated */
};

struct fuse_vsock_welcome {
	uint32_t magic;
	uint32_t version;
	int32_t error;
	uint32_t flags;
};

#endif
