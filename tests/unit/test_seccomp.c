// SPDX-License-Identifier: GPL-2.0
/*
 * The seccomp filters (sandbox/seccomp*.c), built for the native arch: for each
 * thread kind, a child confines itself as that kind, makes one call its
 * list allows, then one it forbids, which must stop it with a message
 * naming the call and the thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../fuse-vsock/server.h"
#include "../../lib/copy.h"
#include "../../lib/fault-guard.h"
#include "../../sandbox/seccomp.h"
#include "../../vmm/term.h"
#include "../../lib/thread.h"
#include "cut-map.h"
#include "suites.h"

#define NOT_CALLED 90 /* the allowed call failed the child's check */
#define SURVIVED 91   /* the forbidden call returned */
#define PREPARE_FAILED 92

struct outcome {
	int status;	/* waitpid's */
	int allowed_ok; /* the allowed call returned as expected */
	char msg[1024]; /* the child's stderr */
};

/* Return 0 when the call came back as expected. */
typedef int (*call_fn)(void);

static int dev_null(void)
{
	/* Opened before the filter: inherited by the child. */
	static int fd = -1;

	if (fd < 0)
		fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	return fd;
}

static void *nothing(void *arg)
{
	return arg;
}

static void confined_child(enum thread_kind kind, const char *name,
			   call_fn allowed, call_fn forbidden, int ok_fd)
{
	pthread_t t;

	/* As in turtle: files opened and a thread made before the filters
	 * (glibc's first pthread_create sets up signal handlers). */
	if (dev_null() < 0 || pthread_create(&t, NULL, nothing, NULL) ||
	    pthread_join(t, NULL))
		_exit(PREPARE_FAILED);
	if (seccomp__prepare())
		_exit(PREPARE_FAILED);
	thread__enter(kind, name);
	if (allowed())
		_exit(NOT_CALLED);
	if (write(ok_fd, "A", 1) != 1)
		_exit(NOT_CALLED);
	forbidden();
	_exit(SURVIVED);
}

static void run_confined(enum thread_kind kind, const char *name,
			 call_fn allowed, call_fn forbidden, struct outcome *o)
{
	int errp[2], okp[2];
	size_t len = 0;
	ssize_t n;
	char c;
	pid_t pid;

	memset(o, 0, sizeof(*o));
	ck_assert_int_eq(pipe(errp), 0);
	ck_assert_int_eq(pipe(okp), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(errp[0]);
		close(okp[0]);
		dup2(errp[1], STDERR_FILENO);
		confined_child(kind, name, allowed, forbidden, okp[1]);
	}
	close(errp[1]);
	close(okp[1]);
	while (len < sizeof(o->msg) - 1 &&
	       (n = read(errp[0], o->msg + len, sizeof(o->msg) - 1 - len)) > 0)
		len += (size_t)n;
	o->allowed_ok = read(okp[0], &c, 1) == 1;
	close(errp[0]);
	close(okp[0]);
	ck_assert_int_eq(waitpid(pid, &o->status, 0), pid);
}

/* An ioctl that reaches the driver: /dev/null answers ENOTTY. */
static int ioctl_enotty(unsigned long req)
{
	struct kvm_irq_level irq = { 0 };

	return ioctl(dev_null(), req, &irq) < 0 && errno == ENOTTY ? 0 : -1;
}

static int kvm_irq_line(void)
{
	return ioctl_enotty(KVM_IRQ_LINE);
}

static int kvm_run(void)
{
	return ioctl_enotty(KVM_RUN);
}

static int kvm_create_vm(void)
{
	return ioctl_enotty(KVM_CREATE_VM);
}

static int open_file(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int datasync(void)
{
	return fdatasync(dev_null()) < 0 && errno != EINVAL ? -1 : 0;
}

static int unix_socket(void)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int inet_socket(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd >= 0)
		close(fd);
	return 0;
}

static void *thread_seccomp_mode(void *arg)
{
	char buf[4096], *p;
	ssize_t n;
	int fd = open("/proc/thread-self/status", O_RDONLY | O_CLOEXEC);

	*(int *)arg = -1;
	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	p = strstr(buf, "\nSeccomp:");
	if (p)
		*(int *)arg = atoi(p + strlen("\nSeccomp:"));
	return NULL;
}

/* A worker adds a worker (pool.c): glibc's clone3, then clone. */
static int new_thread(void)
{
	pthread_t t;
	int mode = 0;

	if (pthread_create(&t, NULL, thread_seccomp_mode, &mode) ||
	    pthread_join(t, NULL))
		return -1;
	return mode == 2 ? 0 : -1; /* started under its creator's filter */
}

static int new_process(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	return 0;
}

static int map_rw(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mprotect(p, 4096, PROT_READ))
		return -1;
	/* A reply buffer grown past malloc's mmap threshold. */
	p = mremap(p, 4096, 2 << 20, MREMAP_MAYMOVE);
	return p == MAP_FAILED ? -1 : munmap(p, 2 << 20);
}

/* A worker's reply buffer, grown past its 1 MiB to the largest reply. */
static int grow_reply_buffer(void)
{
	char *p = malloc(FUSE_SERVER_BUF_SIZE), *q;

	if (!p)
		return -1;
	memset(p, 1, FUSE_SERVER_BUF_SIZE);
	q = realloc(p, FUSE_SERVER_MAX_REPLY);
	if (!q) {
		free(p);
		return -1;
	}
	memset(q + FUSE_SERVER_BUF_SIZE, 2,
	       FUSE_SERVER_MAX_REPLY - FUSE_SERVER_BUF_SIZE);
	free(q);
	return 0;
}

static int map_exec(void)
{
	mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1,
	     0);
	return 0;
}

static int protect_exec(void)
{
	static char page[8192] __attribute__((aligned(4096)));

	mprotect(page, 4096, PROT_READ | PROT_EXEC);
	return 0;
}

/* At a terminal: stdin is a pty's end, put in raw mode before the filter. */
static int raw_terminal(void)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY), slave;

	if (master < 0 || grantpt(master) || unlockpt(master))
		return -1;
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	if (slave < 0 || dup2(slave, STDIN_FILENO) < 0)
		return -1;
	return term__raw() ? 0 : -1;
}

static int restore_terminal(void)
{
	term__restore(); /* tcsetattr: TCSETS, then TCGETS */
	return 0;
}

START_TEST(test_seccomp_every_kind_restores_the_terminal)
{
	enum thread_kind k;
	struct outcome o;
	pid_t pid;
	int st;

	for (k = THREAD_MAIN; k < THREAD_KINDS; k++) {
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			if (raw_terminal())
				_exit(PREPARE_FAILED);
			run_confined(k, "t", restore_terminal, inet_socket, &o);
			_exit(o.allowed_ok && WIFEXITED(o.status) &&
					      WEXITSTATUS(o.status) ==
						      SECCOMP_EXIT_STATUS &&
					      strstr(o.msg, "socket")
				      ? 0
				      : 1);
		}
		ck_assert_int_eq(waitpid(pid, &st, 0), pid);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
			      "%s: status 0x%x", thread__kind_name(k), st);
	}
}
END_TEST

/*
 * Each kind's filter: the thread, named as turtle names it, makes a call
 * its list allows, then one it forbids, which stops turtle with a message
 * naming that call, the thread and its filter.
 */
static const struct stop_case {
	const char *what; /* for a failure */
	enum thread_kind kind;
	const char *name, *filter; /* the thread's, its filter's */
	call_fn allowed, forbidden;
	const char *call; /* the forbidden call, as the message names it */
} stop_cases[] = {
	{ "main: KVM_IRQ_LINE but no open", THREAD_MAIN, "turtle", "main",
	  kvm_irq_line, open_file, "openat" },
	{ "main: no KVM_RUN", THREAD_MAIN, "turtle", "main", kvm_irq_line,
	  kvm_run, "ioctl" },
	{ "vcpu: KVM_RUN but no other KVM ioctl", THREAD_VCPU, "vcpu1", "vcpu",
	  kvm_run, kvm_create_vm, "ioctl" },
	{ "blk: a flush but no socket", THREAD_BLK, "blk0-q1", "blk", datasync,
	  unix_socket, "socket" },
	{ "vsock: a Unix socket but no inet one", THREAD_VSOCK, "vsock",
	  "vsock", unix_socket, inet_socket, "socket" },
	{ "fuse-worker: a thread but no process", THREAD_FUSE, "fuse-worker",
	  "fuse-worker", new_thread, new_process, "clone" },
	{ "fuse-worker: grows its reply buffer", THREAD_FUSE, "fuse-worker",
	  "fuse-worker", grow_reply_buffer, inet_socket, "socket" },
	{ "fuse-worker: no executable mmap", THREAD_FUSE, "fuse-worker",
	  "fuse-worker", map_rw, map_exec, "mmap" },
	{ "vcpu: no executable mprotect", THREAD_VCPU, "vcpu0", "vcpu", map_rw,
	  protect_exec, "mprotect" },
};

START_TEST(test_seccomp_filter_stops_forbidden_call)
{
	const struct stop_case *c = &stop_cases[_i];
	struct outcome o;
	char want[128];

	run_confined(c->kind, c->name, c->allowed, c->forbidden, &o);
	ck_assert_msg(o.allowed_ok,
		      "%s: the allowed call failed or was refused: %s", c->what,
		      o.msg);
	ck_assert_msg(WIFEXITED(o.status) &&
			      WEXITSTATUS(o.status) == SECCOMP_EXIT_STATUS,
		      "%s: status 0x%x, stderr: %s", c->what, o.status, o.msg);
	snprintf(want, sizeof(want), "forbidden system call: %s (", c->call);
	ck_assert_msg(strstr(o.msg, want), "%s: no '%s' in: %s", c->what, want,
		      o.msg);
	snprintf(want, sizeof(want), "thread %s (%s filter)", c->name,
		 c->filter);
	ck_assert_msg(strstr(o.msg, want), "%s: no '%s' in: %s", c->what, want,
		      o.msg);
}
END_TEST

START_TEST(test_seccomp_vcpu_creates_no_thread)
{
	struct outcome o;

	run_confined(THREAD_VCPU, "vcpu0", kvm_run, new_thread, &o);
	/* pthread_create blocks every signal around clone3, SIGSYS too:
	 * the kernel then kills without running the handler. */
	ck_assert(o.allowed_ok);
	ck_assert_msg(WIFSIGNALED(o.status) && WTERMSIG(o.status) == SIGSYS,
		      "status 0x%x, stderr: %s", o.status, o.msg);
}
END_TEST

/* Mapped before the filter (and the fork): cut-map.h. */
static uint8_t *cut_map;

static void page_from_cut_map(void *arg)
{
	static uint8_t buf[4096];

	copy__mem(buf, cut_map + (uintptr_t)arg, sizeof(buf));
}

/* A mapped disk's flush, a copy, and a copy that faults and recovers. */
static int mapped_io(void)
{
	if (msync(cut_map, 8192, MS_SYNC) < 0 ||
	    fault_guard__call(page_from_cut_map, (void *)0, NULL) ||
	    fault_guard__call(page_from_cut_map, (void *)4096, NULL) != -1)
		return -1;
	return fault_guard__call(page_from_cut_map, (void *)0, NULL);
}

START_TEST(test_seccomp_blk_mapped_disk)
{
	struct outcome o;

	cut_map = cut_map__make();
	ck_assert_int_eq(fault_guard__install(), 0);
	run_confined(THREAD_BLK, "blk0-q0", mapped_io, unix_socket, &o);
	ck_assert_msg(o.allowed_ok, "mapped I/O failed or was refused: %s",
		      o.msg);
	ck_assert_msg(WIFEXITED(o.status) &&
			      WEXITSTATUS(o.status) == SECCOMP_EXIT_STATUS &&
			      strstr(o.msg, "forbidden system call: socket ("),
		      "status 0x%x, stderr: %s", o.status, o.msg);
}
END_TEST

/* The lists stay small: a new call in one is a decision, not a drift. */
START_TEST(test_seccomp_list_sizes)
{
	enum thread_kind k;

	ck_assert_int_eq(seccomp__prepare(), 0);
	for (k = THREAD_MAIN; k < THREAD_KINDS; k++)
		ck_assert_uint_gt(seccomp__calls(k), 15);
	ck_assert_uint_le(seccomp__calls(THREAD_VCPU), 25);
	ck_assert_uint_le(seccomp__calls(THREAD_BLK), 25);
	ck_assert_uint_lt(seccomp__calls(THREAD_MAIN),
			  seccomp__calls(THREAD_VSOCK));
	ck_assert_uint_lt(seccomp__calls(THREAD_VSOCK),
			  seccomp__calls(THREAD_FUSE));
}
END_TEST

Suite *seccomp_suite(void)
{
	Suite *s = suite_create("seccomp");
	TCase *tc = tcase_create("filters");

	tcase_add_test(tc, test_seccomp_every_kind_restores_the_terminal);
	tcase_add_loop_test(tc, test_seccomp_filter_stops_forbidden_call, 0,
			    sizeof(stop_cases) / sizeof(stop_cases[0]));
	tcase_add_test(tc, test_seccomp_vcpu_creates_no_thread);
	tcase_add_test(tc, test_seccomp_blk_mapped_disk);
	tcase_add_test(tc, test_seccomp_list_sizes);
	suite_add_tcase(s, tc);
	return s;
}
