// SPDX-License-Identifier: GPL-2.0
#include "log.h"

#include <pthread.h>
#include <stdbool.h>
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

static pthread_mutex_t guest_lock = PTHREAD_MUTEX_INITIALIZER;
static double guest_tokens = LOG_GUEST_BURST;
static uint64_t guest_last_ns;
static unsigned long guest_left_out;

void pr_guest(const char *fmt, ...)
{
	uint64_t now = turtle__now_ns();
	unsigned long left_out = 0;
	bool pass;
	va_list ap;

	pthread_mutex_lock(&guest_lock);
	if (guest_last_ns)
		guest_tokens +=
			(double)(now - guest_last_ns) / 1e9 * LOG_GUEST_PER_SEC;
	if (guest_tokens > LOG_GUEST_BURST)
		guest_tokens = LOG_GUEST_BURST;
	guest_last_ns = now;
	pass = guest_tokens >= 1;
	if (pass) {
		guest_tokens -= 1;
		left_out = guest_left_out;
		guest_left_out = 0;
	} else {
		guest_left_out++;
	}
	pthread_mutex_unlock(&guest_lock);
	if (!pass)
		return;
	if (left_out)
		pr_err("(%lu more messages about what a guest sent left out)",
		       left_out);
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
