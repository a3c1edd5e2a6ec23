/* SPDX-License-Identifier: MIT */
/*
 * Emulated PL011 (Arm DDI 0183), one per VM.  Output goes into the VM's
 * console ring at once, so the transmit FIFO is always empty; input comes from
 * the console into a receive FIFO.  The interrupt output is level-sensitive:
 * (RIS & IMSC) != 0 drives the VM's UART SPI.
 */
#include "core/vpl011.h"
#include "core/vm.h"
#include "core/console.h"
#include "arch/regs.h"

#define RX_INTS (UART_INT_RX | UART_INT_RT)

static void update_irq(struct vpl011 *u)
{
    u->ris = (u->ris & ~RX_INTS) | (u->rx_count ? RX_INTS : 0);
    vgic_set_level(u->vm, u->intid, (u->ris & u->imsc) != 0);
}

void vpl011_init(struct vpl011 *u, struct vm *vm, uint32_t intid)
{
    u->vm = vm;
    u->intid = intid;
    u->cr = UART_CR_TXE | UART_CR_RXE;    /* reset value (DDI 0183 3.3.8) */
    u->lcr_h = u->ibrd = u->fbrd = u->imsc = u->dmacr = 0;
    u->ifls = UART_IFLS_RESET;
    u->ris = 0;
    u->rx_head = u->rx_count = 0;
}

bool vpl011_push_input(struct vpl011 *u, char c)
{
    bool ok = false;
    spin_lock(&u->lock);
    if (u->rx_count < VPL011_FIFO) {
        u->rx[(u->rx_head + u->rx_count) % VPL011_FIFO] = (uint8_t)c;
        u->rx_count++;
        ok = true;
        update_irq(u);
    }
    spin_unlock(&u->lock);
    return ok;
}

static uint32_t id_byte(uint64_t off)
{
    uint32_t ids = off >= UART_PCELLID0 ? UART_CELL_IDS : UART_IDS;
    uint64_t base = off >= UART_PCELLID0 ? UART_PCELLID0 : UART_PERIPHID0;
    return (ids >> (8 * ((off - base) / UART_ID_REG_STRIDE))) & 0xff;
}

static enum mmio_result uart_read(struct vcpu *v, void *dev, uint64_t off, unsigned width, uint64_t *val)
{
    struct vpl011 *u = dev;
    bool room = false;
    UNUSED(v); UNUSED(width);
    spin_lock(&u->lock);
    switch (off) {
    case UART_DR:
        *val = 0;
        if (u->rx_count) {
            *val = u->rx[u->rx_head];
            u->rx_head = (u->rx_head + 1) % VPL011_FIFO;
            u->rx_count--;
            update_irq(u);
            room = true;
        }
        break;
    case UART_FR:
        *val = UART_FR_TXFE | (u->rx_count ? 0 : UART_FR_RXFE) |
               (u->rx_count == VPL011_FIFO ? UART_FR_RXFF : 0);
        break;
    case UART_IBRD: *val = u->ibrd; break;
    case UART_FBRD: *val = u->fbrd; break;
    case UART_LCR_H: *val = u->lcr_h; break;
    case UART_CR: *val = u->cr; break;
    case UART_IFLS: *val = u->ifls; break;
    case UART_IMSC: *val = u->imsc; break;
    case UART_RIS: *val = u->ris; break;
    case UART_MIS: *val = u->ris & u->imsc; break;
    case UART_DMACR: *val = u->dmacr; break;
    default:
        *val = (off >= UART_PERIPHID0 && off < UART_SIZE) ? id_byte(off) : 0;
    }
    spin_unlock(&u->lock);
    if (room)
        console_input_room(u->vm);      /* outside the lock: it takes it again */
    return MMIO_OK;
}

static enum mmio_result uart_write(struct vcpu *v, void *dev, uint64_t off, unsigned width, uint64_t val)
{
    struct vpl011 *u = dev;
    UNUSED(width);
    spin_lock(&u->lock);
    if (off == UART_DR) {               /* the hot path: one byte into the ring */
        console_vm_putc(v->vm, (char)val);
        if (!(u->ris & UART_INT_TX)) {
            u->ris |= UART_INT_TX;      /* sent at once: FIFO below its level */
            update_irq(u);
        }
        spin_unlock(&u->lock);
        return MMIO_OK;
    }
    switch (off) {
    case UART_IBRD: u->ibrd = (uint32_t)val & UART_IBRD_MASK; break;
    case UART_FBRD: u->fbrd = (uint32_t)val & UART_FBRD_MASK; break;
    case UART_LCR_H: u->lcr_h = (uint32_t)val & UART_LCRH_MASK; break;
    case UART_CR: u->cr = (uint32_t)val & UART_CR_MASK; break;
    case UART_IFLS: u->ifls = (uint32_t)val & UART_IFLS_MASK; break;
    case UART_IMSC: u->imsc = (uint32_t)val & UART_INT_ALL; break;
    case UART_ICR: u->ris &= ~((uint32_t)val & UART_INT_ALL); break;
    case UART_DMACR: u->dmacr = (uint32_t)val & UART_DMACR_MASK; break;
    default: break;                     /* RSR/ECR, read-only and reserved: WI */
    }
    update_irq(u);
    spin_unlock(&u->lock);
    return MMIO_OK;
}

const struct mmio_ops vpl011_ops = {
    .name = "vPL011",
    .read = uart_read,
    .write = uart_write,
};
