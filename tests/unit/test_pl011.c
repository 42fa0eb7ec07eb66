// SPDX-License-Identifier: GPL-2.0
/* The PL011 UART, driven through its MMIO handlers as a guest would. */
#include <stdint.h>
#include <string.h>

#include "../../devices/pl011-regs.h"
#include "../../devices/pl011.h"
#include "suites.h"

/* What the UART did to the outside world. */
struct host {
	int level;
	unsigned int irq_calls;
	uint8_t out[256];
	size_t nout;
};

static struct pl011 uart;
static struct host host;

static void fake_set_irq(void *ctx, int level)
{
	struct host *h = ctx;

	h->level = level;
	h->irq_calls++;
}

static void fake_output(void *ctx, const uint8_t *buf, size_t len)
{
	struct host *h = ctx;

	ck_assert_uint_le(h->nout + len, sizeof(h->out));
	memcpy(h->out + h->nout, buf, len);
	h->nout += len;
}

static void setup(void)
{
	memset(&host, 0, sizeof(host));
	pl011__init(&uart, fake_set_irq, fake_output, &host);
}

static uint32_t rd(uint64_t off)
{
	uint8_t data[4] = { 0 };
	uint32_t v;

	pl011__mmio_ops.read(&uart, off, data, 4);
	v = (uint32_t)data[0] | (uint32_t)data[1] << 8 |
	    (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24;
	return v;
}

static void wr(uint64_t off, uint32_t v)
{
	uint8_t data[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			    (uint8_t)(v >> 24) };

	pl011__mmio_ops.write(&uart, off, data, 4);
}

static size_t push(const char *s)
{
	return pl011__rx_push(&uart, (const uint8_t *)s, strlen(s));
}

START_TEST(test_pl011_init_raises_no_irq)
{
	ck_assert_uint_eq(host.irq_calls, 0);
	ck_assert_int_eq(uart.irq_level, 0);
	ck_assert_uint_eq(rd(UARTCR), 0x300);
	ck_assert_uint_eq(rd(UARTIMSC), 0);
}
END_TEST

START_TEST(test_pl011_dr_write_outputs_byte)
{
	wr(UARTDR, 'A');
	ck_assert_uint_eq(host.nout, 1);
	ck_assert_uint_eq(host.out[0], 'A');
}
END_TEST

START_TEST(test_pl011_dr_writes_output_in_order)
{
	const char *msg = "hello\n";
	size_t i;

	for (i = 0; i < strlen(msg); i++)
		wr(UARTDR, (uint8_t)msg[i]);
	ck_assert_uint_eq(host.nout, strlen(msg));
	ck_assert_mem_eq(host.out, msg, strlen(msg));
}
END_TEST

START_TEST(test_pl011_dr_byte_write_outputs_byte)
{
	uint8_t c = 'z';

	pl011__mmio_ops.write(&uart, UARTDR, &c, 1);
	ck_assert_uint_eq(host.nout, 1);
	ck_assert_uint_eq(host.out[0], 'z');
}
END_TEST

START_TEST(test_pl011_dr_write_keeps_low_byte_only)
{
	wr(UARTDR, 0xf00 | 'q');
	ck_assert_uint_eq(host.nout, 1);
	ck_assert_uint_eq(host.out[0], 'q');
}
END_TEST

START_TEST(test_pl011_unaligned_write_ignored)
{
	uint8_t c = 'x';

	pl011__mmio_ops.write(&uart, UARTDR + 1, &c, 1);
	ck_assert_uint_eq(host.nout, 0);
}
END_TEST

START_TEST(test_pl011_fr_empty_rx_fifo)
{
	uint32_t fr = rd(UARTFR);

	ck_assert_uint_eq(fr & FR_RXFE, FR_RXFE);
	ck_assert_uint_eq(fr & FR_RXFF, 0);
	ck_assert_uint_eq(fr & FR_TXFE, FR_TXFE);
	ck_assert_uint_eq(fr & FR_TXFF, 0);
}
END_TEST

START_TEST(test_pl011_fr_tx_never_full)
{
	unsigned int i;

	for (i = 0; i < 100; i++) {
		wr(UARTDR, 'a' + i % 26);
		ck_assert_uint_eq(rd(UARTFR) & FR_TXFF, 0);
	}
	ck_assert_uint_eq(host.nout, 100);
}
END_TEST

START_TEST(test_pl011_id_registers)
{
	static const uint8_t want[8] = { 0x11, 0x10, 0x14, 0x00,
					 0x0d, 0xf0, 0x05, 0xb1 };
	unsigned int i;

	for (i = 0; i < 8; i++)
		ck_assert_msg(rd(0xfe0 + 4 * i) == want[i],
			      "ID register 0x%x reads 0x%x, not 0x%x",
			      0xfe0 + 4 * i, rd(0xfe0 + 4 * i), want[i]);
}
END_TEST

START_TEST(test_pl011_rx_bytes_read_in_order)
{
	ck_assert_uint_eq(push("abc"), 3);
	ck_assert_uint_eq(rd(UARTFR) & FR_RXFE, 0);
	ck_assert_uint_eq(rd(UARTDR), 'a');
	ck_assert_uint_eq(rd(UARTDR), 'b');
	ck_assert_uint_eq(rd(UARTFR) & FR_RXFE, 0);
	ck_assert_uint_eq(rd(UARTDR), 'c');
	ck_assert_uint_eq(rd(UARTFR) & FR_RXFE, FR_RXFE);
}
END_TEST

START_TEST(test_pl011_rx_byte_read_of_dr)
{
	uint8_t c = 0;

	push("k");
	pl011__mmio_ops.read(&uart, UARTDR, &c, 1);
	ck_assert_uint_eq(c, 'k');
	ck_assert_uint_eq(rd(UARTFR) & FR_RXFE, FR_RXFE);
}
END_TEST

/* Only an access that includes DR's byte 0 takes a byte from the FIFO. */
START_TEST(test_pl011_unaligned_dr_read_keeps_fifo)
{
	uint8_t c[4];

	push("xy");
	pl011__mmio_ops.read(&uart, UARTDR + 1, c, 1);
	pl011__mmio_ops.read(&uart, UARTDR + 2, c, 1);
	pl011__mmio_ops.read(&uart, UARTDR + 3, c, 1);
	pl011__mmio_ops.read(&uart, UARTDR + 1, c, 2);
	pl011__mmio_ops.read(&uart, UARTDR + 2, c, 2);
	ck_assert_uint_eq(pl011__rx_space(&uart), PL011_FIFO_LEN - 2);
	ck_assert_int_eq(host.level, 0);
	wr(UARTIMSC, INT_RX);
	ck_assert_int_eq(host.level, 1);
	pl011__mmio_ops.read(&uart, UARTDR + 1, c, 1);
	ck_assert_int_eq(host.level, 1); /* no FIFO change, no IRQ change */
	c[0] = 0;
	pl011__mmio_ops.read(&uart, UARTDR, c, 2);
	ck_assert_uint_eq(c[0], 'x');
	ck_assert_uint_eq(rd(UARTDR), 'y');
}
END_TEST

START_TEST(test_pl011_dr_read_when_empty_is_zero)
{
	ck_assert_uint_eq(rd(UARTDR), 0);
	ck_assert_uint_eq(rd(UARTFR) & FR_RXFE, FR_RXFE);
}
END_TEST

START_TEST(test_pl011_rx_fifo_holds_32_bytes)
{
	uint8_t buf[40];
	unsigned int i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)i;
	ck_assert_uint_eq(pl011__rx_push(&uart, buf, sizeof(buf)),
			  PL011_FIFO_LEN);
	ck_assert_uint_eq(PL011_FIFO_LEN, 32);
	ck_assert_uint_eq(pl011__rx_space(&uart), 0);
	ck_assert_uint_eq(rd(UARTFR) & FR_RXFF, FR_RXFF);
	ck_assert_uint_eq(pl011__rx_push(&uart, buf, 1), 0);
	for (i = 0; i < PL011_FIFO_LEN; i++)
		ck_assert_uint_eq(rd(UARTDR), i);
	ck_assert_uint_eq(rd(UARTFR) & FR_RXFE, FR_RXFE);
}
END_TEST

START_TEST(test_pl011_rx_space_tracks_reads)
{
	ck_assert_uint_eq(pl011__rx_space(&uart), PL011_FIFO_LEN);
	push("0123456789");
	ck_assert_uint_eq(pl011__rx_space(&uart), PL011_FIFO_LEN - 10);
	rd(UARTDR);
	ck_assert_uint_eq(pl011__rx_space(&uart), PL011_FIFO_LEN - 9);
}
END_TEST

START_TEST(test_pl011_rx_fifo_wraps_around)
{
	char want[31];
	unsigned int i;

	push("0123456789abcdefghij"); /* 20 */
	for (i = 0; i < 20; i++)
		rd(UARTDR);
	for (i = 0; i < 30; i++)
		want[i] = 'A' + i;
	want[30] = '\0';
	ck_assert_uint_eq(push(want), 30);
	for (i = 0; i < 30; i++)
		ck_assert_uint_eq(rd(UARTDR), (uint8_t)want[i]);
	ck_assert_uint_eq(rd(UARTFR) & FR_RXFE, FR_RXFE);
}
END_TEST

START_TEST(test_pl011_rx_irq_follows_fifo)
{
	wr(UARTIMSC, INT_RX);
	ck_assert_int_eq(host.level, 0);
	push("xy");
	ck_assert_int_eq(host.level, 1);
	rd(UARTDR);
	ck_assert_int_eq(host.level, 1);
	rd(UARTDR);
	ck_assert_int_eq(host.level, 0);
	ck_assert_uint_eq(host.irq_calls, 2);
}
END_TEST

START_TEST(test_pl011_rx_irq_on_unmask_with_pending_data)
{
	push("x");
	ck_assert_uint_eq(host.irq_calls, 0);
	wr(UARTIMSC, INT_RX);
	ck_assert_int_eq(host.level, 1);
}
END_TEST

START_TEST(test_pl011_rx_timeout_irq_follows_fifo)
{
	wr(UARTIMSC, INT_RT);
	push("x");
	ck_assert_int_eq(host.level, 1);
	rd(UARTDR);
	ck_assert_int_eq(host.level, 0);
}
END_TEST

START_TEST(test_pl011_masked_rx_raises_no_irq)
{
	push("abc");
	ck_assert_uint_eq(host.irq_calls, 0);
	ck_assert_int_eq(host.level, 0);
	ck_assert_uint_eq(rd(UARTMIS), 0);
}
END_TEST

START_TEST(test_pl011_tx_irq_always_pending)
{
	wr(UARTIMSC, INT_TX);
	ck_assert_int_eq(host.level, 1);
	ck_assert_uint_eq(rd(UARTMIS), INT_TX);
	wr(UARTDR, '!');
	ck_assert_int_eq(host.level, 1);
}
END_TEST

START_TEST(test_pl011_mask_lowers_irq)
{
	wr(UARTIMSC, INT_TX);
	ck_assert_int_eq(host.level, 1);
	wr(UARTIMSC, 0);
	ck_assert_int_eq(host.level, 0);
}
END_TEST

START_TEST(test_pl011_ris_rx_follows_fifo)
{
	ck_assert_uint_eq(rd(UARTRIS) & (INT_RX | INT_RT), 0);
	ck_assert_uint_eq(rd(UARTRIS) & INT_TX, INT_TX);
	push("a");
	ck_assert_uint_eq(rd(UARTRIS) & (INT_RX | INT_RT), INT_RX | INT_RT);
	rd(UARTDR);
	ck_assert_uint_eq(rd(UARTRIS) & (INT_RX | INT_RT), 0);
}
END_TEST

START_TEST(test_pl011_icr_cannot_clear_rx_while_data_waits)
{
	wr(UARTIMSC, INT_RX | INT_RT);
	push("ab");
	wr(UARTICR, INT_RX | INT_RT);
	ck_assert_uint_eq(rd(UARTRIS) & (INT_RX | INT_RT), INT_RX | INT_RT);
	ck_assert_int_eq(host.level, 1);
}
END_TEST

START_TEST(test_pl011_icr_cannot_clear_tx)
{
	wr(UARTICR, 0x7ff);
	ck_assert_uint_eq(rd(UARTRIS) & INT_TX, INT_TX);
}
END_TEST

START_TEST(test_pl011_mis_is_ris_masked)
{
	push("a");
	wr(UARTIMSC, INT_RX);
	ck_assert_uint_eq(rd(UARTMIS), rd(UARTRIS) & INT_RX);
	ck_assert_uint_eq(rd(UARTMIS), INT_RX);
}
END_TEST

START_TEST(test_pl011_control_registers_read_back)
{
	wr(UARTIBRD, 0x12345);
	wr(UARTFBRD, 0xff);
	wr(UARTLCR_H, 0x170);
	wr(UARTCR, 0x10301);
	wr(UARTIFLS, 0xff);
	wr(UARTIMSC, 0xffffffff);
	wr(UARTDMACR, 0xff);
	ck_assert_uint_eq(rd(UARTIBRD), 0x2345);
	ck_assert_uint_eq(rd(UARTFBRD), 0x3f);
	ck_assert_uint_eq(rd(UARTLCR_H), 0x70);
	ck_assert_uint_eq(rd(UARTCR), 0x0301);
	ck_assert_uint_eq(rd(UARTIFLS), 0x3f);
	ck_assert_uint_eq(rd(UARTIMSC), 0x7ff);
	ck_assert_uint_eq(rd(UARTDMACR), 7);
}
END_TEST

START_TEST(test_pl011_reset_values)
{
	ck_assert_uint_eq(rd(UARTCR), 0x300);
	ck_assert_uint_eq(rd(UARTIFLS), 0x12);
	ck_assert_uint_eq(rd(UARTIBRD), 0);
	ck_assert_uint_eq(rd(UARTLCR_H), 0);
}
END_TEST

Suite *pl011_suite(void)
{
	Suite *s = suite_create("pl011");
	TCase *tc;

	tc = tcase_create("tx");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_pl011_init_raises_no_irq);
	tcase_add_test(tc, test_pl011_dr_write_outputs_byte);
	tcase_add_test(tc, test_pl011_dr_writes_output_in_order);
	tcase_add_test(tc, test_pl011_dr_byte_write_outputs_byte);
	tcase_add_test(tc, test_pl011_dr_write_keeps_low_byte_only);
	tcase_add_test(tc, test_pl011_unaligned_write_ignored);
	tcase_add_test(tc, test_pl011_fr_empty_rx_fifo);
	tcase_add_test(tc, test_pl011_fr_tx_never_full);
	tcase_add_test(tc, test_pl011_id_registers);
	tcase_add_test(tc, test_pl011_control_registers_read_back);
	tcase_add_test(tc, test_pl011_reset_values);
	suite_add_tcase(s, tc);

	tc = tcase_create("rx");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_pl011_rx_bytes_read_in_order);
	tcase_add_test(tc, test_pl011_rx_byte_read_of_dr);
	tcase_add_test(tc, test_pl011_unaligned_dr_read_keeps_fifo);
	tcase_add_test(tc, test_pl011_dr_read_when_empty_is_zero);
	tcase_add_test(tc, test_pl011_rx_fifo_holds_32_bytes);
	tcase_add_test(tc, test_pl011_rx_space_tracks_reads);
	tcase_add_test(tc, test_pl011_rx_fifo_wraps_around);
	suite_add_tcase(s, tc);

	tc = tcase_create("irq");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_pl011_rx_irq_follows_fifo);
	tcase_add_test(tc, test_pl011_rx_irq_on_unmask_with_pending_data);
	tcase_add_test(tc, test_pl011_rx_timeout_irq_follows_fifo);
	tcase_add_test(tc, test_pl011_masked_rx_raises_no_irq);
	tcase_add_test(tc, test_pl011_tx_irq_always_pending);
	tcase_add_test(tc, test_pl011_mask_lowers_irq);
	tcase_add_test(tc, test_pl011_ris_rx_follows_fifo);
	tcase_add_test(tc, test_pl011_icr_cannot_clear_rx_while_data_waits);
	tcase_add_test(tc, test_pl011_icr_cannot_clear_tx);
	tcase_add_test(tc, test_pl011_mis_is_ris_masked);
	suite_add_tcase(s, tc);

	return s;
}
