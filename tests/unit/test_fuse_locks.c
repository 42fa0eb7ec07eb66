// SPDX-License-Identifier: GPL-2.0
/*
 * fuse_server__handle's locks: POSIX record locks and flock() through
 * GETLK and SETLK, as a host process sees them too, and SETLKW waiting
 * in another thread, until granted or interrupted.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/log.h"
#include "fuse-server-fixture.h"
#include "suites.h"

START_TEST(test_fuse_posix_locks_enforced)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	struct fuse_flush_in fi = { 0 };
	struct fuse_lk_out *o;
	char p[160];
	uint64_t fa, fb;
	int fd;

	create_(1, "f", O_RDWR, &fa);
	fb = (uint64_t)open_((uint64_t)lookup(1, "f"), O_RDWR, FUSE_OPEN);
	ck_assert_int_eq(lk(FUSE_SETLK, fa, 1, F_WRLCK, 0, 99, 0), 0);
	ck_assert_int_eq(lk(FUSE_SETLK, fb, 2, F_RDLCK, 50, 60, 0), -EAGAIN);
	/* the same owner through another handle: no conflict */
	ck_assert_int_eq(lk(FUSE_SETLK, fb, 1, F_WRLCK, 0, 10, 0), 0);
	ck_assert_int_eq(lk(FUSE_SETLK, fb, 2, F_WRLCK, 100, INT64_MAX, 0), 0);
	ck_assert_int_eq(lk(FUSE_GETLK, fb, 2, F_WRLCK, 0, 0, 0), 0);
	o = body();
	ck_assert_uint_eq(o->lk.type, F_WRLCK);
	ck_assert_uint_eq(o->lk.start, 0);
	ck_assert_uint_eq(o->lk.end, 99);
	/* a host process sees the lock too */
	snprintf(p, sizeof(p), "%s/f", share);
	fd = open(p, O_RDWR);
	ck_assert_int_eq(fcntl(fd, F_OFD_GETLK, &fl), 0);
	ck_assert_int_eq(fl.l_type, F_WRLCK);
	/* closing in owner 1's process (FLUSH) drops its locks */
	fi.fh = fa;
	fi.lock_owner = 1;
	ck_assert_int_eq(req(FUSE_FLUSH, 2, &fi, sizeof(fi), NULL, NULL), 0);
	ck_assert_int_eq(lk(FUSE_SETLK, fb, 2, F_WRLCK, 0, 99, 0), 0);
	ck_assert_int_eq(lk(FUSE_SETLK, fb, 2, 77, 0, 99, 0), -EINVAL);
	ck_assert_int_eq(lk(FUSE_SETLK, fb, 2, F_WRLCK, 9, 1, 0), -EINVAL);
	close(fd);
}
END_TEST

START_TEST(test_fuse_flock)
{
	uint64_t fa, fb;

	create_(1, "f", O_RDWR, &fa);
	fb = (uint64_t)open_((uint64_t)lookup(1, "f"), O_RDWR, FUSE_OPEN);
	ck_assert_int_eq(
		lk(FUSE_SETLK, fa, 1, F_WRLCK, 0, INT64_MAX, FUSE_LK_FLOCK), 0);
	ck_assert_int_eq(
		lk(FUSE_SETLK, fb, 1, F_RDLCK, 0, INT64_MAX, FUSE_LK_FLOCK),
		-EAGAIN);
	ck_assert_int_eq(release(fa, FUSE_RELEASE), 0);
	ck_assert_int_eq(
		lk(FUSE_SETLK, fb, 1, F_RDLCK, 0, INT64_MAX, FUSE_LK_FLOCK), 0);
}
END_TEST

struct waiter {
	uint64_t fh;
	struct fuse_req_ctl ctl;
	int err;
	int waited;
	struct fuse_buf out;
};

static void note_wait(void *priv, int begin)
{
	struct waiter *w = priv;

	if (begin)
		__atomic_store_n(&w->waited, 1, __ATOMIC_SEQ_CST);
}

static void *setlkw_thread(void *arg)
{
	struct waiter *w = arg;
	struct fuse_lk_in in = {
		.fh = w->fh,
		.owner = 2,
		.lk = { .start = 0, .end = INT64_MAX, .type = F_WRLCK }
	};
	char m[256];
	size_t n;

	fuse_server__thread_init();
	n = fmsg__build(m, FUSE_SETLKW, 77, 2, 0, 0, &in, sizeof(in), NULL,
			NULL);
	fuse_server__handle(srv, m, n, &w->out, &w->ctl);
	__atomic_store_n(&w->err, ((struct fuse_out_header *)w->out.p)->error,
			 __ATOMIC_SEQ_CST);
	return NULL;
}

static void start_waiter(struct waiter *w, pthread_t *t, uint64_t fh)
{
	memset(w, 0, sizeof(*w));
	w->fh = fh;
	w->ctl.waiting = note_wait;
	w->ctl.priv = w;
	w->out.cap = FUSE_SERVER_BUF_MIN;
	w->out.p = malloc(w->out.cap);
	w->err = 1;
	ck_assert_int_eq(pthread_create(t, NULL, setlkw_thread, w), 0);
}

/* Wait until the server says the waiter waits for its lock. */
static void wait_waiting(struct waiter *w)
{
	int64_t end = turtle__now_ms() + unit__wait_ms(5000);

	while (!__atomic_load_n(&w->waited, __ATOMIC_SEQ_CST)) {
		ck_assert_msg(turtle__now_ms() < end, "SETLKW never waited");
		usleep(100);
	}
}

START_TEST(test_fuse_setlkw_waits_then_gets_lock)
{
	struct waiter w;
	pthread_t t;
	uint64_t fa, fb;

	create_(1, "f", O_RDWR, &fa);
	fb = (uint64_t)open_((uint64_t)lookup(1, "f"), O_RDWR, FUSE_OPEN);
	ck_assert_int_eq(lk(FUSE_SETLK, fa, 1, F_RDLCK, 0, 0, 0), 0);
	start_waiter(&w, &t, fb);
	wait_waiting(&w);
	ck_assert_int_eq(__atomic_load_n(&w.err, __ATOMIC_SEQ_CST), 1);
	/* other requests go on meanwhile */
	ck_assert_int_eq(lookup(1, "f") > 0, 1);
	ck_assert_int_eq(lk(FUSE_SETLK, fa, 1, F_UNLCK, 0, 0, 0), 0);
	pthread_join(t, NULL);
	ck_assert_int_eq(w.err, 0);
	ck_assert_int_eq(lk(FUSE_SETLK, fa, 1, F_RDLCK, 0, 0, 0), -EAGAIN);
	free(w.out.p);
}
END_TEST

START_TEST(test_fuse_setlkw_interrupted)
{
	struct waiter w;
	pthread_t t;
	uint64_t fa, fb;

	create_(1, "f", O_RDWR, &fa);
	fb = (uint64_t)open_((uint64_t)lookup(1, "f"), O_RDWR, FUSE_OPEN);
	ck_assert_int_eq(lk(FUSE_SETLK, fa, 1, F_WRLCK, 0, 0, 0), 0);
	start_waiter(&w, &t, fb);
	wait_waiting(&w);
	atomic_store(&w.ctl.interrupted, 1);
	pthread_join(t, NULL);
	ck_assert_int_eq(w.err, -EINTR);
	free(w.out.p);
}
END_TEST

Suite *fuse_locks_suite(void)
{
	Suite *s = suite_create("fuse_locks");
	TCase *tc;

	tc = tcase_create("locks");
	tcase_add_checked_fixture(tc, fsrv__setup, fsrv__teardown);
	tcase_add_test(tc, test_fuse_posix_locks_enforced);
	tcase_add_test(tc, test_fuse_flock);
	tcase_add_test(tc, test_fuse_setlkw_waits_then_gets_lock);
	tcase_add_test(tc, test_fuse_setlkw_interrupted);
	suite_add_tcase(s, tc);
	return s;
}
