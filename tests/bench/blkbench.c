// SPDX-License-Identifier: GPL-2.0
/*
 * blkbench: a small fio-like block benchmark, for comparing a disk seen
 * from the emulated host with the same image seen by turtle's guest.
 *
 *   blkbench [--seconds S] [--size MiB] PATH
 *
 * PATH is a block device or a file. It is opened with O_DIRECT; where the
 * file system refuses that (EINVAL, at open or at the first read) blkbench
 * says so on stderr and goes through the page cache instead.
 *
 * Four measurements, each for S seconds (default 3), over the first --size
 * MiB of PATH (default 48; more than PATH holds is refused), one request
 * at a time (queue depth 1):
 *
 *   randread-4k   4 KiB reads at random 4 KiB-aligned offsets
 *   randwrite-4k  4 KiB writes at random 4 KiB-aligned offsets
 *   seqwrite-1m   1 MiB writes, in order, wrapping at --size
 *   seqread-1m    1 MiB reads, in order, wrapping at --size
 *
 * Each write measurement ends with an fdatasync(), counted in its time.
 *
 * THE WRITES DESTROY WHAT PATH HOLDS in its first --size MiB: point it at
 * a scratch image or an unused disk only.
 *
 * Output, one line per measurement on stdout (MB/s are 10^6 bytes per
 * second; lat_us is the mean and max_us the largest time per request):
 *
 *   BENCH info path=PATH size_mib=48 seconds=3 direct=1|0
 *   BENCH randread-4k iops=N lat_us=N max_us=N ops=N
 *   BENCH randwrite-4k iops=N lat_us=N max_us=N ops=N
 *   BENCH seqwrite-1m mbps=N.N lat_us=N max_us=N ops=N
 *   BENCH seqread-1m mbps=N.N lat_us=N max_us=N ops=N
 *   BENCH done
 *
 * Exit status: 0 done, 1 an I/O or system error, 2 a command-line error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define KIB 1024UL
#define MIB (1024UL * 1024UL)
#define ALIGN 4096UL

struct phase {
	const char *name;
	size_t bs;
	int random;
	int write;
};

static const struct phase phases[] = {
	{ "randread-4k", 4 * KIB, 1, 0 },
	{ "randwrite-4k", 4 * KIB, 1, 1 },
	{ "seqwrite-1m", MIB, 0, 1 },
	{ "seqread-1m", MIB, 0, 0 },
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

/* xorshift64 (Marsaglia): plenty for spreading offsets. */
static uint64_t xorshift64(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: blkbench [--seconds S] [--size MiB] PATH\n"
		"  4 KiB random reads and writes (IOPS), 1 MiB sequential writes\n"
		"  and reads (MB/s), queue depth 1, S seconds each (default 3),\n"
		"  over the first MiB of PATH (default 48).\n"
		"  WARNING: the writes destroy the data in that part of PATH.\n");
}

static int open_path(const char *path, int direct)
{
	return open(path, O_RDWR | O_CLOEXEC | (direct ? O_DIRECT : 0));
}

/* The size of a block device or regular file, in bytes; -1 on error. */
static int64_t path_size(int fd, const char *path)
{
	struct stat st;
	uint64_t bytes;

	if (fstat(fd, &st)) {
		fprintf(stderr, "blkbench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode))
		return st.st_size;
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &bytes)) {
			fprintf(stderr, "blkbench: %s: BLKGETSIZE64: %s\n",
				path, strerror(errno));
			return -1;
		}
		return (int64_t)bytes;
	}
	fprintf(stderr, "blkbench: %s: not a block device or regular file\n",
		path);
	return -1;
}

/* Run one measurement for @seconds over the first @span bytes of @fd. */
static int run_phase(int fd, const struct phase *p, char *wbuf, char *rbuf,
		     uint64_t span, double seconds)
{
	uint64_t nblk = span / p->bs, ops = 0, off;
	double t0, prev, now, lat, max_lat = 0, elapsed;
	ssize_t n;

	t0 = now_sec();
	prev = t0;
	do {
		if (p->random)
			off = (xorshift64() % nblk) * p->bs;
		else
			off = (ops % nblk) * p->bs;
		if (p->write)
			n = pwrite(fd, wbuf, p->bs, (off_t)off);
		else
			n = pread(fd, rbuf, p->bs, (off_t)off);
		if (n < 0) {
			fprintf(stderr, "blkbench: %s: %s at %" PRIu64 ": %s\n",
				p->name, p->write ? "pwrite" : "pread", off,
				strerror(errno));
			return -1;
		}
		if ((size_t)n != p->bs) {
			fprintf(stderr,
				"blkbench: %s: short transfer at %" PRIu64
				": %zd of %zu bytes\n",
				p->name, off, n, p->bs);
			return -1;
		}
		ops++;
		now = now_sec();
		lat = now - prev;
		if (lat > max_lat)
			max_lat = lat;
		prev = now;
	} while (now - t0 < seconds);

	if (p->write && fdatasync(fd)) {
		fprintf(stderr, "blkbench: %s: fdatasync: %s\n", p->name,
			strerror(errno));
		return -1;
	}
	elapsed = now_sec() - t0;

	if (p->random)
		printf("BENCH %s iops=%.0f", p->name, (double)ops / elapsed);
	else
		printf("BENCH %s mbps=%.1f", p->name,
		       (double)ops * (double)p->bs / elapsed / 1e6);
	printf(" lat_us=%.0f max_us=%.0f ops=%" PRIu64 "\n",
	       elapsed / (double)ops * 1e6, max_lat * 1e6, ops);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "size", required_argument, NULL, 'z' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	double seconds = 3;
	unsigned long size_mib = 48;
	const char *path;
	uint64_t span;
	int64_t dev_size;
	char *wbuf, *rbuf, *end;
	int fd, c, direct = 1;
	size_t i;
	ssize_t n;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			errno = 0;
			seconds = strtod(optarg, &end);
			if (errno || *end ||
			    !(seconds > 0 && seconds <= 3600)) {
				fprintf(stderr,
					"blkbench: --seconds must be a number of seconds, above 0 and at most 3600\n");
				return 2;
			}
			break;
		case 'z':
			errno = 0;
			size_mib = strtoul(optarg, &end, 10);
			if (errno || *end || optarg[0] == '-' || size_mib < 1 ||
			    size_mib > (1UL << 20)) {
				fprintf(stderr,
					"blkbench: --size must be a whole number of MiB, 1 to 1048576\n");
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	path = argv[optind];
	span = (uint64_t)size_mib * MIB;

	if (posix_memalign((void **)&wbuf, ALIGN, MIB) ||
	    posix_memalign((void **)&rbuf, ALIGN, MIB)) {
		fprintf(stderr, "blkbench: out of memory\n");
		return 1;
	}
	/* Data to write that no layer can cheaply recognise as zeroes. */
	for (i = 0; i < MIB; i += sizeof(uint64_t)) {
		uint64_t v = xorshift64();

		memcpy(wbuf + i, &v, sizeof(v));
	}

	fd = open_path(path, 1);
	if (fd < 0 && errno == EINVAL) {
		direct = 0;
		fd = open_path(path, 0);
	}
	if (fd < 0) {
		fprintf(stderr, "blkbench: cannot open %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	dev_size = path_size(fd, path);
	if (dev_size < 0)
		return 1;
	if (span > (uint64_t)dev_size) {
		fprintf(stderr,
			"blkbench: --size %lu MiB is more than %s holds (%" PRId64
			" bytes)\n",
			size_mib, path, dev_size);
		return 2;
	}
	/* Some file systems accept O_DIRECT at open and refuse the I/O. */
	if (direct) {
		n = pread(fd, rbuf, ALIGN, 0);
		if (n < 0 && errno == EINVAL) {
			close(fd);
			direct = 0;
			fd = open_path(path, 0);
			if (fd < 0) {
				fprintf(stderr,
					"blkbench: cannot open %s: %s\n", path,
					strerror(errno));
				return 1;
			}
		}
	}
	if (!direct)
		fprintf(stderr,
			"blkbench: note: %s does not support O_DIRECT, going through the page cache\n",
			path);

	printf("BENCH info path=%s size_mib=%lu seconds=%g direct=%d\n", path,
	       size_mib, seconds, direct);
	fflush(stdout);
	for (i = 0; i < sizeof(phases) / sizeof(phases[0]); i++)
		if (run_phase(fd, &phases[i], wbuf, rbuf, span, seconds))
			return 1;
	close(fd);
	free(wbuf);
	free(rbuf);
	printf("BENCH done\n");
	return 0;
}
