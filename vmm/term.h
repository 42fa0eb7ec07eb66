/* SPDX-License-Identifier: GPL-2.0 */
/* The host terminal: raw mode while a guest owns it, restored on any exit. */
#ifndef TURTLE_TERM_H
#define TURTLE_TERM_H

/* Raw mode on stdin if it is a terminal. ISIG stays on: Ctrl-C stops turtle. */
void term__raw(void);
/* Restore the saved mode; safe to call more than once, and from a signal. */
void term__restore(void);

#endif
