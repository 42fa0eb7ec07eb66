/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the two FUSE fuzzers share: building FUSE request messages for
 * their seed corpora, and the symbolic nodeids and file handles.
 *
 * Nodeids and fhs are numbers the server hands out, unguessable after a
 * while (never reused). So in a fuzz input, an 8-aligned 64-bit field
 * (the header's nodeid, any u64 of the arguments) holding
 * FZ_NODE(i) or FZ_FH(i) is replaced, before the message is sent, with
 * the i-th most recent nodeid or fh a reply of the same input gave
 * (0: the latest). Other values go through as they are (1 is the root).
 */
#ifndef TURTLE_TESTS_FUZZ_FUZZ_FUSE_H
#define TURTLE_TESTS_FUZZ_FUZZ_FUSE_H

#include <linux/fuse.h>
#include <stddef.h>
#include <stdint.h>

#define FZ_NODE(i) (0xfffffffffffffe00ULL | (uint64_t)(i))
#define FZ_FH(i) (0xfffffffffffffd00ULL | (uint64_t)(i))
#define FZ_REFS 64

/* Between the messages of an input (fuzz_fuse_server.c). */
static const uint8_t FZ_SEP[4] = { 0xf5, 'F', 'Z', 0x9a };

struct fz_refs {
	uint64_t node[FZ_REFS], fh[FZ_REFS];
	unsigned int nnode, nfh; /* counts, ever: the ring's next slots */
};

/* Substitute FZ_NODE / FZ_FH in the message msg of len bytes. */
void fz_refs__apply(const struct fz_refs *r, uint8_t *msg, size_t len);
/* Learn the nodeids and fhs of a reply to a request with opcode. */
void fz_refs__learn(struct fz_refs *r, uint32_t opcode, const void *reply,
		    size_t len);

/* A seed input being built. */
struct fz_seed {
	uint8_t b[1 << 16];
	size_t n;
};

/*
 * Append bytes, or a FUSE message: the header (len set, uid and gid 0),
 * arg (alen bytes), then the names n1 and n2 with their NULs.
 */
void fz_seed__put(struct fz_seed *s, const void *p, size_t n);
void fz_seed__msg(struct fz_seed *s, uint32_t opcode, uint64_t nodeid,
		  const void *arg, size_t alen, const char *n1, const char *n2);
/* Write it as DIR/NAME; exits on failure. */
void fz_seed__write(const struct fz_seed *s, const char *dir, const char *name);

/* The next FZ_SEP in [p, end), or end. */
const uint8_t *fz_find_sep(const uint8_t *p, const uint8_t *end);
/* A fuse_vsock_hello for tag at b: its size. */
size_t fz_hello(uint8_t *b, const char *tag);

/* The fuse_init_in the harnesses send. */
struct fuse_init_in fz_init_in(uint32_t minor, uint32_t flags);

#endif
