// SPDX-License-Identifier: GPL-2.0
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../fuse-vsock/proto.h"
#include "../lib/log.h"
#include "platform.h"

const char cli__run_usage[] =
	"usage: turtle run --kernel IMAGE [options]\n"
	"\n"
	"Boot an arm64 Linux kernel in a KVM virtual machine. The guest's\n"
	"console is the terminal: its output on stdout, stdin as its input.\n"
	"\n"
	"  -k, --kernel IMAGE     arm64 kernel Image (uncompressed), required\n"
	"  -i, --initrd FILE      initial ramdisk (cpio, optionally compressed)\n"
	"  -c, --cmdline STR      kernel command line (default: \"console=ttyAMA0\")\n"
	"  -m, --mem SIZE         guest RAM: a whole number of MiB, alone or with\n"
	"                         a suffix M, MiB, G or GiB (m and g too), e.g.\n"
	"                         512, 512M, 2G (default 512)\n"
	"  -n, --cpus N           number of vCPUs, 1 to 64 (default 1); the guest\n"
	"                         starts secondaries through PSCI CPU_ON\n"
	"  -d, --disk PATH[,ro][,queues=N][,io=auto|pread|map]\n"
	"                         a virtio-blk disk backed by a raw image file\n"
	"                         (size a multiple of 512); ro: read-only;\n"
	"                         queues: 1 to 8 request queues (default 1);\n"
	"                         io: map the image and copy (map), or preadv\n"
	"                         and pwritev (pread); auto (default): map an\n"
	"                         image on tmpfs, ramfs or hugetlbfs.\n"
	"                         Repeatable, up to 8 disks: /dev/vda, vdb, ...\n"
	"      --vsock CID[,PATH] a virtio-vsock device; the guest's CID is 3 to\n"
	"                         4294967294. With PATH, host programs reach\n"
	"                         guest port P by connecting to the Unix socket\n"
	"                         PATH and writing \"CONNECT P\\n\" (answer:\n"
	"                         \"OK <host port>\\n\"), and a guest connecting to\n"
	"                         host (CID 2) port P reaches the Unix socket\n"
	"                         PATH_P (Firecracker's scheme)\n"
	"      --share DIR[,tag=NAME][,ro][,cache=MODE][,security=MODEL]\n"
	"                         share the host directory DIR with the guest\n"
	"                         (FUSE over vsock; without --vsock, a vsock\n"
	"                         device with CID 3 is added). In the guest:\n"
	"                         turtle-agent mount --tag NAME DIR (default\n"
	"                         \"share\"). ro: read-only. cache: auto (names\n"
	"                         and attributes 1 s, the default), always (a\n"
	"                         day, and file data kept across opens: for a\n"
	"                         directory only this guest changes) or never.\n"
	"                         security: passthrough (guest users act as the\n"
	"                         same uids on the host; guest root is root over\n"
	"                         DIR) or mapped (files belong to turtle's user;\n"
	"                         the guest's owners, modes and device nodes are\n"
	"                         kept in xattrs). Default: passthrough when\n"
	"                         turtle runs as root, else mapped.\n"
	"                         Repeatable, up to 8, tags unique\n"
	"      --nested[=MODE]    start the vCPUs at virtual EL2 so the guest can\n"
	"                         run KVM itself (needs FEAT_NV2 and a host booted\n"
	"                         with kvm-arm.mode=nested). MODE is vhe (the\n"
	"                         default: E2H=1, can host further levels) or\n"
	"                         e2h0 (nVHE only)\n"
	"      --console-prefix STR\n"
	"                         start every line of the guest's console output\n"
	"                         with STR (e.g. \"[L2] \" to tell nested levels\n"
	"                         apart)\n"
	"      --ipa-bits N       guest physical address size, 32 to 52 (default:\n"
	"                         the smallest that holds RAM: fewest stage-2\n"
	"                         levels)\n"
	"      --no-hugepages     back RAM with small pages only (no THP)\n"
	"      --halt-poll NS     how long KVM may spin a vCPU that waits for an\n"
	"                         interrupt (WFI) before it sleeps, in ns, up to\n"
	"                         100000000; 0: never spin (saves host CPU time\n"
	"                         when vCPUs idle a lot) (default: KVM's,\n"
	"                         /sys/module/kvm/parameters/halt_poll_ns)\n"
	"      --no-sve           no SVE (by default the guest gets SVE, pointer\n"
	"                         authentication, a PMUv3, MTE and stolen-time\n"
	"                         accounting wherever the host's KVM offers them;\n"
	"                         -v says which it got)\n"
	"      --sve-max-vl BITS  the longest SVE vector length the guest may use,\n"
	"                         a multiple of 128 from 128 to 2048 (default:\n"
	"                         all the host offers)\n"
	"      --no-ptrauth       no pointer authentication (address and generic)\n"
	"      --no-pmu           no PMUv3 (performance counters)\n"
	"      --no-mte           no memory tagging (MTE; never with --nested,\n"
	"                         whose guests KVM does not show it to)\n"
	"      --no-pvtime        no stolen-time accounting\n"
	"      --exit-probe       a page of MMIO at 0x9010000 (\"turtle,exit-probe\"\n"
	"                         in the device tree) whose accesses exit to\n"
	"                         turtle or, at offset 0x18, only to KVM: what\n"
	"                         exitbench times to measure an exit's cost\n"
	"      --direct-window[=MODE]\n"
	"                         a 64 KiB window at 0x9040000\n"
	"                         (\"turtle,direct-window\") whose accesses from\n"
	"                         any level below reach the top turtle directly.\n"
	"                         MODE serve: this turtle serves it (an exit\n"
	"                         probe at its offset 0, and its --share\n"
	"                         directories, by tag, to `turtle-agent mount\n"
	"                         --direct` at any level below); pass: map this\n"
	"                         machine's own window (the turtle above was\n"
	"                         given --direct-window) into the guest through\n"
	"                         /dev/mem (needs root); auto (the default):\n"
	"                         pass if this machine has one, else serve\n"
	"      --stats            when the guest stops, print exit counters per\n"
	"                         vCPU, interrupts per device, and the time\n"
	"                         each share's requests took in turtle\n"
	"      --no-seccomp       do not install the seccomp system call filter\n"
	"      --core-dump        keep the core file size limit (by default it is\n"
	"                         set to 0: guest memory never lands in a core)\n"
	"      --reboot           when the guest resets (reboot, a panic with\n"
	"                         panic=N), boot it again with the same options;\n"
	"                         without it, turtle exits with status 3\n"
	"      --sandbox          once set up, run in a mount namespace whose root\n"
	"                         holds only /proc and the --vsock socket's\n"
	"                         directory (needs root)\n"
	"  -v, --verbose          print the memory layout and setup steps\n"
	"  -h, --help             this text\n"
	"\n"
	"Console: Ctrl-C (SIGINT) or SIGTERM stops the guest and turtle, and the\n"
	"terminal is restored. SIGUSR1 makes every vCPU print its PC, PSTATE\n"
	"and exit counts (where is a guest that seems stuck?), and prints the\n"
	"devices' and shares' counters.\n"
	"\n"
	"Exit status: 0 when the guest powers off, 1 on an error (turtle's or a\n"
	"vCPU's), 2 on a command-line error, 3 when the guest resets (reboot or\n"
	"panic; with --reboot it boots again instead), 128+N when stopped by\n"
	"signal N.\n";

const char *cli__nested_name(enum nested_mode m)
{
	switch (m) {
	case NESTED_VHE:
		return "vhe";
	case NESTED_E2H0:
		return "e2h0";
	default:
		return "off";
	}
}

int cli__parse_mem(const char *s, uint64_t *mib, char *err)
{
	/* The only suffixes, each with its size in MiB. */
	static const struct {
		const char *name;
		unsigned long long mib;
	} units[] = {
		{ "", 1 },     { "M", 1 },    { "m", 1 },      { "MiB", 1 },
		{ "G", 1024 }, { "g", 1024 }, { "GiB", 1024 },
	};
	unsigned long long v;
	unsigned int i;
	char *end;

	if (*s < '0' || *s > '9') /* no sign, space or empty string */
		goto bad;
	errno = 0;
	v = strtoull(s, &end, 10);
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(end, units[i].name))
			break;
	if (i == sizeof(units) / sizeof(units[0]))
		goto bad;
	if (errno == ERANGE || v > CLI_MAX_MEM_MIB / units[i].mib) {
		errbuf_set(err,
			   "--mem: %s is more than turtle's limit of %llu MiB",
			   s, (unsigned long long)CLI_MAX_MEM_MIB);
		return -1;
	}
	if (v == 0) {
		errbuf_set(
			err,
			"--mem: the guest needs some memory; 0 is not a size");
		return -1;
	}
	*mib = v * units[i].mib;
	return 0;
bad:
	errbuf_set(err,
		   "--mem: '%s' is not a size: give MiB as a whole number, "
		   "alone or followed by M, MiB, G or GiB (e.g. 512, 512M, "
		   "2G)",
		   s);
	return -1;
}

/* A whole decimal number from min to max, digits only: 0, or -1. */
static int parse_range(const char *s, unsigned long min, unsigned long max,
		       unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	if (errno || *s < '0' || *s > '9' || *end || *v < min || *v > max)
		return -1;
	return 0;
}

static int parse_cpus(const char *s, unsigned int *n, char *err)
{
	unsigned long v;

	if (parse_range(s, 1, CLI_MAX_CPUS, &v)) {
		errbuf_set(err, "--cpus: '%s' is not a vCPU count from 1 to %d",
			   s, CLI_MAX_CPUS);
		return -1;
	}
	*n = (unsigned int)v;
	return 0;
}

static int parse_disk_io(const char *s, enum blk_io_mode *io, char *err)
{
	if (!strcmp(s, "auto"))
		*io = BLK_IO_AUTO;
	else if (!strcmp(s, "pread"))
		*io = BLK_IO_PREAD;
	else if (!strcmp(s, "map"))
		*io = BLK_IO_MAP;
	else {
		errbuf_set(err,
			   "--disk: io must be auto, pread or map, not '%s'",
			   s);
		return -1;
	}
	return 0;
}

static int parse_disk(const char *arg, struct run_opts *o, char *err)
{
	struct blk_opts *d;
	char *copy, *opt, *save = NULL;
	unsigned long v;
	char *end;

	if (o->ndisks >= CLI_MAX_DISKS) {
		errbuf_set(err, "--disk: at most %d disks", CLI_MAX_DISKS);
		return -1;
	}
	copy = strdup(arg);
	if (!copy)
		return -1;
	d = &o->disks[o->ndisks];
	memset(d, 0, sizeof(*d));
	d->path = strtok_r(copy, ",", &save);
	if (!d->path || arg[0] == ',') {
		errbuf_set(err, "--disk: '%s' has no image path", arg);
		goto fail;
	}
	while ((opt = strtok_r(NULL, ",", &save))) {
		if (!strcmp(opt, "ro")) {
			d->read_only = 1;
		} else if (!strncmp(opt, "queues=", 7)) {
			errno = 0;
			v = strtoul(opt + 7, &end, 10);
			if (errno || *end || opt[7] < '1' || opt[7] > '9' ||
			    v > 8) {
				errbuf_set(
					err,
					"--disk: queues must be 1 to 8, not '%s'",
					opt + 7);
				goto fail;
			}
			d->queues = (unsigned int)v;
		} else if (!strncmp(opt, "io=", 3)) {
			if (parse_disk_io(opt + 3, &d->io, err))
				goto fail;
		} else {
			errbuf_set(
				err,
				"--disk: unknown option '%s' (use ro, queues=N or io=auto|pread|map)",
				opt);
			goto fail;
		}
	}
	o->ndisks++;
	return 0;
fail:
	free(copy);
	return -1;
}

/* --vsock CID[,PATH] */
static int parse_vsock(const char *arg, struct run_opts *o, char *err)
{
	const char *comma = strchr(arg, ',');
	unsigned long long cid;
	char *end;

	if (o->has_vsock) {
		errbuf_set(err, "--vsock: only one vsock device");
		return -1;
	}
	errno = 0;
	cid = strtoull(arg, &end, 10);
	if (errno || *arg < '0' || *arg > '9' ||
	    end != (comma ? comma : arg + strlen(arg)) || cid < 3 ||
	    cid > 0xfffffffeULL) {
		errbuf_set(
			err,
			"--vsock: '%s' does not start with a guest CID from 3 to 4294967294",
			arg);
		return -1;
	}
	if (comma && !comma[1]) {
		errbuf_set(err, "--vsock: '%s' has an empty socket path", arg);
		return -1;
	}
	o->vsock.guest_cid = cid;
	o->vsock.uds_path = comma ? comma + 1 : NULL;
	o->has_vsock = 1;
	return 0;
}

/*
 * --share DIR[,tag=NAME][,ro][,cache=auto|always|never]
 *            [,security=passthrough|mapped]
 */
static int parse_share(const char *arg, struct run_opts *o, char *err)
{
	struct fuse_share_opts *sh;
	char *copy, *opt, *save = NULL;
	struct stat st;
	unsigned int i;

	if (o->nshares >= CLI_MAX_SHARES) {
		errbuf_set(err, "--share: at most %d shared directories",
			   CLI_MAX_SHARES);
		return -1;
	}
	copy = strdup(arg);
	if (!copy)
		return -1;
	sh = &o->shares[o->nshares];
	memset(sh, 0, sizeof(*sh));
	sh->tag = CLI_DEFAULT_SHARE_TAG;
	sh->dir = strtok_r(copy, ",", &save);
	if (!sh->dir || arg[0] == ',') {
		errbuf_set(err, "--share: '%s' has no directory", arg);
		goto fail;
	}
	while ((opt = strtok_r(NULL, ",", &save))) {
		if (!strcmp(opt, "ro")) {
			sh->read_only = 1;
		} else if (!strncmp(opt, "cache=", 6)) {
			if (!strcmp(opt + 6, "auto")) {
				sh->cache = FUSE_CACHE_AUTO;
			} else if (!strcmp(opt + 6, "always")) {
				sh->cache = FUSE_CACHE_ALWAYS;
			} else if (!strcmp(opt + 6, "never")) {
				sh->cache = FUSE_CACHE_NEVER;
			} else {
				errbuf_set(
					err,
					"--share: cache=%s: use cache=auto, always or never",
					opt + 6);
				goto fail;
			}
		} else if (!strncmp(opt, "security=", 9)) {
			if (!strcmp(opt + 9, "passthrough")) {
				sh->security = FUSE_SECURITY_PASSTHROUGH;
			} else if (!strcmp(opt + 9, "mapped")) {
				sh->security = FUSE_SECURITY_MAPPED;
			} else {
				errbuf_set(
					err,
					"--share: security=%s: use security=passthrough or mapped",
					opt + 9);
				goto fail;
			}
		} else if (!strncmp(opt, "tag=", 4)) {
			sh->tag = opt + 4;
			if (!*sh->tag ||
			    strlen(sh->tag) >= FUSE_VSOCK_TAG_MAX) {
				errbuf_set(
					err,
					"--share: a tag is 1 to %d characters, not '%s'",
					FUSE_VSOCK_TAG_MAX - 1, sh->tag);
				goto fail;
			}
		} else {
			errbuf_set(
				err,
				"--share: unknown option '%s' (use tag=NAME, ro, cache= or security=)",
				opt);
			goto fail;
		}
	}
	for (i = 0; i < o->nshares; i++) {
		if (!strcmp(o->shares[i].tag, sh->tag)) {
			errbuf_set(
				err,
				"--share: two shares are tagged '%s' (give each its own tag=NAME)",
				sh->tag);
			goto fail;
		}
	}
	if (stat(sh->dir, &st) < 0) {
		errbuf_set(err, "--share: %s: %s", sh->dir, strerror(errno));
		goto fail;
	}
	if (!S_ISDIR(st.st_mode)) {
		errbuf_set(err, "--share: %s is not a directory", sh->dir);
		goto fail;
	}
	o->nshares++;
	return 0;
fail:
	free(copy);
	return -1;
}

enum {
	OPT_NESTED = 256,
	OPT_STATS,
	OPT_NO_SECCOMP,
	OPT_CONSOLE_PREFIX,
	OPT_IPA_BITS,
	OPT_NO_HUGEPAGES,
	OPT_HALT_POLL,
	OPT_EXIT_PROBE,
	OPT_DIRECT_WINDOW,
	OPT_VSOCK,
	OPT_SHARE,
	OPT_CORE_DUMP,
	OPT_SANDBOX,
	OPT_REBOOT,
	OPT_SVE_MAX_VL,
	/* --no-FEATURE: OPT_NO_FEAT + the feature's bit number */
	OPT_NO_FEAT = 512,
};

static const struct option run_options[] = {
	{ "kernel", required_argument, NULL, 'k' },
	{ "initrd", required_argument, NULL, 'i' },
	{ "cmdline", required_argument, NULL, 'c' },
	{ "mem", required_argument, NULL, 'm' },
	{ "cpus", required_argument, NULL, 'n' },
	{ "disk", required_argument, NULL, 'd' },
	{ "nested", optional_argument, NULL, OPT_NESTED },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "no-seccomp", no_argument, NULL, OPT_NO_SECCOMP },
	{ "console-prefix", required_argument, NULL, OPT_CONSOLE_PREFIX },
	{ "ipa-bits", required_argument, NULL, OPT_IPA_BITS },
	{ "no-hugepages", no_argument, NULL, OPT_NO_HUGEPAGES },
	{ "halt-poll", required_argument, NULL, OPT_HALT_POLL },
	{ "exit-probe", no_argument, NULL, OPT_EXIT_PROBE },
	{ "direct-window", optional_argument, NULL, OPT_DIRECT_WINDOW },
	{ "vsock", required_argument, NULL, OPT_VSOCK },
	{ "share", required_argument, NULL, OPT_SHARE },
	{ "core-dump", no_argument, NULL, OPT_CORE_DUMP },
	{ "sandbox", no_argument, NULL, OPT_SANDBOX },
	{ "reboot", no_argument, NULL, OPT_REBOOT },
	{ "sve-max-vl", required_argument, NULL, OPT_SVE_MAX_VL },
	{ "no-sve", no_argument, NULL, OPT_NO_FEAT + 0 },
	{ "no-ptrauth", no_argument, NULL, OPT_NO_FEAT + 1 },
	{ "no-pmu", no_argument, NULL, OPT_NO_FEAT + 2 },
	{ "no-mte", no_argument, NULL, OPT_NO_FEAT + 3 },
	{ "no-pvtime", no_argument, NULL, OPT_NO_FEAT + 4 },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/*
 * The option getopt just rejected. A long one is the whole word before
 * optind; a short one may sit inside a cluster ("-xv"), where only optopt
 * names it.
 */
static const char *opt_name(char **argv, int ind, char *buf, size_t len)
{
	const char *word = argv[ind - 1];

	if (!strncmp(word, "--", 2) || !optopt || optopt > 127)
		return word;
	snprintf(buf, len, "-%c", optopt);
	return buf;
}

enum cli_result cli__parse_run(int argc, char **argv, struct run_opts *o,
			       char *err)
{
	char name[8];
	int c;

	memset(o, 0, sizeof(*o));
	o->mem_mib = CLI_DEFAULT_MEM_MIB;
	o->cpus = 1;
	o->seccomp = 1;
	o->hugepages = 1;
	o->halt_poll_ns = -1;
	o->cmdline = "console=ttyAMA0";

	optind = 0; /* glibc: restart scanning, so parsing can repeat */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":k:i:c:m:n:d:vh", run_options,
				NULL)) != -1) {
		switch (c) {
		case 'k':
			o->kernel = optarg;
			break;
		case 'i':
			o->initrd = optarg;
			break;
		case 'c':
			o->cmdline = optarg;
			break;
		case 'm':
			if (cli__parse_mem(optarg, &o->mem_mib, err))
				return CLI_ERROR;
			break;
		case 'n':
			if (parse_cpus(optarg, &o->cpus, err))
				return CLI_ERROR;
			break;
		case 'd':
			if (parse_disk(optarg, o, err))
				return CLI_ERROR;
			break;
		case OPT_NESTED:
			if (!optarg || !strcmp(optarg, "vhe")) {
				o->nested = NESTED_VHE;
			} else if (!strcmp(optarg, "e2h0")) {
				o->nested = NESTED_E2H0;
			} else {
				errbuf_set(
					err,
					"--nested: unknown mode '%s' (use vhe or e2h0)",
					optarg);
				return CLI_ERROR;
			}
			break;
		case OPT_STATS:
			o->stats = 1;
			break;
		case OPT_NO_SECCOMP:
			o->seccomp = 0;
			break;
		case OPT_CORE_DUMP:
			o->core_dump = 1;
			break;
		case OPT_SANDBOX:
			o->sandbox = 1;
			break;
		case OPT_REBOOT:
			o->reboot = 1;
			break;
		case OPT_IPA_BITS: {
			unsigned long v;

			if (parse_range(optarg, 32, 52, &v)) {
				errbuf_set(
					err,
					"--ipa-bits: '%s' is not a size from 32 to 52",
					optarg);
				return CLI_ERROR;
			}
			o->ipa_bits = (unsigned int)v;
			break;
		}
		case OPT_NO_HUGEPAGES:
			o->hugepages = 0;
			break;
		case OPT_EXIT_PROBE:
			o->exit_probe = 1;
			break;
		case OPT_DIRECT_WINDOW:
			if (!optarg || !strcmp(optarg, "auto")) {
				o->direct = DIRECT_AUTO;
			} else if (!strcmp(optarg, "serve")) {
				o->direct = DIRECT_SERVE;
			} else if (!strcmp(optarg, "pass")) {
				o->direct = DIRECT_PASS;
			} else {
				errbuf_set(
					err,
					"--direct-window: unknown mode '%s' (use auto, serve or pass)",
					optarg);
				return CLI_ERROR;
			}
			break;
		case OPT_HALT_POLL: {
			unsigned long v;

			if (parse_range(optarg, 0, CLI_MAX_HALT_POLL_NS, &v)) {
				errbuf_set(
					err,
					"--halt-poll: '%s' is not a time in ns from 0 to %u",
					optarg, CLI_MAX_HALT_POLL_NS);
				return CLI_ERROR;
			}
			o->halt_poll_ns = (long)v;
			break;
		}
		case OPT_SVE_MAX_VL: {
			unsigned long v;

			if (parse_range(optarg, SVE_VL_MIN_BITS,
					SVE_VL_MAX_BITS, &v) ||
			    v % SVE_VL_MIN_BITS) {
				errbuf_set(
					err,
					"--sve-max-vl: '%s' is not a vector length in bits (a multiple of %d from %d to %d)",
					optarg, SVE_VL_MIN_BITS,
					SVE_VL_MIN_BITS, SVE_VL_MAX_BITS);
				return CLI_ERROR;
			}
			o->sve_max_vl = (unsigned int)v;
			break;
		}
		case OPT_NO_FEAT + 0:
		case OPT_NO_FEAT + 1:
		case OPT_NO_FEAT + 2:
		case OPT_NO_FEAT + 3:
		case OPT_NO_FEAT + 4:
			o->features_off |= 1U << (c - OPT_NO_FEAT);
			break;
		case OPT_VSOCK:
			if (parse_vsock(optarg, o, err))
				return CLI_ERROR;
			break;
		case OPT_SHARE:
			if (parse_share(optarg, o, err))
				return CLI_ERROR;
			break;
		case OPT_CONSOLE_PREFIX:
			if (strlen(optarg) > CLI_MAX_PREFIX) {
				errbuf_set(
					err,
					"--console-prefix: at most %d characters",
					CLI_MAX_PREFIX);
				return CLI_ERROR;
			}
			o->console_prefix = optarg;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'h':
			return CLI_HELP;
		case ':':
			errbuf_set(err, "option '%s' needs a value",
				   opt_name(argv, optind, name, sizeof(name)));
			return CLI_ERROR;
		default:
			errbuf_set(
				err,
				"unknown option '%s' (see turtle run --help)",
				opt_name(argv, optind, name, sizeof(name)));
			return CLI_ERROR;
		}
	}
	if (optind < argc) {
		errbuf_set(err,
			   "unexpected argument '%s' (see turtle run --help)",
			   argv[optind]);
		return CLI_ERROR;
	}
	if (o->sve_max_vl && (o->features_off & CPU_FEAT_SVE)) {
		errbuf_set(err, "--sve-max-vl and --no-sve contradict");
		return CLI_ERROR;
	}
	if (!o->kernel) {
		errbuf_set(
			err,
			"--kernel IMAGE is required (see turtle run --help)");
		return CLI_ERROR;
	}
	return CLI_OK;
}
