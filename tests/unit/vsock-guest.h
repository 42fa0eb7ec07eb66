/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio-vsock tests' fake guest driver: it works the real transport
 * (virtio_mmio__ops) and split virtqueues in malloc'ed guest RAM, on a
 * device whose host side is Unix sockets in a temporary directory. The
 * device runs its own thread, as in turtle. The helpers keep the short
 * names the tests use.
 */
#ifndef TURTLE_TESTS_UNIT_VSOCK_GUEST_H
#define TURTLE_TESTS_UNIT_VSOCK_GUEST_H

#include <linux/virtio_vsock.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../virtio/vsock-conn.h"
#include "../../virtio/vsock.h"
#include "vsock-ops.h"
#include "suites.h"
#include "../../lib/log.h"

#define GUEST_CID 7
#define RAM_BASE 0x40000000ULL
#define RAM_SIZE (8ULL << 20)
#define QSZ 64
#define RXQ 0
#define TXQ 1
#define EVQ 2
#define NRX 32	     /* rx buffers, 2 descriptors each */
#define NTX 32	     /* tx slots, 2 descriptors each */
#define NEV 4	     /* event buffers */
#define RX_DATA 4096 /* like Linux's rx buffers */
#define HDR sizeof(struct virtio_vsock_hdr)
#define GPORT 5000
#define WAIT_MS unit__wait_ms(5000) /* for what must happen */

#define SHUT_BOTH (VIRTIO_VSOCK_SHUTDOWN_RCV | VIRTIO_VSOCK_SHUTDOWN_SEND)

static inline uint64_t q_gpa(unsigned int q)
{
	return RAM_BASE + q * 0x10000ULL;
}

#define DESC_GPA(q) q_gpa(q)
#define AVAIL_GPA(q) (q_gpa(q) + 0x1000)
#define USED_GPA(q) (q_gpa(q) + 0x2000)
#define EVBUF_GPA(i) (RAM_BASE + 0x80000 + (i)*16ULL)
#define RXBUF_GPA(i) (RAM_BASE + 0x100000 + (i)*0x2000ULL)
#define TXBUF_GPA(j) (RAM_BASE + 0x200000 + (j)*0x11000ULL)
#define RXTBL_GPA(i) (RAM_BASE + 0x500000 + (i)*0x100ULL)
#define RX_PIECES 5 /* many_rx: data descriptors per rx buffer */

struct gq {
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t avail_idx, last_used;
};

extern struct guest_mem mem;
extern struct virtio_dev *vdev;
extern struct gq gq[3];
extern bool split_rx; /* header and data in separate rx descriptors */
/* rx buffers as indirect tables: the header, then RX_PIECES data pieces */
extern bool many_rx;
extern unsigned int tx_slot;
extern char dir[48], path[64]; /* the temporary directory, PATH in it */

/* The fake guest's receive side of its one connection. */
extern uint32_t g_buf_alloc, g_fwd_cnt;

/*
 * A device for GUEST_CID with its socket at PATH, in guest RAM of its
 * own; the driver not up yet. The teardown stops the device thread.
 */
void vguest__setup(void);
void vguest__teardown(void);

/* Where guest address gpa is in our memory. */
void *ptr(uint64_t gpa);
/* The driver's 32-bit register accesses. */
void wr(uint64_t off, uint32_t v);
uint32_t rd(uint64_t off);

/* Descriptor i of queue q; a chain made available; the notification. */
void set_desc(unsigned int q, uint16_t i, uint64_t gpa, uint32_t len,
	      uint16_t flags, uint16_t next);
void avail_push(unsigned int q, uint16_t head);
void kick(unsigned int q);
/* The driver's side of initialisation, up to DRIVER_OK. */
void driver_up(void);
/* Wait until the device used everything made available on q. */
void wait_consumed(unsigned int q);

/* A packet from the guest on its connection (gport -> hport). */
void guest_send(uint16_t op, uint32_t gport, uint32_t hport, uint32_t flags,
		const void *data, uint32_t len);
/*
 * The next packet the device put in the rx queue, within ms; its payload
 * into data (if not NULL). The buffer goes straight back to the device.
 */
bool guest_recv_ms(struct virtio_vsock_hdr *h, uint8_t *data, int ms);
/* The next packet, within WAIT_MS, must be op. */
struct virtio_vsock_hdr guest_expect(uint16_t op, uint8_t *data);
/* No packet within 100 ms. */
void guest_expect_nothing(void);

/* A test listener at PATH_port, where the guest's connects land. */
int listen_port(uint32_t port);
int accept_ms(int lfd, int ms);
/* Read exactly len bytes within WAIT_MS. */
void read_all(int fd, void *buf, size_t len);
/* fd reaches end of stream (or reset) within WAIT_MS. */
void expect_eof(int fd);
/* Test data: the bytes at offset off of a stream. */
void fill(uint8_t *p, size_t len, size_t off);
/*
 * The guest connects from GPORT to host port `port`, where the test
 * listener lfd waits: the host end's descriptor.
 */
int guest_connects(int lfd, uint32_t port);

#endif
