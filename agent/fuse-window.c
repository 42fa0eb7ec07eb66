// SPDX-License-Identifier: GPL-2.0
/*
 * FUSE through the direct window, the guest's side (window-proto.h).
 *
 * Below L1 the window's shared memory is device memory (each level maps
 * it from /dev/mem, uncached: docs/direct-path.md), where an unaligned
 * access faults on hardware. So messages are copied in and out in
 * aligned 64-bit words (the area starts 64 bytes in, and a message's tail
 * is padded to a word), never with memcpy on the window's side.
 */
#include "fuse-window.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../lib/log.h"
#include "../fuse-vsock/proto.h"
#include "../vmm/direct.h"

#define NO_ANSWER 0xffffffffu

static void copy_in(volatile uint8_t *dst, const void *src, size_t len)
{
	volatile uint64_t *d = (volatile uint64_t *)dst;
	const uint8_t *s = src;
	uint64_t word;

	for (; len >= 8; len -= 8, s += 8) {
		memcpy(&word, s, 8);
		*d++ = word;
	}
	if (len) {
		word = 0;
		memcpy(&word, s, len);
		*d = word;
	}
}

static void copy_out(void *dst, const volatile uint8_t *src, size_t len)
{
	const volatile uint64_t *s = (const volatile uint64_t *)src;
	uint8_t *d = dst;
	uint64_t word;

	for (; len >= 8; len -= 8, d += 8) {
		word = *s++;
		memcpy(d, &word, 8);
	}
	if (len) {
		word = *s;
		memcpy(d, &word, len);
	}
}

void fuse_window_client__init(struct fuse_window_client *c)
{
	pthread_mutex_init(&c->lock, NULL);
}

int fuse_window_client__open(struct fuse_window_client *c, const char *dt_root,
			     char *err)
{
	uint64_t base, size;
	int fd, found;

	memset(c, 0, sizeof(*c));
	found = direct__find(dt_root, &base, &size, err);
	if (found < 0)
		return -1;
	if (!found) {
		errbuf_set(
			err,
			"this machine has no direct window (no \"%s\" node under %s: its turtle was not given --direct-window)",
			DIRECT_COMPATIBLE, dt_root);
		return -1;
	}
	if (size < DIRECT_MEM_OFFSET + FUSE_WINDOW_MEM) {
		errbuf_set(err, "the direct window is %llu bytes, too small",
			   (unsigned long long)size);
		return -1;
	}
	fd = open("/dev/mem", O_RDWR | O_SYNC | O_CLOEXEC);
	if (fd < 0) {
		errbuf_set(
			err,
			"cannot open /dev/mem: %s (needs root and CONFIG_DEVMEM)",
			strerror(errno));
		return -1;
	}
	c->map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		      (off_t)base);
	close(fd);
	if (c->map == MAP_FAILED) {
		errbuf_set(
			err,
			"cannot map the direct window 0x%llx from /dev/mem: %s",
			(unsigned long long)base, strerror(errno));
		c->map = NULL;
		return -1;
	}
	c->map_len = size;
	c->regs = c->map;
	c->mem = (volatile uint8_t *)c->map + DIRECT_MEM_OFFSET;
	fuse_window_client__init(c);
	return 0;
}

void fuse_window_client__close(struct fuse_window_client *c)
{
	if (c->map)
		munmap(c->map, c->map_len);
	c->map = NULL;
}

/*
 * Put len bytes in the window, ring reg, and read the status (c->lock
 * held). The reply's length, or a negative errno.
 */
static ssize_t exchange(struct fuse_window_client *c, uint32_t reg,
			const void *msg, size_t len)
{
	volatile struct fuse_window_status *st = (void *)c->mem;
	uint32_t status, reply_len;

	if (len > FUSE_WINDOW_MSG_MAX)
		return -EMSGSIZE;
	copy_in(c->mem + FUSE_WINDOW_MSG, msg, len);
	st->status = NO_ANSWER;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (c->ring)
		c->ring(c->ctx, reg, (uint32_t)len);
	else
		*(volatile uint32_t *)(c->regs + reg) = (uint32_t)len;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	status = st->status;
	reply_len = st->reply_len;
	if (status == NO_ANSWER)
		return -ENOSYS;
	if (status)
		return -(ssize_t)status;
	if (reply_len > FUSE_WINDOW_MSG_MAX)
		return -EPROTO;
	return reply_len;
}

int fuse_window_client__hello(struct fuse_window_client *c, const char *tag,
			      uint32_t *flags)
{
	struct fuse_vsock_hello h = { .magic = FUSE_VSOCK_MAGIC,
				      .version = FUSE_VSOCK_VERSION };
	struct fuse_vsock_welcome w;
	ssize_t n;

	if (strlen(tag) >= sizeof(h.tag))
		return -ENAMETOOLONG;
	strcpy(h.tag, tag);
	pthread_mutex_lock(&c->lock);
	n = exchange(c, FUSE_WINDOW_REG_HELLO, &h, sizeof(h));
	if (n == sizeof(w))
		copy_out(&w, c->mem + FUSE_WINDOW_MSG, sizeof(w));
	pthread_mutex_unlock(&c->lock);
	if (n < 0)
		return (int)n;
	if (n != sizeof(w) || w.magic != FUSE_VSOCK_MAGIC ||
	    w.version != FUSE_VSOCK_VERSION)
		return -EPROTO;
	if (w.error)
		return w.error > 0 ? -w.error : -EPROTO;
	*flags = w.flags;
	return 0;
}

ssize_t fuse_window_client__call(struct fuse_window_client *c, const void *req,
				 size_t len, void *reply, size_t cap)
{
	struct fuse_out_header h;
	ssize_t n;

	pthread_mutex_lock(&c->lock);
	n = exchange(c, FUSE_WINDOW_REG_CALL, req, len);
	if (n > 0 && ((size_t)n < sizeof(h) || (size_t)n > cap))
		n = -EPROTO;
	if (n > 0)
		copy_out(reply, c->mem + FUSE_WINDOW_MSG, (size_t)n);
	pthread_mutex_unlock(&c->lock);
	if (n > 0) {
		memcpy(&h, reply, sizeof(h));
		if (h.len != (uint32_t)n)
			return -EPROTO;
	}
	return n;
}
