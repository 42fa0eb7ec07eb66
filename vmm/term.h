/* SPDX-License-Identifier: GPL-2.0 */
/* The host terminal: raw mode while a guest owns it, restored on any exit. */
#ifndef TURTLE_TERM_H
#define TURTLE_TERM_H

/*
 * Raw mode on stdin if it is a terminal: every key goes to the guest,
 * Ctrl-C included (escape.h says how to stop turtle). Returns 1 if it did.
 */
int term__raw(void);
/* Restore the saved mode; safe to call more than once, and from a signal. */
void term__restore(void);

#endif
