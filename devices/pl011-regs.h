/* SPDX-License-Identifier: GPL-2.0 */
/* PL011 register offsets and bits (PrimeCell UART PL011 TRM, 3.2-3.3). */
#ifndef TURTLE_DEVICES_PL011_REGS_H
#define TURTLE_DEVICES_PL011_REGS_H

#define UARTDR 0x000
#define UARTRSR 0x004
#define UARTFR 0x018
#define UARTILPR 0x020
#define UARTIBRD 0x024
#define UARTFBRD 0x028
#define UARTLCR_H 0x02c
#define UARTCR 0x030
#define UARTIFLS 0x034
#define UARTIMSC 0x038
#define UARTRIS 0x03c
#define UARTMIS 0x040
#define UARTICR 0x044
#define UARTDMACR 0x048
#define UARTPERIPHID0 0xfe0

#define FR_RXFE (1U << 4)
#define FR_TXFF (1U << 5)
#define FR_RXFF (1U << 6)
#define FR_TXFE (1U << 7)

#define INT_RX (1U << 4)
#define INT_TX (1U << 5)
#define INT_RT (1U << 6)
#define INT_ALL 0x7ffU

#define LCR_H_FEN (1U << 4)

#endif
