// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-vsock (virtio 1.x, section 5.10), in userspace: three queues
 * (rx: device -> driver packets, tx: driver -> device, event: transport
 * resets), worked by one thread (made at setup, parked while the device
 * is stopped: dev-thread.h).
 *
 * The thread sleeps in epoll on the queues' kick eventfds, a stop eventfd,
 * a wake eventfd (service senders, transport resets), the Unix listener
 * and every host socket. tx chains go to the connection layer
 * (vsock-conn.c) as header plus payload iovecs in guest memory; whatever
 * it owes the guest then goes out through the rx queue, each packet read
 * from its backend straight into the guest's buffer. rx buffers are held
 * VSOCK_RX_BATCH at a time, so that one read of a stream's backend fills
 * several of them (Linux posts 4 KiB buffers: a 64 KiB write is 17
 * packets), each still a packet with its own header. With no rx buffer
 * left the backends' bytes just wait (their sockets leave EPOLLIN) until
 * the guest kicks the rx queue.
 *
 * Interrupts. A guest's interrupt is the costliest thing a device does
 * under nesting: the guest's handler writes InterruptACK (an exit that
 * crosses every level above, even though KVM ends it), and a halted vCPU
 * must be woken. The guest needs the tx queue's used
 * buffers only to free them (its senders wait for credit, not for
 * them), so a finished tx chain does not interrupt at once: the tx
 * interrupt is owed, and the next rx interrupt, which a request usually
 * brings soon (a reply, or a credit update), pays it too (one interrupt
 * covers every queue). Otherwise it goes out TX_IRQ_DELAY_MS later, or at
 * once when half the tx ring waits to be reclaimed.
 */
#include "vsock.h"

#include <endian.h>
#include <errno.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_vsock.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../lib/log.h"
#include "dev-thread.h"
#include "vsock-conn.h"
#include "vsock-svc.h"
#include "vsock-unix.h"

#define VSOCK_QUEUE_SIZE 256
#define RXQ 0
#define TXQ 1
#define EVQ 2
#define NR_QUEUES 3
#define HDR_SIZE sizeof(struct virtio_vsock_hdr)
#define TICK_MS 100 /* how often deadlines are checked, when there are any */
#define TX_IRQ_DELAY_MS 20 /* longest a tx interrupt waits for an rx one */

/*
 * A guest rx buffer held for a batch: its segments, copied here when
 * there are at most RXBUF_SEGS (Linux's have one), else left in the one
 * big chain held at a time (vsock_dev's rx), which ends the batch.
 */
#define RXBUF_SEGS 4
struct vsock_rxbuf {
	uint16_t head;
	bool big;
	unsigned int n;
	uint64_t in_len;
	struct iovec seg[RXBUF_SEGS];
};

struct vsock_dev {
	struct virtio_dev vdev;
	struct virtio_vsock_config cfg; /* little-endian */
	uint64_t guest_cid;
	struct vsock_conns conns;
	struct vsock_unix ux;
	struct vsock_svcs svcs;

	int ep, stop_fd, wake_fd;
	struct dev_thread thread;
	bool running;
	int reset_requested; /* atomic: vsock__transport_reset */
	bool event_pending;  /* a TRANSPORT_RESET waits for an event buffer */
	bool broken;	     /* a queue went bad: wait for the driver's reset */

	struct vsock_watch w_stop, w_wake, w_kick[NR_QUEUES];
	/* rx buffers popped, not used yet: held[0 .. rx_held), in order */
	struct vsock_rxbuf held[VSOCK_RX_BATCH];
	unsigned int rx_held;
	bool big_held; /* the last held one's segments are in rx */
	struct vsock_rx_slot slots[VSOCK_RX_BATCH];
	bool tx_irq_owed;	/* tx chains used, the guest not told */
	uint16_t tx_irq_idx;	/* the tx used index at the last interrupt */
	uint64_t tx_irq_due_ms; /* when an owed tx interrupt must go */
	struct vq_chain rx, tx;
};

static void drain_fd(int fd)
{
	uint64_t v;

	if (read(fd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing was there */
	}
}

static uint64_t vsock__features(struct virtio_dev *vdev)
{
	(void)vdev;
	return 0; /* streams only: no VIRTIO_VSOCK_F_SEQPACKET */
}

static void vsock__config_read(struct virtio_dev *vdev, uint64_t off,
			       uint8_t *data, uint32_t len)
{
	struct vsock_dev *d = vdev->priv;

	memcpy(data, (uint8_t *)&d->cfg + off, len);
}

static void vsock__broken(struct vsock_dev *d, const char *what)
{
	pr_guest("virtio-vsock: %s; the device needs a reset", what);
	d->broken = true;
	virtio__needs_reset(&d->vdev);
	vsock_conns__reset_all(&d->conns);
}

/* The guest asks for a host port: a service, else PATH_P. */
static int vsock__accept(void *ctx, struct vsock_conn *c)
{
	struct vsock_dev *d = ctx;
	int r = vsock_svcs__accept(&d->svcs, c);

	return r != VSOCK_SVC_NONE ? r : vsock_unix__accept_guest(&d->ux, c);
}

/* One packet from the guest. */
static void vsock__tx_packet(struct vsock_dev *d, const struct vq_chain *ch)
{
	struct iovec pay[VSOCK_IOV_MAX];
	struct virtio_vsock_hdr h;
	size_t avail;
	int k;

	if (ch->out_len < HDR_SIZE) {
		d->conns.bad_packets++;
		pr_debug("virtio-vsock: tx packet shorter than its header");
		return;
	}
	iov__to_buf(&h, ch->iov, (int)ch->n_out, 0, HDR_SIZE);
	avail = ch->out_len - HDR_SIZE;
	k = iov__slice(pay, VSOCK_IOV_MAX, ch->iov, (int)ch->n_out, HDR_SIZE,
		       avail);
	vsock_conns__recv(&d->conns, &h, pay, k, avail);
}

/*
 * Interrupt for the used tx chains if the driver asked (event_idx), and
 * for rx too when rx_notify: one interrupt for both.
 */
static void vsock__interrupt(struct vsock_dev *d, bool rx_notify)
{
	struct virtqueue *txq = &d->vdev.queues[TXQ].vq;
	bool tx_notify = false;

	if (d->tx_irq_owed) {
		d->tx_irq_owed = false;
		d->tx_irq_idx = txq->used_idx;
		tx_notify = vq__should_notify(txq);
	}
	if (rx_notify || tx_notify)
		virtio__signal_used(&d->vdev, rx_notify ? RXQ : TXQ);
}

/* tx chains were used: interrupt now, or owe it (see the top). */
static void vsock__tx_used(struct vsock_dev *d)
{
	struct virtqueue *vq = &d->vdev.queues[TXQ].vq;

	if ((uint16_t)(vq->used_idx - d->tx_irq_idx) >= vq->size / 2) {
		d->tx_irq_owed = true;
		vsock__interrupt(d, false);
	} else if (!d->tx_irq_owed) {
		d->tx_irq_owed = true;
		d->tx_irq_due_ms = d->conns.now_ms + TX_IRQ_DELAY_MS;
	}
}

static int vsock__process_tx(struct vsock_dev *d)
{
	struct virtqueue *vq = &d->vdev.queues[TXQ].vq;
	enum vq_pop_result r;

	if (!d->vdev.queues[TXQ].ready)
		return 0;
	do {
		bool used = false;

		vq__disable_kicks(vq);
		while ((r = vq__pop(vq, &d->tx)) == VQ_CHAIN) {
			vsock__tx_packet(d, &d->tx);
			vq__push(vq, d->tx.head, 0);
			used = true;
		}
		if (used)
			vsock__tx_used(d);
		if (r == VQ_BAD)
			return -1;
	} while (vq__enable_kicks(vq));
	return 0;
}

/* A held buffer's segments. */
static const struct iovec *rxbuf_iov(const struct vsock_dev *d,
				     const struct vsock_rxbuf *b)
{
	return b->big ? d->rx.iov : b->seg;
}

/* Pop rx buffers until VSOCK_RX_BATCH are held, or a big one, or no more. */
static int vsock__hold_rx(struct vsock_dev *d)
{
	struct virtqueue *vq = &d->vdev.queues[RXQ].vq;
	struct vsock_rxbuf *b;
	enum vq_pop_result r;

	while (d->rx_held < VSOCK_RX_BATCH && !d->big_held) {
		r = vq__pop(vq, &d->rx);
		if (r == VQ_BAD)
			return -1;
		if (r == VQ_EMPTY)
			break;
		if (d->rx.n_out || d->rx.in_len <= HDR_SIZE)
			return -1;
		b = &d->held[d->rx_held++];
		b->head = d->rx.head;
		b->n = d->rx.n_in;
		b->in_len = d->rx.in_len;
		b->big = b->n > RXBUF_SEGS;
		if (b->big)
			d->big_held = true;
		else
			memcpy(b->seg, d->rx.iov, b->n * sizeof(b->seg[0]));
	}
	return 0;
}

/*
 * Give the guest everything it is owed that its rx buffers can hold: a
 * batch of held buffers at a time, so that a stream's bytes for several
 * of them come from one read of the host socket.
 */
static int vsock__pump_rx(struct vsock_dev *d)
{
	struct virtqueue *vq = &d->vdev.queues[RXQ].vq;
	struct vsock_rxbuf *b;
	bool pushed = false;
	unsigned int j, n;

	if (!d->vdev.queues[RXQ].ready)
		return 0;
	while (vsock_conns__has_output(&d->conns)) {
		if (vsock__hold_rx(d))
			return -1;
		if (!d->rx_held) {
			/* Ask for a kick when buffers come. */
			if (vq__enable_kicks(vq))
				continue;
			break;
		}
		for (j = 0; j < d->rx_held; j++) {
			b = &d->held[j];
			d->slots[j] = (struct vsock_rx_slot){
				.iov = rxbuf_iov(d, b),
				.iovcnt = (int)b->n,
				.off = HDR_SIZE,
				.room = b->in_len - HDR_SIZE,
			};
		}
		n = vsock_conns__next_many(&d->conns, d->slots, d->rx_held);
		if (!n)
			break;
		for (j = 0; j < n; j++) {
			b = &d->held[j];
			iov__from_buf(rxbuf_iov(d, b), (int)b->n, 0,
				      &d->slots[j].h, HDR_SIZE);
			vq__push(vq, b->head,
				 (uint32_t)HDR_SIZE +
					 le32toh(d->slots[j].h.len));
		}
		if (n == d->rx_held)
			d->big_held = false;
		memmove(d->held, d->held + n,
			(d->rx_held - n) * sizeof(d->held[0]));
		d->rx_held -= n;
		pushed = true;
	}
	if (pushed && vq__should_notify(vq))
		vsock__interrupt(d, true);
	return 0;
}

/* Deliver a pending TRANSPORT_RESET event, if the guest gave a buffer. */
static int vsock__send_event(struct vsock_dev *d)
{
	struct virtqueue *vq = &d->vdev.queues[EVQ].vq;
	struct virtio_vsock_event ev = {
		.id = htole32(VIRTIO_VSOCK_EVENT_TRANSPORT_RESET)
	};
	enum vq_pop_result r;

	if (!d->event_pending || !d->vdev.queues[EVQ].ready)
		return 0;
	while ((r = vq__pop(vq, &d->tx)) == VQ_EMPTY)
		if (!vq__enable_kicks(vq))
			return 0; /* sent when the guest adds one */
	if (r == VQ_BAD || d->tx.n_out || d->tx.in_len < sizeof(ev))
		return -1;
	iov__from_buf(d->tx.iov, (int)d->tx.n_in, 0, &ev, sizeof(ev));
	vq__push(vq, d->tx.head, sizeof(ev));
	if (vq__should_notify(vq))
		virtio__signal_used(&d->vdev, EVQ);
	d->event_pending = false;
	return 0;
}

static void vsock__transport_reset_now(struct vsock_dev *d)
{
	pr_debug("virtio-vsock: transport reset: %u connections dropped",
		 d->conns.nr);
	vsock_conns__reset_all(&d->conns);
	d->event_pending = true;
	if (vsock__send_event(d))
		vsock__broken(d, "malformed event buffer");
}

static void vsock__wake(struct vsock_dev *d)
{
	drain_fd(d->wake_fd);
	if (__atomic_exchange_n(&d->reset_requested, 0, __ATOMIC_ACQ_REL))
		vsock__transport_reset_now(d);
	vsock_svcs__poll(&d->svcs);
}

static void vsock__kick(struct vsock_dev *d, unsigned int q)
{
	drain_fd(d->vdev.queues[q].kick_fd);
	if (d->broken)
		return;
	if (q == TXQ && vsock__process_tx(d))
		vsock__broken(d, "malformed tx chain");
	else if (q == EVQ && vsock__send_event(d))
		vsock__broken(d, "malformed event buffer");
	/* rx: the pump at the end of the batch uses the new buffers */
}

static int ep_add(int ep, int fd, struct vsock_watch *w)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = w };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* On the device thread: what it sleeps on, from DRIVER_OK to the reset. */
static int vsock__watch_all(struct vsock_dev *d)
{
	unsigned int q;

	d->ep = epoll_create1(EPOLL_CLOEXEC);
	if (d->ep < 0 || ep_add(d->ep, d->stop_fd, &d->w_stop) ||
	    ep_add(d->ep, d->wake_fd, &d->w_wake))
		return -1;
	for (q = 0; q < NR_QUEUES; q++)
		if (ep_add(d->ep, d->vdev.queues[q].kick_fd, &d->w_kick[q]))
			return -1;
	return vsock_unix__start(&d->ux, d->ep, &d->conns);
}

static void vsock__serve(struct vsock_dev *d)
{
	struct epoll_event evs[64];
	struct vsock_watch *w;
	int i, n, timeout;
	bool stop = false;

	/* Kicks that came before DRIVER_OK would be lost: look once. */
	d->conns.now_ms = turtle__now_ms();
	if (vsock__process_tx(d))
		vsock__broken(d, "malformed tx chain");
	while (!stop) {
		timeout = vsock_conns__has_deadline(&d->conns) ||
					  vsock_unix__has_deadline(&d->ux)
				  ? TICK_MS
				  : -1;
		if (d->tx_irq_owed) {
			int left = d->tx_irq_due_ms > d->conns.now_ms
					   ? (int)(d->tx_irq_due_ms -
						   d->conns.now_ms)
					   : 0;

			if (timeout < 0 || left < timeout)
				timeout = left;
		}
		n = epoll_wait(d->ep, evs, 64, timeout);
		if (n < 0 && errno != EINTR) {
			pr_err("virtio-vsock: epoll_wait: %s", strerror(errno));
			break;
		}
		d->conns.now_ms = turtle__now_ms();
		for (i = 0; i < n && !stop; i++) {
			w = evs[i].data.ptr;
			switch (w->kind) {
			case VSOCK_W_STOP:
				stop = true;
				break;
			case VSOCK_W_WAKE:
				vsock__wake(d);
				break;
			case VSOCK_W_KICK:
				vsock__kick(d, w->q);
				break;
			default:
				/* Even when broken: a listener left alone
				 * spins. */
				vsock_unix__event(&d->ux, w, evs[i].events);
			}
		}
		vsock_conns__expire(&d->conns);
		vsock_unix__expire(&d->ux);
		if (!d->broken && vsock__pump_rx(d))
			vsock__broken(d, "malformed rx buffer");
		if (d->tx_irq_owed && d->conns.now_ms >= d->tx_irq_due_ms)
			vsock__interrupt(d, false);
		vsock_unix__reap(&d->ux);
	}
}

static void vsock__thread(void *arg)
{
	struct vsock_dev *d = arg;

	d->svcs.thread = pthread_self();
	if (vsock__watch_all(d)) {
		pr_err("virtio-vsock: cannot watch the device's fds: %s",
		       strerror(errno));
		virtio__needs_reset(&d->vdev);
	} else {
		vsock__serve(d);
	}
	vsock_conns__reset_all(&d->conns);
	vsock_unix__stop(&d->ux);
	if (d->ep >= 0)
		close(d->ep);
	d->ep = -1;
}

static void vsock__stop(struct virtio_dev *vdev)
{
	struct vsock_dev *d = vdev->priv;
	uint64_t one = 1;

	if (d->running) {
		if (write(d->stop_fd, &one, sizeof(one)) < 0)
			pr_err("virtio-vsock: cannot stop the device thread: %s",
			       strerror(errno));
		dev_thread__wait(&d->thread);
		d->running = false;
	}
	drain_fd(d->stop_fd);
}

static int vsock__start(struct virtio_dev *vdev)
{
	struct vsock_dev *d = vdev->priv;

	vsock_conns__init(&d->conns, d->guest_cid, vsock__accept, d);
	d->conns.now_ms = turtle__now_ms();
	d->rx_held = 0;
	d->big_held = false;
	d->broken = d->event_pending = d->tx_irq_owed = false;
	d->tx_irq_idx = 0;
	/* A fresh driver has no connections to reset. */
	__atomic_store_n(&d->reset_requested, 0, __ATOMIC_RELEASE);
	dev_thread__run(&d->thread);
	d->running = true;
	return 0;
}

static const struct virtio_dev_ops vsock_ops = {
	.name = "virtio-vsock",
	.device_id = VIRTIO_ID_VSOCK,
	.features = vsock__features,
	.config_read = vsock__config_read,
	.config_size = sizeof(struct virtio_vsock_config),
	.start = vsock__start,
	.stop = vsock__stop,
};

struct virtio_dev *vsock__create(const struct vsock_opts *o,
				 const struct guest_mem *mem, char *err)
{
	struct vsock_dev *d;
	unsigned int q;

	if (o->guest_cid < 3 || o->guest_cid > 0xfffffffeULL) {
		errbuf_set(err,
			   "--vsock: the guest CID must be 3 to 4294967294");
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		errbuf_set(err, "--vsock: out of memory");
		return NULL;
	}
	d->guest_cid = o->guest_cid;
	d->cfg.guest_cid = htole64(o->guest_cid);
	d->ep = d->stop_fd = d->wake_fd = -1;
	d->w_stop.kind = VSOCK_W_STOP;
	d->w_wake.kind = VSOCK_W_WAKE;
	for (q = 0; q < NR_QUEUES; q++)
		d->w_kick[q] =
			(struct vsock_watch){ .kind = VSOCK_W_KICK, .q = q };
	vsock_conns__init(&d->conns, d->guest_cid, vsock__accept, d);
	if (o->uds_path) {
		if (vsock_unix__init(&d->ux, o->uds_path, err))
			goto fail;
	} else {
		vsock_unix__init_none(&d->ux);
	}
	d->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	d->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	vsock_svcs__init(&d->svcs, d->wake_fd);
	if (d->stop_fd < 0 || d->wake_fd < 0 ||
	    virtio_mmio__init(&d->vdev, &vsock_ops, d, mem, NR_QUEUES,
			      VSOCK_QUEUE_SIZE)) {
		errbuf_set(err, "--vsock: cannot set up the device: %s",
			   strerror(errno));
		goto fail;
	}
	if (dev_thread__create(&d->thread, THREAD_VSOCK, "vsock", vsock__thread,
			       d)) {
		errbuf_set(err, "--vsock: cannot start the device thread: %s",
			   strerror(errno));
		goto fail;
	}
	return &d->vdev;
fail:
	if (d->ux.listen_fd >= 0)
		close(d->ux.listen_fd);
	if (d->stop_fd >= 0)
		close(d->stop_fd);
	if (d->wake_fd >= 0)
		close(d->wake_fd);
	free(d);
	return NULL;
}

int vsock__bind_service(struct virtio_dev *vdev, uint32_t port,
			const struct vsock_service_ops *ops, void *svc)
{
	struct vsock_dev *d = vdev->priv;

	return vsock_svcs__bind(&d->svcs, port, ops, svc);
}

void vsock__transport_reset(struct virtio_dev *vdev)
{
	struct vsock_dev *d = vdev->priv;
	uint64_t one = 1;

	__atomic_store_n(&d->reset_requested, 1, __ATOMIC_RELEASE);
	if (write(d->wake_fd, &one, sizeof(one)) < 0)
		pr_err("virtio-vsock: cannot wake the device: %s",
		       strerror(errno));
}
