# turtle: a minimal arm64 KVM VMM that runs inside its own guests.
#
#   make            build/turtle: static aarch64 binary (cross-compiled on
#                   x86_64, with gcc on arm64), and build/turtle-agent (in
#                   guests) and build/vsock-tool (tests)
#   make deps       install packages, fetch Debian's arm64 kernel (idempotent)
#
# The NV2 host that make run/inception/bench/kselftest/test use: this
# machine when it is arm64 with /dev/kvm, else the emulated one (QEMU);
# TURTLE_HOST=native|emulated chooses (tests/system/host.sh, docs/native.md).
#   make unit       unit tests (Check), built and run natively
#   make test       deps + everything + unit tests + system tests under QEMU
#   make run        deps + the chain L0 -> L1 -> L2, sharing a directory;
#                   LEVELS=1: one L1 guest at EL2 (quick)
#   make inception LEVELS=N   the chain L0 -> L1 -> ... -> LN, with timings
#   make bench      deps + images + block, vsock and shared-directory numbers,
#                   host vs L1 vs L2 (tests/bench); SUITES="chain" for the
#                   shared directory at L1, L2 and L3; SUITES="peers" for
#                   turtle beside QEMU/KVM (docs/peers.md)
#   make kselftest [LEVELS=N]  the kernel's KVM selftests at L0 .. LN
#                   (default 1), one table test x level (kernel/kselftest.sh;
#                   KERNEL_Ln=Image a level's kernel, KST_FROM=n tests only
#                   from Ln, docs/kselftest.md)
#   make images     the guest and host initramfs images
#   make format     clang-format every C file

# On arm64 the "cross" compiler is the native one (docs/native.md).
HOST_ARCH    ?= $(shell uname -m)
ifeq ($(HOST_ARCH),aarch64)
CROSS        ?=
else
CROSS        ?= aarch64-linux-gnu-
endif
CC_CROSS     := $(CROSS)gcc
CC_NATIVE    ?= gcc
B            := build
TURTLE_CACHE ?= /var/cache/turtle
export TURTLE_CACHE

VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)

WARN    := -Wall -Wextra -Werror
CFLAGS  := -std=gnu11 -O2 -g $(WARN) -pthread -D_GNU_SOURCE \
	   -DTURTLE_VERSION='"$(VERSION)"'

# Code that needs nothing arm64-specific: built natively for the unit tests.
PORTABLE_SRCS := boot/image.c boot/layout.c boot/fdt.c boot/loader.c \
		 vmm/cli.c vmm/cpu-features.c vmm/escape.c vmm/direct.c \
		 vmm/kvm-check.c vmm/reboot.c \
		 lib/log.c lib/mmio.c lib/thread.c lib/heap.c lib/copy.c \
		 lib/fault-guard.c devices/pl011.c \
		 devices/exit-probe.c devices/pl031.c \
		 virtio/virtqueue.c virtio/iov.c virtio/blk-req.c \
		 virtio/blk-map.c
# `turtle exec` and the exec protocol it shares with the guest agent.
PORTABLE_SRCS += agent/exec-proto.c vmm/exec.c vmm/exec-cli.c
# turtle-agent, run inside guests; all but main.c is in the unit build.
AGENT_SRCS    := agent/exec.c agent/run-as.c
AGENT_SRCS    += agent/mount.c agent/fuse-client.c agent/fuse-window.c
AGENT_ALL     := agent/main.c $(AGENT_SRCS) agent/exec-proto.c vmm/direct.c \
		 lib/log.c
AGENT_OBJS    := $(AGENT_ALL:%.c=$(B)/aarch64/%.o)
# Device models (portable too, so in the unit build as well).
DEVICE_SRCS   := virtio/mmio.c virtio/dev-thread.c virtio/blk.c
DEVICE_SRCS   += virtio/vsock.c virtio/vsock-conn.c virtio/vsock-conn-rx.c \
		 virtio/vsock-unix.c \
		 virtio/vsock-svc.c
# The shared filesystem's server (FUSE over vsock, --share).
FUSE_SRCS     := fuse-vsock/server.c fuse-vsock/inode.c \
		 fuse-vsock/server-entry.c fuse-vsock/server-attr.c \
		 fuse-vsock/server-file.c \
		 fuse-vsock/server-dir.c fuse-vsock/server-xattr.c \
		 fuse-vsock/server-mapped.c \
		 fuse-vsock/server-lock.c fuse-vsock/pool.c \
		 fuse-vsock/session.c fuse-vsock/service.c \
		 fuse-vsock/budget.c fuse-vsock/reply-buf.c \
		 fuse-vsock/window.c
DEVICE_SRCS   += $(FUSE_SRCS)
# Code that talks to arm64 KVM.
KVM_SRCS      := vmm/main.c vmm/run.c vmm/vm.c vmm/vcpu.c vmm/kvm-stats.c \
		 vmm/vcpu-features.c vmm/direct-kvm.c
# turtle's confinement: its privileges, the mount namespace, the seccomp
# filters (mechanism, one list per thread kind). Built for the native arch
# too, where the unit tests load them.
SANDBOX_SRCS  := sandbox/privs.c sandbox/sandbox.c sandbox/seccomp.c sandbox/seccomp-common.c sandbox/seccomp-main.c \
		 sandbox/seccomp-vcpu.c sandbox/seccomp-blk.c sandbox/seccomp-vsock.c \
		 sandbox/seccomp-fuse.c vmm/term.c
TURTLE_SRCS   := $(PORTABLE_SRCS) $(DEVICE_SRCS) $(SANDBOX_SRCS) $(KVM_SRCS)

UNIT_SRCS     := $(wildcard tests/unit/*.c)

# libfdt's and libseccomp's headers live only in /usr/include, which the
# cross compiler does not search (and must not: it holds x86 headers), so
# the cross build sees just those headers through a folder of links. On
# arm64 the links are redundant, and libfdt-dev's own static library serves.
XINC := $(B)/cross-include
XLIB := /usr/lib/aarch64-linux-gnu
ifeq ($(HOST_ARCH),aarch64)
XFDT := $(XLIB)/libfdt.a
else
XFDT := $(TURTLE_CACHE)/arm64/usr/lib/aarch64-linux-gnu/libfdt.a
endif

all: $(B)/turtle $(B)/turtle-agent $(B)/vsock-tool

$(XINC)/.done:
	@command -v $(CC_CROSS) >/dev/null && [ -f $(XFDT) ] || { \
		echo "turtle: no $(CC_CROSS) or arm64 libfdt: run 'make deps' first" >&2; \
		exit 1; }
	@mkdir -p $(XINC)
	@for h in fdt.h libfdt.h libfdt_env.h seccomp.h seccomp-syscalls.h; do \
		ln -sf /usr/include/$$h $(XINC)/$$h; done
	@touch $@

$(B)/aarch64/%.o: %.c $(XINC)/.done
	@mkdir -p $(dir $@)
	$(CC_CROSS) $(CFLAGS) -I$(XINC) -MMD -MP -c $< -o $@

$(B)/turtle: $(TURTLE_SRCS:%.c=$(B)/aarch64/%.o)
	$(CC_CROSS) -static -pthread -o $@ $^ $(XFDT) $(XLIB)/libseccomp.a

# The guest agent (`turtle exec`'s other end), static like turtle.
$(B)/turtle-agent: $(AGENT_OBJS)
	$(CC_CROSS) -static -pthread -o $@ $^

# Test helpers that run inside the emulated host.
$(B)/ptyrun: tests/system/ptyrun.c
	$(CC_CROSS) $(CFLAGS) -static -o $@ $<

# Runs a command with given uid, gid and groups (the privs case), in both
# images.
$(B)/as-user: tests/system/as-user.c
	$(CC_CROSS) $(CFLAGS) -static -o $@ $<

# vsock echo, throughput and latency tool, in both images: one file per
# mode, and the helpers they share.
VSOCK_TOOL_SRCS := $(wildcard tests/system/vsock-tool/*.c)
$(B)/vsock-tool: $(VSOCK_TOOL_SRCS) tests/system/vsock-tool/vsock-tool.h
	$(CC_CROSS) $(CFLAGS) -static -o $@ $(VSOCK_TOOL_SRCS)

# An unprivileged guest process speaking FUSE to the share's port itself
# (share-guest.sh; it must be refused), in the guest image.
$(B)/fuse-attack: tests/system/fuse-attack.c fuse-vsock/ports.h fuse-vsock/proto.h
	$(CC_CROSS) $(CFLAGS) -static -o $@ $<

# Single file-system calls for posix.sh (rename, xattrs, POSIX locks), in
# the guest image, and natively for the unit tests' run of posix.sh.
$(B)/fsops: tests/system/fsops.c
	$(CC_CROSS) $(CFLAGS) -static -o $@ $<

$(B)/native/fsops: tests/system/fsops.c
	@mkdir -p $(dir $@)
	$(CC_NATIVE) $(CFLAGS) -o $@ $<

# This level's wall clock against the shared counter (clock checks).
$(B)/clockoff: tests/system/clockoff.c
	$(CC_CROSS) $(CFLAGS) -static -o $@ $<

# The block benchmark, in both images (make bench).
$(B)/blkbench: tests/bench/blkbench.c
	$(CC_CROSS) $(CFLAGS) -static -o $@ $<

# The file-system benchmark (shared directories), in both images.
$(B)/fsbench: tests/bench/fsbench.c
	$(CC_CROSS) $(CFLAGS) -static -o $@ $<

# The exit-cost benchmark (turtle run --exit-probe), in both images.
$(B)/exitbench: tests/bench/exitbench.c devices/exit-probe.h
	$(CC_CROSS) $(CFLAGS) -static -o $@ $<

$(B)/native/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC_NATIVE) $(CFLAGS) $(shell pkg-config --cflags check) -MMD -MP -c $< -o $@

# The unit tests run posix.sh over a FUSE mount with a native turtle-agent
# on PATH (run-as for the permission checks).
$(B)/unit-tests: $(PORTABLE_SRCS:%.c=$(B)/native/%.o) $(DEVICE_SRCS:%.c=$(B)/native/%.o) $(SANDBOX_SRCS:%.c=$(B)/native/%.o) $(AGENT_SRCS:%.c=$(B)/native/%.o) $(UNIT_SRCS:%.c=$(B)/native/%.o) | $(B)/native/turtle-agent $(B)/native/fsops
	$(CC_NATIVE) -pthread -o $@ $^ -lfdt -lseccomp $(shell pkg-config --libs check)

$(B)/native/turtle-agent: $(AGENT_ALL:%.c=$(B)/native/%.o)
	$(CC_NATIVE) -pthread -o $@ $^

unit: $(B)/unit-tests
	$(B)/unit-tests

# libFuzzer harnesses, one per tests/fuzz/fuzz_*.c, with ASan and UBSan:
# built (not run) into build/fuzz/; tests/fuzz/run.sh runs them.
FUZZ_CC    ?= clang
FUZZ_FLAGS := -std=gnu11 -O1 -g $(WARN) -pthread -D_GNU_SOURCE \
	      -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_BINS  := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_LIB   := $(filter-out fuse-vsock/service.c,$(FUSE_SRCS)) lib/log.c lib/thread.c lib/heap.c \
	      virtio/virtqueue.c virtio/iov.c virtio/vsock-conn.c \
	      virtio/vsock-conn-rx.c \
	      virtio/vsock-svc.c virtio/blk-req.c virtio/blk-map.c \
	      lib/copy.c lib/fault-guard.c \
	      tests/fuzz/fuzz-share.c tests/fuzz/fuzz-fuse.c

fuzz:
	@command -v $(FUZZ_CC) >/dev/null || { \
		echo "turtle: make fuzz needs $(FUZZ_CC) (libFuzzer): apt-get install clang" >&2; \
		exit 1; }
	@$(MAKE) --no-print-directory $(FUZZ_BINS)

.PRECIOUS: $(B)/fuzz/obj/%.o
$(B)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -MMD -MP -c $< -o $@

$(B)/fuzz/fuzz_%: $(B)/fuzz/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB:%.c=$(B)/fuzz/obj/%.o)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $^

deps:
	@scripts/deps.sh

# Everything that goes into the guest and host images.
IMAGE_BINS := $(B)/turtle $(B)/clockoff $(B)/ptyrun $(B)/blkbench $(B)/turtle-agent \
	      $(B)/vsock-tool $(B)/fsbench $(B)/exitbench $(B)/fsops \
	      $(B)/as-user $(B)/fuse-attack

images: $(IMAGE_BINS)
	@tests/system/mkimages.sh

test: deps
	@$(MAKE) --no-print-directory $(IMAGE_BINS) $(B)/unit-tests
	@tests/run-all.sh

# The nested chain: make inception LEVELS=3 (see tests/inception/run.sh).
LEVELS ?= 3
inception: deps
	@$(MAKE) --no-print-directory $(B)/turtle $(B)/turtle-agent
	@tests/inception/run.sh $(LEVELS)

# make run: the chain L0 -> L1 -> L2 over the shared directory; LEVELS=N
# for another depth, LEVELS=1 for the quick one-guest demo.
RUN_LEVELS = $(if $(filter command line environment,$(origin LEVELS)),$(LEVELS),2)
run: deps
	@$(MAKE) --no-print-directory $(if $(filter 1,$(RUN_LEVELS)),images,$(B)/turtle $(B)/turtle-agent)
	@scripts/run-demo.sh $(RUN_LEVELS)

bench: deps
	@$(MAKE) --no-print-directory images
	@tests/bench/run.sh $(SUITES)

# make kselftest: L0 and L1 unless LEVELS is given (the default 3 above is
# the chain's); KERNEL, KERNEL_Ln, KST_* pass through the environment.
KST_LEVELS = $(if $(filter command line environment,$(origin LEVELS)),$(LEVELS),1)
kselftest: deps
	@$(MAKE) --no-print-directory images
	@kernel/kselftest.sh $(KST_LEVELS)

format:
	clang-format -i $(shell git ls-files '*.c' '*.h')

clean:
	rm -rf $(B)

.PHONY: all unit deps images test run inception bench kselftest format clean fuzz

-include $(shell find $(B) -name '*.d' 2>/dev/null)
