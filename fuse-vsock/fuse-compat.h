/* SPDX-License-Identifier: GPL-2.0 */
/*
 * <linux/fuse.h>, plus what Debian 12's headers lack (the native ones are
 * FUSE 7.38, the arm64 cross ones 7.37): the request extensions of 7.38
 * and the supplementary-group extension of 7.39 (Linux 6.5). Values
 * checked against Linux 7.3's UAPI header; each is defined only if the
 * headers do not have it.
 */
#ifndef TURTLE_FUSE_COMPAT_H
#define TURTLE_FUSE_COMPAT_H

#include <linux/fuse.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if FUSE_KERNEL_MINOR_VERSION < 38
/* After the arguments, total_extlen 8-byte units of these. */
struct fuse_ext_header {
	uint32_t size; /* this extension's bytes, header included */
	uint32_t type;
};
#endif

/*
 * fuse_in_header.total_extlen (7.38): the first half of what 7.37 calls
 * padding, which older kernels send as 0.
 */
static inline uint16_t fuse_in__total_extlen(const struct fuse_in_header *h)
{
	uint16_t v;

	memcpy(&v, (const char *)h + offsetof(struct fuse_in_header, pid) + 4,
	       sizeof(v));
	return v;
}

#ifndef FUSE_CREATE_SUPP_GROUP
/*
 * INIT flags2 bit 2: on a create (MKNOD, MKDIR, SYMLINK, CREATE, TMPFILE)
 * the kernel appends, after the arguments, a fuse_ext_header of type
 * FUSE_EXT_GROUPS and a fuse_supp_groups naming the parent directory's
 * group when the caller holds it as a supplementary group only.
 */
#define FUSE_CREATE_SUPP_GROUP (1ULL << 34)
#define FUSE_EXT_GROUPS 32 /* enum fuse_ext_type; 7.38 has only up to 31 */

/* after a struct fuse_ext_header (7.38) of type FUSE_EXT_GROUPS */
struct fuse_supp_groups {
	uint32_t nr_groups;
	uint32_t groups[];
};
#endif

#endif
