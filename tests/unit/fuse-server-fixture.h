/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuse_server tests' fixture: a server on a temporary directory tree,
 * TMP/share (the shared directory) and TMP/outside/secret, which nothing
 * the guest sends may reach; requests to it built as the kernel builds
 * them, and its replies. The helpers keep the short names the tests use.
 */
#ifndef TURTLE_TESTS_UNIT_FUSE_SERVER_FIXTURE_H
#define TURTLE_TESTS_UNIT_FUSE_SERVER_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "../../fuse-vsock/server.h"
#include "fuse-msg.h"

extern char tmp[64], share[96], outside[96];
extern struct fuse_server *srv;
extern struct fuse_buf out; /* the last reply */
extern uint64_t unique_ctr;
extern uint32_t cur_uid, cur_gid;	/* who sends the next requests */
extern enum fuse_cache cur_cache;	/* the next setup's share's */
extern enum fuse_security cur_security; /* the same */
extern uint32_t init_flags;		/* what INIT granted */
extern size_t rlen;			/* the last reply's length */
extern char msg[FUSE_SERVER_MAX_MSG];

/*
 * A fresh tree and a server on TMP/share (read-only if ro), INIT done as
 * the latest kernel does it; requests come from root.
 */
void fsrv__setup_ro(int ro);
void fsrv__setup(void); /* fsrv__setup_ro(0) */
/* fsrv__setup with a share of that security (cur_security stays default). */
void fsrv__setup_passthrough(void);
void fsrv__setup_mapped(void);
void fsrv__teardown(void);

/* The last reply's header, and what follows it. */
const struct fuse_out_header *oh(void);
void *body(void);

/* Send msg as built: the reply's error (0 or -errno), 1 if none. */
int send_raw(size_t len);
/* Build and send a request (fmsg__build) from cur_uid, cur_gid. */
int req(uint32_t op, uint64_t nodeid, const void *arg, size_t alen,
	const char *n1, const char *n2);
void do_init(uint32_t minor, uint32_t flags);

/* On the host, beside the server: files under TMP/share. */
void host_write(const char *rel, const char *data);
int host_stat(const char *rel, struct stat *st);

/* Operations that return an entry: its nodeid, or the negative error. */
int64_t lookup(uint64_t parent, const char *name);
int64_t mkdir_(uint64_t parent, const char *name, uint32_t mode);
int64_t create_(uint64_t parent, const char *name, uint32_t flags,
		uint64_t *fh);
/* OPEN or OPENDIR: the handle, or the negative error. */
int64_t open_(uint64_t nodeid, uint32_t flags, uint32_t op);
/* WRITE: the byte count or the error. */
int write_(uint64_t fh, uint64_t off, const char *data, size_t len);
/* READ: the byte count or the error; the bytes at body(). */
int read_(uint64_t fh, uint64_t off, uint32_t size);
int getattr(uint64_t nodeid, struct fuse_attr *a);
/* RELEASE or RELEASEDIR. */
int release(uint64_t fh, uint32_t op);
/* GETLK, SETLK or SETLKW on handle fh. */
int lk(uint32_t op, uint64_t fh, uint64_t owner, uint32_t type, uint64_t start,
       uint64_t end, uint32_t flags);

#endif
