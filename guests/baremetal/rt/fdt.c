/* SPDX-License-Identifier: MIT */
/*
 * Flattened device tree reader (devicetree specification v0.4, chapter 5).
 * All FDT fields are big-endian; every read is bounds-checked against the
 * block sizes in the header, so a bad blob yields "not found", not a fault.
 */
#include "rt/fdt.h"

#include "rt/hw.h"

#define FDT_HDR_MAGIC        0
#define FDT_HDR_TOTALSIZE    4
#define FDT_HDR_OFF_STRUCT   8
#define FDT_HDR_OFF_STRINGS  12
#define FDT_HDR_VERSION      20
#define FDT_HDR_SIZE_STRINGS 32
#define FDT_HDR_SIZE_STRUCT  36
#define FDT_MIN_VERSION      17
#define FDT_MAX_DEPTH        16
#define FDT_MAX_BLOB_SIZE    (2u << 20)
#define FDT_DEFAULT_ADDR_CELLS 2   /* spec 2.3.5 */
#define FDT_DEFAULT_SIZE_CELLS 1

static uint32_t fdt_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint32_t fdt_cell(const void *prop, unsigned idx)
{
	return fdt_be32((const uint8_t *)prop + 4 * idx);
}

static uint32_t fdt_align4(uint32_t v)
{
	return (v + 3) & ~3u;
}

static size_t fdt_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

static bool fdt_streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

bool fdt_init(struct fdt *fdt, const void *blob)
{
	const uint8_t *b = blob;
	uint32_t total, off_struct, off_strings, size_struct, size_strings;

	if (!b || ((uintptr_t)b & 7) || fdt_be32(b + FDT_HDR_MAGIC) != FDT_MAGIC ||
	    fdt_be32(b + FDT_HDR_VERSION) < FDT_MIN_VERSION)
		return false;
	total = fdt_be32(b + FDT_HDR_TOTALSIZE);
	off_struct = fdt_be32(b + FDT_HDR_OFF_STRUCT);
	off_strings = fdt_be32(b + FDT_HDR_OFF_STRINGS);
	size_struct = fdt_be32(b + FDT_HDR_SIZE_STRUCT);
	size_strings = fdt_be32(b + FDT_HDR_SIZE_STRINGS);
	if (total > FDT_MAX_BLOB_SIZE || off_struct > total || size_struct > total - off_struct ||
	    off_strings > total || size_strings > total - off_strings || (off_struct & 3))
		return false;
	fdt->total_size = total;
	fdt->structs = b + off_struct;
	fdt->struct_size = size_struct;
	fdt->strings = (const char *)b + off_strings;
	fdt->strings_size = size_strings;
	return true;
}

/* One token of the structure block, decoded. */
struct fdt_token {
	uint32_t tag;
	uint32_t next;            /* offset of the following token */
	const char *name;         /* node name, or property name */
	const uint8_t *value;     /* property value */
	uint32_t len;             /* property length */
};

static bool fdt_next_token(const struct fdt *fdt, uint32_t off, struct fdt_token *t)
{
	const uint8_t *p = fdt->structs;
	uint32_t size = fdt->struct_size;

	if (off > size || size - off < 4)
		return false;
	t->tag = fdt_be32(p + off);
	off += 4;
	switch (t->tag) {
	case FDT_BEGIN_NODE: {
		size_t n = fdt_strnlen((const char *)p + off, size - off);

		if (n == size - off)
			return false;
		t->name = (const char *)p + off;
		t->next = off + fdt_align4((uint32_t)n + 1);
		return true;
	}
	case FDT_PROP: {
		uint32_t name_off;

		if (size - off < 8)
			return false;
		t->len = fdt_be32(p + off);
		name_off = fdt_be32(p + off + 4);
		off += 8;
		if (t->len > size - off || name_off >= fdt->strings_size)
			return false;
		t->name = fdt->strings + name_off;
		t->value = p + off;
		t->next = off + fdt_align4(t->len);
		return true;
	}
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		t->next = off;
		return true;
	default:
		return false;
	}
}

/* Called for every node in document order; return true to stop the walk. */
typedef bool (*fdt_visit_fn)(const struct fdt *fdt, const struct fdt_node *node,
			     const char *name, unsigned depth, void *ctx);

static bool fdt_walk(const struct fdt *fdt, fdt_visit_fn visit, void *ctx, struct fdt_node *out)
{
	uint32_t addr_cells[FDT_MAX_DEPTH], size_cells[FDT_MAX_DEPTH];
	unsigned depth = 0;   /* number of open nodes */
	uint32_t off = 0;
	struct fdt_token t;

	while (fdt_next_token(fdt, off, &t)) {
		switch (t.tag) {
		case FDT_BEGIN_NODE: {
			struct fdt_node node = {
				.offset = off,
				.addr_cells = depth ? addr_cells[depth - 1] : FDT_DEFAULT_ADDR_CELLS,
				.size_cells = depth ? size_cells[depth - 1] : FDT_DEFAULT_SIZE_CELLS,
			};

			if (depth == FDT_MAX_DEPTH)
				return false;
			addr_cells[depth] = FDT_DEFAULT_ADDR_CELLS;
			size_cells[depth] = FDT_DEFAULT_SIZE_CELLS;
			if (visit(fdt, &node, t.name, depth, ctx)) {
				*out = node;
				return true;
			}
			depth++;
			break;
		}
		case FDT_PROP:
			/* Properties precede subnodes, so children see final values. */
			if (depth && t.len == 4 && fdt_streq(t.name, "#address-cells"))
				addr_cells[depth - 1] = fdt_be32(t.value);
			else if (depth && t.len == 4 && fdt_streq(t.name, "#size-cells"))
				size_cells[depth - 1] = fdt_be32(t.value);
			break;
		case FDT_END_NODE:
			if (depth == 0)
				return false;
			depth--;
			break;
		case FDT_END:
			return false;
		default:
			break;
		}
		off = t.next;
	}
	return false;
}

const void *fdt_prop(const struct fdt *fdt, const struct fdt_node *node, const char *name,
		     uint32_t *len)
{
	struct fdt_token t;
	uint32_t off;

	if (!fdt_next_token(fdt, node->offset, &t) || t.tag != FDT_BEGIN_NODE)
		return NULL;
	for (off = t.next; fdt_next_token(fdt, off, &t); off = t.next) {
		if (t.tag == FDT_NOP)
			continue;
		if (t.tag != FDT_PROP)
			break;
		if (fdt_streq(t.name, name)) {
			if (len)
				*len = t.len;
			return t.value;
		}
	}
	return NULL;
}

struct fdt_path_ctx {
	const char *comp[FDT_MAX_DEPTH];   /* path components, not terminated */
	size_t comp_len[FDT_MAX_DEPTH];
	unsigned ncomp;
	unsigned matched;                  /* components matched on the current branch */
};

static bool fdt_name_matches(const char *name, const char *comp, size_t len)
{
	bool comp_has_unit = false;
	size_t i;

	for (i = 0; i < len; i++) {
		if (name[i] != comp[i])
			return false;
		comp_has_unit |= comp[i] == '@';
	}
	/* "psci" matches "psci" and, with no unit address given, "psci@..." */
	return name[len] == '\0' || (name[len] == '@' && !comp_has_unit);
}

static bool fdt_visit_path(const struct fdt *fdt, const struct fdt_node *node, const char *name,
			   unsigned depth, void *ctx)
{
	struct fdt_path_ctx *pc = ctx;

	(void)fdt;
	(void)node;
	if (depth == 0) {
		pc->matched = 0;
		return pc->ncomp == 0;
	}
	if (pc->matched >= depth)
		pc->matched = depth - 1;   /* left the branch that matched */
	if (pc->matched == depth - 1 &&
	    fdt_name_matches(name, pc->comp[depth - 1], pc->comp_len[depth - 1]))
		pc->matched = depth;
	return pc->matched == depth && depth == pc->ncomp;
}

bool fdt_find_path(const struct fdt *fdt, const char *path, size_t len, struct fdt_node *out)
{
	struct fdt_path_ctx pc = { .ncomp = 0 };
	size_t i = 0;

	if (len == 0 || path[0] != '/')
		return false;
	while (i < len) {
		size_t start;

		while (i < len && path[i] == '/')
			i++;
		if (i == len)
			break;
		if (pc.ncomp == FDT_MAX_DEPTH)
			return false;
		start = i;
		while (i < len && path[i] != '/')
			i++;
		pc.comp[pc.ncomp] = path + start;
		pc.comp_len[pc.ncomp++] = i - start;
	}
	return fdt_walk(fdt, fdt_visit_path, &pc, out);
}

bool fdt_node_is_compatible(const struct fdt *fdt, const struct fdt_node *node,
			    const char *compat)
{
	const char *list;
	uint32_t len, pos = 0;

	list = fdt_prop(fdt, node, "compatible", &len);
	while (list && pos < len) {
		size_t n = fdt_strnlen(list + pos, len - pos);

		if (n < len - pos && fdt_streq(list + pos, compat))
			return true;
		pos += (uint32_t)n + 1;
	}
	return false;
}

static bool fdt_visit_compatible(const struct fdt *fdt, const struct fdt_node *node,
				 const char *name, unsigned depth, void *ctx)
{
	(void)name;
	(void)depth;
	return fdt_node_is_compatible(fdt, node, ctx);
}

bool fdt_find_compatible(const struct fdt *fdt, const char *compat, struct fdt_node *out)
{
	return fdt_walk(fdt, fdt_visit_compatible, (void *)compat, out);
}

struct compat_after {
	const char *compat;
	uint32_t after;
};

static bool fdt_visit_compatible_after(const struct fdt *fdt, const struct fdt_node *node,
				       const char *name, unsigned depth, void *ctx)
{
	const struct compat_after *ca = ctx;
	(void)name;
	(void)depth;
	return node->offset > ca->after && fdt_node_is_compatible(fdt, node, ca->compat);
}

bool fdt_find_compatible_after(const struct fdt *fdt, const char *compat, const struct fdt_node *prev,
			       struct fdt_node *out)
{
	struct compat_after ca = { compat, prev ? prev->offset : 0 };
	if (!prev)
		return fdt_find_compatible(fdt, compat, out);
	return fdt_walk(fdt, fdt_visit_compatible_after, &ca, out);
}

static uint64_t fdt_read_cells(const uint8_t *p, uint32_t cells)
{
	uint64_t v = 0;

	while (cells--) {
		v = v << 32 | fdt_be32(p);
		p += 4;
	}
	return v;
}

bool fdt_reg(const struct fdt *fdt, const struct fdt_node *node, unsigned idx, uint64_t *addr,
	     uint64_t *size)
{
	uint32_t len, entry = 4 * (node->addr_cells + node->size_cells);
	const uint8_t *reg = fdt_prop(fdt, node, "reg", &len);

	if (!reg || node->addr_cells == 0 || node->addr_cells > 2 || node->size_cells > 2 ||
	    (uint64_t)(idx + 1) * entry > len)
		return false;
	reg += idx * entry;
	*addr = fdt_read_cells(reg, node->addr_cells);
	*size = fdt_read_cells(reg + 4 * node->addr_cells, node->size_cells);
	return true;
}
