// SPDX-License-Identifier: GPL-2.0
#include "cut-map.h"

#include <check.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

uint8_t *cut_map__make(void)
{
	char path[] = "/tmp/turtle-cut-XXXXXX";
	int fd = mkstemp(path);
	uint8_t *m;

	ck_assert_int_ge(fd, 0);
	unlink(path);
	ck_assert_int_eq(ftruncate(fd, 2 * CUT_MAP_PAGE), 0);
	m = mmap(NULL, 2 * CUT_MAP_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 0);
	ck_assert_ptr_ne(m, MAP_FAILED);
	ck_assert_int_eq(ftruncate(fd, CUT_MAP_PAGE), 0);
	close(fd);
	return m;
}
