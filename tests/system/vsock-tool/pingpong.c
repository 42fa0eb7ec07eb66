// SPDX-License-Identifier: GPL-2.0
/* vsock-tool pingpong: N one-byte round trips against an echo-server. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vsock-tool.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int pingpong__run(void)
{
	struct pollfd p;
	double *lat = calloc(opt.count ? opt.count : 1, sizeof(*lat));
	double t, total = 0;
	unsigned int i;
	uint8_t b;
	int fd;

	if (!lat)
		die("out of memory");
	if (!opt.count)
		die("pingpong wants --count N");
	if (opt.ep.stdio)
		die("pingpong wants vsock:CID:PORT or unix:PATH:PORT");
	fd = ep__open(&opt.ep, -1);
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	for (i = 0; i < opt.count; i++) {
		b = (uint8_t)i;
		t = now();
		if (ep__write_all(fd, &b, 1))
			die("write: %s", strerror(errno));
		if (poll(&p, 1, 10000) != 1 || read(fd, &b, 1) != 1)
			die("no echo for round trip %u", i);
		if (b != (uint8_t)i)
			die("round trip %u: wrong byte back", i);
		lat[i] = (now() - t) * 1e6;
		total += lat[i];
	}
	qsort(lat, opt.count, sizeof(*lat), cmp_double);
	printf("PINGPONG count=%u avg_us=%.1f p50_us=%.1f p99_us=%.1f max_us=%.1f\n",
	       opt.count, total / opt.count, lat[opt.count / 2],
	       lat[(size_t)(opt.count * 0.99)], lat[opt.count - 1]);
	close(fd);
	free(lat);
	return 0;
}
