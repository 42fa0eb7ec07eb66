// SPDX-License-Identifier: GPL-2.0
/*
 * fuse_session: the hello, framing FUSE messages out of a byte stream
 * however it is chunked, replies through the send callback, requests in
 * parallel on the pool, INTERRUPT and close. A real server over a
 * temporary directory answers.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../fuse-vsock/proto.h"
#include "../../fuse-vsock/session.h"
#include "../../lib/log.h"
#include "fuse-msg.h"
#include "suites.h"

static char dir[64];
static struct fuse_server *srv, *srv_ro;
static struct fuse_pool *pool;
static struct fuse_session *sess;

/* What the session sent: the welcome, then replies back to back. */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint8_t buf[1 << 20];
	size_t len;
	int done;
} sink = { .lock = PTHREAD_MUTEX_INITIALIZER,
	   .cond = PTHREAD_COND_INITIALIZER };

static struct fuse_server *pick(void *ctx, const char *tag)
{
	(void)ctx;
	return fmsg__pick(srv, srv_ro, tag);
}

static int sink_send(void *ctx, const struct iovec *iov, int iovcnt)
{
	int i;

	(void)ctx;
	pthread_mutex_lock(&sink.lock);
	for (i = 0; i < iovcnt; i++) {
		ck_assert_uint_le(sink.len + iov[i].iov_len, sizeof(sink.buf));
		memcpy(sink.buf + sink.len, iov[i].iov_base, iov[i].iov_len);
		sink.len += iov[i].iov_len;
	}
	pthread_cond_broadcast(&sink.cond);
	pthread_mutex_unlock(&sink.lock);
	return 0;
}

static void sink_done(void *ctx)
{
	(void)ctx;
	pthread_mutex_lock(&sink.lock);
	sink.done = 1;
	pthread_cond_broadcast(&sink.cond);
	pthread_mutex_unlock(&sink.lock);
}

static const struct fuse_session_ops ops = {
	.pick = pick,
	.send = sink_send,
	.done = sink_done,
};

static void setup(void)
{
	struct fuse_share_opts o = { .tag = "share" };
	char err[ERRBUF_LEN] = "";

	snprintf(dir, sizeof(dir), "/tmp/turtle-fuses-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	o.dir = dir;
	srv = fuse_server__create(&o, err);
	ck_assert_msg(srv != NULL, "%s", err);
	o.tag = "ro";
	o.read_only = 1;
	srv_ro = fuse_server__create(&o, err);
	ck_assert_msg(srv_ro != NULL, "%s", err);
	/* One worker: any parallelism must come from the pool growing. */
	pool = fuse_pool__create(1, 8, err);
	ck_assert_msg(pool != NULL, "%s", err);
	sink.len = 0;
	sink.done = 0;
	sess = fuse_session__create(pool, NULL, &ops, NULL);
	ck_assert_ptr_nonnull(sess);
}

static void wait_done(void)
{
	pthread_mutex_lock(&sink.lock);
	while (!sink.done)
		pthread_cond_wait(&sink.cond, &sink.lock);
	pthread_mutex_unlock(&sink.lock);
}

static void teardown(void)
{
	if (sess) {
		fuse_session__close(sess);
		wait_done();
	}
	fuse_pool__destroy(pool);
	fuse_server__destroy(srv);
	fuse_server__destroy(srv_ro);
	fmsg__rm_tree(dir);
}

static size_t hello_msg(void *buf, uint32_t magic, const char *tag)
{
	struct fuse_vsock_hello h = { .magic = magic,
				      .version = FUSE_VSOCK_VERSION };

	strncpy(h.tag, tag, sizeof(h.tag) - 1);
	memcpy(buf, &h, sizeof(h));
	return sizeof(h);
}

static const struct fuse_vsock_welcome *welcome(void)
{
	ck_assert_uint_ge(sink.len, sizeof(struct fuse_vsock_welcome));
	return (const void *)sink.buf;
}

/* The replies after the welcome, counted; the one for unique, or NULL. */
static const struct fuse_out_header *reply_for(uint64_t unique, int *count)
{
	const struct fuse_out_header *found = NULL, *h;
	size_t off = sizeof(struct fuse_vsock_welcome);

	*count = 0;
	while (off + sizeof(*h) <= sink.len) {
		h = (const void *)(sink.buf + off);
		ck_assert_uint_ge(h->len, sizeof(*h));
		if (h->unique == unique)
			found = h;
		(*count)++;
		off += h->len;
	}
	return found;
}

/* Wait (at most 5 s, scaled) until the reply to unique is in. */
static const struct fuse_out_header *wait_reply(uint64_t unique)
{
	struct timespec until;
	const struct fuse_out_header *h;
	int n;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += unit__wait_ms(5000) / 1000;
	pthread_mutex_lock(&sink.lock);
	while (!(h = reply_for(unique, &n)))
		if (pthread_cond_timedwait(&sink.cond, &sink.lock, &until))
			break;
	pthread_mutex_unlock(&sink.lock);
	ck_assert_msg(h != NULL, "no reply to request %llu",
		      (unsigned long long)unique);
	return h;
}

static int replies(void)
{
	int n;

	pthread_mutex_lock(&sink.lock);
	reply_for(0, &n);
	pthread_mutex_unlock(&sink.lock);
	return n;
}

static size_t init_msg(void *buf, uint64_t unique)
{
	struct fuse_init_in in = { .major = 7,
				   .minor = FUSE_KERNEL_MINOR_VERSION,
				   .flags = FUSE_POSIX_LOCKS };

	return fmsg__build(buf, FUSE_INIT, unique, 0, 0, 0, &in, sizeof(in),
			   NULL, NULL);
}

static size_t getattr_msg(void *buf, uint64_t unique)
{
	struct fuse_getattr_in in = { 0 };

	return fmsg__build(buf, FUSE_GETATTR, unique, 1, 0, 0, &in, sizeof(in),
			   NULL, NULL);
}

/* Hello and INIT in one chunk, and their answers. */
static void start(void)
{
	uint8_t buf[512];
	size_t n = hello_msg(buf, FUSE_VSOCK_MAGIC, "share");

	n += init_msg(buf + n, 1);
	ck_assert_int_eq(fuse_session__recv(sess, buf, n), 0);
	ck_assert_int_eq(wait_reply(1)->error, 0);
	ck_assert_int_eq(welcome()->error, 0);
}

START_TEST(test_fuse_session_welcome)
{
	uint8_t buf[128];
	size_t n = hello_msg(buf, FUSE_VSOCK_MAGIC, "share");

	ck_assert_int_eq(fuse_session__recv(sess, buf, n), 0);
	ck_assert_uint_eq(welcome()->magic, FUSE_VSOCK_MAGIC);
	ck_assert_uint_eq(welcome()->version, FUSE_VSOCK_VERSION);
	ck_assert_int_eq(welcome()->error, 0);
	ck_assert_uint_eq(welcome()->flags, 0);
}
END_TEST

START_TEST(test_fuse_session_welcome_read_only)
{
	uint8_t buf[128];
	size_t n = hello_msg(buf, FUSE_VSOCK_MAGIC, "ro");

	ck_assert_int_eq(fuse_session__recv(sess, buf, n), 0);
	ck_assert_int_eq(welcome()->error, 0);
	ck_assert_uint_eq(welcome()->flags, FUSE_VSOCK_F_RO);
}
END_TEST

START_TEST(test_fuse_session_bad_magic)
{
	uint8_t buf[256];
	size_t n = hello_msg(buf, 0x12345678, "share");

	ck_assert_int_eq(fuse_session__recv(sess, buf, n), 0);
	ck_assert_int_eq(welcome()->error, EPROTO);
	/* anything after the failed hello resets the stream */
	n = init_msg(buf, 1);
	ck_assert_int_eq(fuse_session__recv(sess, buf, n), -1);
}
END_TEST

START_TEST(test_fuse_session_unknown_tag)
{
	uint8_t buf[128];
	size_t n = hello_msg(buf, FUSE_VSOCK_MAGIC, "nosuch");

	ck_assert_int_eq(fuse_session__recv(sess, buf, n), 0);
	ck_assert_int_eq(welcome()->error, ENOENT);
}
END_TEST

START_TEST(test_fuse_session_tag_not_terminated)
{
	struct fuse_vsock_hello h = { .magic = FUSE_VSOCK_MAGIC,
				      .version = FUSE_VSOCK_VERSION };

	memset(h.tag, 'a', sizeof(h.tag));
	ck_assert_int_eq(fuse_session__recv(sess, &h, sizeof(h)), 0);
	ck_assert_int_eq(welcome()->error, EPROTO);
}
END_TEST

START_TEST(test_fuse_session_byte_by_byte)
{
	uint8_t buf[1024];
	size_t n, i;

	n = hello_msg(buf, FUSE_VSOCK_MAGIC, "share");
	n += init_msg(buf + n, 1);
	n += fmsg__build(buf + n, FUSE_LOOKUP, 2, 1, 0, 0, NULL, 0, "nothing",
			 NULL);
	n += getattr_msg(buf + n, 3);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(fuse_session__recv(sess, buf + i, 1), 0);
	ck_assert_int_eq(wait_reply(1)->error, 0);
	ck_assert_int_eq(wait_reply(2)->error, -ENOENT);
	ck_assert_int_eq(wait_reply(3)->error, 0);
	ck_assert_uint_eq(wait_reply(3)->len,
			  sizeof(struct fuse_out_header) +
				  sizeof(struct fuse_attr_out));
	ck_assert_int_eq(replies(), 3);
}
END_TEST

START_TEST(test_fuse_session_many_in_one_chunk)
{
	static uint8_t buf[64 * 1024];
	size_t n = 0;
	uint64_t u;

	start();
	for (u = 100; u < 300; u++)
		n += getattr_msg(buf + n, u);
	/* and a message cut in two across chunks */
	n += getattr_msg(buf + n, 300);
	ck_assert_int_eq(fuse_session__recv(sess, buf, n - 7), 0);
	ck_assert_int_eq(fuse_session__recv(sess, buf + n - 7, 7), 0);
	for (u = 100; u <= 300; u++)
		ck_assert_int_eq(wait_reply(u)->error, 0);
	ck_assert_int_eq(replies(), 202); /* and INIT's */
}
END_TEST

/* Every request the pool ran is counted and timed, FORGET's too. */
START_TEST(test_fuse_session_requests_are_timed)
{
	struct fuse_forget_in f = { .nlookup = 1 };
	struct fuse_server_stats st;
	uint8_t buf[2048];
	size_t n = 0;
	uint64_t u;

	start();
	for (u = 10; u < 20; u++)
		n += getattr_msg(buf + n, u);
	n += fmsg__build(buf + n, FUSE_FORGET, 20, 77, 0, 0, &f, sizeof(f),
			 NULL, NULL);
	ck_assert_int_eq(fuse_session__recv(sess, buf, n), 0);
	for (u = 10; u < 20; u++)
		wait_reply(u);
	fuse_session__close(sess);
	sess = NULL;
	wait_done(); /* every request accounted for */
	fuse_server__stats(srv, &st);
	ck_assert_uint_eq(st.served, 12); /* INIT, 10 GETATTRs, FORGET */
	ck_assert_uint_gt(st.run_ns, 0);
	ck_assert_uint_ge(st.max_ns * st.served, st.queued_ns + st.run_ns);
	fuse_server__stats(srv_ro, &st);
	ck_assert_uint_eq(st.served, 0);
}
END_TEST

START_TEST(test_fuse_session_forget_gets_no_reply)
{
	struct fuse_forget_in f = { .nlookup = 1 };
	uint8_t buf[256];
	size_t n;

	start();
	n = fmsg__build(buf, FUSE_FORGET, 5, 77, 0, 0, &f, sizeof(f), NULL,
			NULL);
	n += getattr_msg(buf + n, 6);
	ck_assert_int_eq(fuse_session__recv(sess, buf, n), 0);
	wait_reply(6);
	ck_assert_int_eq(replies(), 2);
	pthread_mutex_lock(&sink.lock);
	ck_assert_ptr_null(reply_for(5, &(int){ 0 }));
	pthread_mutex_unlock(&sink.lock);
}
END_TEST

START_TEST(test_fuse_session_impossible_length_resets)
{
	struct fuse_in_header h = { .len = 10, .opcode = FUSE_GETATTR };

	start();
	ck_assert_int_eq(fuse_session__recv(sess, &h, sizeof(h)), -1);
}
END_TEST

START_TEST(test_fuse_session_oversized_message_resets)
{
	struct fuse_in_header h = { .len = FUSE_SERVER_MAX_MSG + 1,
				    .opcode = FUSE_WRITE };

	start();
	ck_assert_int_eq(fuse_session__recv(sess, &h, sizeof(h)), -1);
}
END_TEST

/*
 * A request for a lock someone holds waits; the only worker is busy with
 * it, yet a GETATTR sent after it completes, and INTERRUPT ends the wait.
 */
static void blocked_setlkw(uint64_t *fh)
{
	struct fuse_create_in cr = { .flags = O_RDWR | O_CREAT, .mode = 0644 };
	struct fuse_lk_in lk = {
		.owner = 1, .lk = { .start = 0, .end = 10, .type = F_WRLCK }
	};
	const struct fuse_out_header *h;
	uint8_t buf[512];
	size_t n;

	start();
	n = fmsg__build(buf, FUSE_CREATE, 10, 1, 0, 0, &cr, sizeof(cr), "f",
			NULL);
	ck_assert_int_eq(fuse_session__recv(sess, buf, n), 0);
	h = wait_reply(10);
	ck_assert_int_eq(h->error, 0);
	*fh = ((const struct fuse_open_out *)((const char *)(h + 1) +
					      sizeof(struct fuse_entry_out)))
		      ->fh;
	lk.fh = *fh;
	n = fmsg__build(buf, FUSE_SETLK, 11, 2, 0, 0, &lk, sizeof(lk), NULL,
			NULL);
	ck_assert_int_eq(fuse_session__recv(sess, buf, n), 0);
	ck_assert_int_eq(wait_reply(11)->error, 0);
	lk.owner = 2;
	n = fmsg__build(buf, FUSE_SETLKW, 12, 2, 0, 0, &lk, sizeof(lk), NULL,
			NULL);
	n += getattr_msg(buf + n, 13);
	ck_assert_int_eq(fuse_session__recv(sess, buf, n), 0);
	ck_assert_int_eq(wait_reply(13)->error, 0);
	pthread_mutex_lock(&sink.lock);
	ck_assert_ptr_null(reply_for(12, &(int){ 0 }));
	pthread_mutex_unlock(&sink.lock);
	ck_assert_uint_ge(fuse_pool__threads(pool), 2);
}

START_TEST(test_fuse_session_setlkw_does_not_block_others)
{
	struct fuse_interrupt_in in = { .unique = 12 };
	uint8_t buf[256];
	uint64_t fh;
	size_t n;

	blocked_setlkw(&fh);
	n = fmsg__build(buf, FUSE_INTERRUPT, 14, 0, 0, 0, &in, sizeof(in), NULL,
			NULL);
	ck_assert_int_eq(fuse_session__recv(sess, buf, n), 0);
	ck_assert_int_eq(wait_reply(12)->error, -EINTR);
	/* INTERRUPT itself has no reply */
	pthread_mutex_lock(&sink.lock);
	ck_assert_ptr_null(reply_for(14, &(int){ 0 }));
	pthread_mutex_unlock(&sink.lock);
}
END_TEST

START_TEST(test_fuse_session_close_ends_waiting_requests)
{
	uint64_t fh;

	blocked_setlkw(&fh);
	fuse_session__close(sess);
	sess = NULL;
	wait_done(); /* the SETLKW gave up: the session could go */
}
END_TEST

Suite *fuse_session_suite(void)
{
	Suite *s = suite_create("fuse_session");
	TCase *tc = tcase_create("session");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fuse_session_welcome);
	tcase_add_test(tc, test_fuse_session_welcome_read_only);
	tcase_add_test(tc, test_fuse_session_bad_magic);
	tcase_add_test(tc, test_fuse_session_unknown_tag);
	tcase_add_test(tc, test_fuse_session_tag_not_terminated);
	tcase_add_test(tc, test_fuse_session_byte_by_byte);
	tcase_add_test(tc, test_fuse_session_many_in_one_chunk);
	tcase_add_test(tc, test_fuse_session_requests_are_timed);
	tcase_add_test(tc, test_fuse_session_forget_gets_no_reply);
	tcase_add_test(tc, test_fuse_session_impossible_length_resets);
	tcase_add_test(tc, test_fuse_session_oversized_message_resets);
	tcase_add_test(tc, test_fuse_session_setlkw_does_not_block_others);
	tcase_add_test(tc, test_fuse_session_close_ends_waiting_requests);
	suite_add_tcase(s, tc);
	return s;
}
