/*
 * load.c - reading a scenario file: the bytes, then the YAML tree
 * (yaml.c), then the schema walk (schema.c) into an sf_scenario, with the
 * diagnostics put in file order.
 *
 * Limits that keep hostile input cheap are in yaml.c; this file only
 * sequences the steps and owns the tree's arena, which is freed as soon as
 * the scenario is built.
 */
#include "base/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/tree.h"

typedef struct diag_order {
	size_t index;
	int other_file; /* 1 for diagnostics about another file (the GeoJSON) */
	int line, column;
} diag_order;

static int cmp_diag_order(const void *pa, const void *pb)
{
	const diag_order *a = pa, *b = pb;

	if (a->other_file != b->other_file)
		return a->other_file - b->other_file;
	if (!a->other_file) {
		if (a->line != b->line)
			return a->line < b->line ? -1 : 1;
		if (a->column != b->column)
			return a->column < b->column ? -1 : 1;
	}
	return a->index < b->index ? -1 : a->index > b->index;
}

/*
 * Put the diagnostics added since `start` in file order (the scenario's by
 * line and column, then those about other files as they came), so that a
 * reader fixes the file top to bottom. The walk itself goes by meaning,
 * not by position.
 */
static void sort_diags(sf_diags *d, size_t start, const char *file)
{
	size_t n = d->count - start, i;
	diag_order *ord;
	sf_diag *tmp;

	if (n < 2)
		return;
	ord = sf__mallocarray(n, sizeof(*ord));
	tmp = sf__mallocarray(n, sizeof(*tmp));
	if (ord && tmp) {
		for (i = 0; i < n; i++) {
			const sf_diag *dg = &d->items[start + i];
			ord[i].index = i;
			ord[i].other_file = strcmp(dg->file, file) != 0;
			ord[i].line = dg->line;
			ord[i].column = dg->column;
		}
		qsort(ord, n, sizeof(*ord), cmp_diag_order);
		for (i = 0; i < n; i++)
			tmp[i] = d->items[start + ord[i].index];
		memcpy(&d->items[start], tmp, n * sizeof(*tmp));
	}
	free(ord);
	free(tmp);
}

/* Whether a truncated container of the tree starts at (line, column). */
static int at_open_container(const sf__ynode *n, int line, int column)
{
	while (n && n->truncated && n->nkids > 0) {
		if (n->line == line && n->column == column)
			return 1;
		n = n->kids[n->nkids - 1]; /* the open one is the last kid */
	}
	return n && n->truncated && n->line == line && n->column == column;
}

/*
 * The node cap cut the tree: drop the walk's diagnostics about what was
 * never read (at or past the cut, or at a container left open there,
 * such as a key "missing" from it), keeping the cap's own.
 */
static void drop_past_cut(sf_diags *d, size_t start, const char *file, const sf__yaml_cut *cut,
                          const sf__ynode *root)
{
	size_t i, k = start;

	for (i = start; i < d->count; i++) {
		const sf_diag *dg = &d->items[i];
		int ours = strcmp(dg->file, file) == 0;
		int past = ours && (dg->line > cut->line ||
		                    (dg->line == cut->line && dg->column >= cut->column));
		int is_cap = strstr(dg->message, "too many YAML nodes") != NULL;
		if (!is_cap && ours && (past || at_open_container(root, dg->line, dg->column))) {
			if (dg->level == SF_DIAG_ERROR)
				d->nerrors--;
			else
				d->nwarnings--;
			continue;
		}
		d->items[k++] = *dg;
	}
	d->count = k;
}

static sf_status load_mem(const char *data, size_t len, const char *name,
                          const sf_load_options *opts, sf_scenario **out, sf_diags *diags)
{
	sf_arena *tree_arena;
	sf_scenario *sc = NULL;
	sf_arena *arena = NULL;
	sf__ynode *root;
	sf__yaml_cut cut;
	int nerrors = 0;
	sf_load_options defaults = {0};
	sf_status rc = SF_OK;
	size_t first_diag = diags->count;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	if (!name)
		name = "<memory>";
	tree_arena = sf__arena_new();
	if (!tree_arena)
		return SF_ERR_NOMEM;

	rc = sf__yaml_parse(data, len, name, tree_arena, diags, &root, &nerrors, &cut);
	if (rc != SF_OK)
		goto out;
	if (!root || (root->kind == SF__YSCALAR && root->len == 0 && !root->is_string)) {
		sf_diags_add(diags, SF_DIAG_ERROR, name, 1, 1, NULL,
		             "the scenario is empty: expected a mapping with 'format: 1' and "
		             "the scenario's keys");
		rc = SF_ERR_SCENARIO;
		goto out;
	}
	arena = sf__arena_new();
	if (!arena) {
		rc = SF_ERR_NOMEM;
		goto out;
	}
	sc = sf__arena_alloc(arena, sizeof(*sc));
	if (!sc) {
		rc = SF_ERR_NOMEM;
		goto out;
	}
	sc->arena = arena;
	arena = NULL;
	rc = sf__scenario_build(sc, root, name, opts, diags);
	if (rc == SF_OK && nerrors)
		rc = SF_ERR_SCENARIO; /* unknown aliases, unsupported tags, the node cap */
	if (cut.cut)
		drop_past_cut(diags, first_diag, name, &cut, root);
out:
	sort_diags(diags, first_diag, name);
	sf__arena_free(tree_arena);
	sf__arena_free(arena);
	if (rc == SF_OK)
		*out = sc;
	else
		sf_scenario_free(sc);
	return rc;
}

sf_status sf_scenario_load_mem(const char *data, size_t len, const char *name,
                               const sf_load_options *opts, sf_scenario **out, sf_diags *diags)
{
	sf_diags local;
	sf_status rc;

	if (diags)
		return load_mem(data, len, name, opts, out, diags);
	sf_diags_init(&local); /* the caller does not want the list */
	rc = load_mem(data, len, name, opts, out, &local);
	sf_diags_release(&local);
	return rc;
}

static sf_status load_file(const char *path, const sf_load_options *opts, sf_scenario **out,
                           sf_diags *diags)
{
	char *data;
	size_t len;
	sf_error err;
	sf_status rc;

	*out = NULL;
	sf_error_clear(&err);
	rc = sf_file_read(path, SF_MAX_SCENARIO_BYTES, "a scenario", &data, &len, &err);
	if (rc != SF_OK) {
		sf_diags_add(diags, SF_DIAG_ERROR, path, 0, 0, NULL, "%s", err.message);
		return rc == SF_ERR_INPUT ? SF_ERR_SCENARIO : rc;
	}
	rc = load_mem(data, len, path, opts, out, diags);
	free(data);
	return rc;
}

sf_status sf_scenario_load(const char *path, const sf_load_options *opts, sf_scenario **out,
                           sf_diags *diags)
{
	sf_diags local;
	sf_status rc;

	if (diags)
		return load_file(path, opts, out, diags);
	sf_diags_init(&local);
	rc = load_file(path, opts, out, &local);
	sf_diags_release(&local);
	return rc;
}
