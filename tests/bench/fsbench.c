// SPDX-License-Identifier: GPL-2.0
/*
 * fsbench: file-system latency and bandwidth, for comparing a directory
 * shared with turtle's guests (--share, FUSE over vsock) at each nesting
 * level against the level's own tmpfs. In C so that the numbers are the
 * file system's, not a shell's fork and exec.
 *
 *   fsbench [--seconds S] [--size MiB] [--max-ops N] [--only LIST] DIR
 *
 * Works in a fresh directory DIR/fsbench.PID, removed at the end. Five
 * measurements:
 *
 *   stat          stat() of one 4 KiB file, again and again: on a share,
 *                 mostly the guest kernel's cached attributes
 *   open-read-4k  open(O_RDONLY), read its 4 KiB, close
 *   create-4k     create a new file, write 4 KiB, fsync, close (a new
 *                 name each time; the files are removed afterwards,
 *                 outside the timing)
 *   stat-cold     stat() of each file create-4k made, once, after waiting
 *                 COLD_WAIT_SEC: past the FUSE client's entry and
 *                 attribute timeouts (turtle's server gives 1 s), so on a
 *                 share each is a LOOKUP answered by the host
 *   seqwrite      write a --size MiB file (default 32) in 1 MiB writes,
 *                 fsync, close
 *   seqread       read it back in 1 MiB reads, cold: the page cache of
 *                 this system is dropped first (drop_caches when allowed,
 *                 and POSIX_FADV_DONTNEED on the file), so that a shared
 *                 file's data comes from the host
 *
 * The first four repeat for S seconds (default 2; at least 5 times, at
 * most N times, default 100000; stat-cold at most as many times as
 * create-4k ran) and report the median, mean and 99th percentile of the
 * single operations. The last two repeat whole passes
 * for S seconds, at least one pass, and report MB/s (10^6 bytes a second).
 *
 * --only stat,seqread (say) runs just those measurements, and what they
 * need: stat-cold stats create-4k's files and seqread reads seqwrite's
 * file, so those run (and print) too. With it, a VMM's exit counters read
 * before and after show what one kind of operation costs.
 *
 * Output, one line per measurement on stdout:
 *
 *   BENCH info dir=DIR seconds=S size_mib=M
 *   BENCH stat med_us=N avg_us=N p99_us=N ops=N
 *   BENCH open-read-4k med_us=N avg_us=N p99_us=N ops=N
 *   BENCH create-4k med_us=N avg_us=N p99_us=N ops=N
 *   BENCH stat-cold med_us=N avg_us=N p99_us=N ops=N
 *   BENCH seqwrite mbps=N.N secs=N.NNN passes=N
 *   BENCH seqread mbps=N.N secs=N.NNN passes=N
 *   BENCH done
 *
 * Exit status: 0 done, 1 a file-system or system error, 2 a command-line
 * error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define KIB 1024UL
#define MIB (1024UL * 1024UL)
#define SMALL (4 * KIB)
#define MIN_OPS 5
#define COLD_WAIT_SEC 2

static struct {
	double seconds;
	unsigned long size_mib;
	unsigned long max_ops;
	const char *only; /* comma-separated measurements, or NULL: all */
	char dir[PATH_MAX];
} opt = { .seconds = 2, .size_mib = 32, .max_ops = 100000 };

static char *buf;	       /* 1 MiB of data that is not all zeroes */
static double *lat;	       /* max_ops single-operation times, seconds */
static unsigned long ncreated; /* files c0 .. c<ncreated-1> exist */

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fsbench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* path_of NAME: DIR/NAME in a static buffer (one use at a time). */
static const char *path_of(const char *name)
{
	static char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/%s", opt.dir, name);
	return path;
}

static int write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* make_file NAME BYTES: a file of BYTES bytes of buf's data, synced. */
static int make_file(const char *name, size_t bytes)
{
	const char *path = path_of(name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return fail("create %s: %s", path, strerror(errno));
	if (write_all(fd, buf, bytes) || fsync(fd)) {
		fail("write %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (close(fd))
		return fail("close %s: %s", path, strerror(errno));
	return 0;
}

/* ---- the single-operation measurements ---- */

static int op_stat(unsigned long i)
{
	const char *path = path_of("small");
	struct stat st;

	(void)i;
	if (stat(path, &st))
		return fail("stat %s: %s", path, strerror(errno));
	if (st.st_size != (off_t)SMALL)
		return fail("stat %s: size %lld, expected %lu", path,
			    (long long)st.st_size, SMALL);
	return 0;
}

static int op_open_read(unsigned long i)
{
	const char *path = path_of("small");
	char b[SMALL];
	ssize_t n;
	int fd;

	(void)i;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail("open %s: %s", path, strerror(errno));
	n = read(fd, b, sizeof(b));
	if (n != (ssize_t)sizeof(b)) {
		fail("read %s: %s", path,
		     n < 0 ? strerror(errno) : "short read");
		close(fd);
		return -1;
	}
	if (close(fd))
		return fail("close %s: %s", path, strerror(errno));
	return 0;
}

static int op_create(unsigned long i)
{
	char name[32];
	const char *path;
	int fd;

	snprintf(name, sizeof(name), "c%lu", i);
	path = path_of(name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail("create %s: %s", path, strerror(errno));
	ncreated = i + 1;
	if (write_all(fd, buf, SMALL) || fsync(fd)) {
		fail("write %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (close(fd))
		return fail("close %s: %s", path, strerror(errno));
	return 0;
}

static int op_stat_cold(unsigned long i)
{
	char name[32];
	const char *path;
	struct stat st;

	snprintf(name, sizeof(name), "c%lu", i);
	path = path_of(name);
	if (stat(path, &st))
		return fail("stat %s: %s", path, strerror(errno));
	if (st.st_size != (off_t)SMALL)
		return fail("stat %s: size %lld, expected %lu", path,
			    (long long)st.st_size, SMALL);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Time op(0), op(1), ... for opt.seconds (at least MIN_OPS times, at most
 * max); print the distribution.
 */
/* wanted NAME: whether --only asks for measurement NAME (or all). */
static int wanted(const char *name)
{
	size_t len = strlen(name);
	const char *p = opt.only;

	if (!p)
		return 1;
	while (p) {
		if (!strncmp(p, name, len) && (p[len] == ',' || !p[len]))
			return 1;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return 0;
}

static int measure_ops(const char *name, int (*op)(unsigned long),
		       unsigned long max)
{
	unsigned long n = 0, k;
	double t0, a, b, sum = 0;

	t0 = now_sec();
	b = t0;
	while (n < max && (n < MIN_OPS || b - t0 < opt.seconds)) {
		a = now_sec();
		if (op(n))
			return -1;
		b = now_sec();
		lat[n++] = b - a;
		sum += b - a;
	}
	qsort(lat, n, sizeof(*lat), cmp_double);
	k = (n * 99 + 99) / 100; /* the 99th percentile, rounded up */
	printf("BENCH %s med_us=%.1f avg_us=%.1f p99_us=%.1f ops=%lu\n", name,
	       (n % 2 ? lat[n / 2] : (lat[n / 2 - 1] + lat[n / 2]) / 2) * 1e6,
	       sum / (double)n * 1e6, lat[k - 1] * 1e6, n);
	fflush(stdout);
	return 0;
}

/* ---- sequential bandwidth ---- */

static int seq_write_pass(const char *path, uint64_t bytes)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	uint64_t done;

	if (fd < 0)
		return fail("create %s: %s", path, strerror(errno));
	for (done = 0; done < bytes; done += MIB) {
		if (write_all(fd, buf, MIB)) {
			fail("write %s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
	}
	if (fsync(fd)) {
		fail("fsync %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (close(fd))
		return fail("close %s: %s", path, strerror(errno));
	return 0;
}

/*
 * Forget the cached pages of everything (when root; failing is fine: the
 * file's own pages still go, by fadvise, in seq_read_pass).
 */
static void drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	sync();
	if (write(fd, "3", 1) < 0) {
		/* not root, or not allowed: fadvise alone */
	}
	close(fd);
}

static int seq_read_pass(const char *path, uint64_t bytes)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint64_t done = 0;
	ssize_t n;

	if (fd < 0)
		return fail("open %s: %s", path, strerror(errno));
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	while ((n = read(fd, buf, MIB)) > 0)
		done += (uint64_t)n;
	if (n < 0 || done != bytes) {
		fail("read %s: %s", path,
		     n < 0 ? strerror(errno) : "not the size written");
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int measure_seq(const char *name, int write)
{
	const char *path = path_of("seq");
	uint64_t bytes = (uint64_t)opt.size_mib * MIB;
	unsigned long passes = 0;
	double t0, t = 0, secs;

	do {
		if (!write)
			drop_caches(); /* outside the timing */
		t0 = now_sec();
		if (write ? seq_write_pass(path, bytes)
			  : seq_read_pass(path, bytes))
			return -1;
		t += now_sec() - t0;
		passes++;
	} while (t < opt.seconds);
	secs = t;
	printf("BENCH %s mbps=%.1f secs=%.3f passes=%lu\n", name,
	       (double)bytes * (double)passes / secs / 1e6, secs, passes);
	fflush(stdout);
	return 0;
}

/* Remove the small files (best effort, quietly: errors were reported). */
static void remove_small(void)
{
	char name[32];
	unsigned long i;

	for (i = 0; i < ncreated; i++) {
		snprintf(name, sizeof(name), "c%lu", i);
		unlink(path_of(name));
	}
	ncreated = 0;
	unlink(path_of("small"));
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: fsbench [--seconds S] [--size MiB] [--max-ops N] [--only LIST] DIR\n"
		"  stat, open+read 4 KiB+close, create+write 4 KiB+fsync+close,\n"
		"  stat after 2 s (median, mean and 99th percentile in us), then\n"
		"  sequential write and cold read of a --size MiB file (default\n"
		"  32) in MB/s;\n"
		"  each for S seconds (default 2), in a fresh directory in DIR.\n"
		"  --only stat,open-read-4k,create-4k,stat-cold,seqwrite,seqread:\n"
		"  some of them (stat-cold needs create-4k, seqread seqwrite).\n");
}

static int parse_ulong(const char *s, unsigned long min, unsigned long max,
		       unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno || *end || s[0] == '-' || s[0] == '\0' || *out < min ||
	       *out > max;
}

/* bad_only LIST: whether LIST names something that is not a measurement. */
static int bad_only(const char *list)
{
	static const char *const names[] = { "stat",	  "open-read-4k",
					     "create-4k", "stat-cold",
					     "seqwrite",  "seqread" };
	const char *p = list, *end;
	size_t i, len;

	do {
		end = strchrnul(p, ',');
		len = (size_t)(end - p);
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i]) == len &&
			    !strncmp(p, names[i], len))
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			return 1;
		p = end + 1;
	} while (*end);
	return 0;
}

static int parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "size", required_argument, NULL, 'z' },
		{ "max-ops", required_argument, NULL, 'n' },
		{ "only", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			errno = 0;
			opt.seconds = strtod(optarg, &end);
			if (errno || *end ||
			    !(opt.seconds > 0 && opt.seconds <= 3600)) {
				fprintf(stderr,
					"fsbench: --seconds must be a number of seconds, above 0 and at most 3600\n");
				return 2;
			}
			break;
		case 'z':
			if (parse_ulong(optarg, 1, 4096, &opt.size_mib)) {
				fprintf(stderr,
					"fsbench: --size must be a whole number of MiB, 1 to 4096\n");
				return 2;
			}
			break;
		case 'n':
			if (parse_ulong(optarg, MIN_OPS, 10000000,
					&opt.max_ops)) {
				fprintf(stderr,
					"fsbench: --max-ops must be a whole number, %d to 10000000\n",
					MIN_OPS);
				return 2;
			}
			break;
		case 'o':
			opt.only = optarg;
			if (bad_only(optarg)) {
				fprintf(stderr,
					"fsbench: --only takes a comma-separated list of stat, open-read-4k, create-4k, stat-cold, seqwrite, seqread\n");
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	if (snprintf(opt.dir, sizeof(opt.dir), "%s/fsbench.%d", argv[optind],
		     (int)getpid()) >= (int)sizeof(opt.dir)) {
		fprintf(stderr, "fsbench: the directory name is too long\n");
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	size_t i;
	int rc;

	rc = parse_args(argc, argv);
	if (rc)
		return rc;
	buf = malloc(MIB);
	lat = calloc(opt.max_ops, sizeof(*lat));
	if (!buf || !lat) {
		fprintf(stderr, "fsbench: out of memory\n");
		return 1;
	}
	/* xorshift64: data no layer can cheaply recognise as zeroes */
	for (i = 0; i < MIB; i += sizeof(x)) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(buf + i, &x, sizeof(x));
	}
	if (mkdir(opt.dir, 0755)) {
		fail("mkdir %s: %s", opt.dir, strerror(errno));
		return 1;
	}

	printf("BENCH info dir=%s seconds=%g size_mib=%lu\n", argv[optind],
	       opt.seconds, opt.size_mib);
	fflush(stdout);
	rc = make_file("small", SMALL);
	if (!rc && wanted("stat"))
		rc = measure_ops("stat", op_stat, opt.max_ops);
	if (!rc && wanted("open-read-4k"))
		rc = measure_ops("open-read-4k", op_open_read, opt.max_ops);
	if (!rc && (wanted("create-4k") || wanted("stat-cold")))
		rc = measure_ops("create-4k", op_create, opt.max_ops);
	if (!rc && wanted("stat-cold")) {
		sleep(COLD_WAIT_SEC);
		rc = measure_ops("stat-cold", op_stat_cold, ncreated);
	}
	/* The small files go before the big one is written. */
	remove_small();
	if (!rc && (wanted("seqwrite") || wanted("seqread")))
		rc = measure_seq("seqwrite", 1);
	if (!rc && wanted("seqread"))
		rc = measure_seq("seqread", 0);
	unlink(path_of("seq"));
	rmdir(opt.dir);
	free(buf);
	free(lat);
	if (rc)
		return 1;
	printf("BENCH done\n");
	return 0;
}
