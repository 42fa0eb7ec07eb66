// SPDX-License-Identifier: GPL-2.0
#include "log.h"

#include <time.h>

int turtle_verbose;

static double t_start = -1;

uint64_t turtle__now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int64_t turtle__now_ms(void)
{
	return (int64_t)(turtle__now_ns() / 1000000);
}

/* Seconds since the first call: the start of turtle, in practice. */
double turtle__elapsed(void)
{
	double now = (double)turtle__now_ns() / 1e9;

	if (t_start < 0)
		t_start = now;
	return now - t_start;
}

static void vlog(const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	/* One write, so lines from several threads do not interleave. */
	fprintf(stderr, "turtle: %s\n", line);
}

void pr_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void pr_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void pr_debug(const char *fmt, ...)
{
	va_list ap;

	if (!turtle_verbose)
		return;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void errbuf_set(char *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err, ERRBUF_LEN, fmt, ap);
	va_end(ap);
}
