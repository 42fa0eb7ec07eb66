// SPDX-License-Identifier: GPL-2.0
/*
 * Reading KVM's binary stats (Documentation/virt/kvm/api.rst, 4.133): the
 * fd starts with a kvm_stats_header, which points at an array of
 * descriptors (each a kvm_stats_desc plus a name of name_size bytes) and
 * at the data; a descriptor's offset locates its u64 values in the data.
 */
#include "kvm-stats.h"

#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* The counters worth a look under nesting, as KVM names them. */
static const char *const wanted[] = {
	"exits",
	"hvc_exit_stat",
	"wfi_exit_stat",
	"mmio_exit_kernel",
	"mmio_exit_user",
	"signal_exits",
	"halt_wakeup",
	/* Time a halted vCPU spun (ok: a wake-up came in time) or slept. */
	"halt_poll_success_ns",
	"halt_poll_fail_ns",
	"halt_wait_ns",
};

static const char *short_name(const char *n)
{
	static const char *const map[][2] = {
		{ "hvc_exit_stat", "hvc" },
		{ "wfi_exit_stat", "wfi" },
		{ "mmio_exit_kernel", "mmio_kernel" },
		{ "mmio_exit_user", "mmio_user" },
		{ "signal_exits", "signal" },
		{ "halt_wakeup", "wakeups" },
		{ "halt_poll_success_ns", "poll_ok_ns" },
		{ "halt_poll_fail_ns", "poll_fail_ns" },
		{ "halt_wait_ns", "wait_ns" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(n, map[i][0]))
			return map[i][1];
	return n;
}

void kvm_stats__open(struct kvm_stats *s, int vcpu_fd)
{
	struct kvm_stats_header h;
	struct kvm_stats_desc *d;
	size_t dsize;
	uint8_t *descs;
	unsigned int i, j;

	s->n = 0;
	s->fd = ioctl(vcpu_fd, KVM_GET_STATS_FD, NULL);
	if (s->fd < 0)
		return;
	if (pread(s->fd, &h, sizeof(h), 0) != sizeof(h))
		goto none;
	dsize = sizeof(*d) + h.name_size;
	descs = calloc(h.num_desc, dsize);
	if (!descs)
		goto none;
	if (pread(s->fd, descs, dsize * h.num_desc, h.desc_offset) !=
	    (ssize_t)(dsize * h.num_desc)) {
		free(descs);
		goto none;
	}
	for (i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		for (j = 0; j < h.num_desc; j++) {
			d = (struct kvm_stats_desc *)(descs + j * dsize);
			if (strncmp(d->name, wanted[i], h.name_size))
				continue;
			s->name[s->n] = short_name(wanted[i]);
			s->offset[s->n++] = h.data_offset + d->offset;
			break;
		}
	}
	free(descs);
	return;
none:
	close(s->fd);
	s->fd = -1;
}

void kvm_stats__format(const struct kvm_stats *s, char *buf, size_t len)
{
	size_t n = 0;
	unsigned int i;
	uint64_t v;

	buf[0] = 0;
	for (i = 0; i < s->n && n < len; i++) {
		if (pread(s->fd, &v, sizeof(v), s->offset[i]) != sizeof(v))
			continue;
		n += snprintf(buf + n, len - n, "%s%s=%llu", i ? " " : "",
			      s->name[i], (unsigned long long)v);
	}
}
