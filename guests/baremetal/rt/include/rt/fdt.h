/* SPDX-License-Identifier: MIT */
/*
 * Minimal read-only flattened device tree reader: find a node by path or
 * by compatible string, read its properties and its "reg" entries.
 */
#ifndef RT_FDT_H
#define RT_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fdt {
	uint32_t total_size;      /* of the whole blob, from the header */
	const uint8_t *structs;   /* structure block */
	uint32_t struct_size;
	const char *strings;      /* strings block */
	uint32_t strings_size;
};

struct fdt_node {
	uint32_t offset;          /* of the node's FDT_BEGIN_NODE token */
	uint32_t addr_cells;      /* the parent's #address-cells */
	uint32_t size_cells;      /* the parent's #size-cells */
};

bool fdt_init(struct fdt *fdt, const void *blob);
/* path: "/a/b@1", a component without '@' matches any unit address. */
bool fdt_find_path(const struct fdt *fdt, const char *path, size_t len, struct fdt_node *out);
bool fdt_find_compatible(const struct fdt *fdt, const char *compat, struct fdt_node *out);
/* The next node after `prev` (NULL: the first) with that compatible string. */
bool fdt_find_compatible_after(const struct fdt *fdt, const char *compat, const struct fdt_node *prev,
			       struct fdt_node *out);
bool fdt_node_is_compatible(const struct fdt *fdt, const struct fdt_node *node,
			    const char *compat);
const void *fdt_prop(const struct fdt *fdt, const struct fdt_node *node, const char *name,
		     uint32_t *len);
bool fdt_reg(const struct fdt *fdt, const struct fdt_node *node, unsigned idx, uint64_t *addr,
	     uint64_t *size);
uint32_t fdt_cell(const void *prop, unsigned idx);

#endif /* RT_FDT_H */
