/* SPDX-License-Identifier: MIT */
/*
 * A GICv2 has no ITS and no LPIs: the ITS half of core/drivers.h says so,
 * as the "none" IOMMU does.  The config tool refuses `its;` on such a
 * board (tools/config/platform.c), so that nothing but gic_its_init and
 * the per-CPU set-up is ever called.
 */
#include "core/drivers.h"

int gic_its_init(void) { return E_NOENT; }
void gic_lpis_init_cpu(unsigned cpu) { UNUSED(cpu); }
unsigned gic_its_map_device(uint32_t device_id, unsigned cpu) { UNUSED(device_id); UNUSED(cpu); return 0; }
bool gic_its_v4(void) { return false; }
unsigned gic_its_doorbell(void) { return GIC_SPURIOUS_ID; }
unsigned gic_its_vpe_ids(void) { return 0; }
bool gic_its_vpe_map(unsigned vpe, unsigned cpu, uint64_t vpt_pa)
{
    UNUSED(vpe); UNUSED(cpu); UNUSED(vpt_pa);
    return false;
}
bool gic_its_vlpi_map(uint32_t device_id, uint32_t event, unsigned vpe, uint32_t vintid)
{
    UNUSED(device_id); UNUSED(event); UNUSED(vpe); UNUSED(vintid);
    return false;
}
bool gic_its_vlpi_move(uint32_t device_id, uint32_t event, unsigned vpe)
{
    UNUSED(device_id); UNUSED(event); UNUSED(vpe);
    return false;
}
bool gic_its_plpi_map(uint32_t device_id, uint32_t event, unsigned lpi, unsigned cpu)
{
    UNUSED(device_id); UNUSED(event); UNUSED(lpi); UNUSED(cpu);
    return false;
}
bool gic_its_vlpi_cmd(unsigned cmd, uint32_t device_id, uint32_t event, unsigned vpe)
{
    UNUSED(cmd); UNUSED(device_id); UNUSED(event); UNUSED(vpe);
    return false;
}
void gic_vpe_load(uint64_t vprop_pa, unsigned prop_idbits, uint64_t vpt_pa)
{
    UNUSED(vprop_pa); UNUSED(prop_idbits); UNUSED(vpt_pa);
}
void gic_vpe_put(void) {}
