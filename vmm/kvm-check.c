// SPDX-License-Identifier: GPL-2.0
/* `turtle kvm-check`: is /dev/kvm there, usable, and able to nest? */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kvm-check.h"
#include "kvm-compat.h"

enum kvm_check kvm_check__judge(const char *path, const struct kvm_facts *f,
				bool nested, char *msg, size_t len)
{
	if (f->api < 0) {
		snprintf(msg, len,
			 "%s is not a KVM device (KVM_GET_API_VERSION: %s)",
			 path, strerror(f->err));
		return KVM_CHECK_NO_KVM;
	}
	if (f->api != KVM_API_VERSION_EXPECTED) {
		snprintf(msg, len, "%s: KVM API version %d, turtle needs %d",
			 path, f->api, KVM_API_VERSION_EXPECTED);
		return KVM_CHECK_NO_KVM;
	}
	if (nested && !f->el2) {
		snprintf(
			msg, len,
			"%s: this KVM cannot run guests at EL2 (no KVM_CAP_ARM_EL2): nested guests need a CPU with FEAT_NV2 and a host kernel booted with kvm-arm.mode=nested",
			path);
		return KVM_CHECK_NO_EL2;
	}
	snprintf(msg, len, "%s: KVM API %d, guests at EL2: %s", path, f->api,
		 f->el2 ? "yes" : "no");
	return KVM_CHECK_OK;
}

enum kvm_check kvm_check__probe(const char *path, bool nested, char *msg,
				size_t len)
{
	struct kvm_facts f = { 0 };
	int fd;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			snprintf(
				msg, len,
				"no %s: this kernel offers no KVM (an arm64 kernel with KVM, booted at EL2, is needed)",
				path);
		else if (errno == EACCES || errno == EPERM)
			snprintf(
				msg, len,
				"cannot open %s: %s (run as root, or join its group)",
				path, strerror(errno));
		else
			snprintf(msg, len, "cannot open %s: %s", path,
				 strerror(errno));
		return KVM_CHECK_NO_KVM;
	}
	f.api = ioctl(fd, KVM_GET_API_VERSION, 0);
	f.err = errno;
	if (f.api >= 0)
		f.el2 = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_EL2) > 0;
	close(fd);
	return kvm_check__judge(path, &f, nested, msg, len);
}

int kvm_check__main(int argc, char **argv)
{
	bool nested = false;
	enum kvm_check v;
	char msg[512];
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--nested")) {
			nested = true;
		} else if (!strcmp(argv[i], "--help") ||
			   !strcmp(argv[i], "-h")) {
			puts("usage: turtle kvm-check [--nested]\n"
			     "Exit 0: /dev/kvm is usable (with --nested: it runs guests at EL2);\n"
			     "1: no usable KVM; 3: no guests at EL2 (--nested).");
			return 0;
		} else {
			fprintf(stderr,
				"turtle: kvm-check: unknown option '%s'\n",
				argv[i]);
			return KVM_CHECK_USAGE;
		}
	}
	v = kvm_check__probe("/dev/kvm", nested, msg, sizeof(msg));
	fprintf(v == KVM_CHECK_OK ? stdout : stderr, "turtle: %s\n", msg);
	return v;
}
