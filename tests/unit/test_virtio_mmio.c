// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-mmio transport, driven through virtio_mmio__ops as a guest
 * would (32-bit little-endian register accesses), with a fake device and
 * fake guest RAM.
 */
#include <errno.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../virtio/mmio.h"
#include "fds.h"
#include "suites.h"

/* Fake guest RAM and where the test driver puts its rings. */
#define RAM_BASE 0x40000000ULL
#define RAM_SIZE (1ULL << 20)
#define DESC_GPA (RAM_BASE + 0x0000)
#define AVAIL_GPA (RAM_BASE + 0x1000)
#define USED_GPA (RAM_BASE + 0x2000)
#define OUTSIDE_GPA (RAM_BASE + RAM_SIZE) /* just past the end of RAM */

#define NR_QUEUES 2
#define QMAX 8
#define DEV_ID VIRTIO_ID_RNG
#define DEV_BIT 5 /* the fake device's own feature bit */
#define CFG_SIZE 12

#define S_ACK VIRTIO_CONFIG_S_ACKNOWLEDGE
#define S_DRIVER VIRTIO_CONFIG_S_DRIVER
#define S_FEATURES_OK VIRTIO_CONFIG_S_FEATURES_OK
#define S_DRIVER_OK VIRTIO_CONFIG_S_DRIVER_OK
#define S_NEEDS_RESET VIRTIO_CONFIG_S_NEEDS_RESET

/* Every feature the transport offers with the fake device. */
#define OFFERED                                             \
	((1ULL << DEV_BIT) | (1ULL << VIRTIO_F_VERSION_1) | \
	 (1ULL << VIRTIO_RING_F_EVENT_IDX) |                \
	 (1ULL << VIRTIO_RING_F_INDIRECT_DESC))

/* What the transport did to the fake device. */
static struct {
	unsigned int starts, stops, config_reads;
	int start_ret;
	uint8_t cfg[CFG_SIZE];
} fake;

static struct guest_mem mem;
static struct virtio_dev vdev;

static uint64_t fake_features(struct virtio_dev *d)
{
	(void)d;
	return 1ULL << DEV_BIT;
}

static void fake_config_read(struct virtio_dev *d, uint64_t off, uint8_t *data,
			     uint32_t len)
{
	(void)d;
	ck_assert_uint_le(off, CFG_SIZE);
	ck_assert_uint_le(len, CFG_SIZE - off);
	fake.config_reads++;
	memcpy(data, fake.cfg + off, len);
}

static int fake_start(struct virtio_dev *d)
{
	(void)d;
	fake.starts++;
	return fake.start_ret;
}

static void fake_stop(struct virtio_dev *d)
{
	(void)d;
	fake.stops++;
}

static const struct virtio_dev_ops fake_ops = {
	.name = "fake",
	.device_id = DEV_ID,
	.features = fake_features,
	.config_read = fake_config_read,
	.config_size = CFG_SIZE,
	.start = fake_start,
	.stop = fake_stop,
};

static void setup(void)
{
	unsigned int i;

	memset(&fake, 0, sizeof(fake));
	for (i = 0; i < CFG_SIZE; i++)
		fake.cfg[i] = (uint8_t)(0x10 + i);
	mem.host = aligned_alloc(4096, RAM_SIZE);
	ck_assert_ptr_nonnull(mem.host);
	memset(mem.host, 0, RAM_SIZE);
	mem.base = RAM_BASE;
	mem.size = RAM_SIZE;
	ck_assert_int_eq(virtio_mmio__init(&vdev, &fake_ops, &fake, &mem,
					   NR_QUEUES, QMAX),
			 0);
}

static void teardown(void)
{
	unsigned int i;

	close(vdev.call_fd);
	for (i = 0; i < NR_QUEUES; i++)
		close(vdev.queues[i].kick_fd);
	pthread_mutex_destroy(&vdev.lock);
	free(mem.host);
	mem.host = NULL;
}

/* An access of len bytes; like the MMIO bus, reads start from zeroes. */
static uint64_t rd_len(uint64_t off, uint32_t len)
{
	uint8_t data[8] = { 0 };
	uint64_t v = 0;
	int i;

	virtio_mmio__ops.read(&vdev, off, data, len);
	for (i = 7; i >= 0; i--)
		v = v << 8 | data[i];
	return v;
}

static void wr_len(uint64_t off, uint32_t v, uint32_t len)
{
	uint8_t data[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			    (uint8_t)(v >> 24) };

	virtio_mmio__ops.write(&vdev, off, data, len);
}

static uint32_t rd(uint64_t off)
{
	return (uint32_t)rd_len(off, 4);
}

static void wr(uint64_t off, uint32_t v)
{
	wr_len(off, v, 4);
}

/* Consume the eventfd's counter; whether it was signalled. */
static bool fd_signalled(int fd)
{
	uint64_t v;
	ssize_t n = read(fd, &v, sizeof(v));

	if (n < 0)
		ck_assert_int_eq(errno, EAGAIN);
	return n == sizeof(v);
}

static uint32_t device_features(uint32_t sel)
{
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, sel);
	return rd(VIRTIO_MMIO_DEVICE_FEATURES);
}

/* ACKNOWLEDGE, DRIVER, write features, FEATURES_OK; the Status after. */
static uint32_t negotiate(uint64_t features)
{
	wr(VIRTIO_MMIO_STATUS, S_ACK);
	wr(VIRTIO_MMIO_STATUS, S_ACK | S_DRIVER);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	wr(VIRTIO_MMIO_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	return rd(VIRTIO_MMIO_STATUS);
}

/* Program queue q's size and rings, then write QueueReady = 1. */
static void queue_setup(uint32_t q, uint32_t num, uint64_t desc, uint64_t avail,
			uint64_t used)
{
	wr(VIRTIO_MMIO_QUEUE_SEL, q);
	wr(VIRTIO_MMIO_QUEUE_NUM, num);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	wr(VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)avail);
	wr(VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)(avail >> 32));
	wr(VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)used);
	wr(VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)(used >> 32));
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

static void good_queue(uint32_t q)
{
	queue_setup(q, QMAX, DESC_GPA, AVAIL_GPA, USED_GPA);
}

static uint32_t queue_ready(uint32_t q)
{
	wr(VIRTIO_MMIO_QUEUE_SEL, q);
	return rd(VIRTIO_MMIO_QUEUE_READY);
}

/* Negotiated, queue 0 live, DRIVER_OK written. */
static void driver_ok(void)
{
	ck_assert_uint_eq(negotiate(OFFERED) & S_FEATURES_OK, S_FEATURES_OK);
	good_queue(0);
	wr(VIRTIO_MMIO_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
}

/* Setup: the transport's resources. */

START_TEST(test_vmmio_init_failure_closes_fds)
{
	struct virtio_dev other;
	struct rlimit old;
	int before = fds__count();

	/* Room for the call fd and one kick fd of eight. */
	fds__leave_free(2, &old);
	ck_assert_int_eq(
		virtio_mmio__init(&other, &fake_ops, &fake, &mem, 8, QMAX), -1);
	ck_assert_int_eq(errno, EMFILE);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
	ck_assert_int_eq(fds__count(), before);
}
END_TEST

/* Identification. */

START_TEST(test_vmmio_magic_value)
{
	ck_assert_uint_eq(rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
}
END_TEST

START_TEST(test_vmmio_version_2)
{
	ck_assert_uint_eq(rd(VIRTIO_MMIO_VERSION), 2);
}
END_TEST

START_TEST(test_vmmio_device_id)
{
	ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_ID), DEV_ID);
}
END_TEST

START_TEST(test_vmmio_vendor_id)
{
	ck_assert_uint_eq(rd(VIRTIO_MMIO_VENDOR_ID), VIRTIO_MMIO_VENDOR);
}
END_TEST

/* Feature negotiation. */

START_TEST(test_vmmio_device_features_low)
{
	ck_assert_uint_eq(device_features(0), (uint32_t)OFFERED);
	ck_assert_uint_ne(device_features(0) & (1U << DEV_BIT), 0);
	ck_assert_uint_ne(device_features(0) & (1U << VIRTIO_RING_F_EVENT_IDX),
			  0);
	ck_assert_uint_ne(
		device_features(0) & (1U << VIRTIO_RING_F_INDIRECT_DESC), 0);
}
END_TEST

START_TEST(test_vmmio_device_features_high_has_version_1)
{
	ck_assert_uint_eq(device_features(1), 1U << (VIRTIO_F_VERSION_1 - 32));
}
END_TEST

START_TEST(test_vmmio_device_features_sel_2_reads_zero)
{
	ck_assert_uint_eq(device_features(2), 0);
}
END_TEST

START_TEST(test_vmmio_features_ok_accepted)
{
	uint64_t f = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << DEV_BIT);

	ck_assert_uint_eq(negotiate(f), S_ACK | S_DRIVER | S_FEATURES_OK);
	ck_assert_int_ne(virtio__has_feature(&vdev, DEV_BIT), 0);
}
END_TEST

START_TEST(test_vmmio_features_ok_refused_without_version_1)
{
	ck_assert_uint_eq(negotiate(1ULL << DEV_BIT) & S_FEATURES_OK, 0);
}
END_TEST

START_TEST(test_vmmio_features_ok_refused_with_unoffered_bit)
{
	uint64_t f = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << 6);

	ck_assert_uint_eq(negotiate(f) & S_FEATURES_OK, 0);
}
END_TEST

START_TEST(test_vmmio_driver_features_fixed_after_features_ok)
{
	ck_assert_uint_eq(negotiate(1ULL << VIRTIO_F_VERSION_1) & S_FEATURES_OK,
			  S_FEATURES_OK);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1U << DEV_BIT);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 0);
	ck_assert_int_eq(virtio__has_feature(&vdev, DEV_BIT), 0);
	ck_assert_int_ne(virtio__has_feature(&vdev, VIRTIO_F_VERSION_1), 0);
}
END_TEST

/* Queue setup. */

START_TEST(test_vmmio_queue_num_max)
{
	wr(VIRTIO_MMIO_QUEUE_SEL, NR_QUEUES - 1);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), QMAX);
}
END_TEST

START_TEST(test_vmmio_queue_num_max_bad_sel_reads_zero)
{
	wr(VIRTIO_MMIO_QUEUE_SEL, NR_QUEUES);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
}
END_TEST

START_TEST(test_vmmio_queue_ready_after_setup)
{
	negotiate(OFFERED);
	good_queue(1);
	ck_assert_uint_eq(queue_ready(1), 1);
	ck_assert_uint_eq(queue_ready(0), 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS) & S_NEEDS_RESET, 0);
}
END_TEST

START_TEST(test_vmmio_queue_bad_rings_not_ready)
{
	negotiate(OFFERED);
	queue_setup(0, QMAX, OUTSIDE_GPA, AVAIL_GPA, USED_GPA);
	ck_assert_uint_eq(queue_ready(0), 0);
}
END_TEST

START_TEST(test_vmmio_queue_bad_rings_need_reset)
{
	negotiate(OFFERED);
	queue_setup(0, QMAX, DESC_GPA, AVAIL_GPA, OUTSIDE_GPA);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS),
			  S_ACK | S_DRIVER | S_FEATURES_OK | S_NEEDS_RESET);
}
END_TEST

START_TEST(test_vmmio_queue_bad_rings_raise_config_irq)
{
	negotiate(OFFERED);
	ck_assert(!fd_signalled(vdev.call_fd));
	queue_setup(0, QMAX, DESC_GPA, 0x1000, USED_GPA);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS),
			  VIRTIO_MMIO_INT_CONFIG);
	ck_assert(fd_signalled(vdev.call_fd));
}
END_TEST

START_TEST(test_vmmio_queue_num_above_max_refused)
{
	negotiate(OFFERED);
	queue_setup(0, QMAX * 2, DESC_GPA, AVAIL_GPA, USED_GPA);
	ck_assert_uint_eq(queue_ready(0), 0);
}
END_TEST

START_TEST(test_vmmio_queue_regs_ignored_after_driver_ok)
{
	driver_ok();
	good_queue(1);
	ck_assert_uint_eq(queue_ready(1), 0);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 0);
	ck_assert_uint_eq(queue_ready(0), 1);
}
END_TEST

/* Device start, reset and NEEDS_RESET. */

START_TEST(test_vmmio_driver_ok_starts_once)
{
	driver_ok();
	ck_assert_uint_eq(fake.starts, 1);
	wr(VIRTIO_MMIO_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	ck_assert_uint_eq(fake.starts, 1);
	ck_assert_uint_eq(fake.stops, 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS),
			  S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
}
END_TEST

START_TEST(test_vmmio_reset_stops_device)
{
	driver_ok();
	wr(VIRTIO_MMIO_STATUS, 0);
	ck_assert_uint_eq(fake.stops, 1);
}
END_TEST

START_TEST(test_vmmio_reset_before_driver_ok_does_not_stop)
{
	negotiate(OFFERED);
	wr(VIRTIO_MMIO_STATUS, 0);
	ck_assert_uint_eq(fake.stops, 0);
}
END_TEST

START_TEST(test_vmmio_reset_clears_status)
{
	driver_ok();
	wr(VIRTIO_MMIO_STATUS, 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
}
END_TEST

START_TEST(test_vmmio_reset_clears_queues)
{
	driver_ok();
	wr(VIRTIO_MMIO_STATUS, 0);
	ck_assert_uint_eq(queue_ready(0), 0);
}
END_TEST

/* Offer one 16-byte chain at queue 0's next slot and let the device pop it. */
static void pop_one_chain(void)
{
	struct vring_desc *d =
		(void *)((uint8_t *)mem.host + (DESC_GPA - RAM_BASE));
	struct vring_avail *a =
		(void *)((uint8_t *)mem.host + (AVAIL_GPA - RAM_BASE));
	struct vq_chain c;

	d[0].addr = htole64(RAM_BASE + 0x3000);
	d[0].len = htole32(16);
	d[0].flags = 0;
	a->ring[le16toh(a->idx) % QMAX] = 0;
	a->idx = htole16((uint16_t)(le16toh(a->idx) + 1));
	ck_assert_int_eq(vq__pop(&vdev.queues[0].vq, &c), VQ_CHAIN);
}

/* --stats and SIGUSR1 count a queue's chains across the driver's resets. */
START_TEST(test_vmmio_chains_counted_across_reset)
{
	driver_ok();
	pop_one_chain();
	ck_assert_uint_eq(virtio__chains(&vdev, 0), 1);
	wr(VIRTIO_MMIO_STATUS, 0);
	ck_assert_uint_eq(virtio__chains(&vdev, 0), 1);
	memset((uint8_t *)mem.host + (AVAIL_GPA - RAM_BASE), 0, 4096);
	driver_ok();
	pop_one_chain();
	ck_assert_uint_eq(virtio__chains(&vdev, 0), 2);
	ck_assert_uint_eq(virtio__chains(&vdev, 1), 0);
}
END_TEST

START_TEST(test_vmmio_reset_clears_features)
{
	driver_ok();
	wr(VIRTIO_MMIO_STATUS, 0);
	ck_assert_int_eq(virtio__has_feature(&vdev, VIRTIO_F_VERSION_1), 0);
	/* No features written since: FEATURES_OK lacks VERSION_1. */
	wr(VIRTIO_MMIO_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS) & S_FEATURES_OK, 0);
}
END_TEST

START_TEST(test_vmmio_driver_cannot_set_needs_reset)
{
	wr(VIRTIO_MMIO_STATUS, S_ACK | S_NEEDS_RESET);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), S_ACK);
}
END_TEST

START_TEST(test_vmmio_driver_cannot_clear_needs_reset)
{
	driver_ok();
	virtio__needs_reset(&vdev);
	wr(VIRTIO_MMIO_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS) & S_NEEDS_RESET,
			  S_NEEDS_RESET);
}
END_TEST

START_TEST(test_vmmio_reset_clears_needs_reset)
{
	driver_ok();
	virtio__needs_reset(&vdev);
	wr(VIRTIO_MMIO_STATUS, 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
}
END_TEST

START_TEST(test_vmmio_needs_reset_raises_config_irq)
{
	driver_ok();
	virtio__needs_reset(&vdev);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS) & S_NEEDS_RESET,
			  S_NEEDS_RESET);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS),
			  VIRTIO_MMIO_INT_CONFIG);
	ck_assert(fd_signalled(vdev.call_fd));
}
END_TEST

START_TEST(test_vmmio_start_failure_needs_reset)
{
	fake.start_ret = -1;
	driver_ok();
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS) & S_NEEDS_RESET,
			  S_NEEDS_RESET);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS),
			  VIRTIO_MMIO_INT_CONFIG);
	ck_assert(fd_signalled(vdev.call_fd));
}
END_TEST

START_TEST(test_vmmio_start_failure_stops_device)
{
	/* A start that fails halfway may have left work running. */
	fake.start_ret = -1;
	driver_ok();
	wr(VIRTIO_MMIO_STATUS, 0);
	ck_assert_uint_eq(fake.starts, 1);
	ck_assert_uint_eq(fake.stops, 1);
}
END_TEST

/* Interrupts and notifications. */

START_TEST(test_vmmio_interrupt_ack_clears_config_bit)
{
	driver_ok();
	virtio__needs_reset(&vdev);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS),
			  VIRTIO_MMIO_INT_CONFIG);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_CONFIG);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
}
END_TEST

/*
 * The used-buffer bit stays set through ACKs (KVM swallows most of them,
 * see virtio/mmio.h), so an ACK that turtle sees late cannot clear a raise
 * the driver has not read yet; the config bit goes as asked.
 */
START_TEST(test_vmmio_interrupt_ack_keeps_used_bit)
{
	driver_ok();
	virtio__signal_used(&vdev, 0);
	virtio__needs_reset(&vdev);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS),
			  VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG);
	wr(VIRTIO_MMIO_INTERRUPT_ACK,
	   VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS),
			  VIRTIO_MMIO_INT_VRING);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS),
			  VIRTIO_MMIO_INT_VRING);
}
END_TEST

/* Every raise is an interrupt, set bit or not: the line is an edge. */
START_TEST(test_vmmio_every_signal_raises_interrupt)
{
	uint64_t n = 0;

	driver_ok();
	virtio__signal_used(&vdev, 0);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	virtio__signal_used(&vdev, 1);
	ck_assert_int_eq(read(vdev.call_fd, &n, sizeof(n)), sizeof(n));
	ck_assert_uint_eq(n, 2);
}
END_TEST

START_TEST(test_vmmio_signal_used_raises_vring_irq)
{
	driver_ok();
	ck_assert(!fd_signalled(vdev.call_fd));
	virtio__signal_used(&vdev, 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS),
			  VIRTIO_MMIO_INT_VRING);
	ck_assert(fd_signalled(vdev.call_fd));
}
END_TEST

START_TEST(test_vmmio_reset_drops_pending_interrupt)
{
	driver_ok();
	virtio__signal_used(&vdev, 0);
	wr(VIRTIO_MMIO_STATUS, 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	ck_assert(!fd_signalled(vdev.call_fd));
}
END_TEST

START_TEST(test_vmmio_queue_notify_kicks_queue)
{
	driver_ok();
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	ck_assert(fd_signalled(vdev.queues[1].kick_fd));
	ck_assert(!fd_signalled(vdev.queues[0].kick_fd));
}
END_TEST

START_TEST(test_vmmio_queue_notify_bad_index_ignored)
{
	unsigned int i;

	driver_ok();
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, NR_QUEUES);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0xffffffff);
	for (i = 0; i < NR_QUEUES; i++)
		ck_assert(!fd_signalled(vdev.queues[i].kick_fd));
}
END_TEST

/* Config space. */

START_TEST(test_vmmio_config_read_byte)
{
	ck_assert_uint_eq(rd_len(VIRTIO_MMIO_CONFIG + 3, 1), 0x13);
}
END_TEST

START_TEST(test_vmmio_config_read_16)
{
	ck_assert_uint_eq(rd_len(VIRTIO_MMIO_CONFIG + 6, 2), 0x1716);
}
END_TEST

START_TEST(test_vmmio_config_read_32)
{
	ck_assert_uint_eq(rd_len(VIRTIO_MMIO_CONFIG + CFG_SIZE - 4, 4),
			  0x1b1a1918);
}
END_TEST

START_TEST(test_vmmio_config_read_past_end_reads_zero)
{
	unsigned int before = fake.config_reads;

	ck_assert_uint_eq(rd_len(VIRTIO_MMIO_CONFIG + CFG_SIZE, 4), 0);
	ck_assert_uint_eq(rd_len(VIRTIO_MMIO_CONFIG + 0xfc, 4), 0);
	ck_assert_uint_eq(fake.config_reads, before);
}
END_TEST

START_TEST(test_vmmio_config_read_across_end_reads_zero)
{
	unsigned int before = fake.config_reads;

	ck_assert_uint_eq(rd_len(VIRTIO_MMIO_CONFIG + CFG_SIZE - 2, 4), 0);
	ck_assert_uint_eq(rd_len(VIRTIO_MMIO_CONFIG + CFG_SIZE - 1, 8), 0);
	ck_assert_uint_eq(fake.config_reads, before);
}
END_TEST

/*
 * The register block in memory (what turtle maps into the guest read-only,
 * so the driver's reads never exit): after virtio_mmio__regs_at, a plain
 * read of the block gives what an MMIO read would.
 */
static uint32_t block[VIRTIO_MMIO_REGS_SIZE / 4] __attribute__((aligned(8)));

static uint32_t mem_rd(uint64_t off)
{
	return le32toh(__atomic_load_n(&block[off / 4], __ATOMIC_SEQ_CST));
}

START_TEST(test_vmmio_regs_in_memory_ident_and_config)
{
	virtio_mmio__regs_at(&vdev, block);
	ck_assert_uint_eq(mem_rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	ck_assert_uint_eq(mem_rd(VIRTIO_MMIO_VERSION), 2);
	ck_assert_uint_eq(mem_rd(VIRTIO_MMIO_DEVICE_ID), DEV_ID);
	ck_assert_mem_eq((uint8_t *)block + VIRTIO_MMIO_CONFIG, fake.cfg,
			 CFG_SIZE);
}
END_TEST

START_TEST(test_vmmio_regs_in_memory_follow_selectors)
{
	virtio_mmio__regs_at(&vdev, block);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	ck_assert(mem_rd(VIRTIO_MMIO_DEVICE_FEATURES) &
		  (1u << (VIRTIO_F_VERSION_1 - 32)));
	wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	ck_assert_uint_eq(mem_rd(VIRTIO_MMIO_QUEUE_NUM_MAX), QMAX);
	wr(VIRTIO_MMIO_QUEUE_SEL, NR_QUEUES);
	ck_assert_uint_eq(mem_rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
}
END_TEST

START_TEST(test_vmmio_regs_in_memory_interrupt_and_ack)
{
	virtio_mmio__regs_at(&vdev, block);
	virtio__signal_used(&vdev, 0);
	ck_assert_uint_eq(mem_rd(VIRTIO_MMIO_INTERRUPT_STATUS),
			  VIRTIO_MMIO_INT_VRING);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	ck_assert_uint_eq(mem_rd(VIRTIO_MMIO_INTERRUPT_STATUS),
			  VIRTIO_MMIO_INT_VRING);
	wr(VIRTIO_MMIO_STATUS, 0);
	ck_assert_uint_eq(mem_rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
}
END_TEST

START_TEST(test_vmmio_regs_in_memory_status_and_needs_reset)
{
	virtio_mmio__regs_at(&vdev, block);
	wr(VIRTIO_MMIO_STATUS, S_ACK);
	ck_assert_uint_eq(mem_rd(VIRTIO_MMIO_STATUS), S_ACK);
	virtio__needs_reset(&vdev);
	ck_assert_uint_eq(mem_rd(VIRTIO_MMIO_STATUS),
			  S_ACK | VIRTIO_CONFIG_S_NEEDS_RESET);
	wr(VIRTIO_MMIO_STATUS, 0);
	ck_assert_uint_eq(mem_rd(VIRTIO_MMIO_STATUS), 0);
	ck_assert_uint_eq(mem_rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
}
END_TEST

/* Register access widths. */

START_TEST(test_vmmio_reg_misaligned_read_zero)
{
	ck_assert_uint_eq(rd(VIRTIO_MMIO_MAGIC_VALUE + 1), 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_VERSION + 2), 0);
}
END_TEST

START_TEST(test_vmmio_reg_narrow_read_zero)
{
	ck_assert_uint_eq(rd_len(VIRTIO_MMIO_MAGIC_VALUE, 1), 0);
	ck_assert_uint_eq(rd_len(VIRTIO_MMIO_MAGIC_VALUE, 2), 0);
	ck_assert_uint_eq(rd_len(VIRTIO_MMIO_MAGIC_VALUE, 8), 0);
}
END_TEST

START_TEST(test_vmmio_reg_narrow_write_ignored)
{
	wr_len(VIRTIO_MMIO_STATUS, S_ACK, 1);
	wr_len(VIRTIO_MMIO_STATUS, S_ACK, 2);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
	wr_len(VIRTIO_MMIO_QUEUE_NOTIFY, 0, 2);
	ck_assert(!fd_signalled(vdev.queues[0].kick_fd));
}
END_TEST

START_TEST(test_vmmio_reg_misaligned_write_ignored)
{
	wr(VIRTIO_MMIO_STATUS + 2, S_ACK);
	wr(VIRTIO_MMIO_STATUS - 2, S_ACK << 16);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
}
END_TEST

Suite *virtio_mmio_suite(void)
{
	Suite *s = suite_create("virtio_mmio");
	TCase *tc;

	tc = tcase_create("init");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_vmmio_init_failure_closes_fds);
	suite_add_tcase(s, tc);

	tc = tcase_create("regs-in-memory");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_vmmio_regs_in_memory_ident_and_config);
	tcase_add_test(tc, test_vmmio_regs_in_memory_follow_selectors);
	tcase_add_test(tc, test_vmmio_regs_in_memory_interrupt_and_ack);
	tcase_add_test(tc, test_vmmio_regs_in_memory_status_and_needs_reset);
	suite_add_tcase(s, tc);

	tc = tcase_create("ident");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_vmmio_magic_value);
	tcase_add_test(tc, test_vmmio_version_2);
	tcase_add_test(tc, test_vmmio_device_id);
	tcase_add_test(tc, test_vmmio_vendor_id);
	suite_add_tcase(s, tc);

	tc = tcase_create("features");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_vmmio_device_features_low);
	tcase_add_test(tc, test_vmmio_device_features_high_has_version_1);
	tcase_add_test(tc, test_vmmio_device_features_sel_2_reads_zero);
	tcase_add_test(tc, test_vmmio_features_ok_accepted);
	tcase_add_test(tc, test_vmmio_features_ok_refused_without_version_1);
	tcase_add_test(tc, test_vmmio_features_ok_refused_with_unoffered_bit);
	tcase_add_test(tc, test_vmmio_driver_features_fixed_after_features_ok);
	suite_add_tcase(s, tc);

	tc = tcase_create("queues");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_vmmio_queue_num_max);
	tcase_add_test(tc, test_vmmio_queue_num_max_bad_sel_reads_zero);
	tcase_add_test(tc, test_vmmio_queue_ready_after_setup);
	tcase_add_test(tc, test_vmmio_queue_bad_rings_not_ready);
	tcase_add_test(tc, test_vmmio_queue_bad_rings_need_reset);
	tcase_add_test(tc, test_vmmio_queue_bad_rings_raise_config_irq);
	tcase_add_test(tc, test_vmmio_queue_num_above_max_refused);
	tcase_add_test(tc, test_vmmio_queue_regs_ignored_after_driver_ok);
	suite_add_tcase(s, tc);

	tc = tcase_create("status");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_vmmio_driver_ok_starts_once);
	tcase_add_test(tc, test_vmmio_reset_stops_device);
	tcase_add_test(tc, test_vmmio_reset_before_driver_ok_does_not_stop);
	tcase_add_test(tc, test_vmmio_reset_clears_status);
	tcase_add_test(tc, test_vmmio_reset_clears_queues);
	tcase_add_test(tc, test_vmmio_chains_counted_across_reset);
	tcase_add_test(tc, test_vmmio_reset_clears_features);
	tcase_add_test(tc, test_vmmio_driver_cannot_set_needs_reset);
	tcase_add_test(tc, test_vmmio_driver_cannot_clear_needs_reset);
	tcase_add_test(tc, test_vmmio_reset_clears_needs_reset);
	tcase_add_test(tc, test_vmmio_needs_reset_raises_config_irq);
	tcase_add_test(tc, test_vmmio_start_failure_needs_reset);
	tcase_add_test(tc, test_vmmio_start_failure_stops_device);
	suite_add_tcase(s, tc);

	tc = tcase_create("interrupts");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_vmmio_interrupt_ack_clears_config_bit);
	tcase_add_test(tc, test_vmmio_interrupt_ack_keeps_used_bit);
	tcase_add_test(tc, test_vmmio_every_signal_raises_interrupt);
	tcase_add_test(tc, test_vmmio_signal_used_raises_vring_irq);
	tcase_add_test(tc, test_vmmio_reset_drops_pending_interrupt);
	tcase_add_test(tc, test_vmmio_queue_notify_kicks_queue);
	tcase_add_test(tc, test_vmmio_queue_notify_bad_index_ignored);
	suite_add_tcase(s, tc);

	tc = tcase_create("access");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_vmmio_config_read_byte);
	tcase_add_test(tc, test_vmmio_config_read_16);
	tcase_add_test(tc, test_vmmio_config_read_32);
	tcase_add_test(tc, test_vmmio_config_read_past_end_reads_zero);
	tcase_add_test(tc, test_vmmio_config_read_across_end_reads_zero);
	tcase_add_test(tc, test_vmmio_reg_misaligned_read_zero);
	tcase_add_test(tc, test_vmmio_reg_narrow_read_zero);
	tcase_add_test(tc, test_vmmio_reg_narrow_write_ignored);
	tcase_add_test(tc, test_vmmio_reg_misaligned_write_ignored);
	suite_add_tcase(s, tc);

	return s;
}
