// SPDX-License-Identifier: GPL-2.0
/*
 * The --vsock Unix listener under pressure (issue 12, rows 5 and 7),
 * driven on the test's own thread: its own epoll, connection table and
 * struct vsock_unix, each event handed over as the device's loop would.
 *  - Clients that connect and send nothing cannot lock the others out:
 *    with the pending table full, the oldest is closed for the newcomer.
 *  - accept4 failing with EMFILE does not spin: the listener leaves epoll
 *    until the pause ends or one of its sockets closes, then accepts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../../virtio/vsock-unix.h"
#include "../../lib/log.h"
#include "suites.h"

#define IDLE (VSOCK_UNIX_MAX_PENDING + 6)

static char tdir[64], tpath[96];
static struct vsock_conns conns;
static struct vsock_unix ux;
static int ep = -1;

static int refuse(void *ctx, struct vsock_conn *c)
{
	(void)ctx;
	(void)c;
	return -1;
}

static void setup(void)
{
	char err[ERRBUF_LEN] = "";

	strcpy(tdir, "/tmp/turtle-vsock-lim-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tdir));
	snprintf(tpath, sizeof(tpath), "%s/v.sock", tdir);
	vsock_conns__init(&conns, 3, refuse, NULL);
	conns.now_ms = 1000;
	ck_assert_int_eq(vsock_unix__init(&ux, tpath, err), 0);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ck_assert_int_ge(ep, 0);
	ck_assert_int_eq(vsock_unix__start(&ux, ep, &conns), 0);
}

static void teardown(void)
{
	vsock_conns__reset_all(&conns);
	vsock_unix__stop(&ux);
	close(ux.listen_fd);
	close(ep);
	unlink(tpath);
	rmdir(tdir);
}

/* Hand every ready event to the listener code; how many there were. */
static int pump(int timeout_ms)
{
	struct epoll_event evs[64];
	int n, i;

	n = epoll_wait(ep, evs, 64, timeout_ms);
	for (i = 0; i < n; i++)
		vsock_unix__event(&ux, evs[i].data.ptr, evs[i].events);
	vsock_unix__reap(&ux);
	return n;
}

static int client(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	strcpy(sa.sun_path, tpath);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* The listener's socket was closed by turtle: EOF, not EAGAIN. */
static bool closed_by_turtle(int fd)
{
	char c;

	return recv(fd, &c, 1, MSG_DONTWAIT) == 0;
}

START_TEST(test_vsock_unix_idle_clients_do_not_lock_out)
{
	int idle[IDLE], real, i;

	for (i = 0; i < IDLE; i++) {
		idle[i] = client();
		while (ux.pending < (unsigned int)i + 1 &&
		       ux.pending < VSOCK_UNIX_MAX_PENDING)
			ck_assert_int_gt(pump(unit__wait_ms(5000)), 0);
	}
	/* The accepts that evicted were the last IDLE - MAX ones. */
	while (ux.evicted < IDLE - VSOCK_UNIX_MAX_PENDING)
		ck_assert_int_gt(pump(unit__wait_ms(5000)), 0);
	ck_assert_uint_eq(ux.pending, VSOCK_UNIX_MAX_PENDING);
	for (i = 0; i < IDLE - VSOCK_UNIX_MAX_PENDING; i++)
		ck_assert_msg(closed_by_turtle(idle[i]),
			      "idle client %d (among the oldest) still open",
			      i);
	ck_assert(!closed_by_turtle(idle[IDLE - 1]));

	/* A real client gets through at once, its CONNECT line read. */
	real = client();
	ck_assert_int_eq(write(real, "CONNECT 5000\n", 13), 13);
	while (conns.nr == 0)
		ck_assert_int_gt(pump(unit__wait_ms(5000)), 0);
	ck_assert_uint_eq(conns.nr, 1);
	ck_assert_ptr_nonnull(
		vsock_conns__find(&conns, VSOCK_EPHEMERAL_BASE, 5000));
	ck_assert(vsock_conns__has_output(&conns)); /* its REQUEST */
	/* It made room by closing the oldest idle one, then left the table. */
	ck_assert_uint_eq(ux.evicted, IDLE - VSOCK_UNIX_MAX_PENDING + 1);
	ck_assert_uint_eq(ux.pending, VSOCK_UNIX_MAX_PENDING - 1);
	close(real);
	for (i = 0; i < IDLE; i++)
		close(idle[i]);
}
END_TEST

START_TEST(test_vsock_unix_emfile_does_not_spin)
{
	struct rlimit old, low;
	int fds[256], nfds = 0, c, i;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = 256;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
	c = client(); /* its fd exists before the table is full */
	while (nfds < 256 && (fds[nfds] = dup(0)) >= 0)
		nfds++;
	ck_assert_int_eq(errno, EMFILE);

	/* One failed accept, then the listener is quiet. */
	ck_assert_int_eq(pump(unit__wait_ms(5000)), 1);
	ck_assert_uint_eq(ux.accept_errors, 1);
	ck_assert(ux.listen_paused);
	ck_assert(vsock_unix__has_deadline(&ux));
	for (i = 0; i < 100; i++)
		ck_assert_int_eq(pump(0), 0);
	ck_assert_uint_eq(ux.accept_errors, 1);

	/* The pause ends with fds still short: one more try, then quiet. */
	conns.now_ms += VSOCK_UNIX_ACCEPT_PAUSE_MS;
	vsock_unix__expire(&ux);
	ck_assert_int_eq(pump(unit__wait_ms(5000)), 1);
	ck_assert_uint_eq(ux.accept_errors, 2);
	ck_assert_int_eq(pump(0), 0);

	/* fds free again: the client is accepted after the pause. */
	while (nfds)
		close(fds[--nfds]);
	conns.now_ms += VSOCK_UNIX_ACCEPT_PAUSE_MS;
	vsock_unix__expire(&ux);
	ck_assert(!ux.listen_paused);
	while (ux.pending == 0)
		ck_assert_int_gt(pump(unit__wait_ms(5000)), 0);
	ck_assert_uint_eq(ux.accept_errors, 2);
	close(c);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
}
END_TEST

Suite *vsock_unix_limits_suite(void)
{
	Suite *s = suite_create("vsock_unix_limits");
	TCase *tc = tcase_create("listener");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_vsock_unix_idle_clients_do_not_lock_out);
	tcase_add_test(tc, test_vsock_unix_emfile_does_not_spin);
	suite_add_tcase(s, tc);
	return s;
}
