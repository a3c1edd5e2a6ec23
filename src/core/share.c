/* SPDX-License-Identifier: MIT */
/*
 * The share table.  A share-ID is (generation << 8) | (slot + 1): revoking
 * a share bumps its slot's generation, so a stale ID is recognised as
 * revoked even after the slot is reused.
 */
#include "core/ipc.h"
#include "core/lib.h"

#define SLOT_MASK ((1u << SHARE_ID_SLOT_BITS) - 1)

void share_table_init(struct share_table *t)
{
    memset(t, 0, sizeof(*t));
}

static uint64_t make_id(const struct share_table *t, const struct share *s)
{
    return ((uint64_t)s->gen << SHARE_ID_SLOT_BITS) | (uint64_t)(s - t->slots + 1);
}

unsigned share_count_owned(const struct share_table *t, uint16_t owner)
{
    unsigned n = 0;
    for (unsigned i = 0; i < SHARE_SLOTS; i++)
        n += t->slots[i].owner == owner;
    return n;
}

int64_t share_create(struct share_table *t, uint16_t owner, unsigned quota, uint64_t ipa,
                     uint64_t size, unsigned rights, uint16_t only)
{
    if (share_count_owned(t, owner) >= quota)
        return TOFU_E_BUSY;
    for (unsigned i = 0; i < SHARE_SLOTS; i++) {
        struct share *s = &t->slots[i];
        if (s->owner)
            continue;
        uint32_t gen = s->gen;
        memset(s, 0, sizeof(*s));
        s->gen = gen;
        s->owner = owner;
        s->only = only;
        s->ipa = ipa;
        s->size = size;
        s->rights = rights;
        return (int64_t)make_id(t, s);
    }
    return TOFU_E_BUSY;
}

struct share *share_get(struct share_table *t, uint64_t id, int *err)
{
    uint64_t slot = id & SLOT_MASK, gen = id >> SHARE_ID_SLOT_BITS;
    *err = TOFU_E_BAD_SHARE;
    if (slot == 0 || slot > SHARE_SLOTS)
        return NULL;
    struct share *s = &t->slots[slot - 1];
    if (gen < s->gen) {
        *err = TOFU_E_REVOKED;
        return NULL;
    }
    if (gen != s->gen || !s->owner)
        return NULL;
    *err = TOFU_OK;
    return s;
}

struct share_map *share_mapping(struct share *s, uint16_t vm)
{
    for (unsigned i = 0; i < SHARE_MAX_MAPS; i++)
        if (s->maps[i].vm == vm)
            return &s->maps[i];
    return NULL;
}

int share_add_mapping(struct share *s, uint16_t vm, uint64_t ipa)
{
    if (share_mapping(s, vm))
        return TOFU_E_BUSY;
    struct share_map *m = share_mapping(s, 0);
    if (!m)
        return TOFU_E_BUSY;
    m->vm = vm;
    m->ipa = ipa;
    return TOFU_OK;
}

void share_remove_mapping(struct share *s, uint16_t vm)
{
    struct share_map *m = share_mapping(s, vm);
    if (m)
        m->vm = 0;
}

void share_release(struct share *s)
{
    s->owner = 0;
    s->gen++;
    memset(s->maps, 0, sizeof(s->maps));
}

bool share_overlaps_mapping(const struct share_table *t, uint16_t vm, uint64_t ipa, uint64_t size)
{
    for (unsigned i = 0; i < SHARE_SLOTS; i++) {
        const struct share *s = &t->slots[i];
        if (!s->owner)
            continue;
        for (unsigned j = 0; j < SHARE_MAX_MAPS; j++)
            if (s->maps[j].vm == vm && ipa < s->maps[j].ipa + s->size && s->maps[j].ipa < ipa + size)
                return true;
    }
    return false;
}
