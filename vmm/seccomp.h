/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TURTLE_SECCOMP_H
#define TURTLE_SECCOMP_H

/*
 * Confine every thread of turtle to the system calls that running a VM
 * needs. Called once setup is done, before the vCPU threads start; a call
 * outside the list stops turtle with a message naming it.
 */
int seccomp__install(void);

#endif
