/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vsock connection tests' fixture: struct vsock_conns driven with
 * scripted packets from a fake guest, its connections served by fake
 * backends that record what they are told and serve scripted bytes. The
 * helpers keep the short names the tests use.
 */
#ifndef TURTLE_TESTS_UNIT_VCONN_FAKE_H
#define TURTLE_TESTS_UNIT_VCONN_FAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../virtio/vsock-conn.h"
#include "vsock-ops.h"

#define GUEST_CID 42
#define GPORT 5000 /* the guest's port */
#define HPORT 80   /* a host port */
#define BIG (512 * 1024)

#define SHUT_RCV VIRTIO_VSOCK_SHUTDOWN_RCV
#define SHUT_SEND VIRTIO_VSOCK_SHUTDOWN_SEND

/* A backend that records what it is told and serves scripted bytes. */
struct fake_be {
	uint8_t wrote[BIG];
	size_t wrote_len;
	size_t write_room; /* bytes the next writes take; SIZE_MAX: all */
	bool write_fails;
	uint8_t src[BIG];
	size_t src_len, src_off;
	bool eof, read_fails;
	int reads; /* read calls */
	int shutdowns, connected, released, changed;
	int connected_ret;
};

extern struct vsock_conns t;
extern struct fake_be fakes[3];
extern unsigned int nfakes;
extern int accept_ret;		     /* what the accept callback returns */
extern struct vsock_conn *last_conn; /* the last one accepted */
extern const struct vsock_conn_ops fake_ops;
extern uint8_t rxbuf[VSOCK_MAX_PAYLOAD * 2]; /* next()'s payload */

/* No connection, accepts accepted, the clock at 1000 ms. */
void vfake__setup(void);
void vfake__teardown(void);

/* The next fake backend, writes unlimited. */
struct fake_be *new_fake(void);

/* A header from the guest, and packets from it. */
struct virtio_vsock_hdr hdr(uint16_t op, uint32_t gport, uint32_t hport,
			    uint32_t len);
void recv_hdr(struct virtio_vsock_hdr h, const void *payload, size_t avail);
/* A packet from the guest with no payload. */
void recv_op(uint16_t op, uint32_t flags);
void recv_data(const void *p, size_t len);

/* The next packet for the guest, with up to room payload bytes. */
bool next(struct virtio_vsock_hdr *h, size_t room);
/* The next packet must be op; its header is returned. */
struct virtio_vsock_hdr expect(uint16_t op);
void expect_nothing(void);

/* len bytes of a pattern that differs with seed. */
void vfake__fill(uint8_t *p, size_t len, unsigned int seed);

/* The guest connects to HPORT and is accepted. */
struct fake_be *established(void);
/* The guest's connection was reset: RST sent, backend released. */
void expect_reset(struct fake_be *f);

#endif
