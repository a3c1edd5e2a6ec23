/* SPDX-License-Identifier: MIT */
/*
 * Single-producer / single-consumer ring over a shared region (docs/ipc.md).
 * The producer owns `head`, the consumer owns `tail`; each publishes its
 * index with a store-release and reads the other's with a load-acquire, so
 * a slot's contents are visible before the index that hands it over.  The
 * indices only increase (mod 2^32) and live on separate cache lines.
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

/* Bytes a ring of `slots` slots of `slot_bytes` needs. */
static inline size_t tofu_ring_bytes(uint32_t slots, uint32_t slot_bytes)
{
	return sizeof(struct tofu_ring) + (size_t)slots * slot_bytes;
}

/* The producer initialises the ring before sharing it. */
static inline void tofu_ring_init(struct tofu_ring *r, uint32_t slots, uint32_t slot_bytes)
{
	r->size = slots;
	r->slot_bytes = slot_bytes;
	r->head = 0;
	r->tail = 0;
	__atomic_store_n(&r->magic, TOFU_RING_MAGIC, __ATOMIC_RELEASE);
}

static inline bool tofu_ring_valid(const struct tofu_ring *r)
{
	return __atomic_load_n(&r->magic, __ATOMIC_ACQUIRE) == TOFU_RING_MAGIC &&
	       r->size && !(r->size & (r->size - 1)) && r->slot_bytes;
}

/* Producer: the slot to fill, or NULL when the ring is full. */
static inline void *tofu_ring_produce_slot(struct tofu_ring *r)
{
	uint32_t head = r->head;        /* only the producer writes it */
	uint32_t tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
	if (head - tail == r->size)
		return NULL;
	return r->data + (size_t)(head & (r->size - 1)) * r->slot_bytes;
}

/* Producer: hand the filled slot over (store-release of head). */
static inline void tofu_ring_produce_commit(struct tofu_ring *r)
{
	__atomic_store_n(&r->head, r->head + 1, __ATOMIC_RELEASE);
}

/* Consumer: the oldest filled slot, or NULL when the ring is empty. */
static inline const void *tofu_ring_consume_slot(struct tofu_ring *r)
{
	uint32_t tail = r->tail;        /* only the consumer writes it */
	uint32_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
	if (head == tail)
		return NULL;
	return r->data + (size_t)(tail & (r->size - 1)) * r->slot_bytes;
}

/* Consumer: give the slot back (store-release of tail). */
static inline void tofu_ring_consume_commit(struct tofu_ring *r)
{
	__atomic_store_n(&r->tail, r->tail + 1, __ATOMIC_RELEASE);
}

#endif /* TOFU_RING_H */
