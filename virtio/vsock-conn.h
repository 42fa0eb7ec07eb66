/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-vsock connections, the pure part: the stream state machine and
 * credit flow control (see the primers in vsock-conn.c and
 * vsock-conn-rx.c), with no virtqueue, no socket and no thread. The
 * device feeds it the packets the guest sent (vsock_conns__recv) and asks
 * it for the next packet to give the guest (vsock_conns__next); a backend
 * (a host Unix socket or an in-VMM service) moves the bytes through struct
 * vsock_conn_ops. The unit tests drive it with scripted packets and a fake
 * backend.
 *
 * Threading: everything here runs on one thread (the device's).
 */
#ifndef TURTLE_VIRTIO_VSOCK_CONN_H
#define TURTLE_VIRTIO_VSOCK_CONN_H

#include <linux/virtio_vsock.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "iov.h"
#include "virtqueue.h"

#define VSOCK_HOST_CID 2
#define VSOCK_MAX_PAYLOAD (64 * 1024) /* per packet, either way */
#define VSOCK_BUF_ALLOC (256 * 1024)  /* what we offer each connection */
/* Tell the guest our fwd_cnt when it sees less free space than this. */
#define VSOCK_CREDIT_THRESHOLD (VSOCK_BUF_ALLOC / 2)
/* A connect with no answer, or a close that cannot flush, gives up. */
#define VSOCK_TIMEOUT_MS 5000
#define VSOCK_MAX_CONNS 1024
#define VSOCK_RST_QUEUE 512 /* RSTs waiting for guest rx buffers */
#define VSOCK_HASH_SIZE 256
#define VSOCK_EPHEMERAL_BASE (1U << 30) /* host ports for host connects */
#define VSOCK_IOV_MAX VQ_MAX_SEGS	/* a whole chain */
/* rx buffers one backend read may fill (Linux's are 4 KiB each) */
#define VSOCK_RX_BATCH 16

/* What backend reads return when nothing is there right now. */
#define VSOCK_AGAIN (-2)

enum vsock_conn_state {
	VSOCK_CONNECTING,  /* host-initiated: REQUEST sent, no RESPONSE yet */
	VSOCK_ACCEPTING,   /* guest-initiated: the backend is connecting */
	VSOCK_ESTABLISHED, /* RESPONSE sent or received: data flows */
};

struct vsock_conn;

/* The host end of a connection. */
struct vsock_conn_ops {
	/*
	 * Bytes from the guest: take what can go now. Returns the number
	 * taken (0 .. all), or -1 if the host end is gone (reset).
	 */
	ssize_t (*write)(struct vsock_conn *c, const struct iovec *iov,
			 int iovcnt);
	/*
	 * Bytes for the guest, at most the iovecs' total. Returns the count,
	 * 0 at the end of the stream, VSOCK_AGAIN, or -1 (reset).
	 */
	ssize_t (*read)(struct vsock_conn *c, const struct iovec *iov,
			int iovcnt);
	/* The guest sends no more, and all it sent has been written. */
	void (*shutdown_write)(struct vsock_conn *c);
	/* The guest accepted a host-initiated connection; -1 to reset it. */
	int (*connected)(struct vsock_conn *c);
	/* vsock_conn__wants_read or __wants_write may have changed. */
	void (*changed)(struct vsock_conn *c);
	/* The connection is gone: nothing else follows. */
	void (*release)(struct vsock_conn *c);
};

struct vsock_conns;

struct vsock_conn {
	struct vsock_conns *t;
	const struct vsock_conn_ops *ops; /* NULL until a backend attaches */
	void *be;			  /* the backend's state */
	uint32_t local_port;		  /* ours, at CID 2 */
	uint32_t peer_port;		  /* the guest's */
	enum vsock_conn_state state;

	/* Guest -> host: our receive buffer, as the guest's credit. */
	uint32_t rx_cnt;       /* bytes the guest sent us */
	uint32_t fwd_cnt;      /* of those, handed to the backend */
	uint32_t fwd_cnt_sent; /* fwd_cnt in our last packet to the guest */
	uint8_t *buf;	       /* VSOCK_BUF_ALLOC ring, while data waits */
	uint32_t buf_head, buf_len;

	/* Host -> guest: the guest's receive buffer, our credit. */
	uint32_t peer_buf_alloc, peer_fwd_cnt;
	uint32_t tx_cnt; /* bytes we sent the guest */

	uint32_t peer_shut;   /* VIRTIO_VSOCK_SHUTDOWN_* the guest sent */
	uint32_t our_shut;    /* ... we sent (SEND at the backend's EOF) */
	bool write_shut;      /* ops->shutdown_write was called */
	uint32_t pending;     /* control packets owed to the guest */
	bool readable;	      /* the backend may have bytes for the guest */
	bool queued;	      /* on the output list */
	uint64_t deadline_ms; /* 0, or when to give up */

	struct vsock_conn *hnext;	/* hash chain */
	struct vsock_conn *prev, *next; /* all connections */
	struct vsock_conn *out_next;	/* output list */
};

struct vsock_conns {
	uint64_t guest_cid;
	uint64_t now_ms; /* the caller's clock, set before each batch */
	/*
	 * The guest asks to connect to local_port: attach a backend (set
	 * c->ops and c->be) and return 0 (connected), 1 (later: call
	 * vsock_conn__accepted or vsock_conn__reset) or -1 (refused: RST).
	 */
	int (*accept)(void *ctx, struct vsock_conn *c);
	void *ctx;

	struct vsock_conn *hash[VSOCK_HASH_SIZE];
	struct vsock_conn *all;
	struct vsock_conn *out_head, *out_tail;
	unsigned int nr;
	uint32_t next_port;

	/* RSTs for connections that are gone or never were. */
	struct virtio_vsock_hdr rst[VSOCK_RST_QUEUE];
	unsigned int rst_head, rst_count;

	/* Counters, for tests and debugging. */
	uint64_t bad_packets, rsts_dropped;
};

void vsock_conns__init(struct vsock_conns *t, uint64_t guest_cid,
		       int (*accept)(void *ctx, struct vsock_conn *c),
		       void *ctx);
/* Release every connection without telling the guest (device reset). */
void vsock_conns__reset_all(struct vsock_conns *t);

/*
 * One packet from the guest: the header (already copied out of guest
 * memory) and the payload iovecs, `avail` bytes in all (len may be less).
 */
void vsock_conns__recv(struct vsock_conns *t, const struct virtio_vsock_hdr *h,
		       const struct iovec *iov, int iovcnt, size_t avail);

/* Whether vsock_conns__next may have a packet. */
bool vsock_conns__has_output(const struct vsock_conns *t);
/*
 * The next packet for the guest: fills *h, and for RW reads up to `room`
 * payload bytes straight into iov. Returns true if there is one.
 */
bool vsock_conns__next(struct vsock_conns *t, struct virtio_vsock_hdr *h,
		       const struct iovec *iov, int iovcnt, size_t room);

/* One of the guest's rx buffers for vsock_conns__next_many. */
struct vsock_rx_slot {
	const struct iovec *iov; /* the buffer */
	int iovcnt;
	size_t off;		   /* where its payload space starts */
	size_t room;		   /* bytes of payload space */
	struct virtio_vsock_hdr h; /* out: the packet's header */
};
/*
 * The next packets for the guest, into slots[0 .. n) in order: the packet
 * vsock_conns__next would give, and when that is a connection's data, as
 * many more of its bytes as its credit and the slots allow, all from one
 * read of the backend (one RW packet per slot, each at most its room and
 * VSOCK_MAX_PAYLOAD). Returns the number of slots used (0: nothing to
 * send); the rest are untouched.
 */
unsigned int vsock_conns__next_many(struct vsock_conns *t,
				    struct vsock_rx_slot *slots,
				    unsigned int n);

/* Host-initiated: ask the guest's port; NULL if out of connections. */
struct vsock_conn *vsock_conns__connect(struct vsock_conns *t,
					uint32_t peer_port,
					const struct vsock_conn_ops *ops,
					void *be);

/* Give up on connections past their deadline. */
void vsock_conns__expire(struct vsock_conns *t);
bool vsock_conns__has_deadline(const struct vsock_conns *t);

struct vsock_conn *vsock_conns__find(struct vsock_conns *t, uint32_t local_port,
				     uint32_t peer_port);

/* Backend events. */
void vsock_conn__readable(struct vsock_conn *c); /* bytes may be there */
void vsock_conn__writable(struct vsock_conn *c); /* flush what waits */
void vsock_conn__accepted(struct vsock_conn *c); /* after accept's 1 */
void vsock_conn__reset(struct vsock_conn *c);	 /* RST and release */

/* What the backend should watch for. */
bool vsock_conn__wants_read(const struct vsock_conn *c);
bool vsock_conn__wants_write(const struct vsock_conn *c);
/* Bytes the guest can still take: its buf_alloc minus what is in flight. */
uint32_t vsock_conn__peer_free(const struct vsock_conn *c);

#endif
