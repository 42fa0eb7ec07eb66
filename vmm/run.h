/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TURTLE_RUN_H
#define TURTLE_RUN_H

#include "cli.h"

/* Boot and serve a VM; returns turtle's exit status. */
int turtle__run(const struct run_opts *o);

#endif
