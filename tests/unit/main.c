// SPDX-License-Identifier: GPL-2.0
/*
 * The unit test runner: every suite, one report. CK_FORK (the environment
 * variable) chooses whether each test runs in its own process; the default
 * is to fork, so a crash fails one test instead of the run.
 * CK_TIMEOUT_MULTIPLIER scales every time limit (see suites.h).
 */
#include <limits.h>
#include <stdlib.h>

#include "suites.h"

/* ms, times CK_TIMEOUT_MULTIPLIER. */
int unit__wait_ms(int ms)
{
	const char *env = getenv("CK_TIMEOUT_MULTIPLIER");
	double m = env ? strtod(env, NULL) : 1;

	if (!(m >= 1))
		m = 1;
	if (ms * m > INT_MAX)
		return INT_MAX;
	return (int)(ms * m);
}

int main(void)
{
	Suite *(*const suites[])(void) = {
		image_suite,
		log_suite,
		heap_suite,
		layout_suite,
		fdt_suite,
		cli_suite,
		cpu_features_suite,
		cli_mem_suite,
		cli_devices_suite,
		mmio_suite,
		pl011_suite,
		pl031_suite,
		exit_probe_suite,
		direct_suite,
		escape_suite,
		kvm_check_suite,
		reboot_suite,
		loader_suite,
		virtqueue_suite,
		virtqueue_pages_suite,
		blk_suite,
		blk_map_suite,
		copy_suite,
		virtio_mmio_suite,
		vsock_conn_suite,
		vsock_conn_credit_suite,
		vsock_conn_rx_suite,
		vsock_conn_malformed_suite,
		vsock_parse_suite,
		vsock_suite,
		vsock_unix_suite,
		vsock_unix_limits_suite,
		vsock_svc_suite,
		exec_proto_suite,
		exec_cli_suite,
		exec_suite,
		agent_exec_suite,
		agent_run_as_suite,
		agent_mount_suite,
		fuse_server_suite,
		fuse_locks_suite,
		fuse_fds_suite,
		fuse_confine_suite,
		fuse_malformed_suite,
		fuse_cache_suite,
		fuse_mapped_suite,
		fuse_perms_suite,
		fuse_session_suite,
		fuse_window_suite,
		fuse_budget_suite,
		fuse_reply_buf_suite,
		fuse_client_suite,
		fuse_client_writes_suite,
		fuse_client_posix_suite,
		fuse_client_hello_suite,
		privs_suite,
		sandbox_suite,
		seccomp_suite,
	};
	SRunner *sr;
	unsigned int i;
	int failed;

	/* Before the suites are made: Check reads it in tcase_set_timeout. */
	setenv("CK_TIMEOUT_MULTIPLIER", UNIT_TIMEOUT_MULTIPLIER, 0);
	sr = srunner_create(NULL);
	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
