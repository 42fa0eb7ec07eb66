/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FUSE through the direct window (vmm/direct.h): the protocol between a
 * guest's agent, at any depth, and the top turtle, with no interrupt and
 * no DMA. Everything happens within one MMIO write of the guest:
 *
 *   1. the guest puts a message at FUSE_WINDOW_MSG in the window's shared
 *      memory (DIRECT_MEM_OFFSET), at most FUSE_WINDOW_MSG_MAX bytes;
 *   2. it writes the message's length (32-bit) to a doorbell in the
 *      window's probe page: FUSE_WINDOW_REG_HELLO for a struct
 *      fuse_vsock_hello (proto.h: which share, by its tag), else
 *      FUSE_WINDOW_REG_CALL for one FUSE request (fuse_in_header first,
 *      whose len must be the length written);
 *   3. the write exits to the top turtle, which checks the message, hands
 *      it to the share's worker pool (the same sessions, credentials,
 *      confinement and budget as over vsock: session.c), waits for the
 *      reply and puts it at FUSE_WINDOW_MSG, with struct fuse_window_status
 *      at offset 0, before the guest's store completes.
 *
 * status is 0 (reply_len bytes of reply follow: a fuse_vsock_welcome for
 * a hello, a whole FUSE reply, or nothing for a request that has none:
 * FORGET, BATCH_FORGET, INTERRUPT, NOTIFY_REPLY; the doorbell returns once
 * the request has run either way) or a positive errno for a request that was not served:
 *   EMSGSIZE  the length is below a header or above FUSE_WINDOW_MSG_MAX
 *   EPROTO    the header's len is not the length written; a bad hello
 *   ENOENT    the hello names no share
 *   ENOTCONN  a request before a welcomed hello (or after a broken one)
 *   E2BIG     the reply would not fit in FUSE_WINDOW_MSG_MAX
 *   ESHUTDOWN the top turtle is stopping (no reply will come)
 * One request at a time: the top turtle serializes them.
 *
 * FUSE_INIT's reply is trimmed to the window: max_write and max_pages so
 * that a WRITE and a READ's reply fit (4 KiB guest pages), and no POSIX
 * or BSD locks (a waiting SETLKW would hold the guest's vCPU in its exit:
 * the guest kernel keeps locks local instead).
 */
#ifndef TURTLE_FUSE_VSOCK_WINDOW_PROTO_H
#define TURTLE_FUSE_VSOCK_WINDOW_PROTO_H

#include <stdint.h>

/* In the probe page, beside the exit probe's (devices/exit-probe.h). */
#define FUSE_WINDOW_REG_CALL 0x40
#define FUSE_WINDOW_REG_HELLO 0x44

/* In the shared memory: the status, then the message area. */
#define FUSE_WINDOW_MSG 64u
#define FUSE_WINDOW_MEM 0x8000u /* DIRECT_MEM_SIZE */
#define FUSE_WINDOW_MSG_MAX (FUSE_WINDOW_MEM - FUSE_WINDOW_MSG)
/* What FUSE_INIT grants: 7 pages of 4 KiB, headers included below MAX. */
#define FUSE_WINDOW_MAX_PAGES 7u
#define FUSE_WINDOW_MAX_WRITE (FUSE_WINDOW_MAX_PAGES * 4096u)

struct fuse_window_status {
	uint32_t status;
	uint32_t reply_len;
};

#endif
