// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-vsock device thread: its epoll set (made when the driver
 * starts the device, closed at its reset), the queues' eventfds, and the
 * host side of --vsock: AF_UNIX stream sockets only, accepted on the
 * listener or connected to PATH_PORT, read and written, shut down,
 * closed. In-VMM services (the shares) run their accept, recv and close
 * here, which only queue work for the FUSE workers.
 */
#include <sys/socket.h>

#include "seccomp-rules.h"

static const struct seccomp_rule rules[] = {
	SC_ALLOW(epoll_create1), SC_ALLOW(epoll_ctl),
	SC_ALLOW(epoll_pwait),	 SC_ALLOW(read),
	SC_ALLOW(readv),	 SC_ALLOW(sendmsg),
	SC_ALLOW(accept4),	 SC_ALLOW_IF(socket, SC_EQ(0, AF_UNIX)),
	SC_ALLOW(connect),	 SC_ALLOW(getsockopt),
	SC_ALLOW(shutdown),	 SC_ALLOW(close),
};

const struct seccomp_table seccomp_vsock = SECCOMP_TABLE(rules);
