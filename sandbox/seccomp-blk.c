// SPDX-License-Identifier: GPL-2.0
/*
 * A virtio-blk queue thread: wait for a kick (poll, read the eventfd),
 * read and write the image (preadv, pwritev), discard and write zeroes
 * (fallocate), flush (fdatasync; msync first for a mapped image),
 * interrupt (an eventfd write). A mapped image's copy that faults
 * (blk-map.h) returns from the SIGBUS handler by siglongjmp and unblocks
 * SIGBUS: rt_sigreturn and rt_sigprocmask, which every thread has.
 */
#include "seccomp-rules.h"

static const struct seccomp_rule rules[] = {
	SC_ALLOW(ppoll), /* the kick and stop eventfds */
	SC_ALLOW(read),	     SC_ALLOW(preadv),
	SC_ALLOW(pwritev),   SC_ALLOW(fallocate), /* discard, write zeroes */
	SC_ALLOW(fdatasync),			  /* flush */
	SC_ALLOW(msync),			  /* flush, io=map */
};

const struct seccomp_table seccomp_blk = SECCOMP_TABLE(rules);
