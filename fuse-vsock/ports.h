/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vsock ports turtle's pieces meet on. Shared by the VMM (host side),
 * the guest agent and the tests, so that they cannot disagree.
 */
#ifndef TURTLE_FUSE_VSOCK_PORTS_H
#define TURTLE_FUSE_VSOCK_PORTS_H

/* turtle-agent listens here in the guest; `turtle exec` connects to it. */
#define TURTLE_EXEC_PORT 7000
/*
 * The shared filesystem: a service inside turtle's vsock device (host CID 2).
 * The guest agent connects to it, never a Unix socket.
 */
#define FUSE_VSOCK_PORT 7001
/*
 * ... and only from a guest port up to this one, which only root can
 * bind (= VSOCK_PRIVILEGED_PORT_MAX, virtio/vsock.h): the agent binds
 * each of its connections to a free one, searching down from here.
 */
#define FUSE_VSOCK_CLIENT_PORT_MAX 1023

#endif
