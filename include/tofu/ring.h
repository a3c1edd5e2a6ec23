/* SPDX-License-Identifier: MIT */
/*
 * Single-producer / single-consumer ring over a shared region (docs/ipc.md).
 * The producer owns `head`, the consumer owns `tail`; each publishes its
 * index with a store-release and reads the other's with a load-acquire, so
 * a slot's contents are visible before the index that hands it over.  The
 * indices only increase (mod 2^32) and live on separate cache lines.
 * Each side trusts only its own struct tofu_ring_end, never the shared page.
 * Header-only and freestanding: the bare-metal library and the Linux tool
 * (tofu-msg ring) both include it.
 */
#ifndef TOFU_RING_H
#define TOFU_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TOFU_RING_MAGIC 0x676e6972u     /* "ring" */
#define TOFU_RING_LINE  64

struct tofu_ring {
	uint32_t magic;
	uint32_t size;          /* slots: a power of two */
	uint32_t slot_bytes;
	uint32_t pad0;
	uint8_t pad1[TOFU_RING_LINE - 16];
	uint32_t head;          /* next slot the producer fills */
	uint8_t pad2[TOFU_RING_LINE - 4];
	uint32_t tail;          /* next slot the consumer empties */
	uint8_t pad3[TOFU_RING_LINE - 4];
	uint8_t data[];
};

_Static_assert(offsetof(struct tofu_ring, head) == TOFU_RING_LINE, "head on its own line");
_Static_assert(offsetof(struct tofu_ring, tail) == 2 * TOFU_RING_LINE, "tail on its own line");
_Static_assert(offsetof(struct tofu_ring, data) == 3 * TOFU_RING_LINE, "data after the indices");

/*
 * One side's own view of a ring, kept in memory the peer cannot write.  The
 * shared header is read once, when the ring is set up (producer) or attached
 * (consumer); after that each side uses its own geometry and its own index
 * and reads only the peer's index, which it checks on every use: a peer
 * that writes nonsense can stop the ring (`broken`), never make its owner
 * touch memory outside it.
 */
struct tofu_ring_end {
	struct tofu_ring *ring;
	uint32_t size;          /* slots: a power of two */
	uint32_t slot_bytes;
	uint32_t index;         /* producer: head; consumer: tail */
	bool broken;            /* the peer wrote an index no correct peer writes */
};

/* Bytes a ring of `slots` slots of `slot_bytes` needs; SIZE_MAX if too many. */
static inline size_t tofu_ring_bytes(uint32_t slots, uint32_t slot_bytes)
{
	uint64_t data = (uint64_t)slots * slot_bytes;
	if (data > (uint64_t)(SIZE_MAX - sizeof(struct tofu_ring)))
		return SIZE_MAX;
	return sizeof(struct tofu_ring) + (size_t)data;
}

static inline bool tofu_ring_geometry_ok(uint32_t slots, uint32_t slot_bytes, size_t region_bytes)
{
	return slots && !(slots & (slots - 1)) && slot_bytes &&
	       tofu_ring_bytes(slots, slot_bytes) <= region_bytes;
}

/* Producer: lay a ring out in `region` (`region_bytes` long) before sharing it. */
static inline bool tofu_ring_producer_init(struct tofu_ring_end *e, void *region,
					   size_t region_bytes, uint32_t slots, uint32_t slot_bytes)
{
	struct tofu_ring *r = (struct tofu_ring *)region;

	if (!tofu_ring_geometry_ok(slots, slot_bytes, region_bytes))
		return false;
	*e = (struct tofu_ring_end){ r, slots, slot_bytes, 0, false };
	r->size = slots;
	r->slot_bytes = slot_bytes;
	r->head = 0;
	r->tail = 0;
	__atomic_store_n(&r->magic, TOFU_RING_MAGIC, __ATOMIC_RELEASE);
	return true;
}

/* Consumer: take the geometry of the ring in `region` once, checked against
 * the region's size; false if the header is not a ring that fits. */
static inline bool tofu_ring_consumer_attach(struct tofu_ring_end *e, void *region,
					     size_t region_bytes)
{
	struct tofu_ring *r = (struct tofu_ring *)region;

	if (region_bytes < sizeof(*r) || __atomic_load_n(&r->magic, __ATOMIC_ACQUIRE) != TOFU_RING_MAGIC)
		return false;
	uint32_t size = __atomic_load_n(&r->size, __ATOMIC_RELAXED);
	uint32_t slot_bytes = __atomic_load_n(&r->slot_bytes, __ATOMIC_RELAXED);
	if (!tofu_ring_geometry_ok(size, slot_bytes, region_bytes))
		return false;
	*e = (struct tofu_ring_end){ r, size, slot_bytes,
				     __atomic_load_n(&r->tail, __ATOMIC_RELAXED), false };
	return true;
}

static inline uint8_t *tofu_ring_slot(const struct tofu_ring_end *e, uint32_t index)
{
	return e->ring->data + (size_t)(index & (e->size - 1)) * e->slot_bytes;
}

/* Producer: the slot to fill, or NULL when the ring is full or broken. */
static inline void *tofu_ring_produce_slot(struct tofu_ring_end *e)
{
	uint32_t tail = __atomic_load_n(&e->ring->tail, __ATOMIC_ACQUIRE);
	uint32_t used = e->index - tail;

	if (used > e->size)
		e->broken = true;       /* a tail ahead of head, or further back than the ring */
	if (e->broken || used == e->size)
		return NULL;
	return tofu_ring_slot(e, e->index);
}

/* Producer: hand the filled slot over (store-release of head). */
static inline void tofu_ring_produce_commit(struct tofu_ring_end *e)
{
	__atomic_store_n(&e->ring->head, ++e->index, __ATOMIC_RELEASE);
}

/* Consumer: the oldest filled slot, or NULL when the ring is empty or broken.
 * The slot's bytes are the peer's: read each once, trust none. */
static inline const void *tofu_ring_consume_slot(struct tofu_ring_end *e)
{
	uint32_t head = __atomic_load_n(&e->ring->head, __ATOMIC_ACQUIRE);
	uint32_t filled = head - e->index;

	if (filled > e->size)
		e->broken = true;
	if (e->broken || !filled)
		return NULL;
	return tofu_ring_slot(e, e->index);
}

/* Consumer: give the slot back (store-release of tail). */
static inline void tofu_ring_consume_commit(struct tofu_ring_end *e)
{
	__atomic_store_n(&e->ring->tail, ++e->index, __ATOMIC_RELEASE);
}

#endif /* TOFU_RING_H */
