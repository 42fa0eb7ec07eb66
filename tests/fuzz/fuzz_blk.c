// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzes virtio-blk request execution (virtio/blk-req.c, blk__request, the
 * call the device's worker makes for each chain) over both I/O paths:
 * preadv/pwritev (blk_io_pread) and the MAP_SHARED mapping of the image
 * (blk-map.c, copies under the SIGBUS guard), each on a writable and on a
 * read-only disk. The images are two IMG_SIZE files on a tmpfs (/dev/shm,
 * else $TMPDIR), made once per process and unlinked at once; the writable
 * one is restored to its pattern at the start of each input.
 *
 * Input: one byte choosing the backend (bit 0: map, bit 1: read-only),
 * then requests to the end, each: a type byte (an index into types[], or
 * a raw 32-bit type), a sector (a byte of flags, then a 16-bit sector near
 * the disk or a raw 64-bit one), the device-readable buffers (a count and
 * 16-bit lengths), the device-writable ones (the same), and the source of
 * what the readable buffers hold after the 16-byte header: a pattern, or
 * bytes of the input (DISCARD and WRITE_ZEROES segments). The header may
 * be split across buffers or cut short as the lengths fall.
 *
 * Checked after each request, aborting on a violation: blk__request
 * returns -1 exactly when there is no device-writable byte, else the
 * status byte (the last writable byte) is OK, IOERR or UNSUPP and the
 * count is 1 (not OK), 1 + the data (IN, GET_ID) or 1; no byte around any
 * buffer (GUARD bytes each side) changed, nor any device-readable byte; a
 * read returns the shadow copy of the image; the image equals the shadow
 * (kept for each OK OUT and WRITE_ZEROES; a DISCARD's sectors may read
 * back old data or zeroes); a read-only disk is never written and never
 * says OK to a write; a request that failed changed nothing.
 *
 * Run:
 *   make fuzz
 *   mkdir /tmp/c && TURTLE_FUZZ_SEEDS=/tmp/c build/fuzz/fuzz_blk
 *   build/fuzz/fuzz_blk /tmp/c
 * or tests/fuzz/run.sh SECONDS fuzz_blk.
 */
#include <endian.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/log.h"
#include "../../virtio/blk-map.h"
#include "../../virtio/blk-req.h"

#define IMG_SIZE (128 << 10)
#define IMG_SECTORS (IMG_SIZE / BLK_SECTOR_SIZE)
#define MAX_BUFS 16
#define MAX_LEN (192 << 10) /* per direction, per request */
#define GUARD 32
#define GUARD_BYTE 0xa5
#define IN_FILL 0xcc
#define HDR_SIZE sizeof(struct virtio_blk_outhdr)
#define SERIAL "fuzz-blk-serial"

static const uint32_t types[] = {
	VIRTIO_BLK_T_IN,       VIRTIO_BLK_T_OUT,      VIRTIO_BLK_T_FLUSH,
	VIRTIO_BLK_T_GET_ID,   VIRTIO_BLK_T_DISCARD,  VIRTIO_BLK_T_WRITE_ZEROES,
	10 /* GET_LIFETIME */, 14 /* SECURE_ERASE */,
};

/* [0]: pread rw, [1]: map rw, [2]: pread ro, [3]: map ro. */
static struct blk_backend disks[4];
static uint8_t pattern[IMG_SIZE], shadow[IMG_SIZE], now[IMG_SIZE];
static bool dirty = true; /* the writable image may differ from pattern */

struct in {
	const uint8_t *p, *end;
};

static uint64_t take(struct in *in, unsigned int bytes)
{
	uint64_t v = 0;

	while (bytes--)
		v = v << 8 | (in->p < in->end ? *in->p++ : 0);
	return v;
}

#define check(cond)                                                           \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr,                                       \
				"fuzz_blk: invariant broken: %s (line %d)\n", \
				#cond, __LINE__);                             \
			abort();                                              \
		}                                                             \
	} while (0)

/* A guest buffer with GUARD bytes each side, in its own allocation. */
struct buf {
	uint8_t *mem; /* GUARD, len bytes, GUARD */
	size_t len;
};

static uint8_t *buf__data(const struct buf *b)
{
	return b->mem + GUARD;
}

static void buf__alloc(struct buf *b, size_t len, uint8_t fill)
{
	b->len = len;
	b->mem = malloc(len + 2 * GUARD);
	if (!b->mem)
		abort();
	memset(b->mem, GUARD_BYTE, GUARD);
	memset(b->mem + GUARD, fill, len);
	memset(b->mem + GUARD + len, GUARD_BYTE, GUARD);
}

static bool buf__guards_ok(const struct buf *b)
{
	size_t i;

	for (i = 0; i < GUARD; i++) {
		if (b->mem[i] != GUARD_BYTE ||
		    b->mem[GUARD + b->len + i] != GUARD_BYTE)
			return false;
	}
	return true;
}

/* Lengths of n buffers, within MAX_LEN together. */
static unsigned int take_lens(struct in *in, size_t *len)
{
	unsigned int n = (unsigned int)take(in, 1) % (MAX_BUFS + 1), i;
	size_t total = 0;

	for (i = 0; i < n; i++) {
		uint16_t v = (uint16_t)take(in, 2);

		/* Raw bytes, or whole sectors (the usual case). */
		len[i] = v & 0x8000 ? v & 0x7fff : (size_t)(v & 0xff) << 9;
		if (len[i] > MAX_LEN - total)
			len[i] = MAX_LEN - total;
		total += len[i];
	}
	return n;
}

static void read_image(const struct blk_backend *d)
{
	check(pread(d->fd, now, IMG_SIZE, 0) == IMG_SIZE);
}

/* Copy n bytes at off of the chain's buffers b[0 .. nb) to dst. */
static void gather(uint8_t *dst, const struct buf *b, unsigned int nb,
		   size_t off, size_t n)
{
	unsigned int i;

	for (i = 0; i < nb && n; i++) {
		size_t k;

		if (off >= b[i].len) {
			off -= b[i].len;
			continue;
		}
		k = b[i].len - off < n ? b[i].len - off : n;
		memcpy(dst, buf__data(&b[i]) + off, k);
		dst += k;
		n -= k;
		off = 0;
	}
}

/* The shadow after an OK DISCARD or WRITE_ZEROES of segs. */
static void apply_ranges(uint32_t type, const uint8_t *segs, size_t len)
{
	static uint8_t before[IMG_SIZE];
	size_t i, j;

	memcpy(before, shadow, IMG_SIZE);
	for (i = 0; i + 16 <= len; i += 16) {
		struct virtio_blk_discard_write_zeroes s;
		uint64_t off, n;

		memcpy(&s, segs + i, sizeof(s));
		off = le64toh(s.sector) << BLK_SECTOR_SHIFT;
		n = (uint64_t)le32toh(s.num_sectors) << BLK_SECTOR_SHIFT;
		check(off <= IMG_SIZE && n <= IMG_SIZE - off);
		if (type == VIRTIO_BLK_T_WRITE_ZEROES) {
			memset(shadow + off, 0, n);
			continue;
		}
		/* Discarded: old data or zeroes, whichever is there. */
		for (j = off; j < off + n; j++) {
			check(now[j] == before[j] || now[j] == 0);
			shadow[j] = now[j];
		}
	}
}

/* Build, run and check one request; false when the input is used up. */
static bool one_request(struct in *in, const struct blk_backend *d)
{
	static uint8_t payload[MAX_LEN], data[MAX_LEN];
	struct buf out[MAX_BUFS], inb[MAX_BUFS];
	size_t out_len[MAX_BUFS], in_len[MAX_BUFS], ol = 0, il = 0, i;
	struct virtio_blk_outhdr hdr = { 0 };
	struct vq_chain c = { 0 };
	unsigned int n_out, n_in, k;
	uint8_t t, sf, src, status = 0;
	uint32_t type;
	uint64_t sector;
	int64_t r;

	if (in->p >= in->end)
		return false;
	t = (uint8_t)take(in, 1);
	type = t < 0x80 ? types[t % 8] : (uint32_t)take(in, 4);
	sf = (uint8_t)take(in, 1);
	sector = sf & 0x80 ? take(in, 8) : take(in, 2) % (IMG_SECTORS + 8);
	hdr.type = htole32(type);
	hdr.ioprio = htole32(sf & 0x40 ? 0xffffffffu : 0);
	hdr.sector = htole64(sector);

	n_out = take_lens(in, out_len);
	n_in = take_lens(in, in_len);
	for (k = 0; k < n_out; k++)
		ol += out_len[k];
	for (k = 0; k < n_in; k++)
		il += in_len[k];

	/* What the readable buffers hold: the header, then the body. */
	src = (uint8_t)take(in, 1);
	memcpy(payload, &hdr, ol < HDR_SIZE ? ol : HDR_SIZE);
	for (i = HDR_SIZE; i < ol; i++)
		payload[i] = (uint8_t)(src + i * 13 + (i >> 9));
	if (src & 1) {
		for (i = HDR_SIZE;
		     i < ol && i < HDR_SIZE + 256 && in->p < in->end; i++)
			payload[i] = *in->p++;
	}

	for (k = 0, i = 0; k < n_out; i += out_len[k], k++) {
		buf__alloc(&out[k], out_len[k], 0);
		memcpy(buf__data(&out[k]), payload + i, out_len[k]);
		c.iov[c.n_out++] =
			(struct iovec){ buf__data(&out[k]), out_len[k] };
	}
	for (k = 0; k < n_in; k++) {
		buf__alloc(&inb[k], in_len[k], IN_FILL);
		c.iov[c.n_out + c.n_in++] =
			(struct iovec){ buf__data(&inb[k]), in_len[k] };
	}
	c.out_len = ol;
	c.in_len = il;

	r = blk__request(d, &c);

	for (k = 0, i = 0; k < n_out; i += out_len[k], k++) {
		check(buf__guards_ok(&out[k]));
		check(!memcmp(buf__data(&out[k]), payload + i, out_len[k]));
	}
	for (k = 0; k < n_in; k++)
		check(buf__guards_ok(&inb[k]));

	if (!il) {
		check(r == -1);
		goto out;
	}
	check(r >= 1 && (uint64_t)r <= il);
	gather(&status, inb, n_in, il - 1, 1);
	check(status == VIRTIO_BLK_S_OK || status == VIRTIO_BLK_S_IOERR ||
	      status == VIRTIO_BLK_S_UNSUPP);
	read_image(d);
	if (status != VIRTIO_BLK_S_OK) {
		check(r == 1);
		check(!memcmp(now, shadow, IMG_SIZE));
		goto out;
	}
	check(ol >= HDR_SIZE);
	gather(data, inb, n_in, 0, il - 1);
	switch (type) {
	case VIRTIO_BLK_T_IN:
		check((uint64_t)r == il);
		check(sector <= IMG_SECTORS &&
		      il - 1 <= IMG_SIZE - (sector << BLK_SECTOR_SHIFT));
		check(!memcmp(data, shadow + (sector << BLK_SECTOR_SHIFT),
			      il - 1));
		break;
	case VIRTIO_BLK_T_OUT:
		check(!d->read_only && r == 1);
		check(sector <= IMG_SECTORS &&
		      ol - HDR_SIZE <= IMG_SIZE - (sector << BLK_SECTOR_SHIFT));
		memcpy(shadow + (sector << BLK_SECTOR_SHIFT),
		       payload + HDR_SIZE, ol - HDR_SIZE);
		dirty = true;
		break;
	case VIRTIO_BLK_T_GET_ID:
		i = il - 1 < VIRTIO_BLK_ID_BYTES ? il - 1 : VIRTIO_BLK_ID_BYTES;
		check((uint64_t)r == 1 + i);
		check(!memcmp(data, d->serial, i));
		for (; i < il - 1; i++)
			check(data[i] == IN_FILL);
		break;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		check(!d->read_only && r == 1);
		apply_ranges(type, payload + HDR_SIZE, ol - HDR_SIZE);
		dirty = true;
		break;
	case VIRTIO_BLK_T_FLUSH:
		check(r == 1);
		break;
	default:
		check(!"OK for an unknown type");
	}
	check(!memcmp(now, shadow, IMG_SIZE));
out:
	for (k = 0; k < n_out; k++)
		free(out[k].mem);
	for (k = 0; k < n_in; k++)
		free(inb[k].mem);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *p, size_t size)
{
	struct in in = { p, p + size };
	const struct blk_backend *d;

	if (!size)
		return 0;
	d = &disks[take(&in, 1) & 3];
	if (dirty) {
		check(pwrite(disks[0].fd, pattern, IMG_SIZE, 0) == IMG_SIZE);
		dirty = false;
	}
	memcpy(shadow, pattern, IMG_SIZE);
	while (one_request(&in, d))
		;
	return 0;
}

/* A file of IMG_SIZE pattern bytes in dir, unlinked; fd opened ro or rw. */
static int make_image(const char *dir, bool ro)
{
	char path[512];
	int fd, rfd;

	snprintf(path, sizeof(path), "%s/fuzz-blk-XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	if (pwrite(fd, pattern, IMG_SIZE, 0) != IMG_SIZE)
		abort();
	if (!ro) {
		unlink(path);
		return fd;
	}
	rfd = open(path, O_RDONLY | O_CLOEXEC);
	unlink(path);
	close(fd);
	return rfd;
}

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");
	char err[ERRBUF_LEN];
	int i, fd[2];

	for (i = 0; i < IMG_SIZE; i++)
		pattern[i] = (uint8_t)(i * 7 + (i >> 9));
	for (i = 0; i < 2; i++) {
		fd[i] = make_image("/dev/shm", i);
		if (fd[i] < 0)
			fd[i] = make_image(tmp ? tmp : "/tmp", i);
		if (fd[i] < 0) {
			perror("fuzz_blk: image");
			exit(1);
		}
	}
	for (i = 0; i < 4; i++) {
		struct blk_backend *d = &disks[i];

		d->fd = fd[i >> 1];
		d->capacity = IMG_SECTORS;
		d->read_only = i >> 1;
		memcpy(d->serial, SERIAL, sizeof(SERIAL) - 1);
		if (blk_map__setup(d, i & 1 ? BLK_IO_MAP : BLK_IO_PREAD,
				   "fuzz.img", err)) {
			fprintf(stderr, "fuzz_blk: %s\n", err);
			exit(1);
		}
	}
}

static void seed(const char *dir, const char *name, const uint8_t *b, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(b, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/*
 * Requests as the input spells them: type index, sector flags and 16-bit
 * sector, one readable buffer of hlen bytes (header and body), one
 * writable buffer of wlen bytes, the body's source.
 */
#define REQ(t, sec, hlen, wlen, src)                      \
	(t), 0, (uint8_t)((sec) >> 8), (uint8_t)(sec), 1, \
		0x80 | ((hlen) >> 8), (uint8_t)(hlen), 1, \
		0x80 | ((wlen) >> 8), (uint8_t)(wlen), (src)

static void seeds(const char *dir)
{
	static const uint8_t rw[] = {
		REQ(1, 3, 16 + 1024, 1, 2), /* write 2 sectors at 3 */
		REQ(0, 2, 16, 2049, 0),	    /* read 4 sectors at 2 */
		REQ(2, 0, 16, 1, 0),	    /* flush */
		REQ(3, 0, 16, 21, 0),	    /* get id */
		REQ(5, 0, 32, 1, 1),
		4,
		0,
		0,
		0,
		0,
		0,
		0,
		0, /* zeroes 4..  */
		8,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		REQ(4, 0, 48, 1, 1),
		16,
		0,
		0,
		0,
		0,
		0,
		0,
		0, /* discard */
		16,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		248,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		8,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		REQ(0, 0, 16, 8193, 0),	      /* read 16 sectors at 0 */
		REQ(1, 255, 16 + 1024, 1, 4), /* write past the end */
	};
	/* The header split 3 + 13, data in three buffers, status apart. */
	static const uint8_t split[] = {
		1, 0,	 0, 7,	  3,   0x80, 3,	   0x80, 13, 0x00, 2,
		1, 0x80, 1, 0x02, 0,   0,    0,	   7,	 1,  0x80, 16,
		4, 0x00, 1, 0x80, 100, 0x81, 0x9c, 0x80, 1,  0,
	};
	uint8_t buf[sizeof(rw) + 1];
	int i;

	for (i = 0; i < 4; i++) {
		char name[32];

		buf[0] = (uint8_t)i;
		memcpy(buf + 1, rw, sizeof(rw));
		snprintf(name, sizeof(name), "requests-%d", i);
		seed(dir, name, buf, sizeof(rw) + 1);
		memcpy(buf + 1, split, sizeof(split));
		snprintf(name, sizeof(name), "split-%d", i);
		seed(dir, name, buf, sizeof(split) + 1);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *e = getenv("TURTLE_FUZZ_SEEDS");

	(void)argc;
	(void)argv;
	if (e) {
		seeds(e);
		exit(0);
	}
	setup();
	return 0;
}
