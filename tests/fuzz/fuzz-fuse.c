// SPDX-License-Identifier: GPL-2.0
/* Seed messages and symbolic references for the FUSE fuzzers. */
#include "fuzz-fuse.h"

#include "../../fuse-vsock/proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fz_refs__apply(const struct fz_refs *r, uint8_t *msg, size_t len)
{
	size_t off;
	uint64_t v, i;

	/* The header's nodeid, then every u64 of the arguments. */
	for (off = 16; off + 8 <= len; off += off == 16 ? 24 : 8) {
		memcpy(&v, msg + off, 8);
		i = v & 0xff;
		if ((v & ~0xffULL) == FZ_NODE(0) && i < FZ_REFS && i < r->nnode)
			v = r->node[(r->nnode - 1 - i) % FZ_REFS];
		else if ((v & ~0xffULL) == FZ_FH(0) && i < FZ_REFS &&
			 i < r->nfh)
			v = r->fh[(r->nfh - 1 - i) % FZ_REFS];
		else
			continue;
		memcpy(msg + off, &v, 8);
	}
}

static void add(uint64_t *ring, unsigned int *n, uint64_t v)
{
	if (!v)
		return;
	ring[*n % FZ_REFS] = v;
	(*n)++;
}

void fz_refs__learn(struct fz_refs *r, uint32_t opcode, const void *reply,
		    size_t len)
{
	const struct fuse_out_header *oh = reply;
	const uint8_t *body = (const uint8_t *)(oh + 1);
	size_t blen, off;
	struct fuse_entry_out e;
	struct fuse_open_out o;
	struct fuse_direntplus dp;

	if (len < sizeof(*oh) || oh->error)
		return;
	blen = len - sizeof(*oh);
	switch (opcode) {
	case FUSE_LOOKUP:
	case FUSE_MKNOD:
	case FUSE_MKDIR:
	case FUSE_SYMLINK:
	case FUSE_LINK:
	case FUSE_CREATE:
		if (blen < sizeof(e))
			return;
		memcpy(&e, body, sizeof(e));
		add(r->node, &r->nnode, e.nodeid);
		if (opcode == FUSE_CREATE && blen >= sizeof(e) + sizeof(o)) {
			memcpy(&o, body + sizeof(e), sizeof(o));
			add(r->fh, &r->nfh, o.fh);
		}
		break;
	case FUSE_OPEN:
	case FUSE_OPENDIR:
		if (blen < sizeof(o))
			return;
		memcpy(&o, body, sizeof(o));
		add(r->fh, &r->nfh, o.fh);
		break;
	case FUSE_READDIRPLUS:
		for (off = 0; off + sizeof(dp) <= blen;) {
			memcpy(&dp, body + off, sizeof(dp));
			add(r->node, &r->nnode, dp.entry_out.nodeid);
			off += FUSE_DIRENTPLUS_SIZE(&dp);
		}
		break;
	}
}

void fz_seed__put(struct fz_seed *s, const void *p, size_t n)
{
	if (s->n + n > sizeof(s->b)) {
		fprintf(stderr, "fuzz: seed too big\n");
		exit(1);
	}
	memcpy(s->b + s->n, p, n);
	s->n += n;
}

void fz_seed__msg(struct fz_seed *s, uint32_t opcode, uint64_t nodeid,
		  const void *arg, size_t alen, const char *n1, const char *n2)
{
	struct fuse_in_header h = {
		.opcode = opcode, .unique = s->n + 1, .nodeid = nodeid, .pid = 1
	};

	h.len = (uint32_t)(sizeof(h) + alen + (n1 ? strlen(n1) + 1 : 0) +
			   (n2 ? strlen(n2) + 1 : 0));
	fz_seed__put(s, &h, sizeof(h));
	if (alen)
		fz_seed__put(s, arg, alen);
	if (n1)
		fz_seed__put(s, n1, strlen(n1) + 1);
	if (n2)
		fz_seed__put(s, n2, strlen(n2) + 1);
}

void fz_seed__write(const struct fz_seed *s, const char *dir, const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(s->b, 1, s->n, f) != s->n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

struct fuse_init_in fz_init_in(uint32_t minor, uint32_t flags)
{
	struct fuse_init_in in;

	memset(&in, 0, sizeof(in));
	in.major = FUSE_KERNEL_VERSION;
	in.minor = minor;
	in.max_readahead = 65536;
	in.flags = flags;
	return in;
}

const uint8_t *fz_find_sep(const uint8_t *p, const uint8_t *end)
{
	for (; p + sizeof(FZ_SEP) <= end; p++)
		if (p[0] == FZ_SEP[0] && !memcmp(p, FZ_SEP, sizeof(FZ_SEP)))
			return p;
	return end;
}

size_t fz_hello(uint8_t *b, const char *tag)
{
	struct fuse_vsock_hello h = { .magic = FUSE_VSOCK_MAGIC,
				      .version = FUSE_VSOCK_VERSION };

	strncpy(h.tag, tag, sizeof(h.tag) - 1);
	memcpy(b, &h, sizeof(h));
	return sizeof(h);
}
