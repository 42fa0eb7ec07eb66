// SPDX-License-Identifier: GPL-2.0
/* Helpers for the fuse-vsock tests: messages built like the kernel's. */
#include "fuse-msg.h"

#include <ftw.h>
#include <stdio.h>
#include <string.h>

size_t fmsg__build(void *buf, uint32_t opcode, uint64_t unique, uint64_t nodeid,
		   uint32_t uid, uint32_t gid, const void *arg, size_t alen,
		   const char *n1, const char *n2)
{
	struct fuse_in_header *h = buf;
	char *p = (char *)(h + 1);

	memset(h, 0, sizeof(*h));
	if (alen)
		memcpy(p, arg, alen);
	p += alen;
	if (n1) {
		memcpy(p, n1, strlen(n1) + 1);
		p += strlen(n1) + 1;
	}
	if (n2) {
		memcpy(p, n2, strlen(n2) + 1);
		p += strlen(n2) + 1;
	}
	h->len = (uint32_t)(p - (char *)buf);
	h->opcode = opcode;
	h->unique = unique;
	h->nodeid = nodeid;
	h->uid = uid;
	h->gid = gid;
	h->pid = 1;
	return h->len;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void fmsg__rm_tree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
