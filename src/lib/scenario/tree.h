/*
 * tree.h - the YAML node tree shared by the two halves of the scenario
 * reader (internal).
 *
 * yaml.c turns libyaml's events into this tree (the only file that
 * includes <yaml.h>); schema.c walks the tree against the format and fills
 * an sf_scenario; load.c runs one after the other. Every node keeps its 1-based line and column so
 * that any diagnostic, however late, points at the right place.
 *
 * Aliases are resolved while building: an alias is the anchored node
 * itself (shared, never copied), and an anchor becomes usable only once
 * its node is complete, so the tree has no cycles and its size is bounded
 * by the input, whatever aliases it uses.
 */
#ifndef STABFORCE_SCENARIO_TREE_H
#define STABFORCE_SCENARIO_TREE_H

#include <stddef.h>

#include "base/internal.h"

typedef enum sf__ynode_kind { SF__YSCALAR = 0, SF__YSEQ = 1, SF__YMAP = 2 } sf__ynode_kind;

typedef struct sf__ynode {
	sf__ynode_kind kind;
	const char *value;       /* scalar text, NUL-terminated (may hold earlier NULs) */
	size_t len;              /* scalar length in bytes */
	int is_string;           /* scalar quoted, block, or tagged !!str / "!": never a number */
	int line, column;        /* 1-based start of the node */
	int truncated;           /* a container still open where the node cap cut the file */
	struct sf__ynode **kids; /* seq: items; map: key0, value0, key1, value1, ... */
	size_t nkids;            /* seq: items; map: 2 * entries */
	size_t cap;
} sf__ynode;

/* The number of entries of a mapping, items of a sequence. */
#define SF__YMAP_LEN(n) ((n)->nkids / 2)
#define SF__YMAP_KEY(n, i) ((n)->kids[2 * (i)])
#define SF__YMAP_VAL(n, i) ((n)->kids[2 * (i) + 1])

/*
 * Walk the tree `root` of the file `file` (name used in diagnostics, and
 * base for relative paths) and build the scenario in sc (whose arena is
 * set). Diagnostics go to diags. Returns SF_OK, SF_ERR_SCENARIO (errors
 * reported) or SF_ERR_NOMEM.
 */
sf_status sf__scenario_build(sf_scenario *sc, const sf__ynode *root, const char *file,
                             const sf_load_options *opts, sf_diags *diags);

/*
 * Where the node cap cut a file (yaml.c): the tree holds the nodes before
 * (cut_line, cut_column); the containers open there are marked truncated.
 * A walk of such a tree reports only what it finds before the cut and
 * not at an open container (load.c filters the rest): what comes after
 * was never read.
 */
typedef struct sf__yaml_cut {
	int cut;          /* 1 when the cap was reached */
	int line, column; /* the first node left out */
} sf__yaml_cut;

/*
 * Parse YAML text into a tree allocated in arena (yaml.c, the libyaml
 * adapter). *root is the document's root, NULL for an empty stream.
 * Returns SF_ERR_NOMEM, SF_ERR_SCENARIO (a syntax error: the tree is
 * incomplete and *root NULL), or SF_OK; *nerrors counts the errors that
 * did not stop the parse (unknown aliases, unsupported tags, the node
 * cap), all in diags. *cut says whether and where the node cap cut the
 * tree (the rest of the file is still read for syntax errors).
 */
sf_status sf__yaml_parse(const char *data, size_t len, const char *file, sf_arena *arena,
                         sf_diags *diags, sf__ynode **root, int *nerrors, sf__yaml_cut *cut);

#endif
