/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The console's escape key, as QEMU's: with the terminal raw, every key
 * goes to the guest (Ctrl-C included), except Ctrl-A, which starts a
 * command:
 *   Ctrl-A x       stop the guest and turtle
 *   Ctrl-A Ctrl-A  send one Ctrl-A to the guest
 *   Ctrl-A h       print this help
 * Ctrl-A then any other key sends both. Only for a terminal on stdin: a
 * pipe's bytes all go through.
 */
#ifndef TURTLE_VMM_ESCAPE_H
#define TURTLE_VMM_ESCAPE_H

#include <stddef.h>
#include <stdint.h>

#define ESCAPE_KEY 0x01 /* Ctrl-A */

struct escape {
	int armed; /* the last key was Ctrl-A */
	int quit;  /* Ctrl-A x was typed */
	int help;  /* Ctrl-A h was typed: print escape__help */
};

extern const char escape__help[];

/*
 * Take the escape commands out of len bytes of input in: what is left for
 * the guest goes to out, which has room for len + 1 bytes (a Ctrl-A left
 * from the last call may come out with the next key); returns its length.
 * Sets e->quit or e->help when asked (the bytes after a Ctrl-A x are
 * dropped).
 */
size_t escape__filter(struct escape *e, const uint8_t *in, size_t len,
		      uint8_t *out);

#endif
