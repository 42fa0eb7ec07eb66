// SPDX-License-Identifier: GPL-2.0
/*
 * The filters' mechanism (see seccomp.h for the order): libseccomp turns
 * each kind's rules into BPF once, at setup; a thread installs its kind's
 * program with one seccomp(2) call, which needs no memory and nothing
 * else a filter might forbid.
 */
#include "seccomp.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../lib/log.h"
#include "seccomp-rules.h"
#include "../vmm/term.h"

static const struct seccomp_table *const tables[THREAD_KINDS] = {
	[THREAD_MAIN] = &seccomp_main, [THREAD_VCPU] = &seccomp_vcpu,
	[THREAD_BLK] = &seccomp_blk,   [THREAD_VSOCK] = &seccomp_vsock,
	[THREAD_FUSE] = &seccomp_fuse,
};

static struct sock_fprog progs[THREAD_KINDS];
static unsigned int ncalls[THREAD_KINDS];

/* System call names by number, for the SIGSYS handler (no malloc there). */
#define NR_NAMES 1024
static char *names[NR_NAMES];

static void put(char *buf, size_t *len, size_t cap, const char *s)
{
	while (*s && *len < cap)
		buf[(*len)++] = *s++;
}

static void put_num(char *buf, size_t *len, size_t cap, long v)
{
	char num[24];
	int n = sizeof(num);
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;

	num[--n] = '\0';
	do {
		num[--n] = (char)('0' + u % 10);
		u /= 10;
	} while (u && n > 1);
	if (v < 0)
		num[--n] = '-';
	put(buf, len, cap, num + n);
}

/* SIGSYS: say which call and which thread, restore the terminal, stop. */
static void seccomp__sigsys(int sig, siginfo_t *si, void *uc)
{
	char msg[256];
	size_t len = 0;
	int nr = si->si_syscall;

	(void)sig;
	(void)uc;
	term__restore();
	put(msg, &len, sizeof(msg), "\nturtle: seccomp: thread ");
	put(msg, &len, sizeof(msg), thread__name()[0] ? thread__name() : "?");
	put(msg, &len, sizeof(msg), " (");
	put(msg, &len, sizeof(msg), thread__kind_name(thread__kind()));
	put(msg, &len, sizeof(msg), " filter) made a forbidden system call: ");
	put(msg, &len, sizeof(msg),
	    nr >= 0 && nr < NR_NAMES && names[nr] ? names[nr] : "?");
	put(msg, &len, sizeof(msg), " (");
	put_num(msg, &len, sizeof(msg), nr);
	put(msg, &len, sizeof(msg), "); stopping\n");
	if (write(STDERR_FILENO, msg, len) < 0)
		_exit(SECCOMP_EXIT_STATUS);
	_exit(SECCOMP_EXIT_STATUS);
}

static int add_rules(scmp_filter_ctx ctx, const struct seccomp_table *t,
		     uint8_t *seen)
{
	unsigned int i, j;
	int ret;

	for (i = 0; i < t->n; i++) {
		const struct seccomp_rule *r = &t->rules[i];
		struct scmp_arg_cmp args[SECCOMP_RULE_ARGS];
		uint32_t act = r->err ? SCMP_ACT_ERRNO((uint32_t)r->err)
				      : SCMP_ACT_ALLOW;

		for (j = 0; j < r->nargs; j++)
			args[j] = r->args[j];
		if (r->self_pid)
			args[0] = (struct scmp_arg_cmp){
				.arg = 0,
				.op = SCMP_CMP_EQ,
				.datum_a = (scmp_datum_t)getpid(),
			};
		ret = seccomp_rule_add_array(ctx, act, r->nr, r->nargs, args);
		if (ret < 0) {
			char *name = seccomp_syscall_resolve_num_arch(
				SCMP_ARCH_NATIVE, r->nr);

			pr_err("seccomp: rule for %s: %s", name ? name : "?",
			       strerror(-ret));
			free(name);
			return -1;
		}
		if (r->nr >= 0 && r->nr < NR_NAMES)
			seen[r->nr] = 1;
	}
	return 0;
}

/* Compile kind's rules into progs[kind]. */
static int build(enum thread_kind kind)
{
	uint8_t seen[NR_NAMES] = { 0 };
	scmp_filter_ctx ctx;
	int fd = -1, ret = -1;
	off_t size;
	void *bpf = NULL;
	unsigned int i;

	ctx = seccomp_init(SCMP_ACT_TRAP);
	if (!ctx) {
		pr_err("seccomp_init failed");
		return -1;
	}
	if (add_rules(ctx, &seccomp_common, seen) ||
	    add_rules(ctx, tables[kind], seen))
		goto out;
	fd = memfd_create("seccomp-bpf", MFD_CLOEXEC);
	if (fd < 0 || seccomp_export_bpf(ctx, fd) < 0)
		goto fail;
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % sizeof(struct sock_filter) ||
	    !(bpf = malloc((size_t)size)) ||
	    pread(fd, bpf, (size_t)size, 0) != size)
		goto fail;
	progs[kind].len = (unsigned short)(size / sizeof(struct sock_filter));
	progs[kind].filter = bpf;
	for (i = 0; i < NR_NAMES; i++)
		ncalls[kind] += seen[i];
	ret = 0;
	goto out;
fail:
	pr_err("seccomp: cannot compile the %s filter: %s",
	       thread__kind_name(kind), strerror(errno));
	free(bpf);
out:
	if (fd >= 0)
		close(fd);
	seccomp_release(ctx);
	return ret;
}

int seccomp__prepare(void)
{
	struct sigaction sa = { .sa_sigaction = seccomp__sigsys,
				.sa_flags = SA_SIGINFO };
	int kind, nr;

	for (kind = THREAD_MAIN; kind < THREAD_KINDS; kind++)
		if (!progs[kind].filter && build(kind))
			return -1;
	for (nr = 0; nr < NR_NAMES; nr++)
		if (!names[nr])
			names[nr] = seccomp_syscall_resolve_num_arch(
				SCMP_ARCH_NATIVE, nr);
	/* Without CAP_SYS_ADMIN a filter needs it; inherited by threads. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		pr_err("seccomp: no_new_privs: %s", strerror(errno));
		return -1;
	}
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0) {
		pr_err("seccomp: SIGSYS handler: %s", strerror(errno));
		return -1;
	}
	thread__sandbox = seccomp__confine;
	return 0;
}

int seccomp__confine(enum thread_kind kind)
{
	if (kind > THREAD_NONE && kind < THREAD_KINDS && progs[kind].filter &&
	    !syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &progs[kind]))
		return 0;
	term__restore();
	pr_err("seccomp: cannot install the %s filter on thread %s: %s (run with --no-seccomp to skip the filters)",
	       thread__kind_name(kind), thread__name(), strerror(errno));
	_exit(SECCOMP_EXIT_STATUS);
}

unsigned int seccomp__calls(enum thread_kind kind)
{
	return kind > THREAD_NONE && kind < THREAD_KINDS ? ncalls[kind] : 0;
}
