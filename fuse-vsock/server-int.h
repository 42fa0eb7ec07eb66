/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The server's insides, shared by its files: server.c (dispatch, INIT,
 * credentials), inode.c (the inode and file handle tables), server-entry.c
 * (names and attributes), server-dir.c, server-file.c, server-xattr.c,
 * server-lock.c.
 */
#ifndef TURTLE_FUSE_VSOCK_SERVER_INT_H
#define TURTLE_FUSE_VSOCK_SERVER_INT_H

#include "fuse-compat.h"
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "server.h"

/* Attributes and names stay valid in the guest's cache this long. */
#define FUSE_SERVER_TIMEOUT_SEC 1	     /* cache=auto */
#define FUSE_SERVER_TIMEOUT_ALWAYS_SEC 86400 /* cache=always */

struct fuse_lock_owner;

/* One host inode the guest knows by a nodeid. */
struct fuse_inode {
	uint64_t nodeid;
	dev_t dev;
	ino_t ino;
	mode_t type;	   /* S_IFMT bits: an inode never changes type */
	int fd;		   /* O_PATH | O_NOFOLLOW */
	uint64_t nlookup;  /* the kernel's references (LOOKUP minus FORGET) */
	unsigned int refs; /* 1 while in the table, + requests using it */
	bool in_table;
	struct fuse_inode *next_id, *next_key; /* hash chains */
	pthread_mutex_t lock;		       /* owners */
	struct fuse_lock_owner *owners;	       /* server-lock.c */
};

/* An open file or directory (fuse_open_out.fh). */
struct fuse_handle {
	uint64_t fh;
	int fd;
	bool is_dir;
	unsigned int refs;
	bool in_table;
	struct fuse_inode *inode; /* holds a reference */
	struct fuse_handle *next;
	pthread_mutex_t lock; /* directories: the position getdents uses */
};

struct fuse_table {
	pthread_mutex_t lock;
	struct fuse_inode **by_id, **by_key;
	size_t nbuckets, ninodes;
	struct fuse_handle **fhs;
	size_t nfhbuckets, nfhs;
	uint64_t next_nodeid, next_fh;
};

struct fuse_server {
	char *dir, *tag;
	bool read_only;
	enum fuse_cache cache;
	bool mapped;	      /* security=mapped (server-mapped.c) */
	uint64_t timeout_sec; /* entry_valid and attr_valid */
	int proc_fd;	      /* /proc/self/fd: reopening O_PATH fds */
	struct fuse_inode *root;
	struct fuse_table t;
	/* INIT's outcome */
	pthread_mutex_t init_lock;
	atomic_bool initialized;
	uint32_t minor;
	uint64_t flags; /* the FUSE_* init flags both sides agreed on */
	unsigned int connections;
	/* Requests served, as the session timed them (fuse_server__account) */
	atomic_ullong served, queued_ns, run_ns, max_ns;
};

/* One request being executed. */
struct fuse_req {
	struct fuse_server *s;
	const struct fuse_in_header *in;
	const void *arg; /* after the header */
	size_t arg_len;	 /* without the extensions */
	const void *ext; /* the extensions (total_extlen), after arg */
	size_t ext_len;
	struct fuse_buf *out;
	struct fuse_req_ctl *ctl;
};

/*
 * Handlers return the reply body's length (the body is at reply_body()),
 * or a negative errno, or FUSE_NO_REPLY.
 */
#define FUSE_NO_REPLY (-100000)
typedef int fuse_op_fn(struct fuse_req *r);

/* server.c */
void *reply_body(struct fuse_req *r, size_t len); /* NULL: too big */
/* The body of a reply shorter than FUSE_SERVER_BUF_MIN: always room. */
static inline void *reply_small(struct fuse_req *r)
{
	return (char *)r->out->p + sizeof(struct fuse_out_header);
}

const char *req_name(struct fuse_req *r, size_t off, size_t *next);
int check_name(const char *name);
void fill_attr(struct fuse_attr *a, const struct stat *st);
void fill_entry(const struct fuse_server *s, struct fuse_entry_out *e,
		struct fuse_inode *ino, const struct stat *st);
int proc_path(struct fuse_server *s, int fd, char *buf, size_t len);

/* inode.c */
/*
 * Host fds the guest makes turtle hold (inodes, open files, lock owners),
 * counted for all shares together: at most what RLIMIT_NOFILE leaves
 * after a reserve for turtle itself (FUSE_FDS_RESERVE, or an eighth),
 * so that a guest cannot run turtle out of fds. Past it, the request
 * fails (ENFILE; ENOLCK for a lock owner) and nothing else is affected.
 */
#define FUSE_FDS_RESERVE 64
void fds__set_limit(void); /* from RLIMIT_NOFILE, at each server's start */
bool fds__take(void);	   /* false: the guest holds too many */
void fds__give(void);

int table__init(struct fuse_table *t);
void table__destroy(struct fuse_table *t);
struct fuse_inode *inode__new_root(struct fuse_server *s, int fd,
				   const struct stat *st);
/* The inode for nodeid, with a reference; NULL if none. */
struct fuse_inode *inode__get(struct fuse_server *s, uint64_t nodeid);
void inode__put(struct fuse_server *s, struct fuse_inode *ino);
/*
 * Look name up in parent (O_PATH, no symlink followed): the inode with a
 * reference and one more nlookup, and its attributes.
 */
int inode__lookup(struct fuse_server *s, struct fuse_inode *parent,
		  const char *name, struct fuse_inode **out, struct stat *st);
/* Add (dev, ino) of an fd the caller opened: takes over fd. */
int inode__add(struct fuse_server *s, int fd, struct fuse_inode **out,
	       struct stat *st);
void inode__forget(struct fuse_server *s, uint64_t nodeid, uint64_t n);
/* DESTROY: every inode but the root forgotten, every handle closed. */
void table__reset(struct fuse_server *s);
/* The inode's attributes as the guest sees them (mapped: overlaid). */
int inode__stat(struct fuse_server *s, struct fuse_inode *ino, struct stat *st);

/*
 * Takes over fd and a reference to inode; returns the fh, or 0 with errno
 * ENFILE (the guest holds too many fds) or ENOMEM.
 */
uint64_t handle__add(struct fuse_server *s, int fd, struct fuse_inode *ino,
		     bool is_dir);
struct fuse_handle *handle__get(struct fuse_server *s, uint64_t fh);
/* The same, NULL unless it is a directory's (is_dir) or a file's handle. */
struct fuse_handle *handle__get_kind(struct fuse_server *s, uint64_t fh,
				     bool is_dir);
/* FSYNC and FSYNCDIR: fsync or fdatasync the handle's fd. */
int handle__fsync(struct fuse_server *s, uint64_t fh, bool is_dir,
		  uint32_t fsync_flags);
void handle__put(struct fuse_server *s, struct fuse_handle *h);
/* Remove fh from the table (RELEASE); its fd closes with the last user. */
int handle__remove(struct fuse_server *s, uint64_t fh, bool is_dir);

/* server-entry.c */
int op_lookup(struct fuse_req *r);
int op_forget(struct fuse_req *r);
int op_batch_forget(struct fuse_req *r);
int op_getattr(struct fuse_req *r);
int op_setattr(struct fuse_req *r);
int op_readlink(struct fuse_req *r);
int op_symlink(struct fuse_req *r);
int op_mknod(struct fuse_req *r);
int op_mkdir(struct fuse_req *r);
int op_unlink(struct fuse_req *r);
int op_rmdir(struct fuse_req *r);
int op_rename(struct fuse_req *r);
int op_rename2(struct fuse_req *r);
int op_link(struct fuse_req *r);
int op_statfs(struct fuse_req *r);
int op_access(struct fuse_req *r);
int op_syncfs(struct fuse_req *r);

/* server-file.c */
int open_inode(struct fuse_server *s, struct fuse_inode *ino, int flags);
int op_open(struct fuse_req *r);
int op_create(struct fuse_req *r);
int op_read(struct fuse_req *r);
int op_write(struct fuse_req *r);
int op_release(struct fuse_req *r);
int op_fsync(struct fuse_req *r);
int op_flush(struct fuse_req *r);
int op_fallocate(struct fuse_req *r);
int op_lseek(struct fuse_req *r);
int op_copy_file_range(struct fuse_req *r);

/* server-dir.c */
int op_opendir(struct fuse_req *r);
int op_readdir(struct fuse_req *r);
int op_readdirplus(struct fuse_req *r);
int op_releasedir(struct fuse_req *r);
int op_fsyncdir(struct fuse_req *r);

/* server-mapped.c: security=mapped (see its primer) */
#define MAPPED_XATTR "user.turtle.stat"
#define XATTR_NAME_MAX_LEN 255
struct mapped_attr {
	uint32_t uid, gid, mode; /* mode: S_IFMT and 07777 */
	uint64_t rdev;
};
/* The guest's attributes kept on a host inode: -ENODATA if none. */
int mapped__get(int opath_fd, mode_t host_type, struct mapped_attr *m);
int mapped__set(int opath_fd, const struct mapped_attr *m);
int mapped__fset(int fd, const struct mapped_attr *m); /* a real fd */
void mapped__from_stat(struct mapped_attr *m, const struct stat *st);
/* st (of opath_fd) as the guest sees it. */
void mapped__overlay(int opath_fd, struct stat *st);
/* fstat of an O_PATH fd, as the guest sees it (mapped: overlaid). */
int mapped__stat(struct fuse_server *s, int opath_fd, struct stat *st);
/* A new entry's attributes: the caller's, or a setgid parent's group. */
void mapped__new(struct mapped_attr *m, const struct fuse_in_header *in,
		 int parent_fd, uint32_t mode, uint64_t rdev);
/* May uid:gid access st (as the guest sees it) for mask (R_OK...)? */
int mapped__may(const struct stat *st, uint32_t uid, uint32_t gid, int mask);
/* A guest xattr name as stored on the host (len >= XATTR_NAME_MAX+1). */
int mapped__xattr_to_host(const char *guest, char *host, size_t len,
			  bool mapped);
/*
 * The guest's list from a host listxattr list of n bytes: into out
 * (size bytes; 0: only count), its length or -ERANGE.
 */
ssize_t mapped__xattr_list(const char *hostlist, size_t n, char *out,
			   size_t size, bool mapped);

/* server-xattr.c */
int op_setxattr(struct fuse_req *r);
int op_getxattr(struct fuse_req *r);
int op_listxattr(struct fuse_req *r);
int op_removexattr(struct fuse_req *r);

/* server-lock.c */
int op_getlk(struct fuse_req *r);
int op_setlk(struct fuse_req *r);
int op_setlkw(struct fuse_req *r);
/* Release and forget lock_owner's POSIX locks on ino (FLUSH). */
void lock__release_owner(struct fuse_inode *ino, uint64_t owner);
/* Close every owner's lock fd (the inode is being freed). */
void lock__drop_all(struct fuse_inode *ino);

#endif
