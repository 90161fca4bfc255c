#include "internal.h"

/*
 * scenario.c - reading a scenario file: libyaml events to a node tree, and
 * the scenario's lifecycle (free, clone, lookups, months, what-if edits).
 *
 * This is the one file that includes <yaml.h>. libyaml's event parser gives
 * the position of every node; we keep those positions in a small tree
 * (scenario_tree.h) and leave the meaning of the keys to
 * scenario_check.c, which walks the tree against format 1. The tree lives
 * in its own arena, freed as soon as the scenario is built.
 *
 * Limits that keep hostile input cheap: nesting deeper than SF_YAML_DEPTH
 * and more than SF_YAML_NODES nodes are errors; an alias is a pointer to
 * the finished anchored node (no copying, no cycles); a second document in
 * the stream is an error.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "scenario_tree.h"

enum { SF_YAML_DEPTH = 64, SF_YAML_NODES = 1000000 };

typedef struct anchor {
	const char *name;
	sf__ynode *node;
} anchor;

typedef struct builder {
	sf_arena *arena;
	const char *file;
	sf_diags *diags;
	sf__ynode *stack[SF_YAML_DEPTH]; /* open containers */
	int depth;
	sf__ynode *root;
	size_t nnodes;
	anchor *anchors; /* malloc'ed */
	size_t nanchors, cap_anchors;
	const char *pending[SF_YAML_DEPTH]; /* anchor names of the open containers */
	int nerrors;
	int syntax_error; /* libyaml stopped: the tree is incomplete */
	int nomem;
} builder;

static void build_error(builder *b, int line, int column, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static void build_error(builder *b, int line, int column, const char *fmt, ...)
{
	char msg[SF_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	b->nerrors++;
	if (sf_diags_add(b->diags, SF_DIAG_ERROR, b->file, line, column, NULL, "%s", msg) ==
	    SF_ERR_NOMEM)
		b->nomem = 1;
}

static int add_kid(builder *b, sf__ynode *parent, sf__ynode *kid)
{
	if (parent->nkids == parent->cap) {
		size_t cap = parent->cap ? parent->cap * 2 : 8;
		sf__ynode **kids = sf__arena_calloc(b->arena, cap, sizeof(*kids));
		if (!kids) {
			b->nomem = 1;
			return -1;
		}
		if (parent->nkids)
			memcpy(kids, parent->kids, parent->nkids * sizeof(*kids));
		parent->kids = kids;
		parent->cap = cap;
	}
	parent->kids[parent->nkids++] = kid;
	return 0;
}

/* Attach a finished or opening node to the open container or the root. */
static int attach(builder *b, sf__ynode *n)
{
	if (b->depth > 0)
		return add_kid(b, b->stack[b->depth - 1], n);
	if (!b->root)
		b->root = n;
	return 0;
}

static int add_anchor(builder *b, const char *name, sf__ynode *n)
{
	if (b->nanchors == b->cap_anchors) {
		size_t cap = b->cap_anchors ? b->cap_anchors * 2 : 16;
		anchor *p = sf__reallocarray(b->anchors, cap, sizeof(*p));
		if (!p) {
			b->nomem = 1;
			return -1;
		}
		b->anchors = p;
		b->cap_anchors = cap;
	}
	b->anchors[b->nanchors].name = name;
	b->anchors[b->nanchors].node = n;
	b->nanchors++;
	return 0;
}

static sf__ynode *find_anchor(builder *b, const char *name)
{
	size_t i;

	for (i = b->nanchors; i > 0; i--) {
		if (strcmp(b->anchors[i - 1].name, name) == 0)
			return b->anchors[i - 1].node;
	}
	return NULL;
}

static sf__ynode *new_node(builder *b, sf__ynode_kind kind, const yaml_mark_t *mark)
{
	sf__ynode *n;

	if (++b->nnodes > SF_YAML_NODES) {
		if (b->nnodes == SF_YAML_NODES + 1)
			build_error(b, (int)mark->line + 1, (int)mark->column + 1,
			            "too many YAML nodes (more than %d)", SF_YAML_NODES);
		return NULL;
	}
	n = sf__arena_alloc(b->arena, sizeof(*n));
	if (!n) {
		b->nomem = 1;
		return NULL;
	}
	n->kind = kind;
	n->line = (int)mark->line + 1;
	n->column = (int)mark->column + 1;
	n->value = "";
	return n;
}

/* Tags we understand; the others are an error. */
static int tag_ok(const char *tag, sf__ynode_kind kind, int *is_string)
{
	if (!tag)
		return 1;
	if (strcmp(tag, "!") == 0 || strcmp(tag, YAML_STR_TAG) == 0) {
		*is_string = 1;
		return kind == SF__YSCALAR;
	}
	if (kind == SF__YSCALAR)
		return strcmp(tag, YAML_INT_TAG) == 0 || strcmp(tag, YAML_FLOAT_TAG) == 0 ||
		       strcmp(tag, YAML_NULL_TAG) == 0 || strcmp(tag, YAML_BOOL_TAG) == 0;
	if (kind == SF__YSEQ)
		return strcmp(tag, YAML_SEQ_TAG) == 0;
	return strcmp(tag, YAML_MAP_TAG) == 0;
}

/* One event; returns 1 at the end of the stream, -1 to stop, 0 to go on. */
static int on_event(builder *b, yaml_event_t *ev, int *ndocs)
{
	const yaml_mark_t *mark = &ev->start_mark;
	int line = (int)mark->line + 1, column = (int)mark->column + 1;
	sf__ynode *n = NULL;
	const char *anchor_name = NULL, *tag = NULL;
	sf__ynode_kind kind;
	int is_string = 0;

	switch (ev->type) {
	case YAML_STREAM_END_EVENT:
		return 1;
	case YAML_DOCUMENT_START_EVENT:
		if (++*ndocs > 1) {
			build_error(b, line, column,
			            "expected one YAML document, found a second one");
			return -1;
		}
		return 0;
	case YAML_ALIAS_EVENT:
		n = find_anchor(b, (const char *)ev->data.alias.anchor);
		if (!n) {
			/* Reported, and replaced by an empty node so the walk can go on. */
			build_error(b, line, column,
			            "unknown alias '*%s' (no complete node with anchor '&%s' "
			            "before it)",
			            (const char *)ev->data.alias.anchor,
			            (const char *)ev->data.alias.anchor);
			n = new_node(b, SF__YSCALAR, mark);
			if (!n)
				return -1;
		}
		return attach(b, n) ? -1 : 0;
	case YAML_SCALAR_EVENT:
		kind = SF__YSCALAR;
		anchor_name = (const char *)ev->data.scalar.anchor;
		tag = (const char *)ev->data.scalar.tag;
		break;
	case YAML_SEQUENCE_START_EVENT:
		kind = SF__YSEQ;
		anchor_name = (const char *)ev->data.sequence_start.anchor;
		tag = (const char *)ev->data.sequence_start.tag;
		break;
	case YAML_MAPPING_START_EVENT:
		kind = SF__YMAP;
		anchor_name = (const char *)ev->data.mapping_start.anchor;
		tag = (const char *)ev->data.mapping_start.tag;
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (b->depth <= 0)
			return -1; /* libyaml never does this */
		b->depth--;
		if (b->pending[b->depth] &&
		    add_anchor(b, b->pending[b->depth], b->stack[b->depth]) != 0)
			return -1;
		return 0;
	default:
		return 0;
	}

	n = new_node(b, kind, mark);
	if (!n)
		return -1;
	if (!tag_ok(tag, kind, &is_string))
		build_error(b, line, column, "unsupported YAML tag '%s'", tag);
	if (anchor_name) {
		anchor_name = sf__arena_strdup(b->arena, anchor_name);
		if (!anchor_name) {
			b->nomem = 1;
			return -1;
		}
	}
	if (kind == SF__YSCALAR) {
		yaml_scalar_style_t st = ev->data.scalar.style;
		n->len = ev->data.scalar.length;
		n->value = sf__arena_strndup(b->arena, (const char *)ev->data.scalar.value, n->len);
		if (!n->value) {
			b->nomem = 1;
			return -1;
		}
		n->is_string = is_string || st != YAML_PLAIN_SCALAR_STYLE;
		if (attach(b, n) != 0)
			return -1;
		if (anchor_name && add_anchor(b, anchor_name, n) != 0)
			return -1;
		return 0;
	}
	if (attach(b, n) != 0)
		return -1;
	if (b->depth >= SF_YAML_DEPTH) {
		build_error(b, line, column, "YAML nested deeper than %d levels", SF_YAML_DEPTH);
		return -1;
	}
	b->pending[b->depth] = anchor_name;
	b->stack[b->depth++] = n;
	return 0;
}

/*
 * Parse YAML text into a tree in b->arena. Returns the root (NULL for an
 * empty stream or on errors, which are in diags).
 */
static sf__ynode *parse_yaml(builder *b, const char *data, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int ndocs = 0, r = 0;

	if (!yaml_parser_initialize(&parser)) {
		b->nomem = 1;
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	while (r == 0) {
		if (!yaml_parser_parse(&parser, &ev)) {
			b->syntax_error = 1;
			if (parser.error == YAML_MEMORY_ERROR) {
				b->nomem = 1;
			} else if (parser.context) {
				build_error(b, (int)parser.problem_mark.line + 1,
				            (int)parser.problem_mark.column + 1,
				            "invalid YAML: %s (%s at line %d, column %d)",
				            parser.problem ? parser.problem : "syntax error",
				            parser.context, (int)parser.context_mark.line + 1,
				            (int)parser.context_mark.column + 1);
			} else {
				build_error(b, (int)parser.problem_mark.line + 1,
				            (int)parser.problem_mark.column + 1, "invalid YAML: %s",
				            parser.problem ? parser.problem : "syntax error");
			}
			break;
		}
		r = on_event(b, &ev, &ndocs);
		yaml_event_delete(&ev);
		if (r < 0)
			b->syntax_error = 1; /* stopped early: the tree is incomplete */
	}
	yaml_parser_delete(&parser);
	if (b->syntax_error || b->nomem)
		return NULL;
	return b->root;
}

/* ------------------------------------------------------------------ */
/* Loading                                                              */

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

static sf_status load_mem(const char *data, size_t len, const char *name,
                          const sf_load_options *opts, sf_scenario **out, sf_diags *diags)
{
	builder b;
	sf_scenario *sc = NULL;
	sf_arena *arena = NULL;
	sf__ynode *root;
	sf_load_options defaults = {0};
	sf_status rc = SF_OK;
	size_t first_diag = diags->count;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	if (!name)
		name = "<memory>";
	memset(&b, 0, sizeof(b));
	b.file = name;
	b.diags = diags;
	b.arena = sf__arena_new();
	if (!b.arena)
		return SF_ERR_NOMEM;

	root = parse_yaml(&b, data, len);
	if (b.nomem) {
		rc = SF_ERR_NOMEM;
		goto out;
	}
	if (b.syntax_error) {
		rc = SF_ERR_SCENARIO;
		goto out;
	}
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
	if (rc == SF_OK && b.nerrors)
		rc = SF_ERR_SCENARIO; /* unknown aliases, unsupported tags */
out:
	sort_diags(diags, first_diag, name);
	free(b.anchors);
	sf__arena_free(b.arena);
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
	FILE *fp;
	char *data = NULL, *grown;
	size_t size = 0, used = 0, got;
	sf_status rc;

	*out = NULL;
	fp = fopen(path, "rb");
	if (!fp) {
		sf_diags_add(diags, SF_DIAG_ERROR, path, 0, 0, NULL, "cannot open '%s': %s", path,
		             strerror(errno));
		return SF_ERR_IO;
	}
	for (;;) {
		if (size - used < 2) {
			size = size ? size * 2 : 65536;
			grown = realloc(data, size);
			if (!grown) {
				free(data);
				fclose(fp);
				return SF_ERR_NOMEM;
			}
			data = grown;
		}
		got = fread(data + used, 1, size - used - 1, fp);
		used += got;
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		sf_diags_add(diags, SF_DIAG_ERROR, path, 0, 0, NULL, "cannot read '%s': %s", path,
		             strerror(errno ? errno : EIO));
		free(data);
		fclose(fp);
		return SF_ERR_IO;
	}
	fclose(fp);
	data[used] = '\0';
	rc = load_mem(data, used, path, opts, out, diags);
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

void sf_scenario_free(sf_scenario *sc)
{
	if (sc)
		sf__arena_free(sc->arena); /* sc itself lives in its arena */
}

/* ------------------------------------------------------------------ */
/* Clone: a deep copy into a new arena.                                 */

#define DUP_ARRAY(a, dst, src, n)                                                                  \
	do {                                                                                       \
		(dst) = NULL;                                                                      \
		if ((src) && (n)) {                                                                \
			(dst) = sf__arena_calloc((a), (n), sizeof(*(src)));                        \
			if (!(dst))                                                                \
				goto nomem;                                                        \
			memcpy((dst), (src), (n) * sizeof(*(src)));                                \
		}                                                                                  \
	} while (0)

#define DUP_STR(a, field)                                                                          \
	do {                                                                                       \
		if (field) {                                                                       \
			(field) = sf__arena_strdup((a), (field));                                  \
			if (!(field))                                                              \
				goto nomem;                                                        \
		}                                                                                  \
	} while (0)

sf_status sf_scenario_clone(const sf_scenario *src, sf_scenario **out, sf_error *err)
{
	sf_arena *a;
	sf_scenario *sc;
	size_t i, j, nloc = src->nsectors + 1;

	*out = NULL;
	a = sf__arena_new();
	if (!a)
		return sf_error_set(err, SF_ERR_NOMEM, "out of memory cloning the scenario");
	sc = sf__arena_alloc(a, sizeof(*sc));
	if (!sc)
		goto nomem;
	*sc = *src;
	sc->arena = a;
	DUP_STR(a, sc->name);
	DUP_STR(a, sc->as_of);
	DUP_STR(a, sc->path);
	DUP_STR(a, sc->authority);
	DUP_STR(a, sc->geojson_path);
	DUP_STR(a, sc->id_property);

	DUP_ARRAY(a, sc->sectors, src->sectors, src->nsectors);
	for (i = 0; i < sc->nsectors; i++) {
		sf_sector *s = &sc->sectors[i];
		DUP_STR(a, s->id);
		DUP_STR(a, s->name);
		DUP_ARRAY(a, s->attrs, src->sectors[i].attrs, s->nattrs);
		for (j = 0; j < s->nattrs; j++)
			DUP_STR(a, s->attrs[j].name);
	}
	DUP_ARRAY(a, sc->unit_types, src->unit_types, src->nunit_types);
	for (i = 0; i < sc->nunit_types; i++) {
		sf_unit_type *u = &sc->unit_types[i];
		DUP_STR(a, u->id);
		DUP_STR(a, u->name);
		DUP_ARRAY(a, u->capability, src->unit_types[i].capability, src->ntasks);
	}
	DUP_ARRAY(a, sc->tasks, src->tasks, src->ntasks);
	for (i = 0; i < sc->ntasks; i++) {
		sf_task *t = &sc->tasks[i];
		DUP_STR(a, t->id);
		DUP_STR(a, t->name);
		DUP_STR(a, t->req_per);
		DUP_ARRAY(a, t->req_by_sector, src->tasks[i].req_by_sector, src->nsectors);
		DUP_ARRAY(a, t->ramp, src->tasks[i].ramp, t->nramp);
		DUP_STR(a, t->aid_source);
	}
	DUP_ARRAY(a, sc->contributors, src->contributors, src->ncontributors);
	for (i = 0; i < sc->ncontributors; i++) {
		DUP_STR(a, sc->contributors[i].id);
		DUP_STR(a, sc->contributors[i].name);
	}
	DUP_ARRAY(a, sc->pledges, src->pledges, src->npledges);
	for (i = 0; i < sc->npledges; i++) {
		sf_pledge *p = &sc->pledges[i];
		DUP_STR(a, p->id);
		DUP_STR(a, p->source);
		DUP_ARRAY(a, p->task_ok, src->pledges[i].task_ok, src->ntasks);
		DUP_ARRAY(a, p->loc_ok, src->pledges[i].loc_ok, nloc);
	}
	DUP_ARRAY(a, sc->stakeholders, src->stakeholders, src->nstakeholders);
	for (i = 0; i < sc->nstakeholders; i++) {
		DUP_STR(a, sc->stakeholders[i].id);
		DUP_STR(a, sc->stakeholders[i].name);
	}
	DUP_ARRAY(a, sc->vetoes, src->vetoes, src->nvetoes);
	for (i = 0; i < sc->nvetoes; i++) {
		sf_veto *v = &sc->vetoes[i];
		DUP_STR(a, v->source);
		DUP_ARRAY(a, v->sector_mask, src->vetoes[i].sector_mask, src->nsectors);
	}
	/* Inputs from the registers. reg.as_of may point at sc->as_of: copy it
	 * once and keep the two the same pointer when they were. */
	DUP_STR(a, sc->reg.db);
	if (src->reg.as_of && src->reg.as_of == src->as_of)
		sc->reg.as_of = sc->as_of;
	else
		DUP_STR(a, sc->reg.as_of);
	DUP_STR(a, sc->reg.population_attr);
	DUP_ARRAY(a, sc->location_overrides, src->location_overrides, src->nlocation_overrides);
	for (i = 0; i < sc->nlocation_overrides; i++)
		DUP_STR(a, sc->location_overrides[i].location);
	DUP_ARRAY(a, sc->register_inputs, src->register_inputs, src->nregister_inputs);
	*out = sc;
	return SF_OK;
nomem:
	sf__arena_free(a);
	return sf_error_set(err, SF_ERR_NOMEM, "out of memory cloning the scenario");
}

/* ------------------------------------------------------------------ */
/* Lookups                                                              */

#define FIND_BY_ID(arr, n, id)                                                                     \
	do {                                                                                       \
		size_t i_;                                                                         \
		if (!(id))                                                                         \
			return -1;                                                                 \
		for (i_ = 0; i_ < (n); i_++) {                                                     \
			if ((arr)[i_].id && strcmp((arr)[i_].id, (id)) == 0)                       \
				return (long)i_;                                                   \
		}                                                                                  \
		return -1;                                                                         \
	} while (0)

long sf_scenario_find_sector(const sf_scenario *sc, const char *id)
{
	FIND_BY_ID(sc->sectors, sc->nsectors, id);
}

long sf_scenario_find_task(const sf_scenario *sc, const char *id)
{
	FIND_BY_ID(sc->tasks, sc->ntasks, id);
}

long sf_scenario_find_unit(const sf_scenario *sc, const char *id)
{
	FIND_BY_ID(sc->unit_types, sc->nunit_types, id);
}

long sf_scenario_find_contributor(const sf_scenario *sc, const char *id)
{
	FIND_BY_ID(sc->contributors, sc->ncontributors, id);
}

long sf_scenario_find_pledge(const sf_scenario *sc, const char *id)
{
	FIND_BY_ID(sc->pledges, sc->npledges, id);
}

long sf_scenario_find_stakeholder(const sf_scenario *sc, const char *id)
{
	FIND_BY_ID(sc->stakeholders, sc->nstakeholders, id);
}

long sf_scenario_find_location(const sf_scenario *sc, const char *id)
{
	if (id && strcmp(id, "mission") == 0)
		return (long)SF_MISSION(sc);
	return sf_scenario_find_sector(sc, id);
}

const char *sf_scenario_location_id(const sf_scenario *sc, size_t loc)
{
	if (loc < sc->nsectors)
		return sc->sectors[loc].id;
	return loc == SF_MISSION(sc) ? "mission" : NULL;
}

int sf_sector_attr(const sf_sector *s, const char *name, double *value)
{
	size_t i;

	for (i = 0; i < s->nattrs; i++) {
		if (strcmp(s->attrs[i].name, name) == 0) {
			if (value)
				*value = s->attrs[i].value;
			return 0;
		}
	}
	return -1;
}

/* ------------------------------------------------------------------ */
/* Months                                                               */

int sf_scenario_parse_month(const sf_scenario *sc, const char *text, int *month)
{
	long v, y, m;
	size_t i, len;

	if (!text)
		return -1;
	len = strlen(text);
	if (len == 7 && text[4] == '-') {
		for (i = 0; i < 7; i++) {
			if (i != 4 && (text[i] < '0' || text[i] > '9'))
				return -1;
		}
		y = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 +
		    (text[3] - '0');
		m = (text[5] - '0') * 10 + (text[6] - '0');
		if (m < 1 || m > 12)
			return -1;
		v = (y - sc->start_year) * 12 + (m - sc->start_month) + 1;
	} else {
		if (len == 0 || len > 9)
			return -1;
		for (i = 0; i < len; i++) {
			if (text[i] < '0' || text[i] > '9')
				return -1;
		}
		if (sf_parse_long(text, &v) != 0)
			return -1;
	}
	if (v < 1 || v > sc->months)
		return -1;
	*month = (int)v;
	return 0;
}

char *sf_scenario_month_label(const sf_scenario *sc, int month, char *buf, size_t n)
{
	long k = (long)sc->start_year * 12 + (sc->start_month - 1) + (month - 1);
	long y = k / 12, m = k % 12 + 1;

	if (k < 0 || y > 9999)
		sf_snprintf(buf, n, "month %d", month);
	else
		sf_snprintf(buf, n, "%04ld-%02ld", y, m);
	return buf;
}

/* ------------------------------------------------------------------ */
/* What-if edits                                                        */

sf_status sf_scenario_add_pledge(sf_scenario *sc, size_t contributor, size_t unit, int count,
                                 int from, int to, const char *id, size_t *index, sf_error *err)
{
	sf_pledge *arr, *p;
	char gen[64];
	size_t n = 0;

	if (contributor >= sc->ncontributors || unit >= sc->nunit_types || count < 1 || from < 1 ||
	    to > sc->months || from > to)
		return sf_error_set(err, SF_ERR_USAGE,
		                    "invalid pledge: contributor %zu, unit %zu, count %d, "
		                    "months %d..%d",
		                    contributor, unit, count, from, to);
	if (!id) {
		do {
			n++;
			sf_snprintf(gen, sizeof(gen), "%s-w%zu", sc->contributors[contributor].id,
			            n);
		} while (sf_scenario_find_pledge(sc, gen) >= 0);
		id = gen;
	} else if (sf_scenario_find_pledge(sc, id) >= 0) {
		return sf_error_set(err, SF_ERR_USAGE, "duplicate pledge id '%s'", id);
	}
	arr = sf__arena_calloc(sc->arena, sc->npledges + 1, sizeof(*arr));
	if (!arr)
		goto nomem;
	if (sc->npledges)
		memcpy(arr, sc->pledges, sc->npledges * sizeof(*arr));
	p = &arr[sc->npledges];
	p->id = sf__arena_strdup(sc->arena, id);
	p->task_ok = sf__arena_alloc(sc->arena, sc->ntasks ? sc->ntasks : 1);
	p->loc_ok = sf__arena_alloc(sc->arena, SF_NLOC(sc));
	if (!p->id || !p->task_ok || !p->loc_ok)
		goto nomem;
	memset(p->task_ok, 1, sc->ntasks);
	memset(p->loc_ok, 1, SF_NLOC(sc));
	p->contributor = contributor;
	p->unit = unit;
	p->count = count;
	p->from = from;
	p->to = to;
	p->confidence = 1;
	p->active = 1;
	sc->pledges = arr;
	if (index)
		*index = sc->npledges;
	sc->npledges++;
	return SF_OK;
nomem:
	return sf_error_set(err, SF_ERR_NOMEM, "out of memory adding a pledge");
}

sf_status sf_scenario_add_veto(sf_scenario *sc, size_t stakeholder, size_t contributor,
                               sf_veto_kind kind, double penalty, size_t *index, sf_error *err)
{
	sf_veto *arr, *v;

	if (stakeholder >= sc->nstakeholders || contributor >= sc->ncontributors ||
	    (kind != SF_VETO_HARD && kind != SF_VETO_SOFT) || !(penalty >= 0))
		return sf_error_set(err, SF_ERR_USAGE,
		                    "invalid veto: stakeholder %zu, contributor %zu", stakeholder,
		                    contributor);
	arr = sf__arena_calloc(sc->arena, sc->nvetoes + 1, sizeof(*arr));
	if (!arr)
		goto nomem;
	if (sc->nvetoes)
		memcpy(arr, sc->vetoes, sc->nvetoes * sizeof(*arr));
	v = &arr[sc->nvetoes];
	v->sector_mask = sf__arena_alloc(sc->arena, sc->nsectors ? sc->nsectors : 1);
	if (!v->sector_mask)
		goto nomem;
	memset(v->sector_mask, 1, sc->nsectors);
	v->stakeholder = stakeholder;
	v->contributor = contributor;
	v->kind = kind;
	v->penalty = kind == SF_VETO_SOFT ? penalty : 0;
	v->all_sectors = 1;
	v->active = 1;
	sc->vetoes = arr;
	if (index)
		*index = sc->nvetoes;
	sc->nvetoes++;
	return SF_OK;
nomem:
	return sf_error_set(err, SF_ERR_NOMEM, "out of memory adding a veto");
}
