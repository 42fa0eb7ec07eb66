// SPDX-License-Identifier: GPL-2.0
/*
 * The shares' request memory budget (issue 12, row 4): the budget alone,
 * then many sessions on one budget whose replies cannot leave (the guest
 * gives no rx buffers: every send blocks): the requests held stay within
 * the bound, every session stops taking bytes instead of failing, and
 * once the replies flow each is resumed and all requests are answered;
 * a READ's reply is charged with its request.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../fuse-vsock/budget.h"
#include "../../fuse-vsock/proto.h"
#include "../../fuse-vsock/session.h"
#include "../../lib/log.h"
#include "fuse-msg.h"
#include "suites.h"

static int wakes;

static void count_wake(struct fuse_budget_waiter *w)
{
	(void)w;
	wakes++;
}

START_TEST(test_fuse_budget_take_give_wake)
{
	struct fuse_budget b;
	struct fuse_budget_waiter w1 = { .wake = count_wake },
				  w2 = { .wake = count_wake };

	wakes = 0;
	fuse_budget__init(&b, 1000, 600);
	ck_assert(fuse_budget__take(&b, &w1, 500));
	ck_assert(!fuse_budget__take(&b, &w1, 200)); /* its own share */
	ck_assert(fuse_budget__take(&b, &w2, 500));
	ck_assert(!fuse_budget__take(&b, &w2, 1)); /* the total */
	ck_assert_uint_eq(fuse_budget__used(&b, NULL), 1000);
	fuse_budget__give(&b, &w1, 500); /* wakes both waiters, once */
	ck_assert_int_eq(wakes, 2);
	fuse_budget__give(&b, &w2, 500);
	ck_assert_int_eq(wakes, 2);
	/* Alone, one message always fits, whatever its size. */
	ck_assert(fuse_budget__take(&b, &w1, 5000));
	ck_assert(!fuse_budget__take(&b, &w2, 1));
	fuse_budget__cancel(&b, &w2);
	fuse_budget__give(&b, &w1, 5000);
	ck_assert_int_eq(wakes, 2); /* w2 cancelled: not woken */
	ck_assert_uint_eq(fuse_budget__used(&b, NULL), 0);
	fuse_budget__destroy(&b);
}
END_TEST

START_TEST(test_fuse_budget_take_more_own_message)
{
	struct fuse_budget b;
	struct fuse_budget_waiter w1 = { .wake = count_wake },
				  w2 = { .wake = count_wake };

	fuse_budget__init(&b, 1000, 600);
	/* A message of 100 bytes, then its reply's 5000: alone, it fits. */
	ck_assert(fuse_budget__take(&b, &w1, 100));
	ck_assert(fuse_budget__take_more(&b, &w1, 5000, 100));
	fuse_budget__give(&b, &w1, 5100);
	/* With another message of its own in flight, it waits... */
	ck_assert(fuse_budget__take(&b, &w1, 100));
	ck_assert(fuse_budget__take(&b, &w1, 100));
	ck_assert(!fuse_budget__take_more(&b, &w1, 500, 100));
	fuse_budget__give(&b, &w1, 100);
	/* ...and while another session holds bytes, within the total. */
	ck_assert(fuse_budget__take(&b, &w2, 500));
	ck_assert(!fuse_budget__take_more(&b, &w1, 450, 100));
	ck_assert(fuse_budget__take_more(&b, &w1, 400, 100));
	ck_assert_uint_eq(fuse_budget__used(&b, NULL), 1000);
	fuse_budget__give(&b, &w1, 500);
	fuse_budget__give(&b, &w2, 500);
	ck_assert_uint_eq(fuse_budget__used(&b, NULL), 0);
	fuse_budget__destroy(&b);
}
END_TEST

#define NSESS 24
#define MSGS 40
#define BODY (16 * 1024)
#define MAX (256 * 1024)
#define SESSION_MAX (64 * 1024)

static char dir[64];
static struct fuse_server *srv;
static struct fuse_pool *pool;
static struct fuse_budget budget;
static pthread_t test_thread;

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool open; /* replies may leave */
	int replies, resumes[NSESS], done;
} g = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

static struct fuse_server *pick(void *ctx, const char *tag)
{
	(void)ctx;
	return fmsg__pick(srv, NULL, tag); /* every hello here says "share" */
}

/* A worker's reply waits for the gate, as if the guest had no rx buffer. */
static int gated_send(void *ctx, const struct iovec *iov, int iovcnt)
{
	(void)ctx;
	(void)iov;
	(void)iovcnt;
	if (pthread_equal(pthread_self(), test_thread))
		return 0; /* the welcome */
	pthread_mutex_lock(&g.lock);
	while (!g.open)
		pthread_cond_wait(&g.cond, &g.lock);
	g.replies++;
	pthread_cond_broadcast(&g.cond);
	pthread_mutex_unlock(&g.lock);
	return 0;
}

static void sess_done(void *ctx)
{
	(void)ctx;
	pthread_mutex_lock(&g.lock);
	g.done++;
	pthread_cond_broadcast(&g.cond);
	pthread_mutex_unlock(&g.lock);
}

/* Under the budget's lock: only a flag and a signal. */
static void sess_resume(void *ctx)
{
	pthread_mutex_lock(&g.lock);
	g.resumes[(intptr_t)ctx]++;
	pthread_cond_broadcast(&g.cond);
	pthread_mutex_unlock(&g.lock);
}

static const struct fuse_session_ops ops = {
	.pick = pick,
	.send = gated_send,
	.done = sess_done,
	.resume = sess_resume,
};

static void setup(void)
{
	struct fuse_share_opts o = { .tag = "share" };
	char err[ERRBUF_LEN] = "";

	snprintf(dir, sizeof(dir), "/tmp/turtle-fuseb-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	o.dir = dir;
	srv = fuse_server__create(&o, err);
	ck_assert_msg(srv != NULL, "%s", err);
	pool = fuse_pool__create(2, 8, err);
	ck_assert_msg(pool != NULL, "%s", err);
	fuse_budget__init(&budget, MAX, SESSION_MAX);
	test_thread = pthread_self();
	g.open = false;
	g.replies = g.done = 0;
	memset(g.resumes, 0, sizeof(g.resumes));
}

static void teardown(void)
{
	fuse_pool__destroy(pool);
	fuse_server__destroy(srv);
	fuse_budget__destroy(&budget);
	fmsg__rm_tree(dir);
}

START_TEST(test_fuse_budget_sessions_wait_within_bound)
{
	static uint8_t stream[NSESS][sizeof(struct fuse_vsock_hello) +
				     MSGS * (BODY + 64)];
	static uint8_t body[BODY];
	struct fuse_session *s[NSESS];
	size_t len[NSESS], fed[NSESS], peak;
	struct fuse_vsock_hello h = { .magic = FUSE_VSOCK_MAGIC,
				      .version = FUSE_VSOCK_VERSION,
				      .tag = "share" };
	bool all_fed, progress;
	ssize_t n;
	int i, k, stopped = 0, seen[NSESS];

	for (i = 0; i < NSESS; i++) {
		s[i] = fuse_session__create(pool, &budget, &ops,
					    (void *)(intptr_t)i);
		ck_assert_ptr_nonnull(s[i]);
		memcpy(stream[i], &h, sizeof(h));
		len[i] = sizeof(h);
		/* Any request with a body: each gets an (error) reply. */
		for (k = 0; k < MSGS; k++)
			len[i] += fmsg__build(stream[i] + len[i], 9999,
					      (uint64_t)k + 1, 1, 0, 0, body,
					      sizeof(body), NULL, NULL);
		fed[i] = 0;
	}
	/* Everything at once: each session takes what the budget allows. */
	for (i = 0; i < NSESS; i++) {
		n = fuse_session__take(s[i], stream[i], len[i]);
		ck_assert_int_ge(n, (ssize_t)sizeof(h));
		fed[i] = (size_t)n;
		stopped += fed[i] < len[i];
	}
	ck_assert_int_eq(stopped, NSESS);
	ck_assert_uint_le(fuse_budget__used(&budget, &peak), MAX);
	ck_assert_uint_le(peak, MAX);

	/* The guest reads again: every session is resumed and finishes. */
	pthread_mutex_lock(&g.lock);
	g.open = true;
	pthread_cond_broadcast(&g.cond);
	memset(seen, 0, sizeof(seen));
	do {
		all_fed = true;
		progress = false;
		for (i = 0; i < NSESS; i++) {
			if (fed[i] == len[i])
				continue;
			all_fed = false;
			if (g.resumes[i] == seen[i])
				continue;
			seen[i] = g.resumes[i];
			pthread_mutex_unlock(&g.lock);
			n = fuse_session__take(s[i], stream[i] + fed[i],
					       len[i] - fed[i]);
			pthread_mutex_lock(&g.lock);
			ck_assert_int_ge(n, 0);
			fed[i] += (size_t)n;
			progress = true;
		}
		/* Nothing to do until a session is resumed. */
		if (!all_fed && !progress)
			pthread_cond_wait(&g.cond, &g.lock);
	} while (!all_fed);
	while (g.replies < NSESS * MSGS)
		pthread_cond_wait(&g.cond, &g.lock);
	pthread_mutex_unlock(&g.lock);
	fuse_budget__used(&budget, &peak);
	ck_assert_uint_le(peak, MAX);
	for (i = 0; i < NSESS; i++)
		fuse_session__close(s[i]);
	pthread_mutex_lock(&g.lock);
	while (g.done < NSESS)
		pthread_cond_wait(&g.cond, &g.lock);
	pthread_mutex_unlock(&g.lock);
	ck_assert_int_eq(g.replies, NSESS * MSGS);
	ck_assert_uint_eq(fuse_budget__used(&budget, NULL), 0);
}
END_TEST

/* A READ of size bytes at offset 0 of no open file. */
static size_t read_msg(void *buf, uint64_t unique, uint32_t size)
{
	struct fuse_read_in in = { .fh = 12345, .size = size };

	return fmsg__build(buf, FUSE_READ, unique, 1, 0, 0, &in, sizeof(in),
			   NULL, NULL);
}

/*
 * A READ's reply may be far larger than its message: its bytes are taken
 * from the budget before it runs, and a READ whose reply does not fit
 * waits (its last byte untaken) until an earlier one's reply has left.
 */
START_TEST(test_fuse_budget_charges_read_replies)
{
	/* Two READs whose replies each fit the session's share alone. */
	const uint32_t size = SESSION_MAX / 2 + 4096;
	const size_t reply = sizeof(struct fuse_out_header) + size;
	uint8_t stream[sizeof(struct fuse_vsock_hello) + 256];
	struct fuse_vsock_hello h = { .magic = FUSE_VSOCK_MAGIC,
				      .version = FUSE_VSOCK_VERSION,
				      .tag = "share" };
	struct fuse_session *s;
	size_t len, one, peak;
	ssize_t n;

	s = fuse_session__create(pool, &budget, &ops, (void *)(intptr_t)0);
	ck_assert_ptr_nonnull(s);
	memcpy(stream, &h, sizeof(h));
	len = sizeof(h);
	one = read_msg(stream + len, 1, size);
	ck_assert_uint_eq(fuse_server__reply_need(stream + len, one), reply);
	len += one;
	len += read_msg(stream + len, 2, size);

	n = fuse_session__take(s, stream, len);
	ck_assert_int_eq(n, (ssize_t)len - 1);
	ck_assert_uint_eq(fuse_budget__used(&budget, NULL), one + reply + one);

	pthread_mutex_lock(&g.lock);
	g.open = true; /* the first reply leaves: room for the second's */
	pthread_cond_broadcast(&g.cond);
	while (!g.resumes[0])
		pthread_cond_wait(&g.cond, &g.lock);
	pthread_mutex_unlock(&g.lock);
	ck_assert_int_eq(fuse_session__take(s, stream + len - 1, 1), 1);
	pthread_mutex_lock(&g.lock);
	while (g.replies < 2)
		pthread_cond_wait(&g.cond, &g.lock);
	pthread_mutex_unlock(&g.lock);
	fuse_session__close(s);
	pthread_mutex_lock(&g.lock);
	while (g.done < 1)
		pthread_cond_wait(&g.cond, &g.lock);
	pthread_mutex_unlock(&g.lock);
	ck_assert_uint_eq(fuse_budget__used(&budget, &peak), 0);
	ck_assert_uint_le(peak, SESSION_MAX);
}
END_TEST

Suite *fuse_budget_suite(void)
{
	Suite *s = suite_create("fuse_budget");
	TCase *tc = tcase_create("budget");

	tcase_add_test(tc, test_fuse_budget_take_give_wake);
	tcase_add_test(tc, test_fuse_budget_take_more_own_message);
	suite_add_tcase(s, tc);
	tc = tcase_create("sessions");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_fuse_budget_sessions_wait_within_bound);
	tcase_add_test(tc, test_fuse_budget_charges_read_replies);
	suite_add_tcase(s, tc);
	return s;
}
