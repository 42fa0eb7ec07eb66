// SPDX-License-Identifier: GPL-2.0
/*
 * A virtio-blk queue thread: wait for a kick (poll, read the eventfd),
 * read and write the image (preadv, pwritev), discard and write zeroes
 * (fallocate), flush (fdatasync), interrupt (an eventfd write).
 */
#include "seccomp-rules.h"

static const struct seccomp_rule rules[] = {
	SC_ALLOW(ppoll), /* the kick and stop eventfds */
	SC_ALLOW(read),	     SC_ALLOW(preadv),
	SC_ALLOW(pwritev),   SC_ALLOW(fallocate), /* discard, write zeroes */
	SC_ALLOW(fdatasync),			  /* flush */
};

const struct seccomp_table seccomp_blk = SECCOMP_TABLE(rules);
