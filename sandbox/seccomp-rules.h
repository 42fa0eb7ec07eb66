/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The allow lists, one table per thread kind (seccomp-<kind>.c) plus the
 * rules every kind shares (seccomp-common.c). A rule allows one system
 * call, for all arguments or only when every comparison in args holds;
 * several rules for one call allow it when any of them holds. A rule with
 * an errno makes the call fail with it instead (clone3, whose flags a
 * filter cannot see, so that glibc falls back to clone, whose it can).
 */
#ifndef TURTLE_SANDBOX_SECCOMP_RULES_H
#define TURTLE_SANDBOX_SECCOMP_RULES_H

#include <seccomp.h>

#include "../lib/thread.h"

#define SECCOMP_RULE_ARGS 2

struct seccomp_rule {
	int nr;		    /* SCMP_SYS(name) */
	int err;	    /* 0: allow; else fail with this errno */
	unsigned int nargs; /* comparisons in args */
	int self_pid;	    /* args[0] compares with turtle's pid */
	struct scmp_arg_cmp args[SECCOMP_RULE_ARGS];
};

#define SC_ALLOW(name)               \
	{                            \
		.nr = SCMP_SYS(name) \
	}
/* Argument a equal to v; masked: (argument a & m) == v. */
#define SC_EQ(a, v)                                           \
	{                                                     \
		.arg = (a), .op = SCMP_CMP_EQ, .datum_a = (v) \
	}
#define SC_MASKED(a, m, v)                                            \
	{                                                             \
		.arg = (a), .op = SCMP_CMP_MASKED_EQ, .datum_a = (m), \
		.datum_b = (v)                                        \
	}
#define SC_ALLOW_IF(name, a0)                                    \
	{                                                        \
		.nr = SCMP_SYS(name), .nargs = 1, .args = { a0 } \
	}
#define SC_ALLOW_IF2(name, a0, a1)                                   \
	{                                                            \
		.nr = SCMP_SYS(name), .nargs = 2, .args = { a0, a1 } \
	}
#define SC_FAIL(name, e)                         \
	{                                        \
		.nr = SCMP_SYS(name), .err = (e) \
	}

struct seccomp_table {
	const struct seccomp_rule *rules;
	unsigned int n;
};
#define SECCOMP_TABLE(t)                        \
	{                                       \
		(t), sizeof(t) / sizeof((t)[0]) \
	}

extern const struct seccomp_table seccomp_common, seccomp_main, seccomp_vcpu,
	seccomp_blk, seccomp_vsock, seccomp_fuse;

#endif
