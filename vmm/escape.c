// SPDX-License-Identifier: GPL-2.0
#include "escape.h"

const char escape__help[] =
	"\r\nturtle: Ctrl-A x: stop the guest; Ctrl-A Ctrl-A: send Ctrl-A\r\n";

size_t escape__filter(struct escape *e, const uint8_t *in, size_t len,
		      uint8_t *out)
{
	size_t i, n = 0;

	for (i = 0; i < len && !e->quit; i++) {
		uint8_t ch = in[i];

		if (!e->armed) {
			if (ch == ESCAPE_KEY)
				e->armed = 1;
			else
				out[n++] = ch;
			continue;
		}
		e->armed = 0;
		switch (ch) {
		case 'x':
		case 'X':
			e->quit = 1;
			break;
		case 'h':
		case 'H':
		case '?':
			e->help = 1;
			break;
		case ESCAPE_KEY:
			out[n++] = ESCAPE_KEY;
			break;
		default: /* not a command: the guest gets both keys */
			out[n++] = ESCAPE_KEY;
			out[n++] = ch;
		}
	}
	return n;
}
