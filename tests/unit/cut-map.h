/* SPDX-License-Identifier: GPL-2.0 */
/* A file mapping whose second page lies past the file's end (SIGBUS). */
#ifndef TURTLE_TESTS_UNIT_CUT_MAP_H
#define TURTLE_TESTS_UNIT_CUT_MAP_H

#include <stdint.h>

#define CUT_MAP_PAGE 4096

/*
 * Two pages of a temporary file mapped shared and writable, then the file
 * cut to one page: touching the second page raises SIGBUS. The file is
 * unlinked and closed; the mapping stays for the test's process.
 */
uint8_t *cut_map__make(void);

#endif
