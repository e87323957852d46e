/*
 * One AIR's symbolic constraint DAG as JSON, the form OpenVM's keygen stores and the openvm-zorch
 * fixture generator writes (tools/fixture-gen constraints_dag_json; see
 * tests/vectors/openvm-v2.0.0/README.upstream.md):
 *
 *   {"nodes": [NODE, ...], "constraint_idx": [node, ...],
 *    "interactions": [{"bus_index": B, "message": [node, ...], "count": node, "count_weight": W}]}
 *
 * NODE is {"kind": K, ...}: "variable" {entry "main" | "public", part_index (main: 0; public:
 * null), offset (main: 0 or 1; public: null), index}, "is_first_row", "is_last_row",
 * "is_transition", "constant" {value < p, canonical}, "add" / "sub" / "mul" {left, right},
 * "neg" {idx}. Nodes are in topological order: a node references earlier nodes only.
 *
 * Loading fills a swirl_air node for node, without re-simplifying (the key stays OpenVM's): the
 * degrees as OpenVM's degree_multiple (variables of main 1, public 0; selectors 1; constants 0;
 * add/sub/neg the max of their operands; mul the sum), max_degree over the constraint roots and
 * every interaction field and count.
 *
 * Two optional keys, not in OpenVM's writer, carry what its JSON leaves out: OpenVM computes
 * degree_multiple and the AIR's max_constraint_degree from the expressions before simplification,
 * so x * (y * 0) + z is stored as a node of degree 2 whose operands give 1 (KeccakAir has such
 * nodes). "degree_multiple" on an add/sub/mul/neg node and a top-level "max_constraint_degree"
 * give those values; each may only raise the derived one. swirl_air_to_json writes them only where
 * they differ, so OpenVM's files and ours have the same form. The AIR has one common main partition
 * of the given width, no preprocessed or cached partitions ("preprocessed" variables and part_index
 * != 0 are refused as not supported in system files), and the given number of public values.
 *
 * Errors (SWIRL_E_IO for a file that cannot be read or is not JSON, with line:column; otherwise
 * SWIRL_E_INVALID_ARG): every message names the file and the position as a JSON path, e.g.
 * "c.json: nodes[7].left: node 9 is not an earlier node". Checked: unknown keys, unknown node kinds
 * and entries, missing keys, non-integer or out-of-range numbers, forward or out-of-range node
 * references, column / public indices beyond the widths, constant values >= p, constraint_idx not
 * strictly increasing, degrees above max_constraint_degree, bus_index >= 2^16,
 * count_weight >= 2^32.
 */
#ifndef SWIRL_AIR_AIR_JSON_H
#define SWIRL_AIR_AIR_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "air/dag.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Builds an AIR from a parsed DAG object, with its constraint program (air/program.h; the
 * program's limits are refused naming the file). `file` names the source in error messages, `name` is the
 * AIR's name (may be NULL: "air"). On success *out is owned by the caller (swirl_air_destroy); on
 * failure *out is NULL.
 */
enum swirl_status swirl_air_from_json(swirl_air **out, const json_t *root, const char *file,
                                      const char *name, size_t common_width,
                                      size_t num_public_values,
                                      unsigned max_constraint_degree) SWIRL_WARN_UNUSED_RESULT;

/** swirl_json_load_file + swirl_air_from_json. */
enum swirl_status swirl_air_load_json(swirl_air **out, const char *path, const char *name,
                                      size_t common_width, size_t num_public_values,
                                      unsigned max_constraint_degree) SWIRL_WARN_UNUSED_RESULT;

/**
 * The DAG object of an AIR (keys as OpenVM's writer: public variables with part_index and offset
 * null). *out is owned by the caller. SWIRL_E_UNSUPPORTED for an AIR with preprocessed or cached
 * partitions; SWIRL_E_NOMEM.
 */
enum swirl_status swirl_air_to_json(json_t **out, const swirl_air *air) SWIRL_WARN_UNUSED_RESULT;

/** swirl_air_to_json + swirl_json_save_file. */
enum swirl_status swirl_air_save_json(const char *path,
                                      const swirl_air *air) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_AIR_AIR_JSON_H */
