// SPDX-License-Identifier: GPL-2.0
#include "loader.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/log.h"

static int open_regular(const char *what, const char *path, uint64_t *size,
			char *err)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		errbuf_set(err, "cannot open %s '%s': %s", what, path,
			   strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		errbuf_set(err, "%s '%s' is not a regular file", what, path);
		close(fd);
		return -1;
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

static int read_full(int fd, uint8_t *dst, uint64_t len, uint64_t off)
{
	while (len) {
		ssize_t n = pread(fd, dst, len > (1U << 30) ? (1U << 30) : len,
				  (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			errno = 0; /* the file is shorter than it was */
		if (n <= 0)
			return -1;
		dst += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

int loader__open(const char *kernel, const char *initrd, struct boot_files *f,
		 char *err)
{
	uint8_t hdr[ARM64_IMAGE_HEADER_SIZE];
	uint64_t ksize;
	ssize_t n;
	char why[ERRBUF_LEN];

	memset(f, 0, sizeof(*f));
	f->kernel_fd = f->initrd_fd = -1;

	f->kernel_fd = open_regular("kernel", kernel, &ksize, err);
	if (f->kernel_fd < 0)
		return -1;
	n = pread(f->kernel_fd, hdr, sizeof(hdr), 0);
	if (n < 0) {
		errbuf_set(err, "cannot read kernel '%s': %s", kernel,
			   strerror(errno));
		goto fail;
	}
	if (image__parse(hdr, (size_t)n, ksize, &f->img, why)) {
		errbuf_set(err, "kernel '%s': %s", kernel, why);
		goto fail;
	}
	if (initrd) {
		f->initrd_fd =
			open_regular("initrd", initrd, &f->initrd_size, err);
		if (f->initrd_fd < 0)
			goto fail;
		if (f->initrd_size == 0) {
			errbuf_set(err, "initrd '%s' is empty", initrd);
			goto fail;
		}
	}
	return 0;
fail:
	loader__close(f);
	return -1;
}

int loader__load(struct boot_files *f, const struct mem_layout *l, uint8_t *ram,
		 char *err)
{
	if (read_full(f->kernel_fd, ram + (l->kernel_addr - l->ram_base),
		      f->img.file_size, 0)) {
		errbuf_set(err, "reading the kernel failed: %s",
			   errno ? strerror(errno) : "file shrank");
		return -1;
	}
	if (f->initrd_fd >= 0 &&
	    read_full(f->initrd_fd, ram + (l->initrd_addr - l->ram_base),
		      f->initrd_size, 0)) {
		errbuf_set(err, "reading the initrd failed: %s",
			   errno ? strerror(errno) : "file shrank");
		return -1;
	}
	return 0;
}

void loader__close(struct boot_files *f)
{
	if (f->kernel_fd >= 0)
		close(f->kernel_fd);
	if (f->initrd_fd >= 0)
		close(f->initrd_fd);
	f->kernel_fd = f->initrd_fd = -1;
}
