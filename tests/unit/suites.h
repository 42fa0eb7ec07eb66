/* SPDX-License-Identifier: GPL-2.0 */
/* The unit test suites: one per portable source file, or per concern of one. */
#ifndef TURTLE_TESTS_UNIT_SUITES_H
#define TURTLE_TESTS_UNIT_SUITES_H

#include <check.h>
#include <string.h>

/*
 * Time limits on what must happen: a test waits for the event itself, and
 * the limit only turns a hang into a failure. Check's per-test timeouts
 * and the tests' own limits are both multiplied by CK_TIMEOUT_MULTIPLIER,
 * which main sets to UNIT_TIMEOUT_MULTIPLIER unless the environment does,
 * so that a slow but correct test on a loaded machine still passes.
 */
#define UNIT_TIMEOUT_MULTIPLIER "10"
int unit__wait_ms(int ms);

Suite *image_suite(void);
Suite *log_suite(void);
Suite *heap_suite(void);
Suite *layout_suite(void);
Suite *fdt_suite(void);
Suite *cli_suite(void);
Suite *cpu_features_suite(void);
Suite *cli_mem_suite(void);
Suite *cli_devices_suite(void);
Suite *mmio_suite(void);
Suite *pl011_suite(void);
Suite *pl031_suite(void);
Suite *exit_probe_suite(void);
Suite *direct_suite(void);
Suite *escape_suite(void);
Suite *kvm_check_suite(void);
Suite *reboot_suite(void);
Suite *loader_suite(void);
Suite *virtqueue_suite(void);
Suite *virtqueue_pages_suite(void);
Suite *blk_suite(void);
Suite *blk_map_suite(void);
Suite *copy_suite(void);
Suite *virtio_mmio_suite(void);
Suite *vsock_conn_suite(void);
Suite *vsock_conn_credit_suite(void);
Suite *vsock_conn_rx_suite(void);
Suite *vsock_conn_malformed_suite(void);
Suite *vsock_parse_suite(void);
Suite *vsock_suite(void);
Suite *vsock_unix_suite(void);
Suite *vsock_unix_limits_suite(void);
Suite *vsock_svc_suite(void);
Suite *seccomp_suite(void);
Suite *exec_proto_suite(void);
Suite *exec_cli_suite(void);
Suite *exec_suite(void);
Suite *agent_exec_suite(void);
Suite *agent_run_as_suite(void);
Suite *agent_mount_suite(void);
Suite *fuse_server_suite(void);
Suite *fuse_locks_suite(void);
Suite *fuse_fds_suite(void);
Suite *fuse_confine_suite(void);
Suite *fuse_malformed_suite(void);
Suite *fuse_cache_suite(void);
Suite *fuse_mapped_suite(void);
Suite *fuse_perms_suite(void);
Suite *fuse_session_suite(void);
Suite *fuse_window_suite(void);
Suite *fuse_budget_suite(void);
Suite *fuse_reply_buf_suite(void);
Suite *fuse_client_suite(void);
Suite *fuse_client_writes_suite(void);
Suite *fuse_client_posix_suite(void);
Suite *fuse_client_hello_suite(void);
Suite *privs_suite(void);
Suite *sandbox_suite(void);

/* The error message err mentions the text s. */
#define ck_assert_err_has(err, s)                                            \
	ck_assert_msg(strstr((err), (s)) != NULL,                            \
		      "error message \"%s\" does not mention \"%s\"", (err), \
		      (s))

#endif
