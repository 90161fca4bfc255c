/*
 * yaml.c - the libyaml adapter: YAML text to the node tree of tree.h.
 *
 * This is the one file that includes <yaml.h>. libyaml's event parser gives
 * the position of every node; we keep those positions in a small tree
 * (tree.h) and leave the meaning of the keys to schema.c, which walks the
 * tree against the format. The tree lives in an arena of the caller's
 * (load.c), freed as soon as the scenario is built.
 *
 * Limits that keep hostile input cheap: nesting deeper than SF_YAML_DEPTH
 * and more than SF_YAML_NODES nodes are errors; an alias is a pointer to
 * the finished anchored node (no copying, no cycles); a second document in
 * the stream is an error.
 */
#include "base/internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "scenario/tree.h"

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
	sf__yaml_cut cut; /* the node cap was reached: no more nodes are built */
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
		int i;
		build_error(b, (int)mark->line + 1, (int)mark->column + 1,
		            "too many YAML nodes (more than %d): the file is checked up to here "
		            "(a real scenario has far fewer)",
		            SF_YAML_NODES);
		b->cut.cut = 1;
		b->cut.line = (int)mark->line + 1;
		b->cut.column = (int)mark->column + 1;
		for (i = 0; i < b->depth; i++)
			b->stack[i]->truncated = 1;
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

	if (b->cut.cut && ev->type != YAML_STREAM_END_EVENT &&
	    ev->type != YAML_DOCUMENT_START_EVENT)
		return 0; /* past the node cap: only the syntax is still checked */
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
				return b->cut.cut ? 0 : -1;
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
		return b->cut.cut ? 0 : -1;
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
 * A reader error (bad encoding, a control character) at its real place:
 * libyaml gives those a byte offset, not a mark.
 */
static void reader_error(builder *b, const yaml_parser_t *parser, const char *data, size_t len)
{
	int line, column;
	size_t off = parser->problem_offset;

	sf__text_position(data, len, off, &line, &column);
	if (parser->problem_value == 0 && off < len && data[off] == '\0')
		build_error(b, line, column,
		            "a NUL byte: a scenario is UTF-8 text, and YAML allows no control "
		            "characters but tab, line feed and carriage return");
	else if (parser->problem_value >= 0 && parser->problem_value < 0x20)
		build_error(b, line, column,
		            "control character 0x%02x: YAML allows none but tab, line feed and "
		            "carriage return",
		            (unsigned)parser->problem_value);
	else
		build_error(b, line, column,
		            "invalid UTF-8 (%s, byte 0x%02x): a scenario is UTF-8 text; convert "
		            "it, e.g. with iconv -f LATIN1 -t UTF-8",
		            parser->problem ? parser->problem : "bad byte",
		            off < len ? (unsigned)(unsigned char)data[off]
		                      : (unsigned)parser->problem_value & 0xffu);
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
			} else if (parser.error == YAML_READER_ERROR) {
				reader_error(b, &parser, data, len);
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

sf_status sf__yaml_parse(const char *data, size_t len, const char *file, sf_arena *arena,
                         sf_diags *diags, sf__ynode **root, int *nerrors, sf__yaml_cut *cut)
{
	builder b;

	memset(&b, 0, sizeof(b));
	b.file = file;
	b.diags = diags;
	b.arena = arena;
	*root = parse_yaml(&b, data, len);
	*nerrors = b.nerrors;
	*cut = b.cut;
	free(b.anchors);
	if (b.nomem)
		return SF_ERR_NOMEM;
	if (b.syntax_error)
		return SF_ERR_SCENARIO;
	return SF_OK;
}
