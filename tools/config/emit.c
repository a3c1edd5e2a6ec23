/* SPDX-License-Identifier: MIT */
/*
 * What the build reads: <out>/config.c (struct vm_config[], as the model
 * holds it), <out>/images.S (the guest images, .incbin'd into the
 * hypervisor image), <out>/<vm>.dtb, <out>/qemu.env (the machine, for
 * scripts) and <out>/deps.mk (the image files, for make).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "tofu_config.h"

static void out_path(const char *outdir, const char *name, char *path, size_t size)
{
    if ((size_t)snprintf(path, size, "%s/%s", outdir, name) >= size) die("tofu-config: path too long: %s", outdir);
}

static FILE *open_out(const char *outdir, const char *name, char *path, size_t size)
{
    out_path(outdir, name, path, size);
    FILE *f = fopen(path, "w");
    if (!f) die("tofu-config: cannot write %s: %s", path, strerror(errno));
    return f;
}

static void close_out(FILE *f, const char *path)
{
    if (ferror(f) | fclose(f)) die("tofu-config: cannot write %s", path);
}

/* Symbols by VM-ID (img_vm<id>_<kind>): a VM's name need not be a C identifier. */
static void emit_image(FILE *s, FILE *c, unsigned id, const char *kind, const struct vm_image *img, const char *file)
{
    if (!img->size) {
        fprintf(c, "        .%s = { 0, 0, 0 },\n", kind);
        return;
    }
    fprintf(s, "    .balign 4096\n    .globl img_vm%u_%s\nimg_vm%u_%s:\n    .incbin \"%s\"\n", id, kind, id, kind, file);
    fprintf(c, "        .%s = { img_vm%u_%s, %#" PRIx64 "ull, %#" PRIx64 "ull },\n", kind, id, kind, img->size,
            img->load_ipa);
}

/* config_schedules[]: the CPUs' fixed schedules (/schedule). */
static void emit_schedules(FILE *c, const struct sys *s)
{
    fprintf(c, "const struct sched_cpu_config config_schedules[%u] = {\n", s->nr_schedules ? s->nr_schedules : 1);
    for (unsigned i = 0; i < s->nr_schedules; i++) {
        const struct sched_cpu_config *sc = &s->schedules[i];
        fprintf(c, "    { .cpu = %u, .frame_us = %u, .nr_windows = %u, .windows = {", sc->cpu, sc->frame_us,
                sc->nr_windows);
        for (unsigned j = 0; j < sc->nr_windows; j++)
            fprintf(c, "%s{ %u, %u, %u }", j ? ", " : " ", sc->windows[j].vm, sc->windows[j].offset_us,
                    sc->windows[j].duration_us);
        fprintf(c, " } },\n");
    }
    fprintf(c, "};\nconst unsigned config_nr_schedules = %u;\n", s->nr_schedules);
}

static void emit_vm(FILE *c, FILE *s, const struct vm *vm, unsigned id, const char *dtb_path)
{
    const struct vm_config *v = &vm->cfg;
    fprintf(c, "    {   /* %s */\n        .name = \"%s\",\n        .nr_vcpus = %u,\n        .vcpu_pcpu = {", vm->node,
            v->name, v->nr_vcpus);
    for (unsigned j = 0; j < v->nr_vcpus; j++) fprintf(c, "%s%u", j ? ", " : " ", v->vcpu_pcpu[j]);
    fprintf(c, " },\n        .ram_ipa = %#" PRIx64 "ull, .ram_size = %#" PRIx64 "ull, .ram_pa = %#" PRIx64 "ull,\n",
            v->ram_ipa, v->ram_size, v->ram_pa);
    fprintf(c, "        .entry_ipa = %#" PRIx64 "ull,\n", v->entry_ipa);
    emit_image(s, c, id, "kernel", &v->kernel, vm->kernel.path);
    emit_image(s, c, id, "initrd", &v->initrd, vm->initrd.path);
    emit_image(s, c, id, "dtb", &v->dtb, dtb_path);
    fprintf(c, "        .gicd_ipa = %#" PRIx64 "ull, .gicr_ipa = %#" PRIx64 "ull, .gicc_ipa = %#" PRIx64
            "ull, .nr_spis = %u,\n", v->gicd_ipa, v->gicr_ipa, v->gicc_ipa, v->nr_spis);
    if (v->its_ipa)
        fprintf(c, "        .its_ipa = %#" PRIx64 "ull,\n", v->its_ipa);
    fprintf(c, "        .ipc_peers = %#x, .doorbell_intid = %u,\n", v->ipc_peers, v->doorbell_intid);
    fprintf(c, "        .share_window_ipa = %#" PRIx64 "ull, .share_window_size = %#" PRIx64 "ull,\n",
            v->share_window_ipa, v->share_window_size);
    fprintf(c, "        .share_quota = %u,\n", v->share_quota);
    if (v->nr_streams)
        fprintf(c, "        .stream_first = %#x, .nr_streams = %u,\n", v->stream_first, v->nr_streams);
    if (v->nr_pci_fns) {
        fprintf(c, "        .nr_pci_fns = %u, .vecam_ipa = %#" PRIx64 "ull, .pci_fns = {", v->nr_pci_fns, v->vecam_ipa);
        for (unsigned j = 0; j < v->nr_pci_fns; j++) fprintf(c, "%s%#x", j ? ", " : " ", v->pci_fns[j]);
        fprintf(c, " },\n");
    }
    fprintf(c, "        .restart_on_failure = %u, .max_restarts = %u, .restart_window_s = %u,\n",
            v->restart_on_failure, v->max_restarts, v->restart_window_s);
    if (v->wfi_native)
        fprintf(c, "        .wfi_native = 1,\n");
    if (v->priority)
        fprintf(c, "        .priority = %u,\n", v->priority);
    if (v->budget_us)
        fprintf(c, "        .budget_us = %u, .period_us = %u,\n", v->budget_us, v->period_us);
    fprintf(c, "        .nr_devices = %u,\n        .devices = {\n", v->nr_devices);
    for (unsigned j = 0; j < v->nr_devices; j++) {
        const struct vm_device *d = &v->devices[j];
        fprintf(c, "            { .pa = %#" PRIx64 "ull, .size = %#" PRIx64 "ull, .nr_irqs = %u, .irqs = {", d->pa,
                d->size, d->nr_irqs);
        for (unsigned k = 0; k < d->nr_irqs; k++) fprintf(c, "%s%u", k ? ", " : " ", d->irqs[k]);
        fprintf(c, " },\n              .name = \"%s\", .compatible = \"%s\" },   /* %s */\n", d->name, d->compatible,
                vm->devices[j].path);
    }
    fprintf(c, "        },\n");
    fprintf(c, "        .uart_ipa = %#" PRIx64 "ull, .uart_intid = %u,\n", v->uart_ipa, v->uart_intid);
    fprintf(c, "        .steal_ipa = %#" PRIx64 "ull,\n", v->steal_ipa);
    fprintf(c, "        .virtio_window_top = %#" PRIx64 "ull,\n", v->virtio_window_top);
    fprintf(c, "        .wdog_ipa = %#" PRIx64 "ull, .wdog_intid = %u, .wdog_clk_hz = %u,\n    },\n", v->wdog_ipa,
            v->wdog_intid, v->wdog_clk_hz);
}

static void write_dtb(const struct vm *vm, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(vm->dtb, 1, vm->cfg.dtb.size, f) != vm->cfg.dtb.size || fclose(f))
        die("tofu-config: cannot write %s", path);
}

/* The board's description, as the hypervisor reads it (include/core/platform.h). */
static void emit_platform(FILE *c)
{
    const struct platform *p = &plat.hyp;
    /* The hypervisor is built for one GIC version (the board's .mk). */
    fprintf(c, "\n#include \"core/platform.h\"\n_Static_assert(GIC_VERSION == %u, \"the board has a GICv%u: "
            "build with GIC_VERSION=%u (platforms/<board>.mk)\");\nconst struct platform platform = {\n",
            p->gic_version, p->gic_version, p->gic_version);
    fprintf(c, "    .name = \"%s\",\n", p->name);
    const struct { const char *field; uint64_t v; } f[] = {
        { "uart_base", p->uart_base }, { "uart_intid", p->uart_intid },
        { "gic_version", p->gic_version }, { "gicd_base", p->gicd_base }, { "gicr_base", p->gicr_base },
        { "gicr_size", p->gicr_size }, { "gicc_base", p->gicc_base }, { "gich_base", p->gich_base },
        { "gicv_base", p->gicv_base }, { "gic_maint_intid", p->gic_maint_intid }, { "its_base", p->its_base },
        { "ram_base", p->ram_base }, { "nr_ram_banks", p->nr_ram_banks },
        { "device_base", p->device_base }, { "device_size", p->device_size },
        { "iommu_base", p->iommu_base }, { "iommu_event_intid", p->iommu_event_intid },
        { "iommu_gerror_intid", p->iommu_gerror_intid }, { "iommu_buses", p->iommu_buses },
        { "pci_ecam_base", p->pci_ecam_base }, { "pci_ecam_bus_size", p->pci_ecam_bus_size },
        { "pci_mmio_base", p->pci_mmio_base }, { "pci_mmio_size", p->pci_mmio_size },
        { "pci_intx_intid", p->pci_intx_intid }, { "timer_hz", p->timer_hz },
    };
    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
        fprintf(c, "    .%s = %#" PRIx64 ",\n", f[i].field, f[i].v);
    fprintf(c, "    .ram_zero_at_power_on = %s,\n    .gic_hw_lr_no_refire = %s,\n    .nr_cpus = %u,\n    .cpu_mpidr = {",
            p->ram_zero_at_power_on ? "true" : "false", p->gic_hw_lr_no_refire ? "true" : "false", p->nr_cpus);
    for (unsigned i = 0; i < p->nr_cpus; i++)
        fprintf(c, "%s%#" PRIx64, i ? ", " : " ", p->cpu_mpidr[i]);
    fprintf(c, " },\n    .ram_bank = {");
    for (unsigned i = 0; i < p->nr_ram_banks; i++)
        fprintf(c, "%s{ %#" PRIx64 ", %#" PRIx64 " }", i ? ", " : " ", p->ram_bank[i].base, p->ram_bank[i].size);
    fprintf(c, " },\n");
    if (p->cpu_enable_method == PLATFORM_CPU_SPIN_TABLE) {
        fprintf(c, "    .cpu_enable_method = PLATFORM_CPU_SPIN_TABLE,\n    .cpu_release_addr = {");
        for (unsigned i = 0; i < p->nr_cpus; i++)
            fprintf(c, "%s%#" PRIx64, i ? ", " : " ", p->cpu_release_addr[i]);
        fprintf(c, " },\n");
    }
    fprintf(c, "};\n");
}

void emit_all(const struct sys *s, const char *outdir, const char *src)
{
    char cpath[FILE_PATH_LEN], spath[FILE_PATH_LEN], qpath[FILE_PATH_LEN], dpath[FILE_PATH_LEN];
    char dtb[MAX_VMS][FILE_PATH_LEN];
    mkdir(outdir, 0755);
    FILE *c = open_out(outdir, "config.c", cpath, sizeof(cpath));
    FILE *a = open_out(outdir, "images.S", spath, sizeof(spath));
    FILE *q = open_out(outdir, "qemu.env", qpath, sizeof(qpath));
    FILE *d = open_out(outdir, "deps.mk", dpath, sizeof(dpath));
    char lpath[FILE_PATH_LEN];
    FILE *l = open_out(outdir, "platform.ld", lpath, sizeof(lpath));
    fprintf(l, "/* Generated by tofu-config from %s's board: do not edit. */\n"
               "__ram_base = %#" PRIx64 ";\n__image_base = %#" PRIx64 ";\n", src, plat.hyp.ram_base, plat.image_base);
    close_out(l, lpath);
    fprintf(c, "/* Generated by tofu-config from %s: do not edit. */\n#include \"core/config.h\"\n\n", src);
    fprintf(a, "/* Generated by tofu-config from %s: do not edit. */\n    .section .guest_images, \"a\"\n", src);
    for (unsigned i = 0; i < s->nr_vms; i++) {
        const struct vm *vm = &s->vms[i];
        char name[VM_NAME_MAX + 8];
        snprintf(name, sizeof(name), "%s.dtb", vm->cfg.name);
        out_path(outdir, name, dtb[i], sizeof(dtb[i]));
        write_dtb(vm, dtb[i]);
        const char *kinds[3] = { "kernel", "initrd", "dtb" };
        for (int k = 0; k < 3; k++)
            fprintf(c, "extern const uint8_t img_vm%u_%s[];\n", vm_id_of(s, vm), kinds[k]);
    }
    fprintf(c, "\nconst char config_name[] = \"%s\";\nconst struct vm_config config_vms[] = {\n", src);
    for (unsigned i = 0; i < s->nr_vms; i++) {
        const struct vm *vm = &s->vms[i];
        emit_vm(c, a, vm, vm_id_of(s, vm), dtb[i]);
        fprintf(d, "$(CONFIG_OUT)/config.c: %s%s%s\n", vm->kernel.path, vm->initrd.size ? " " : "",
                vm->initrd.size ? vm->initrd.path : "");
    }
    fprintf(c, "};\nconst unsigned config_nr_vms = %u;\n", s->nr_vms);
    emit_schedules(c, s);
    emit_virtio(c, s);
    emit_platform(c);
    fprintf(q, "QEMU_SMP_CONFIG=%u\nQEMU_MEM_MB=%" PRIu64 "\n", s->nr_cpus, s->ram_size >> 20);
    if (s->nvme_disk) fprintf(q, "QEMU_NVME_DISK_CONFIG=%s\n", s->nvme_disk);
    if (s->e1000e_nics) fprintf(q, "QEMU_E1000E_NICS_CONFIG=%u\n", s->e1000e_nics);
    if (s->igb_nic) fprintf(q, "QEMU_IGB_NIC_CONFIG=1\n");
    close_out(c, cpath);
    close_out(a, spath);
    close_out(q, qpath);
    close_out(d, dpath);
}
