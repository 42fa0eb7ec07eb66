// SPDX-License-Identifier: GPL-2.0
/* The direct window's device tree side: finding the parent's and checking it.
 */
#include "direct.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../lib/log.h"
#include "platform.h"

const char *direct__mode_name(enum direct_mode m)
{
	switch (m) {
	case DIRECT_AUTO:
		return "auto";
	case DIRECT_SERVE:
		return "serve";
	case DIRECT_PASS:
		return "pass";
	default:
		return "off";
	}
}

static uint64_t be64_at(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

int direct__parse_reg(const uint8_t *reg, size_t len, uint64_t *base,
		      uint64_t *size, char *err)
{
	if (len != 16) {
		errbuf_set(
			err,
			"the direct window's reg is %zu bytes, not 16 (two address and two size cells)",
			len);
		return -1;
	}
	*base = be64_at(reg);
	*size = be64_at(reg + 8);
	return 0;
}

/* Read at most len bytes of dir/node/file; the count, or -1. */
static ssize_t read_prop(const char *dir, const char *node, const char *file,
			 uint8_t *buf, size_t len)
{
	char path[512];
	ssize_t n;
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s/%s", dir, node, file) >=
	    (int)sizeof(path))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len);
	close(fd);
	return n;
}

/* Is compat (a list of NUL-terminated strings, n bytes) ours? */
static int has_compatible(const uint8_t *compat, size_t n)
{
	size_t i = 0, l;

	while (i < n) {
		l = strnlen((const char *)compat + i, n - i);
		if (l == strlen(DIRECT_COMPATIBLE) &&
		    !memcmp(compat + i, DIRECT_COMPATIBLE, l))
			return 1;
		i += l + 1;
	}
	return 0;
}

int direct__find(const char *dt_root, uint64_t *base, uint64_t *size, char *err)
{
	uint8_t buf[128];
	struct dirent *e;
	int found = 0;
	ssize_t n;
	DIR *d;

	d = opendir(dt_root);
	if (!d)
		return 0;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		n = read_prop(dt_root, e->d_name, "compatible", buf,
			      sizeof(buf));
		if (n <= 0 || !has_compatible(buf, (size_t)n))
			continue;
		n = read_prop(dt_root, e->d_name, "reg", buf, sizeof(buf));
		if (n < 0) {
			errbuf_set(err, "%s/%s: no reg: %s", dt_root, e->d_name,
				   strerror(errno));
			found = -1;
		} else if (direct__parse_reg(buf, (size_t)n, base, size, err)) {
			found = -1;
		} else {
			found = 1;
		}
	}
	closedir(d);
	return found;
}

int direct__check(uint64_t base, uint64_t size, uint64_t page_size, char *err)
{
	if (base != DIRECT_WINDOW_BASE || size != DIRECT_WINDOW_SIZE) {
		errbuf_set(
			err,
			"the parent's direct window is 0x%llx+0x%llx; this turtle places it at 0x%llx+0x%llx (a different turtle above?)",
			(unsigned long long)base, (unsigned long long)size,
			DIRECT_WINDOW_BASE, DIRECT_WINDOW_SIZE);
		return -1;
	}
	if (!page_size || base % page_size || size % page_size) {
		errbuf_set(
			err,
			"the direct window 0x%llx+0x%llx is not whole pages of %llu bytes",
			(unsigned long long)base, (unsigned long long)size,
			(unsigned long long)page_size);
		return -1;
	}
	return 0;
}
