/* SPDX-License-Identifier: GPL-2.0 */
/* `turtle run` options. Parsing is pure so the unit tests can drive it. */
#ifndef TURTLE_CLI_H
#define TURTLE_CLI_H

#include <stdint.h>

#include "../fuse-vsock/server.h"
#include "../virtio/blk.h"
#include "../virtio/vsock.h"
#include "cpu-features.h"
#include "direct.h"

enum nested_mode {
	NESTED_OFF = 0,
	NESTED_VHE, /* KVM_ARM_VCPU_HAS_EL2: E2H RES1, can host deeper levels */
	NESTED_E2H0, /* + KVM_ARM_VCPU_HAS_EL2_E2H0: nVHE only */
};

#define CLI_DEFAULT_MEM_MIB 512
#define CLI_MAX_MEM_MIB (1024ULL * 1024) /* 1 TiB: a sanity bound only */
#define CLI_MAX_CPUS 64
#define CLI_MAX_DISKS 8
#define CLI_MAX_PREFIX 64
#define CLI_MAX_SHARES 8
#define CLI_DEFAULT_SHARE_TAG "share"
#define CLI_MAX_HALT_POLL_NS 100000000U /* 100 ms: KVM takes a u32 */

struct run_opts {
	const char *kernel;
	const char *initrd;
	const char *cmdline;
	uint64_t mem_mib;
	unsigned int cpus;
	enum nested_mode nested;
	int verbose;
	int stats;     /* print exit counters when the guest stops */
	int seccomp;   /* 1 unless --no-seccomp */
	int core_dump; /* --core-dump: keep RLIMIT_CORE (privs.h) */
	int sandbox;   /* --sandbox: a mount namespace (sandbox.h) */
	int reboot;    /* --reboot: a guest reset boots it again (reboot.h) */
	const char *console_prefix; /* put before each console line, or NULL */
	unsigned int ipa_bits;	    /* 0: the smallest that fits */
	int hugepages;		    /* 1 unless --no-hugepages */
	int exit_probe;		    /* --exit-probe */
	enum direct_mode direct;    /* --direct-window */
	long halt_poll_ns;	    /* --halt-poll, or -1: KVM's default */
	unsigned int features_off;  /* CPU_FEAT_*: --no-sve, --no-pmu, ... */
	unsigned int sve_max_vl;    /* --sve-max-vl, bits; 0: the host's */
	unsigned int ndisks;
	struct blk_opts disks[CLI_MAX_DISKS];
	int has_vsock; /* --vsock given */
	struct vsock_opts vsock;
	unsigned int nshares; /* --share: host directories for the guest */
	struct fuse_share_opts shares[CLI_MAX_SHARES];
};

enum cli_result {
	CLI_OK = 0,
	CLI_HELP = 1,	/* --help: print the usage, exit 0 */
	CLI_ERROR = -1, /* message in err */
};

/* argv[0] is "run". */
enum cli_result cli__parse_run(int argc, char **argv, struct run_opts *o,
			       char *err);
/*
 * --mem SIZE: a number of MiB, alone or followed by M, MiB, G or GiB (m
 * and g too). 0, or -1 with err set.
 */
int cli__parse_mem(const char *s, uint64_t *mib, char *err);
const char *cli__nested_name(enum nested_mode m);
extern const char cli__run_usage[];

#endif
