/* SPDX-License-Identifier: GPL-2.0 */
/* Messages: every line turtle prints about itself starts with "turtle: ". */
#ifndef TURTLE_LIB_LOG_H
#define TURTLE_LIB_LOG_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

extern int turtle_verbose;

void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * An error in what a guest sent: a guest can cause these as often as it
 * likes, so they are rate limited (LOG_GUEST_BURST at once, then
 * LOG_GUEST_PER_SEC a second); the next one printed says how many were
 * left out.
 */
#define LOG_GUEST_BURST 20
#define LOG_GUEST_PER_SEC 5
void pr_guest(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Seconds since turtle started (the first call), for -v timings. */
double turtle__elapsed(void);
/* CLOCK_MONOTONIC, for timeouts and for timing work. */
int64_t turtle__now_ms(void);
uint64_t turtle__now_ns(void);

/*
 * An error message buffer that pure (testable) code fills in instead of
 * printing, so callers decide where it goes.
 */
#define ERRBUF_LEN 256
void errbuf_set(char *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
