/* SPDX-License-Identifier: GPL-2.0 */
/*
 * turtle-agent's exec server: runs the commands `turtle exec` sends from
 * the host (protocol: ../exec-proto.h).
 */
#ifndef TURTLE_AGENT_EXEC_H
#define TURTLE_AGENT_EXEC_H

/*
 * Serve one connection on fd (any stream socket): read the command, run
 * it, forward its input and output, send its exit status. Returns 0 once
 * EXIT is sent, -1 if the connection broke or the host broke the protocol
 * (the command, if started, is then killed). Closes fd. The caller must
 * have SIGCHLD at its default disposition and should ignore SIGPIPE.
 */
int agent_exec__serve(int fd);

/* `turtle-agent exec [--port N]`: listen on vsock and serve forever. */
int agent_exec__main(int argc, char **argv);

#endif
