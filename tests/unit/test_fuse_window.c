// SPDX-License-Identifier: GPL-2.0
/*
 * FUSE through the direct window: the top turtle's checks on what the
 * guest puts in the window (fuse-vsock/window.c) and the guest agent's
 * framing (agent/fuse-window.c), end to end through a real server on a
 * temporary directory. The agent's doorbell calls the turtle's directly,
 * as the MMIO exit would; the window is a buffer both see.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../agent/fuse-client.h"
#include "../../agent/fuse-window.h"
#include "../../fuse-vsock/proto.h"
#include "../../fuse-vsock/window.h"
#include "../../lib/log.h"
#include "fuse-msg.h"
#include "suites.h"

static char dir[64];
static struct fuse_server *srv;
static struct fuse_pool *pool;
static struct fuse_budget budget;
static struct fuse_window *win;
static uint8_t *mem; /* the window's shared memory */
static struct fuse_window_client cli;
static uint8_t req_buf[FUSE_WINDOW_MEM * 2], reply[FUSE_WINDOW_MEM];
static uint64_t uniq = 1;

static void ring_turtle(void *ctx, uint32_t reg, uint32_t val)
{
	fuse_window__ring(ctx, reg, val);
}

static void setup(void)
{
	struct fuse_share_opts o = { .tag = "share" };
	char err[ERRBUF_LEN] = "", path[128];
	int fd;

	snprintf(dir, sizeof(dir), "/tmp/turtle-fusew-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/hello", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "hi there", 8), 8);
	close(fd);
	o.dir = dir;
	srv = fuse_server__create(&o, err);
	ck_assert_msg(srv != NULL, "%s", err);
	pool = fuse_pool__create(2, 8, err);
	ck_assert_msg(pool != NULL, "%s", err);
	fuse_budget__init(&budget, FUSE_BUDGET_TOTAL, FUSE_BUDGET_SESSION);
	mem = aligned_alloc(64, FUSE_WINDOW_MEM);
	memset(mem, 0, FUSE_WINDOW_MEM);
	win = fuse_window__create(mem, pool, &budget, &srv, 1);
	ck_assert_ptr_nonnull(win);
	memset(&cli, 0, sizeof(cli));
	cli.mem = mem;
	cli.ring = ring_turtle;
	cli.ctx = win;
	fuse_window_client__init(&cli);
}

static void teardown(void)
{
	fuse_window__close(win);
	fuse_pool__destroy(pool);
	fuse_budget__destroy(&budget);
	fuse_server__destroy(srv);
	fmsg__rm_tree(dir);
	free(mem);
}

static ssize_t call(uint32_t op, uint64_t nodeid, const void *arg, size_t alen,
		    const char *name)
{
	size_t len = fmsg__build(req_buf, op, uniq++, nodeid, 0, 0, arg, alen,
				 name, NULL);

	return fuse_window_client__call(&cli, req_buf, len, reply,
					sizeof(reply));
}

static const struct fuse_out_header *oh(void)
{
	return (const void *)reply;
}

static void hello_and_init(void)
{
	struct fuse_init_in in = { .major = 7,
				   .minor = FUSE_KERNEL_MINOR_VERSION,
				   .flags = FUSE_POSIX_LOCKS | FUSE_MAX_PAGES |
					    FUSE_FLOCK_LOCKS };
	uint32_t flags = 0;

	ck_assert_int_eq(fuse_window_client__hello(&cli, "share", &flags), 0);
	ck_assert_int_gt(call(FUSE_INIT, 0, &in, sizeof(in), NULL), 0);
	ck_assert_int_eq(oh()->error, 0);
}

/* The status the turtle left for a doorbell rung by hand. */
static uint32_t raw_ring(uint32_t reg, uint32_t val)
{
	struct fuse_window_status st;

	fuse_window__ring(win, reg, val);
	memcpy(&st, mem, sizeof(st));
	return st.status;
}

START_TEST(test_fuse_window_check_lengths)
{
	struct fuse_in_header h = { .len = 100 };
	uint8_t msg[128] = { 0 };

	memcpy(msg, &h, sizeof(h));
	ck_assert_uint_eq(fuse_window__check(msg, 100, 0), 0);
	ck_assert_uint_eq(fuse_window__check(msg, 99, 0), EPROTO);
	ck_assert_uint_eq(fuse_window__check(msg, sizeof(h) - 1, 0), EMSGSIZE);
	ck_assert_uint_eq(fuse_window__check(msg, FUSE_WINDOW_MSG_MAX + 1, 0),
			  EMSGSIZE);
	ck_assert_uint_eq(
		fuse_window__check(msg, sizeof(struct fuse_vsock_hello), 1), 0);
	ck_assert_uint_eq(fuse_window__check(msg, 8, 1), EPROTO);
}
END_TEST

START_TEST(test_fuse_window_oversized_doorbell_refused)
{
	hello_and_init();
	/* A length past the area: refused before anything is read. */
	ck_assert_uint_eq(raw_ring(FUSE_WINDOW_REG_CALL, 0xffffffffu),
			  EMSGSIZE);
	ck_assert_uint_eq(
		raw_ring(FUSE_WINDOW_REG_CALL, FUSE_WINDOW_MSG_MAX + 8),
		EMSGSIZE);
	/* The session still works. */
	ck_assert_int_gt(call(FUSE_GETATTR, 1, &(struct fuse_getattr_in){ 0 },
			      sizeof(struct fuse_getattr_in), NULL),
			 0);
	ck_assert_int_eq(oh()->error, 0);
}
END_TEST

START_TEST(test_fuse_window_header_len_must_match)
{
	struct fuse_in_header h = { .len = 4000, .opcode = FUSE_GETATTR };

	hello_and_init();
	memcpy(mem + FUSE_WINDOW_MSG, &h, sizeof(h));
	ck_assert_uint_eq(raw_ring(FUSE_WINDOW_REG_CALL, 64), EPROTO);
	h.len = FUSE_WINDOW_MSG_MAX + 100; /* claims more than the area */
	memcpy(mem + FUSE_WINDOW_MSG, &h, sizeof(h));
	ck_assert_uint_eq(raw_ring(FUSE_WINDOW_REG_CALL, sizeof(h)), EPROTO);
}
END_TEST

START_TEST(test_fuse_window_request_before_hello)
{
	ck_assert_int_eq(call(FUSE_GETATTR, 1, &(struct fuse_getattr_in){ 0 },
			      sizeof(struct fuse_getattr_in), NULL),
			 -ENOTCONN);
}
END_TEST

START_TEST(test_fuse_window_hello_unknown_tag)
{
	uint32_t flags;

	ck_assert_int_eq(fuse_window_client__hello(&cli, "nope", &flags),
			 -ENOENT);
	ck_assert_int_eq(fuse_window_client__hello(&cli, "share", &flags), 0);
}
END_TEST

/* A second hello (the guest mounts again) starts a new session. */
START_TEST(test_fuse_window_hello_again)
{
	hello_and_init();
	hello_and_init();
	ck_assert_int_gt(call(FUSE_LOOKUP, 1, NULL, 0, "hello"), 0);
	ck_assert_int_eq(oh()->error, 0);
}
END_TEST

START_TEST(test_fuse_window_init_trimmed)
{
	const struct fuse_init_out *out = (const void *)(reply + 16);

	hello_and_init();
	ck_assert_uint_le(out->max_write, FUSE_WINDOW_MAX_WRITE);
	ck_assert_uint_eq(out->max_pages, FUSE_WINDOW_MAX_PAGES);
	ck_assert(out->flags & FUSE_MAX_PAGES);
	ck_assert(!(out->flags & (FUSE_POSIX_LOCKS | FUSE_FLOCK_LOCKS)));
	/* A WRITE of max_write and a READ reply of max_pages fit the area. */
	ck_assert_uint_le(sizeof(struct fuse_in_header) +
				  sizeof(struct fuse_write_in) + out->max_write,
			  FUSE_WINDOW_MSG_MAX);
	ck_assert_uint_le(sizeof(struct fuse_out_header) +
				  out->max_pages * 4096u,
			  FUSE_WINDOW_MSG_MAX);
}
END_TEST

/* LOOKUP hello, OPEN, READ: the host file's bytes through the window. */
START_TEST(test_fuse_window_read_round_trip)
{
	struct fuse_open_in oi = { .flags = O_RDONLY };
	struct fuse_read_in ri = { .size = 4096 };
	uint64_t nodeid;

	hello_and_init();
	ck_assert_int_gt(call(FUSE_LOOKUP, 1, NULL, 0, "hello"), 0);
	ck_assert_int_eq(oh()->error, 0);
	nodeid = ((const struct fuse_entry_out *)(reply + 16))->nodeid;
	ck_assert_int_gt(call(FUSE_OPEN, nodeid, &oi, sizeof(oi), NULL), 0);
	ck_assert_int_eq(oh()->error, 0);
	ri.fh = ((const struct fuse_open_out *)(reply + 16))->fh;
	ck_assert_int_eq(call(FUSE_READ, nodeid, &ri, sizeof(ri), NULL),
			 16 + 8);
	ck_assert_mem_eq(reply + 16, "hi there", 8);
}
END_TEST

START_TEST(test_fuse_window_forget_has_no_reply)
{
	struct fuse_forget_in fi = { .nlookup = 1 };

	hello_and_init();
	ck_assert_int_gt(call(FUSE_LOOKUP, 1, NULL, 0, "hello"), 0);
	ck_assert_int_eq(
		call(FUSE_FORGET,
		     ((const struct fuse_entry_out *)(reply + 16))->nodeid, &fi,
		     sizeof(fi), NULL),
		0);
}
END_TEST

/* A READ whose reply is larger than the area: refused, nothing overrun. */
START_TEST(test_fuse_window_reply_too_big)
{
	struct fuse_open_in oi = { .flags = O_RDONLY };
	struct fuse_read_in ri = { .size = 64 * 1024 };
	char path[128], big[64 * 1024];
	uint64_t nodeid;
	int fd;

	snprintf(path, sizeof(path), "%s/big", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	memset(big, 'x', sizeof(big));
	ck_assert_int_eq(write(fd, big, sizeof(big)), (int)sizeof(big));
	close(fd);
	hello_and_init();
	ck_assert_int_gt(call(FUSE_LOOKUP, 1, NULL, 0, "big"), 0);
	nodeid = ((const struct fuse_entry_out *)(reply + 16))->nodeid;
	ck_assert_int_gt(call(FUSE_OPEN, nodeid, &oi, sizeof(oi), NULL), 0);
	ri.fh = ((const struct fuse_open_out *)(reply + 16))->fh;
	ck_assert_int_eq(call(FUSE_READ, nodeid, &ri, sizeof(ri), NULL),
			 -E2BIG);
	/* A request larger than the area never leaves the guest. */
	ck_assert_int_eq(fuse_window_client__call(&cli, big, sizeof(big), reply,
						  sizeof(reply)),
			 -EMSGSIZE);
}
END_TEST

/* No window in this machine's device tree: why, for the fallback message. */
START_TEST(test_fuse_window_open_without_window)
{
	struct fuse_window_client c;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(fuse_window_client__open(&c, dir, err), -1);
	ck_assert_err_has(err, "no direct window");
	ck_assert_err_has(err, "--direct-window");
}
END_TEST

static void ring_nothing(void *ctx, uint32_t reg, uint32_t val)
{
	(void)ctx;
	(void)reg;
	(void)val;
}

START_TEST(test_fuse_window_no_doorbell)
{
	uint32_t flags;

	cli.ring = ring_nothing;
	ck_assert_int_eq(fuse_window_client__hello(&cli, "share", &flags),
			 -ENOSYS);
}
END_TEST

/* The turtle above says a reply is there that is not a FUSE reply. */
static uint32_t fake_len, fake_hdr_len;
static void ring_fake(void *ctx, uint32_t reg, uint32_t val)
{
	struct fuse_window_status st = { .status = 0, .reply_len = fake_len };
	struct fuse_out_header h = { .len = fake_hdr_len };

	(void)ctx;
	(void)reg;
	(void)val;
	memcpy(mem, &st, sizeof(st));
	memcpy(mem + FUSE_WINDOW_MSG, &h, sizeof(h));
}

START_TEST(test_fuse_window_client_framing)
{
	cli.ring = ring_fake;
	fake_len = 100;
	fake_hdr_len = 50; /* the header disagrees */
	ck_assert_int_eq(call(FUSE_GETATTR, 1, NULL, 0, NULL), -EPROTO);
	fake_len = 8; /* shorter than a header */
	ck_assert_int_eq(call(FUSE_GETATTR, 1, NULL, 0, NULL), -EPROTO);
	fake_len = FUSE_WINDOW_MSG_MAX + 8; /* past the area */
	ck_assert_int_eq(call(FUSE_GETATTR, 1, NULL, 0, NULL), -EPROTO);
	fake_len = fake_hdr_len = 100;
	ck_assert_int_eq(call(FUSE_GETATTR, 1, NULL, 0, NULL), 100);
	/* Larger than the caller's buffer. */
	ck_assert_int_eq(fuse_window_client__call(&cli, req_buf, 40, reply, 64),
			 -EPROTO);
}
END_TEST

START_TEST(test_fuse_window_error_reply)
{
	struct fuse_in_header in = { .len = 40,
				     .opcode = FUSE_LOOKUP,
				     .unique = 77 };
	struct fuse_out_header out;

	ck_assert_uint_eq(fuse_client__error_reply(&in, E2BIG, &out),
			  sizeof(out));
	ck_assert_int_eq(out.error, -E2BIG);
	ck_assert_uint_eq(out.unique, 77);
	ck_assert_uint_eq(out.len, sizeof(out));
	in.opcode = FUSE_FORGET;
	ck_assert_uint_eq(fuse_client__error_reply(&in, E2BIG, &out), 0);
}
END_TEST

/* A job that holds a worker until released. */
static struct {
	struct fuse_job job[2];
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int go;
} hold = { .lock = PTHREAD_MUTEX_INITIALIZER,
	   .cond = PTHREAD_COND_INITIALIZER };

static void hold_run(struct fuse_job *job, struct fuse_buf *buf)
{
	(void)job;
	(void)buf;
	pthread_mutex_lock(&hold.lock);
	while (!hold.go)
		pthread_cond_wait(&hold.cond, &hold.lock);
	pthread_mutex_unlock(&hold.lock);
}

static void *ring_getattr(void *arg)
{
	struct fuse_getattr_in in = { 0 };
	size_t len = fmsg__build(req_buf, FUSE_GETATTR, uniq++, 1, 0, 0, &in,
				 sizeof(in), NULL, NULL);

	(void)arg;
	memcpy(mem + FUSE_WINDOW_MSG, req_buf, len);
	fuse_window__ring(win, FUSE_WINDOW_REG_CALL, (uint32_t)len);
	return NULL;
}

/*
 * A vCPU waiting at the doorbell for a reply that does not come (every
 * worker busy) is let go when the VM stops, and later doorbells too.
 */
START_TEST(test_fuse_window_abort_releases_the_doorbell)
{
	struct fuse_window_status st;
	size_t before;
	pthread_t t;
	int i;

	hello_and_init();
	before = fuse_budget__used(&budget, NULL);
	hold.go = 0;
	for (i = 0; i < 2; i++) { /* the pool's two workers */
		hold.job[i].run = hold_run;
		fuse_pool__submit(pool, &hold.job[i]);
	}
	ck_assert_int_eq(pthread_create(&t, NULL, ring_getattr, NULL), 0);
	while (fuse_budget__used(&budget, NULL) == before)
		sched_yield(); /* the request is queued: the doorbell waits */
	fuse_window__abort(win);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	memcpy(&st, mem, sizeof(st));
	ck_assert_uint_eq(st.status, ESHUTDOWN);
	ck_assert_uint_eq(raw_ring(FUSE_WINDOW_REG_CALL, 40), ESHUTDOWN);
	pthread_mutex_lock(&hold.lock);
	hold.go = 1;
	pthread_cond_broadcast(&hold.cond);
	pthread_mutex_unlock(&hold.lock);
}
END_TEST

Suite *fuse_window_suite(void)
{
	Suite *s = suite_create("fuse_window");
	TCase *tc = tcase_create("window");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fuse_window_check_lengths);
	tcase_add_test(tc, test_fuse_window_oversized_doorbell_refused);
	tcase_add_test(tc, test_fuse_window_header_len_must_match);
	tcase_add_test(tc, test_fuse_window_request_before_hello);
	tcase_add_test(tc, test_fuse_window_hello_unknown_tag);
	tcase_add_test(tc, test_fuse_window_hello_again);
	tcase_add_test(tc, test_fuse_window_init_trimmed);
	tcase_add_test(tc, test_fuse_window_read_round_trip);
	tcase_add_test(tc, test_fuse_window_forget_has_no_reply);
	tcase_add_test(tc, test_fuse_window_reply_too_big);
	tcase_add_test(tc, test_fuse_window_open_without_window);
	tcase_add_test(tc, test_fuse_window_no_doorbell);
	tcase_add_test(tc, test_fuse_window_client_framing);
	tcase_add_test(tc, test_fuse_window_error_reply);
	tcase_add_test(tc, test_fuse_window_abort_releases_the_doorbell);
	suite_add_tcase(s, tc);
	return s;
}
