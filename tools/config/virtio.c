/* SPDX-License-Identifier: MIT */
/*
 * /virtio: devices a backend VM serves to a frontend VM (docs/config.md,
 * docs/virtio.md).
 *
 *   virtio {
 *       disk0 { type = "block"; frontend = <&app>; backend = <&vblk>;
 *               ram-disk-size = <0x0 0x1000000>; };
 *   };
 *
 * parse_virtio: each child's properties, both VMs (they become IPC peers:
 * the backend hears of events through its doorbell) and its transport.
 * layout_virtio: in the frontend, the device's virtio-mmio window (0x200
 * bytes in QEMU virt's virtio-mmio area) and SPI, or (transport = "pci")
 * its slot on the frontend's virtual ECAM and its BAR0; its window onto the
 * frontend's RAM in the backend.  guestdt_virtio: the frontend's
 * "virtio,mmio" node, or one host bridge for its virtio-pci functions; the
 * backend's "tofu,virtio-backend" node.  emit_virtio: config.c's table.
 */
#include <inttypes.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>
#include "arch/regs.h"
#include "tofu/virtio.h"
#include "tofu_config.h"


#define PATH_PROP_MAX    255u        /* a backing file's path, bytes */
#define IFNAME_MAX       15u         /* a Linux interface name (IFNAMSIZ - 1) */

/* The MAC address of net device `index` without a `mac`: locally
 * administered, unicast, "tofu" and the index. */
static const uint8_t mac_prefix[VIRTIO_NET_MAC_BYTES - 1] = { 0x02, 't', 'o', 'f', 'u' };

/* The types tofu serves, and the properties each takes beside type,
 * frontend and backend. */
static const struct {
    const char *name;
    uint32_t device_id;
    const char *const props[3];
} types[] = {
    { "block", VIRTIO_ID_BLOCK, { "ram-disk-size", "backing", NULL } },
    { "net", VIRTIO_ID_NET, { "mac", "bridge", NULL } },
    { "console", VIRTIO_ID_CONSOLE, { NULL } },
};

static const char *type_name(uint32_t id)
{
    for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (types[i].device_id == id)
            return types[i].name;
    return "?";
}

/* The VM a phandle property names, by its index in s->vms. */
static unsigned vm_ref(const struct sys *s, const void *fdt, int node, const char *path, const char *prop)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, prop, &len);
    if (!p)
        refuse(path, "missing property '%s' (write %s = <&vm>)", prop, prop);
    if (len != 4)
        refuse(path, "%s must name one VM (<&vm>)", prop);
    return vm_by_phandle(s, fdt, fdt32_to_cpu(p[0]), path, prop, prop);
}

/* An optional string property: NULL if absent; refused unless one string
 * of 1..max bytes, without a newline. */
static const char *opt_string(const void *fdt, int node, const char *path, const char *prop, unsigned max)
{
    int len;
    const char *v = fdt_getprop(fdt, node, prop, &len);
    if (!v)
        return NULL;
    if (len < 2 || v[len - 1] != '\0' || strlen(v) + 1 != (size_t)len || (unsigned)len - 1 > max || strchr(v, '\n'))
        refuse(path, "%s must be one string of 1 to %u characters", prop, max);
    return v;
}

static void parse_block(struct sys *s, const void *fdt, int node, struct virtio_dev_model *m, unsigned be)
{
    const char *path = m->node;
    int len;
    const fdt32_t *sz = fdt_getprop(fdt, node, "ram-disk-size", &len);
    if (!sz)
        refuse(path, "missing property 'ram-disk-size' (the disk's size: a RAM disk of the backend, or "
               "what of 'backing' it serves)");
    if (len != 8)
        refuse(path, "ram-disk-size must be 2 cells (<size-hi size-lo>)");
    m->ram_disk_size = ((uint64_t)fdt32_to_cpu(sz[0]) << 32) | fdt32_to_cpu(sz[1]);
    if (!m->ram_disk_size || m->ram_disk_size % VIRTIO_BLK_SECTOR_BYTES || m->ram_disk_size > VIRTIO_RAM_DISK_MAX)
        refuse(path, "ram-disk-size %#" PRIx64 " must be a non-zero multiple of %u bytes, at most %" PRIu64 " MiB",
               m->ram_disk_size, VIRTIO_BLK_SECTOR_BYTES, VIRTIO_RAM_DISK_MAX >> 20);
    m->backing = opt_string(fdt, node, path, "backing", PATH_PROP_MAX);
    if (m->backing && m->backing[0] != '/')
        refuse(path, "backing = \"%s\" must be an absolute path in the backend (a file or a block device)",
               m->backing);
    if (m->backing)
        return;                         /* the backend's file, not its RAM */
    const struct vm_config *bc = &s->vms[be].cfg;
    uint64_t disks = m->ram_disk_size;
    for (const struct virtio_dev_model *o = s->virtio; o < m; o++)
        if (o->cfg.backend == m->cfg.backend && !o->backing) disks += o->ram_disk_size;
    if (disks > bc->ram_size / 2)
        refuse(path, "ram-disk-size: backend '%s' would hold %" PRIu64 " MiB of RAM disks, more than half of its "
               "memory-size (%" PRIu64 " MiB)", bc->name, disks >> 20, bc->ram_size >> 20);
}

static void parse_net(const void *fdt, int node, struct virtio_dev_model *m, unsigned index)
{
    const char *path = m->node;
    int len;
    const uint8_t *mac = fdt_getprop(fdt, node, "mac", &len);
    if (mac) {
        if (len != VIRTIO_NET_MAC_BYTES)
            refuse(path, "mac must be %u bytes (mac = [02 00 00 00 00 01])", VIRTIO_NET_MAC_BYTES);
        if (mac[0] & 1)
            refuse(path, "mac %02x:%02x:%02x:%02x:%02x:%02x is a multicast address", mac[0], mac[1], mac[2], mac[3],
                   mac[4], mac[5]);
        bool zero = true;
        for (unsigned i = 0; i < VIRTIO_NET_MAC_BYTES; i++) zero &= !mac[i];
        if (zero)
            refuse(path, "mac 00:00:00:00:00:00 is no address");
        memcpy(m->mac, mac, VIRTIO_NET_MAC_BYTES);
    } else {
        memcpy(m->mac, mac_prefix, sizeof(mac_prefix));
        m->mac[VIRTIO_NET_MAC_BYTES - 1] = (uint8_t)index;
    }
    m->bridge = opt_string(fdt, node, path, "bridge", IFNAME_MAX);
    if (m->bridge && strpbrk(m->bridge, "/ \t:"))
        refuse(path, "bridge = \"%s\" is not a Linux interface name", m->bridge);
}

/* What the backend can serve: the bare-metal library serves RAM disks only;
 * tofu-vdev (a Linux backend: an arm64 Image) one block device without
 * `backing` (its FILE), distinct backings, and NICs with distinct MACs. */
static void check_backend(const struct sys *s, const struct virtio_dev_model *m, unsigned be)
{
    const struct vm *b = &s->vms[be];
    bool linux_be = b->kernel.has_header;
    if (!linux_be && (m->cfg.device_id != VIRTIO_ID_BLOCK || m->backing))
        refuse(m->node, "backend '%s' is not a Linux VM (its kernel is no arm64 Image): tofu's bare-metal backend "
               "serves RAM disks only (a block device without 'backing')", b->cfg.name);
    for (const struct virtio_dev_model *o = s->virtio; o < m; o++) {
        if (o->cfg.device_id == VIRTIO_ID_NET && m->cfg.device_id == VIRTIO_ID_NET && !memcmp(o->mac, m->mac, sizeof(m->mac)))
            refuse(m->node, "mac %02x:%02x:%02x:%02x:%02x:%02x is %s's too", m->mac[0], m->mac[1], m->mac[2], m->mac[3],
                   m->mac[4], m->mac[5], o->node);
        if (o->cfg.backend != m->cfg.backend || o->cfg.device_id != VIRTIO_ID_BLOCK || m->cfg.device_id != VIRTIO_ID_BLOCK)
            continue;
        if (m->backing && o->backing && !strcmp(m->backing, o->backing))
            refuse(m->node, "backing = \"%s\" backs %s too", m->backing, o->node);
        if (linux_be && !m->backing && !o->backing)
            refuse(m->node, "backend '%s' (Linux) serves one block device without 'backing' (%s is one): give "
                   "this one a backing", b->cfg.name, o->node);
    }
}

/* Does the VM have PCI devices of its own: functions (pci-functions,
 * pci-vfs), the host bridge or its windows among its devices, StreamIDs? */
static bool has_own_pci(const struct vm *vm)
{
    const struct vm_config *c = &vm->cfg;
    if (c->nr_pci_fns || c->nr_streams)
        return true;
    for (unsigned i = 0; i < c->nr_devices; i++)
        if (is_pcie_window(&c->devices[i]))
            return true;
    return false;
}

/*
 * transport: "mmio" (the default) or "pci".  A virtio-pci function
 * interrupts by MSI-X, so its frontend needs a virtual ITS; it sits on the
 * frontend's virtual ECAM, which this first version gives to virtio-pci
 * functions only (not beside the VM's own PCI devices).
 */
static uint32_t parse_transport(const void *fdt, int node, const char *path, const struct vm *fe)
{
    int len;
    const char *t = fdt_getprop(fdt, node, "transport", &len);
    if (!t)
        return VIRTIO_TRANSPORT_MMIO;
    if (len < 1 || t[len - 1] != '\0' || strlen(t) + 1 != (size_t)len)
        refuse(path, "transport must be one string: \"mmio\" or \"pci\"");
    if (!strcmp(t, "mmio"))
        return VIRTIO_TRANSPORT_MMIO;
    if (strcmp(t, "pci"))
        refuse(path, "transport = \"%s\": must be \"mmio\" or \"pci\"", t);
    if (!fe->its)
        refuse(path, "transport = \"pci\" needs an ITS in frontend '%s' (its;): a virtio-pci function interrupts "
               "by MSI-X", fe->cfg.name);
    if (has_own_pci(fe))
        refuse(path, "transport = \"pci\": frontend '%s' has PCI devices of its own: virtio-pci functions need "
               "its virtual ECAM to themselves", fe->cfg.name);
    return VIRTIO_TRANSPORT_PCI;
}

static void parse_one(struct sys *s, const void *fdt, int node, struct virtio_dev_model *m)
{
    const char *path = m->node;
    int len;
    const char *type = fdt_getprop(fdt, node, "type", &len);
    if (!type || len < 1 || type[len - 1] != '\0' || strlen(type) + 1 != (size_t)len)
        refuse(path, "missing property 'type' (one string: \"block\", \"net\" or \"console\")");
    unsigned t = 0;
    while (t < (sizeof(types) / sizeof(types[0])) && strcmp(types[t].name, type)) t++;
    if (t == (sizeof(types) / sizeof(types[0])))
        refuse(path, "type = \"%s\": tofu serves \"block\", \"net\" and \"console\"", type);
    int off;
    fdt_for_each_property_offset(off, fdt, node) {
        const char *name;
        fdt_getprop_by_offset(fdt, off, &name, NULL);
        bool ok = !strcmp(name, "name") || !strcmp(name, "phandle") || !strcmp(name, "type") ||
                  !strcmp(name, "frontend") || !strcmp(name, "backend") || !strcmp(name, "transport");
        for (const char *const *a = types[t].props; *a && !ok; a++) ok = !strcmp(name, *a);
        if (!ok) refuse(path, "unknown property '%s' for a %s device", name, type);
    }
    m->type = types[t].name;
    m->cfg.device_id = types[t].device_id;

    unsigned fe = vm_ref(s, fdt, node, path, "frontend"), be = vm_ref(s, fdt, node, path, "backend");
    if (fe == be)
        refuse(path, "frontend and backend are the same VM ('%s')", s->vms[fe].cfg.name);
    m->cfg.frontend = vm_id_of(s, &s->vms[fe]);
    m->cfg.backend = vm_id_of(s, &s->vms[be]);
    m->cfg.transport = parse_transport(fdt, node, path, &s->vms[fe]);
    if (m->cfg.device_id == VIRTIO_ID_BLOCK)
        parse_block(s, fdt, node, m, be);
    else if (m->cfg.device_id == VIRTIO_ID_NET)
        parse_net(fdt, node, m, s->nr_virtio);
    check_backend(s, m, be);
    if (tofu_virtio_identity(&m->cfg.identity, m->cfg.device_id, m->ram_disk_size, m->mac))
        die("tofu-config: no identity for virtio type %s", type);
}

void parse_virtio(struct sys *s, const void *fdt)
{
    int root = fdt_path_offset(fdt, "/virtio"), child;
    if (root < 0)
        return;
    int off;
    fdt_for_each_property_offset(off, fdt, root) {
        const char *name;
        fdt_getprop_by_offset(fdt, off, &name, NULL);
        if (strcmp(name, "name")) refuse("/virtio", "unknown property '%s'", name);
    }
    fdt_for_each_subnode(child, fdt, root) {
        char path[NODE_PATH_LEN];
        if (fdt_get_path(fdt, child, path, sizeof(path))) die("tofu-config: node path too long");
        if (s->nr_virtio == VIRTIO_MAX_DEVICES)
            refuse(path, "more than %d virtio devices", VIRTIO_MAX_DEVICES);
        struct virtio_dev_model *m = &s->virtio[s->nr_virtio];
        memset(m, 0, sizeof(*m));
        snprintf(m->node, sizeof(m->node), "%s", path);
        parse_one(s, fdt, child, m);
        unsigned per_fe = 0;
        for (const struct virtio_dev_model *o = s->virtio; o <= m; o++)
            per_fe += o->cfg.frontend == m->cfg.frontend;
        if (per_fe > VM_MAX_VIRTIO)
            refuse(path, "VM '%s' would be the frontend of more than %d virtio devices", s->vms[m->cfg.frontend - 1].cfg.name,
                   VM_MAX_VIRTIO);
        s->nr_virtio++;
        /* The backend hears of the device's events through tofu's IPC: the two VMs are peers. */
        s->vms[m->cfg.frontend - 1].cfg.ipc_peers |= UINT32_C(1) << m->cfg.backend;
        s->vms[m->cfg.backend - 1].cfg.ipc_peers |= UINT32_C(1) << m->cfg.frontend;
    }
}

static bool spi_used(const struct vm_config *c, uint32_t intid, const struct sys *s, const struct virtio_dev_model *upto)
{
    if (intid == c->uart_intid || intid == c->doorbell_intid || (c->wdog_clk_hz && intid == c->wdog_intid))
        return true;
    for (unsigned i = 0; i < c->nr_devices; i++)
        for (unsigned j = 0; j < c->devices[i].nr_irqs; j++)
            if (c->devices[i].irqs[j] == intid) return true;
    for (const struct virtio_dev_model *o = s->virtio; o < upto; o++)
        if (&s->vms[o->cfg.frontend - 1].cfg == c && o->cfg.intid == intid) return true;
    return false;
}

unsigned virtio_pci_fns(const struct sys *s, const struct vm *vm, const struct virtio_config **first)
{
    unsigned n = 0;
    for (unsigned i = 0; i < s->nr_virtio; i++) {
        const struct virtio_config *v = &s->virtio[i].cfg;
        if (v->frontend != vm_id_of(s, vm) || v->transport != VIRTIO_TRANSPORT_PCI)
            continue;
        if (!n && first)
            *first = v;
        n++;
    }
    return n;
}

/* virtio-mmio: a page each (the page its frontend reads the registers
 * from, src/core/virtio.c) and the first free SPI. */
static void layout_mmio(struct sys *s, struct virtio_dev_model *m, struct vm_config *fc, unsigned index)
{
    m->cfg.mmio_ipa = VIRT_VIRTIO_MMIO + index * VIRTIO_MMIO_PAGE_BYTES;
    uint32_t spi = VIRT_VIRTIO_SPI;
    while (spi <= VIRT_VIRTIO_SPI_LAST && spi_used(fc, GIC_SPI_BASE_ID + spi, s, m)) spi++;
    if (spi > VIRT_VIRTIO_SPI_LAST)
        refuse(m->node, "no SPI of %u..%u is left in VM '%s' for it", VIRT_VIRTIO_SPI, VIRT_VIRTIO_SPI_LAST, fc->name);
    m->cfg.intid = GIC_SPI_BASE_ID + spi;
    uint32_t need = (spi + MIN_SPIS) / MIN_SPIS * MIN_SPIS;
    if (fc->nr_spis < need) fc->nr_spis = need;
}

/* virtio-pci: function 0 of slot 1 + index on the frontend's virtual ECAM
 * (slot 0 stays empty), its BAR0 the index-th of the platform's 32-bit PCI
 * MMIO window (pages tofu emulates, never maps); MSI-X, no SPI. */
static void layout_pci(struct virtio_dev_model *m, const struct vm_config *fc, unsigned index)
{
    m->cfg.pci_slot = VIRTIO_PCI_SLOT_FIRST + index;
    if (m->cfg.pci_slot > VIRTIO_PCI_SLOT_LAST)
        refuse(m->node, "transport = \"pci\": frontend '%s' would have more than %u virtio-pci functions (slots "
               "%u..%u of its virtual ECAM's bus)", fc->name, VIRTIO_PCI_SLOT_LAST - VIRTIO_PCI_SLOT_FIRST + 1,
               VIRTIO_PCI_SLOT_FIRST, VIRTIO_PCI_SLOT_LAST);
    uint64_t base = plat.hyp.pci_mmio_base, size = plat.hyp.pci_mmio_size;
    if (base % VIRTIO_PCI_BAR_SIZE || (uint64_t)(index + 1) * VIRTIO_PCI_BAR_SIZE > size)
        refuse(m->node, "transport = \"pci\": the board's 32-bit PCI MMIO window (%#" PRIx64 "+%#" PRIx64 ", %s) "
               "has no %#x-aligned BAR of %#x bytes left for it", base, size, PCIE_MMIO_COMPAT, VIRTIO_PCI_BAR_SIZE,
               VIRTIO_PCI_BAR_SIZE);
    m->cfg.mmio_ipa = base + (uint64_t)index * VIRTIO_PCI_BAR_SIZE;
    m->cfg.ecam_ipa = VIRT_VECAM;
    m->cfg.intid = 0;
}

void layout_virtio(struct sys *s)
{
    for (unsigned i = 0; i < s->nr_virtio; i++) {
        struct virtio_dev_model *m = &s->virtio[i];
        struct vm *fe = &s->vms[m->cfg.frontend - 1];
        struct vm_config *fc = &fe->cfg, *bc = &s->vms[m->cfg.backend - 1].cfg;
        unsigned index = 0;             /* among the frontend's devices of this transport */
        for (unsigned j = 0; j < i; j++)
            index += s->virtio[j].cfg.frontend == m->cfg.frontend && s->virtio[j].cfg.transport == m->cfg.transport;
        if (m->cfg.transport == VIRTIO_TRANSPORT_PCI)
            layout_pci(m, fc, index);
        else
            layout_mmio(s, m, fc, index);
        m->cfg.window_ipa = VIRTIO_WINDOW_BASE + i * VIRTIO_WINDOW_STRIDE;
        m->cfg.window_size = fc->ram_size;
        if (m->cfg.window_ipa + m->cfg.window_size > bc->virtio_window_top)
            bc->virtio_window_top = m->cfg.window_ipa + m->cfg.window_size;
    }
}

void check_virtio(const struct sys *s)
{
    for (unsigned i = 0; i < s->nr_virtio; i++) {
        const struct virtio_dev_model *m = &s->virtio[i];
        const struct vm *fe = &s->vms[m->cfg.frontend - 1];
        if (m->cfg.transport == VIRTIO_TRANSPORT_PCI)
            continue;                   /* its ECAM and BAR are among the VM's windows (check.c) */
        for (unsigned j = 0; j < fe->cfg.nr_devices; j++) {
            const struct vm_device *d = &fe->cfg.devices[j];
            if (ranges_overlap(d->pa, d->size, m->cfg.mmio_ipa & ~(PAGE_SIZE - 1), PAGE_SIZE))
                refuse(m->node, "its virtio-mmio window at IPA %#" PRIx64 " is on the page of VM '%s''s device %s",
                       m->cfg.mmio_ipa, fe->cfg.name, fe->devices[j].path);
        }
    }
}

void guestdt_virtio(void *fdt, const struct sys *s, const struct vm *vm)
{
    uint32_t id = vm_id_of(s, vm);
    char node[64];
    const struct virtio_config *first = NULL;
    unsigned pci = virtio_pci_fns(s, vm, &first);
    if (pci)                            /* one bridge for all of them */
        guestdt_virtio_bridge(fdt, vm, first->ecam_ipa, (uint64_t)pci * VIRTIO_PCI_BAR_SIZE);
    for (unsigned i = 0; i < s->nr_virtio; i++) {
        const struct virtio_dev_model *m = &s->virtio[i];
        if (m->cfg.frontend == id && m->cfg.transport == VIRTIO_TRANSPORT_MMIO) {
            snprintf(node, sizeof(node), "virtio_mmio@%" PRIx64, m->cfg.mmio_ipa);
            DT_CHECK(fdt_begin_node(fdt, node));
            DT_CHECK(fdt_property_string(fdt, "compatible", "virtio,mmio"));
            dt_reg(fdt, (uint64_t[]){ m->cfg.mmio_ipa, VIRTIO_MMIO_WINDOW_SIZE }, 1);
            dt_cells(fdt, "interrupts", (uint32_t[]){ GIC_FDT_SPI, m->cfg.intid - GIC_SPI_BASE_ID, IRQ_EDGE_RISING }, 3);
            DT_CHECK(fdt_property(fdt, "dma-coherent", NULL, 0));
            DT_CHECK(fdt_end_node(fdt));
        }
        if (m->cfg.backend == id) {
            const struct vm_config *fc = &s->vms[m->cfg.frontend - 1].cfg;
            snprintf(node, sizeof(node), "tofu-virtio-backend@%" PRIx64, m->cfg.window_ipa);
            DT_CHECK(fdt_begin_node(fdt, node));
            DT_CHECK(fdt_property_string(fdt, "compatible", "tofu,virtio-backend"));
            /* The frontend's RAM, as this VM sees it while the frontend runs. */
            dt_reg(fdt, (uint64_t[]){ m->cfg.window_ipa, m->cfg.window_size }, 1);
            DT_CHECK(fdt_property_u32(fdt, "tofu,device", i));
            DT_CHECK(fdt_property_string(fdt, "tofu,type", type_name(m->cfg.device_id)));
            DT_CHECK(fdt_property_u32(fdt, "tofu,device-id", m->cfg.device_id));
            DT_CHECK(fdt_property_u32(fdt, "tofu,frontend", m->cfg.frontend));
            DT_CHECK(fdt_property_string(fdt, "tofu,frontend-name", fc->name));
            DT_CHECK(fdt_property_u64(fdt, "tofu,frontend-ram", fc->ram_ipa));   /* in the frontend's IPA space */
            if (m->cfg.device_id == VIRTIO_ID_BLOCK)
                DT_CHECK(fdt_property_u64(fdt, "tofu,ram-disk-size", m->ram_disk_size));
            if (m->backing)
                DT_CHECK(fdt_property_string(fdt, "tofu,backing", m->backing));
            if (m->cfg.device_id == VIRTIO_ID_NET)
                DT_CHECK(fdt_property(fdt, "local-mac-address", m->mac, VIRTIO_NET_MAC_BYTES));
            if (m->bridge)
                DT_CHECK(fdt_property_string(fdt, "tofu,bridge", m->bridge));
            DT_CHECK(fdt_end_node(fdt));
        }
    }
}

void emit_virtio(FILE *c, const struct sys *s)
{
    fprintf(c, "\n#include \"core/virtio.h\"\nconst struct virtio_config config_virtio[] = {\n");
    for (unsigned i = 0; i < s->nr_virtio; i++) {
        const struct virtio_config *v = &s->virtio[i].cfg;
        fprintf(c, "    {   /* %s: %s */\n        .device_id = %u, .frontend = %u, .backend = %u,\n", s->virtio[i].node,
                s->virtio[i].type, v->device_id, v->frontend, v->backend);
        fprintf(c, "        .transport = %u, .mmio_ipa = %#" PRIx64 "ull, .intid = %u,\n", v->transport, v->mmio_ipa,
                v->intid);
        fprintf(c, "        .pci_slot = %u, .ecam_ipa = %#" PRIx64 "ull,\n", v->pci_slot, v->ecam_ipa);
        fprintf(c, "        .window_ipa = %#" PRIx64 "ull, .window_size = %#" PRIx64 "ull,\n", v->window_ipa,
                v->window_size);
        const struct tofu_virtio_reg *id = &v->identity;
        fprintf(c, "        .identity = { .features = %#" PRIx64 "ull, .nr_queues = %u, .config_len = %u,\n"
                "            .queue_max = {", id->features, id->nr_queues, id->config_len);
        for (unsigned q = 0; q < TOFU_VIRTIO_MAX_QUEUES; q++)
            fprintf(c, " %u,", id->queue_max[q]);
        fprintf(c, " },\n            .config = {");
        for (unsigned b = 0; b < id->config_len; b++)
            fprintf(c, " %#x,", id->config[b]);
        fprintf(c, " } },\n    },\n");
    }
    if (!s->nr_virtio)
        fprintf(c, "    { 0 },      /* none: the table is not empty, for C */\n");
    fprintf(c, "};\nconst unsigned config_nr_virtio = %u;\n", s->nr_virtio);
}
