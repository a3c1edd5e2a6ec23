/* SPDX-License-Identifier: MIT */
/*
 * Emulated PL011 (Arm DDI 0183), one per VM.  Output goes into the VM's
 * console ring at once, so the transmit FIFO is always empty; reads come
 * from a read-only page of register values while no input waits (see
 * struct vpl011), so that a console polling UARTFR costs no exit; input comes from
 * the console into a receive FIFO.  The interrupt output is level-sensitive:
 * (RIS & IMSC) != 0 drives the VM's UART SPI.
 */
#include "core/vpl011.h"
#include "core/vm.h"
#include "core/console.h"
#include "arch/regs.h"
#include "core/primecell.h"

#define RX_INTS (UART_INT_RX | UART_INT_RT)
#define REG(off) ((off) / sizeof(uint32_t))
/* The registers up to UARTDMACR, one cache line or two. */
#define SHADOW_REGS_BYTES (UART_DMACR + sizeof(uint32_t))

static uint32_t flags(const struct vpl011 *u)
{
    return UART_FR_TXFE | (u->rx_count ? 0 : UART_FR_RXFE) |
           (u->rx_count == VPL011_FIFO ? UART_FR_RXFF : 0);
}

/* The read-only page says what a read would return now. */
static void shadow_sync(struct vpl011 *u)
{
    uint32_t *r = u->shadow;
    if (!r)
        return;
    r[REG(UART_FR)] = flags(u);
    r[REG(UART_IBRD)] = u->ibrd;
    r[REG(UART_FBRD)] = u->fbrd;
    r[REG(UART_LCR_H)] = u->lcr_h;
    r[REG(UART_CR)] = u->cr;
    r[REG(UART_IFLS)] = u->ifls;
    r[REG(UART_IMSC)] = u->imsc;
    r[REG(UART_RIS)] = u->ris;
    r[REG(UART_MIS)] = u->ris & u->imsc;
    r[REG(UART_DMACR)] = u->dmacr;
    vm_shadow_publish(r, SHADOW_REGS_BYTES);
}

/* Map the page while a read of UARTDR has no side effect: no input waits. */
static void shadow_follow_fifo(struct vpl011 *u, bool will_have_input)
{
    bool map = u->shadow && !will_have_input;
    if (map != u->shadow_mapped) {
        vm_shadow_map(u->vm, u->shadow_pte, map);
        u->shadow_mapped = map;
    }
}

static void update_irq(struct vpl011 *u)
{
    u->ris = (u->ris & ~RX_INTS) | (u->rx_count ? RX_INTS : 0);
    shadow_sync(u);
    vgic_set_level(u->vm, u->intid, (u->ris & u->imsc) != 0);
}

static uint32_t id_byte(uint64_t off)
{
    return primecell_id(off, UART_IDS, UART_CELL_IDS);
}

void vpl011_attach_shadow(struct vpl011 *u, uint32_t *page, uint64_t *pte)
{
    u->shadow = page;
    u->shadow_pte = pte;
    u->shadow_mapped = true;            /* the VM's builder mapped it */
    for (uint64_t off = PRIMECELL_ID_BASE; off < PRIMECELL_FRAME; off += PRIMECELL_ID_STRIDE)
        page[REG(off)] = id_byte(off);
    vm_shadow_publish(&page[REG(PRIMECELL_ID_BASE)], PRIMECELL_FRAME - PRIMECELL_ID_BASE);
}

void vpl011_init(struct vpl011 *u, struct vm *vm, uint32_t intid)
{
    /* Under the lock: the console may push input into the FIFO meanwhile,
     * and the page must end up mapped exactly when the FIFO is empty. */
    spin_lock(&u->lock);
    u->vm = vm;
    u->intid = intid;
    u->cr = UART_CR_TXE | UART_CR_RXE;    /* reset value (DDI 0183 3.3.8) */
    u->lcr_h = u->ibrd = u->fbrd = u->imsc = u->dmacr = 0;
    u->ifls = UART_IFLS_RESET;
    u->ris = 0;
    u->rx_head = u->rx_count = 0;
    shadow_sync(u);
    shadow_follow_fifo(u, false);
    spin_unlock(&u->lock);
}

bool vpl011_push_input(struct vpl011 *u, char c)
{
    bool ok = false;
    spin_lock(&u->lock);
    if (u->rx_count < VPL011_FIFO) {
        shadow_follow_fifo(u, true);    /* UARTDR's reads must trap first */
        u->rx[(u->rx_head + u->rx_count) % VPL011_FIFO] = (uint8_t)c;
        u->rx_count++;
        ok = true;
        update_irq(u);
    }
    spin_unlock(&u->lock);
    return ok;
}

static uint64_t uart_read(struct vcpu *v, void *dev, uint64_t off, unsigned width)
{
    struct vpl011 *u = dev;
    uint64_t val = 0;
    bool room = false;
    UNUSED(v); UNUSED(width);
    spin_lock(&u->lock);
    switch (off) {
    case UART_DR:
        if (u->rx_count) {
            val = u->rx[u->rx_head];
            u->rx_head = (u->rx_head + 1) % VPL011_FIFO;
            u->rx_count--;
            update_irq(u);
            shadow_follow_fifo(u, u->rx_count != 0);
            room = true;
        }
        break;
    case UART_FR:
        val = flags(u);
        break;
    case UART_IBRD: val = u->ibrd; break;
    case UART_FBRD: val = u->fbrd; break;
    case UART_LCR_H: val = u->lcr_h; break;
    case UART_CR: val = u->cr; break;
    case UART_IFLS: val = u->ifls; break;
    case UART_IMSC: val = u->imsc; break;
    case UART_RIS: val = u->ris; break;
    case UART_MIS: val = u->ris & u->imsc; break;
    case UART_DMACR: val = u->dmacr; break;
    default:
        val = primecell_is_id(off) ? id_byte(off) : 0;
    }
    spin_unlock(&u->lock);
    if (room)
        console_input_room(u->vm);      /* outside the lock: it takes it again */
    return val;
}

static enum mmio_result __attribute__((noinline)) uart_write_reg(struct vpl011 *u, uint64_t off, uint64_t val)
{
    spin_lock(&u->lock);
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

/* The hot path, a console's byte: into the VM's ring, under the lock that
 * keeps its vCPUs' bytes in order. */
static enum mmio_result uart_write(struct vcpu *v, void *dev, uint64_t off, unsigned width, uint64_t val)
{
    struct vpl011 *u = dev;
    UNUSED(width);
    if (off != UART_DR)
        return uart_write_reg(u, off, val);
    spin_lock(&u->lock);
    console_vm_putc(v->vm, (char)val);
    if (__builtin_expect(!(u->ris & UART_INT_TX), 0)) {
        u->ris |= UART_INT_TX;          /* sent at once: FIFO below its level */
        update_irq(u);
    }
    spin_unlock(&u->lock);
    return MMIO_OK;
}

const struct mmio_ops vpl011_ops = {
    .name = "vPL011",
    .read = uart_read,
    .write = uart_write,
};
