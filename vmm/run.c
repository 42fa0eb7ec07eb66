// SPDX-License-Identifier: GPL-2.0
/*
 * `turtle run`: check the input, build the VM, boot the kernel, then serve
 * the console until the guest stops.
 *
 * Threads: one per vCPU runs KVM_RUN and handles its exits; the main thread
 * waits in epoll on stdin (console input), a signalfd (SIGINT, SIGTERM,
 * SIGHUP) and the VM's stop eventfd. Whoever ends the VM first (a vCPU on
 * PSCI SYSTEM_OFF, an error, a signal) sets its exit status; the main thread
 * then stops the vCPUs, restores the terminal and returns the status.
 */
#include "run.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <linux/virtio_mmio.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "../boot/fdt.h"
#include "../boot/layout.h"
#include "../boot/loader.h"
#include "../devices/exit-probe.h"
#include "direct.h"
#include "../devices/pl011.h"
#include "../devices/pl031.h"
#include "../fuse-vsock/server.h"
#include "../fuse-vsock/service.h"
#include "../virtio/blk.h"
#include "../virtio/mmio.h"
#include "../virtio/vsock.h"
#include "cli.h"
#include "escape.h"
#include "../lib/fault-guard.h"
#include "../lib/log.h"
#include "platform.h"
#include "../sandbox/privs.h"
#include "../sandbox/sandbox.h"
#include "../sandbox/seccomp.h"
#include "term.h"
#include "vcpu-features.h"
#include "../lib/thread.h"
#include "vcpu.h"
#include "vm.h"

struct console {
	struct vm *vm;
	struct pl011 uart;
	uint8_t pending[256]; /* input that did not fit the UART's FIFO */
	size_t npending, pending_off;
	int stdin_open;
	const char *prefix; /* before each output line, or NULL */
	int mid_line;	    /* the last byte written was not a newline */
	int interactive;    /* stdin is our raw terminal: escape.h applies */
	struct escape esc;
};

static void console__set_irq(void *ctx, int level)
{
	struct console *c = ctx;

	vm__irq_line(c->vm, UART_SPI, level);
}

static void write_all(const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* nobody reads our stdout: drop the output */
		buf += n;
		len -= (size_t)n;
	}
}

/* Called with the UART's lock held, so lines and prefixes stay in order. */
static void console__output(void *ctx, const uint8_t *buf, size_t len)
{
	struct console *c = ctx;
	size_t i, start = 0;

	if (!c->prefix) {
		write_all(buf, len);
		return;
	}
	for (i = 0; i < len; i++) {
		if (!c->mid_line) {
			write_all(buf + start, i - start);
			start = i;
			write_all((const uint8_t *)c->prefix,
				  strlen(c->prefix));
			c->mid_line = 1;
		}
		if (buf[i] == '\n')
			c->mid_line = 0;
	}
	write_all(buf + start, len - start);
}

static void console__flush_input(struct console *c)
{
	size_t n;

	if (c->pending_off == c->npending)
		return;
	n = pl011__rx_push(&c->uart, c->pending + c->pending_off,
			   c->npending - c->pending_off);
	c->pending_off += n;
}

static int console__read_stdin(struct console *c)
{
	uint8_t in[sizeof(c->pending) - 1]; /* the escape may add one */
	ssize_t n = read(STDIN_FILENO, in, sizeof(in));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) {
		c->stdin_open = 0; /* EOF: the guest runs on without input */
		return -1;
	}
	if (c->interactive) {
		c->npending =
			escape__filter(&c->esc, in, (size_t)n, c->pending);
		if (c->esc.help) {
			c->esc.help = 0;
			write_all((const uint8_t *)escape__help,
				  strlen(escape__help));
		}
		if (c->esc.quit)
			vm__stop(c->vm, VM_EXIT_SIGNAL + SIGINT,
				 "stopped by Ctrl-A x");
	} else {
		memcpy(c->pending, in, (size_t)n);
		c->npending = (size_t)n;
	}
	c->pending_off = 0;
	console__flush_input(c);
	return 0;
}

static struct exit_probe probe;

/* --exit-probe: its page on the MMIO bus, offset 0x18 on an ioeventfd. */
static int exit_probe_attach(struct vm *vm)
{
	if (exit_probe__init(&probe)) {
		pr_err("--exit-probe: eventfd: %s", strerror(errno));
		return -1;
	}
	if (mmio__register(&vm->bus, EXIT_PROBE_BASE, EXIT_PROBE_SIZE,
			   &exit_probe__mmio_ops, &probe, "exit-probe"))
		return -1;
	return vm__ioeventfd(vm, EXIT_PROBE_BASE + EXIT_PROBE_REG_KERNEL,
			     EXIT_PROBE_KERNEL_VALUE, probe.kernel_fd);
}

/* Memory slots 0 to 2: RAM, virtio registers, stolen time (vcpu-features.c). */
#define DIRECT_SLOT 3

/* --direct-window: auto becomes pass when this machine has a window. */
static int direct_attach(struct vm *vm, enum direct_mode mode)
{
	char err[ERRBUF_LEN];
	uint64_t base, size;
	int found;

	if (mode == DIRECT_AUTO) {
		found = direct__find(DIRECT_DT_ROOT, &base, &size, err);
		if (found < 0) {
			pr_err("--direct-window: %s", err);
			return -1;
		}
		mode = found ? DIRECT_PASS : DIRECT_SERVE;
		pr_debug("--direct-window: %s (%s)", direct__mode_name(mode),
			 found ? "this machine has a window"
			       : "this machine has none: the top");
	}
	return direct__attach(vm, mode, DIRECT_SLOT);
}

/*
 * The PL031 RTC. Its alarm is a CLOCK_REALTIME timerfd in the main
 * thread's epoll, armed by the device at the host second it matches.
 */
static struct pl031 rtc;
static int rtc_tfd = -1;

static void rtc__set_irq(void *ctx, int level)
{
	vm__irq_line(ctx, RTC_SPI, level);
}

static void rtc__arm(void *ctx, int64_t host_sec)
{
	struct itimerspec its = { .it_value = { .tv_sec = host_sec } };

	(void)ctx;
	if (host_sec < 0)
		its.it_value.tv_sec = 0; /* disarm */
	if (timerfd_settime(rtc_tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		pr_guest("RTC alarm at %lld: %s", (long long)host_sec,
			 strerror(errno));
}

static int rtc_attach(struct vm *vm)
{
	rtc_tfd = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK);
	if (rtc_tfd < 0) {
		pr_err("RTC: timerfd_create: %s", strerror(errno));
		return -1;
	}
	pl031__init(&rtc, NULL, rtc__set_irq, rtc__arm, vm);
	return mmio__register(&vm->bus, RTC_BASE, RTC_SIZE, &pl031__mmio_ops,
			      &rtc, "pl031");
}

static void rtc__expired(void)
{
	uint64_t n;

	if (read(rtc_tfd, &n, sizeof(n)) == sizeof(n))
		pl031__tick(&rtc);
}

static struct virtio_dev *virtio_devs[FDT_MAX_VIRTIO];
static unsigned int nr_virtio;

/*
 * Place a virtio-mmio device in the next slot: its registers on the MMIO
 * bus, its queues' notifications and its used-buffer ACKs on ioeventfds
 * (virtio/mmio.h), its interrupt on an irqfd.
 */
static int virtio_attach(struct vm *vm, struct virtio_dev *vdev)
{
	unsigned int i;

	if (nr_virtio >= FDT_MAX_VIRTIO)
		return -1;
	vdev->base = VIRTIO_MMIO_BASE + nr_virtio * VIRTIO_MMIO_SLOT;
	vdev->spi = VIRTIO_MMIO_SPI_BASE + nr_virtio;
	if (mmio__register(&vm->bus, vdev->base, VIRTIO_MMIO_SLOT,
			   &virtio_mmio__ops, vdev, vdev->ops->name))
		return -1;
	for (i = 0; i < vdev->nr_queues; i++)
		if (vm__ioeventfd(vm, vdev->base + VIRTIO_MMIO_QUEUE_NOTIFY, i,
				  vdev->queues[i].kick_fd))
			return -1;
	if (vm__ioeventfd(vm, vdev->base + VIRTIO_MMIO_INTERRUPT_ACK,
			  VIRTIO_MMIO_INT_VRING, vdev->ack_fd))
		return -1;
	virtio_devs[nr_virtio++] = vdev;
	return 0;
}

/*
 * The vsock device (--vsock), or NULL. In-VMM services bind their ports
 * on it with vsock__bind_service() before the vCPUs start.
 */
static void virtio__report_all(void)
{
	unsigned int i;

	for (i = 0; i < nr_virtio; i++)
		virtio__report(virtio_devs[i]);
}

static struct virtio_dev *vsock_dev;
/* fuse_vsock__serve keeps the array: not on the stack. */
static struct fuse_server *servers[CLI_MAX_SHARES];
static unsigned int nr_servers;

static void shares__report_all(void)
{
	unsigned int i;

	for (i = 0; i < nr_servers; i++)
		fuse_server__report(servers[i]);
}

/* Shared directories: a FUSE server each (the directories opened). */
static int shares__start(const struct run_opts *o)
{
	char err[ERRBUF_LEN];
	struct rlimit nofile;
	unsigned int i;

	/* Every inode the guest looks up holds a host fd: allow many. */
	if (!getrlimit(RLIMIT_NOFILE, &nofile) &&
	    nofile.rlim_cur < nofile.rlim_max) {
		nofile.rlim_cur = nofile.rlim_max;
		setrlimit(RLIMIT_NOFILE, &nofile);
	}
	for (i = 0; i < o->nshares; i++) {
		servers[i] = fuse_server__create(&o->shares[i], err);
		if (!servers[i]) {
			pr_err("%s", err);
			return -1;
		}
		nr_servers++;
		pr_debug(
			"sharing %s as '%s'%s, cache=%s, security=%s",
			o->shares[i].dir, o->shares[i].tag,
			o->shares[i].read_only ? ", read-only" : "",
			o->shares[i].cache == FUSE_CACHE_ALWAYS	 ? "always"
			: o->shares[i].cache == FUSE_CACHE_NEVER ? "never"
								 : "auto",
			fuse_security__name(fuse_server__security(servers[i])));
	}
	return 0;
}

/* The shares' worker threads: started once turtle has dropped privileges. */
static int shares__serve(void)
{
	char err[ERRBUF_LEN];

	struct fuse_vsock *fv;

	if (!nr_servers)
		return 0;
	fv = fuse_vsock__serve(vsock_dev, servers, nr_servers, err);
	if (!fv) {
		pr_err("%s", err);
		return -1;
	}
	/* The direct window's doorbell serves the same shares (serving). */
	return direct__serve_shares(fuse_vsock__pool(fv),
				    fuse_vsock__budget(fv), servers,
				    nr_servers);
}

static int virtio_create_devices(struct vm *vm, const struct run_opts *o)
{
	char err[ERRBUF_LEN];
	unsigned int i;

	for (i = 0; i < o->ndisks; i++) {
		struct virtio_dev *vdev =
			blk__create(&o->disks[i], i, &vm->mem, err);

		if (!vdev) {
			pr_err("%s", err);
			return -1;
		}
		if (virtio_attach(vm, vdev))
			return -1;
	}
	if (o->has_vsock || o->nshares) {
		/* Shares alone get a device with the first guest CID. */
		const struct vsock_opts dflt = { .guest_cid = 3 };

		vsock_dev = vsock__create(o->has_vsock ? &o->vsock : &dflt,
					  &vm->mem, err);
		if (!vsock_dev) {
			pr_err("%s", err);
			return -1;
		}
		if (virtio_attach(vm, vsock_dev))
			return -1;
	}
	if (o->nshares && shares__start(o))
		return -1;
	return 0;
}

/*
 * The virtio devices' register blocks, side by side as their MMIO slots
 * are, in pages the guest reads directly (KVM_MEM_READONLY): a driver's
 * register reads, InterruptStatus in every interrupt handler above all,
 * are memory reads instead of exits to turtle, which under nesting cross
 * every level above. Writes still exit. Without the capability the
 * blocks stay where they are and reads exit as before.
 */
#define VIRTIO_REGS_SLOT 1 /* memory slot 0 is RAM */
static int virtio_map_registers(struct vm *vm)
{
	/* Whole host pages (the memory slot's unit); nothing else lives up
	 * to the RAM at RAM_BASE. */
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t size =
		((size_t)nr_virtio * VIRTIO_MMIO_SLOT + pg - 1) & ~(pg - 1);
	unsigned int i;
	uint8_t *page;

	_Static_assert(VIRTIO_MMIO_SLOT == VIRTIO_MMIO_REGS_SIZE,
		       "a register block per MMIO slot");
	if (!nr_virtio || VIRTIO_MMIO_BASE % pg ||
	    VIRTIO_MMIO_BASE + size > RAM_BASE)
		return 0;
	page = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) {
		pr_err("virtio registers: mmap: %s", strerror(errno));
		return -1;
	}
	if (vm__readonly_region(vm, VIRTIO_REGS_SLOT, VIRTIO_MMIO_BASE, size,
				page)) {
		munmap(page, size);
		pr_debug("virtio registers: reads exit (no read-only memory)");
		return 0;
	}
	for (i = 0; i < nr_virtio; i++)
		virtio_mmio__regs_at(virtio_devs[i],
				     (uint32_t *)(page + i * VIRTIO_MMIO_SLOT));
	return 0;
}

/* Interrupts can be routed only once the vGIC is initialised. */
static int virtio_connect_irqs(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < nr_virtio; i++)
		if (vm__irqfd(vm, virtio_devs[i]->spi, virtio_devs[i]->call_fd))
			return -1;
	return 0;
}

static int build_fdt(struct vm *vm, const struct run_opts *o,
		     const struct mem_layout *l)
{
	struct fdt_params p = {
		.ram_base = l->ram_base,
		.ram_size = l->ram_size,
		.ncpus = o->cpus,
		.el2 = o->nested != NESTED_OFF,
		.gic_dist_base = GIC_DIST_BASE,
		.gic_dist_size = GIC_DIST_SIZE,
		.gic_redist_base = GIC_REDIST_BASE,
		.gic_redist_size = GIC_REDIST_SIZE_PER_CPU * o->cpus,
		.uart_base = UART_BASE,
		.uart_size = UART_SIZE,
		.uart_spi = UART_SPI,
		.rtc_base = RTC_BASE,
		.rtc_size = RTC_SIZE,
		.rtc_spi = RTC_SPI,
		.bootargs = o->cmdline,
		.initrd_start = l->initrd_addr,
		.initrd_end = l->initrd_addr + l->initrd_size,
		.exit_probe_base = o->exit_probe ? EXIT_PROBE_BASE : 0,
		.exit_probe_size = EXIT_PROBE_SIZE,
		.direct_base = o->direct ? DIRECT_WINDOW_BASE : 0,
		.direct_size = DIRECT_WINDOW_SIZE,
		.direct_pool_base = direct__has_pool() ? DIRECT_POOL_BASE : 0,
		.direct_pool_size = DIRECT_POOL_SIZE,
		.pmu = !!(vm->features.on & CPU_FEAT_PMU),
		.pmu_ppi = PPI_PMU,
	};
	char err[ERRBUF_LEN];
	unsigned int i;

	for (i = 0; i < nr_virtio; i++) {
		p.virtio[i].base = virtio_devs[i]->base;
		p.virtio[i].size = VIRTIO_MMIO_SLOT;
		p.virtio[i].spi = virtio_devs[i]->spi;
	}
	p.nvirtio = nr_virtio;
	if (fdt__build(&p, guest_mem__ptr(&vm->mem, l->dtb_addr, l->dtb_max),
		       l->dtb_max, err)) {
		pr_err("%s", err);
		return -1;
	}
	return 0;
}

/* SIGUSR1 asks the vCPUs where they are; the others stop the VM. */
static void handle_signal(struct vm *vm, int sfd)
{
	struct signalfd_siginfo si;
	int sig;

	if (read(sfd, &si, sizeof(si)) != sizeof(si))
		return;
	sig = (int)si.ssi_signo;
	if (sig == SIGUSR1) {
		vcpu__report_all(vm);
		virtio__report_all();
		shares__report_all();
	} else
		vm__stop(vm, VM_EXIT_SIGNAL + sig, "stopped by %s",
			 strsignal(sig));
}

/* The main thread's loop; returns when the VM has stopped. */
static void serve(struct vm *vm, struct console *c, int sfd)
{
	struct epoll_event ev, evs[4];
	int ep, i, n, timeout;

	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0) {
		vm__stop(vm, VM_EXIT_ERROR, "epoll_create1: %s",
			 strerror(errno));
		return;
	}
	ev = (struct epoll_event){ .events = EPOLLIN, .data.fd = vm->stop_efd };
	epoll_ctl(ep, EPOLL_CTL_ADD, vm->stop_efd, &ev);
	ev.data.fd = sfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
	ev.data.fd = rtc_tfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, rtc_tfd, &ev);
	ev.data.fd = STDIN_FILENO;
	c->stdin_open = epoll_ctl(ep, EPOLL_CTL_ADD, STDIN_FILENO, &ev) == 0;

	while (!__atomic_load_n(&vm->stopping, __ATOMIC_ACQUIRE)) {
		/* Input waiting for FIFO space: retry soon, read no more. */
		timeout = c->pending_off < c->npending ? 5 : -1;
		n = epoll_wait(ep, evs, 4, timeout);
		if (n < 0 && errno != EINTR) {
			vm__stop(vm, VM_EXIT_ERROR, "epoll_wait: %s",
				 strerror(errno));
			break;
		}
		console__flush_input(c);
		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == sfd) {
				handle_signal(vm, sfd);
			} else if (fd == rtc_tfd) {
				rtc__expired();
			} else if (fd == STDIN_FILENO) {
				if (c->pending_off < c->npending)
					continue;
				if (console__read_stdin(c))
					epoll_ctl(ep, EPOLL_CTL_DEL,
						  STDIN_FILENO, NULL);
			}
		}
	}
	close(ep);
}

int turtle__run(const struct run_opts *o)
{
	static struct console con; /* lives as long as the vCPUs */
	struct boot_files files;
	struct mem_layout layout;
	char err[ERRBUF_LEN];
	struct vm vm;
	sigset_t sigs;
	int sfd, status;

	turtle_verbose = o->verbose;
	turtle__elapsed(); /* t = 0 */
	if (privs__start(o, err) || sandbox__check(o, err)) {
		pr_err("%s", err);
		return VM_EXIT_ERROR;
	}
	if (loader__open(o->kernel, o->initrd, &files, err)) {
		pr_err("%s", err);
		return VM_EXIT_ERROR;
	}
	if (layout__plan(RAM_BASE, o->mem_mib << 20, &files.img,
			 files.initrd_size, &layout, err)) {
		pr_err("%s", err);
		loader__close(&files);
		return VM_EXIT_ERROR;
	}
	pr_debug(
		"RAM 0x%llx+%llu MiB, kernel 0x%llx (%llu KiB), initrd 0x%llx (%llu KiB), dtb 0x%llx",
		(unsigned long long)layout.ram_base,
		(unsigned long long)o->mem_mib,
		(unsigned long long)layout.kernel_addr,
		(unsigned long long)(layout.kernel_size >> 10),
		(unsigned long long)layout.initrd_addr,
		(unsigned long long)(layout.initrd_size >> 10),
		(unsigned long long)layout.dtb_addr);

	/*
	 * Signals go to the signalfd; every thread inherits the mask. A
	 * shell starts background jobs with SIGINT ignored: undo that.
	 */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGUSR1, SIG_DFL);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGUSR1);
	sigaddset(&sigs, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	sigdelset(&sigs, SIGUSR2);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	signal(SIGPIPE, SIG_IGN);

	/* Before any thread exists: see seccomp.h for the order. */
	if (o->seccomp && seccomp__prepare())
		goto fail;
	if (vm__create(&vm, layout.ram_size, o->nested, o->ipa_bits,
		       o->hugepages))
		goto fail;
	if (o->halt_poll_ns >= 0 &&
	    vm__set_halt_poll(&vm, (unsigned long)o->halt_poll_ns))
		goto fail;
	if (vcpu_features__setup(&vm, o->features_off, o->sve_max_vl))
		goto fail;
	pr_debug("t=%.3fs VM created", turtle__elapsed());
	if (loader__load(&files, &layout, vm.mem.host, err)) {
		pr_err("%s", err);
		goto fail;
	}
	pr_debug("t=%.3fs kernel and initrd loaded (%llu MiB)",
		 turtle__elapsed(),
		 (unsigned long long)((files.img.file_size +
				       files.initrd_size) >>
				      20));
	loader__close(&files);

	con.vm = &vm;
	con.prefix = o->console_prefix;
	pl011__init(&con.uart, console__set_irq, console__output, &con);
	if (mmio__register(&vm.bus, UART_BASE, UART_SIZE, &pl011__mmio_ops,
			   &con.uart, "pl011"))
		goto fail;
	if (rtc_attach(&vm))
		goto fail;
	if (o->exit_probe && exit_probe_attach(&vm))
		goto fail;
	if (direct_attach(&vm, o->direct))
		goto fail;

	if (virtio_create_devices(&vm, o) || virtio_map_registers(&vm))
		goto fail;
	if (vm__gic_create(&vm))
		goto fail;
	vm__set_counter_offset(&vm);
	if (vcpu__create_all(&vm, o->cpus, layout.kernel_addr, layout.dtb_addr))
		goto fail;
	if (vm__gic_init(&vm) || vcpu_features__pmu_init(&vm) ||
	    virtio_connect_irqs(&vm))
		goto fail;
	if (build_fdt(&vm, o, &layout))
		goto fail;
	/*
	 * Everything is open. Only the parked device threads exist, and they
	 * shed their capabilities themselves (dev-thread.c, privs.h).
	 */
	if (sandbox__enter(o, err) || privs__drop(o, err)) {
		pr_err("%s", err);
		goto fail;
	}
	if (shares__serve())
		goto fail;

	con.interactive = term__raw();
	/* A mapped disk's SIGBUS guard goes back on top of term's handler. */
	if (fault_guard__wanted() && fault_guard__install() < 0) {
		pr_err("cannot handle SIGBUS for the mapped disks: %s",
		       strerror(errno));
		term__restore();
		goto fail;
	}
	pr_debug("t=%.3fs starting the vCPUs", turtle__elapsed());
	if (vcpu__start_all(&vm) == 0) {
		/* Every thread exists: main confines itself last. */
		thread__enter(THREAD_MAIN, "turtle");
		serve(&vm, &con, sfd);
	}
	direct__abort(); /* a vCPU may wait at the FUSE doorbell */
	vcpu__stop_all(&vm);
	term__restore();

	status = vm.exit_status;
	pr_debug("t=%.3fs guest stopped", turtle__elapsed());
	if (status == VM_EXIT_POWEROFF)
		pr_debug("%s", vm.exit_reason);
	else
		pr_err("%s", vm.exit_reason);
	if (o->stats) {
		vcpu__print_stats(&vm);
		virtio__report_all();
		shares__report_all();
	}
	if (o->stats && direct__serving())
		pr_info("stats: direct window: %llu accesses reached this turtle's probe",
			(unsigned long long)direct__served_count());
	vm__destroy(&vm);
	if (o->exit_probe)
		exit_probe__exit(&probe);
	direct__detach();
	return status;
fail:
	loader__close(&files);
	return VM_EXIT_ERROR;
}
