/* SPDX-License-Identifier: GPL-2.0 */
/*
 * <linux/fuse.h>, plus what Debian 12's headers (FUSE 7.38, Linux 6.1)
 * lack: the supplementary-group extension of FUSE 7.39 (Linux 6.5).
 * Values checked against Linux 7.3's UAPI header; each is defined only if
 * the headers do not have it.
 */
#ifndef TURTLE_FUSE_COMPAT_H
#define TURTLE_FUSE_COMPAT_H

#include <linux/fuse.h>
#include <stdint.h>

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
