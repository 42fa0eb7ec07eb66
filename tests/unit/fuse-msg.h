/* SPDX-License-Identifier: GPL-2.0 */
/* FUSE request messages for the fuse-vsock tests, as the kernel builds them. */
#ifndef TURTLE_TESTS_UNIT_FUSE_MSG_H
#define TURTLE_TESTS_UNIT_FUSE_MSG_H

#include <linux/fuse.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * Into buf: fuse_in_header, then arg (alen bytes), then the names n1 and
 * n2 with their NULs (each may be NULL). Returns the message's length.
 */
size_t fmsg__build(void *buf, uint32_t opcode, uint64_t unique, uint64_t nodeid,
		   uint32_t uid, uint32_t gid, const void *arg, size_t alen,
		   const char *n1, const char *n2);

/*
 * What a session's pick (fuse_session_ops) answers in tests whose shares
 * are tagged "share" and "ro": that one's server, or NULL for any other.
 */
struct fuse_server;
static inline struct fuse_server *
fmsg__pick(struct fuse_server *share, struct fuse_server *ro, const char *tag)
{
	if (!strcmp(tag, "share"))
		return share;
	if (!strcmp(tag, "ro"))
		return ro;
	return NULL;
}

/* Remove a directory tree (the tests' temporary directories). */
void fmsg__rm_tree(const char *path);

#endif
