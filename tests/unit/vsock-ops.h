/* SPDX-License-Identifier: GPL-2.0 */
/* Short names for virtio-vsock ops, shared by the vsock tests' fixtures. */
#ifndef TURTLE_TESTS_UNIT_VSOCK_OPS_H
#define TURTLE_TESTS_UNIT_VSOCK_OPS_H

#include <linux/virtio_vsock.h>

#define OP_REQUEST VIRTIO_VSOCK_OP_REQUEST
#define OP_RESPONSE VIRTIO_VSOCK_OP_RESPONSE
#define OP_RST VIRTIO_VSOCK_OP_RST
#define OP_SHUTDOWN VIRTIO_VSOCK_OP_SHUTDOWN
#define OP_RW VIRTIO_VSOCK_OP_RW
#define OP_CREDIT_UPDATE VIRTIO_VSOCK_OP_CREDIT_UPDATE
#define OP_CREDIT_REQUEST VIRTIO_VSOCK_OP_CREDIT_REQUEST

#endif
