#include "base/internal.h"

/*
 * upgrade.c - `stabforce upgrade`: a format-1 scenario rewritten as the
 * format-2 file that says the same (docs/scenario-format.md, "Upgrading
 * a format-1 file").
 *
 * The file is edited as text, not re-emitted from the tree, so that its
 * comments, key order, quoting and layout stay as they were: the reader's
 * node tree gives the position of every node, and the edits are
 *   - the value of `format` becomes 2;
 *   - every pledge gets `lead_days: 0` right after its `count` (on the next
 *     line, at the same indentation, with a comment; inside a flow mapping
 *     `{...}`, right after the count's value, without one): format 1 gave
 *     no notice, and this makes it visible where the source must be read.
 * Everything else of format 2 has defaults that keep the file's meaning
 * (no reception limit, no tour limit, a minimum stay of one month), except
 * what format 1 could not say: months before as_of become history, and
 * moves cost money. The first is warned about when as_of falls after the
 * first month; the second is the point of format 2.
 *
 * The input must be a valid format-1 scenario, and the output is read
 * back: an upgrade that would not load as format 2 is an internal error,
 * never a file written.
 */

#include <stdlib.h>
#include <string.h>

#include "scenario/tree.h"

typedef struct edit {
	size_t at;        /* byte offset in the original */
	size_t del;       /* bytes replaced from there */
	const char *text; /* inserted (static or arena) */
} edit;

/* The value of key in a mapping node, or NULL. */
static const sf__ynode *map_get(const sf__ynode *n, const char *key)
{
	if (!n || n->kind != SF__YMAP)
		return NULL;
	for (size_t i = 0; i < SF__YMAP_LEN(n); i++) {
		const sf__ynode *k = SF__YMAP_KEY(n, i);
		if (k->kind == SF__YSCALAR && strcmp(k->value, key) == 0)
			return SF__YMAP_VAL(n, i);
	}
	return NULL;
}

/* The key node of key in a mapping node, or NULL. */
static const sf__ynode *map_key(const sf__ynode *n, const char *key)
{
	if (!n || n->kind != SF__YMAP)
		return NULL;
	for (size_t i = 0; i < SF__YMAP_LEN(n); i++) {
		const sf__ynode *k = SF__YMAP_KEY(n, i);
		if (k->kind == SF__YSCALAR && strcmp(k->value, key) == 0)
			return k;
	}
	return NULL;
}

/* Byte offsets of the start of every line: starts[l - 1] for line l. */
static size_t *line_starts(const char *data, size_t len, size_t *nlines)
{
	size_t n = 1, k = 1;
	size_t *s;

	for (size_t i = 0; i < len; i++)
		n += data[i] == '\n';
	s = sf__mallocarray(n + 1, sizeof(*s));
	if (!s)
		return NULL;
	s[0] = 0;
	for (size_t i = 0; i < len; i++)
		if (data[i] == '\n')
			s[k++] = i + 1;
	s[n] = len;
	*nlines = n;
	return s;
}

/*
 * The byte offset of (line, column): libyaml counts columns in
 * characters, so the line is walked character by character (UTF-8).
 * Returns (size_t)-1 when the position is not in the text.
 */
static size_t offset_of(const char *data, size_t len, const size_t *starts, size_t nlines, int line,
                        int column)
{
	size_t off, end;
	int col = 1;

	if (line < 1 || (size_t)line > nlines || column < 1)
		return (size_t)-1;
	off = starts[line - 1];
	end = (size_t)line < nlines ? starts[line] : len;
	while (col < column && off < end) {
		off++;
		while (off < end && ((unsigned char)data[off] & 0xC0) == 0x80)
			off++;
		col++;
	}
	return col == column ? off : (size_t)-1;
}

static int cmp_edit(const void *pa, const void *pb)
{
	const edit *a = pa, *b = pb;
	return a->at < b->at ? -1 : a->at > b->at;
}

#define NOTICE_COMMENT "  # upgrade: format 1 gave no notice; set it from the pledge's source"

/* The edit that gives one pledge `lead_days: 0`, or -1 if it cannot be placed. */
static int pledge_edit(sf_arena *a, const char *data, size_t len, const size_t *starts,
                       size_t nlines, const sf__ynode *pledge, edit *e)
{
	const sf__ynode *ck = map_key(pledge, "count"), *cv = map_get(pledge, "count");
	size_t pos, vend, eol;
	sf_buf b;
	char *text;

	if (!ck || !cv || cv->kind != SF__YSCALAR)
		return -1;
	pos = offset_of(data, len, starts, nlines, pledge->line, pledge->column);
	vend = offset_of(data, len, starts, nlines, cv->line, cv->column);
	if (pos == (size_t)-1 || vend == (size_t)-1)
		return -1;
	sf_buf_init(&b, 0);
	if (data[pos] == '{') {
		/* Flow mapping: right after the count's value (a plain integer). */
		e->at = vend + cv->len;
		sf_buf_adds(&b, ", lead_days: 0");
	} else {
		/* Block mapping: a line of its own after the count's line. */
		eol = (size_t)cv->line < nlines ? starts[cv->line] : len;
		e->at = eol;
		if (eol == len && (len == 0 || data[len - 1] != '\n'))
			sf_buf_addc(&b, '\n');
		for (int i = 1; i < ck->column; i++)
			sf_buf_addc(&b, ' ');
		sf_buf_adds(&b, "lead_days: 0" NOTICE_COMMENT "\n");
	}
	e->del = 0;
	text = sf__arena_strdup(a, sf_buf_str(&b));
	sf_buf_release(&b);
	if (!text)
		return -2;
	e->text = text;
	return 0;
}

sf_status sf_scenario_upgrade(const char *data, size_t len, const char *name, sf_buf *out,
                              sf_diags *diags, sf_error *err)
{
	sf_status rc;
	sf_scenario *sc = NULL, *check = NULL;
	sf_arena *a = NULL;
	sf__ynode *root = NULL;
	size_t *starts = NULL, nlines = 0, nedits = 0, cap = 1;
	edit *edits = NULL;
	int nerrors = 0;
	const sf__ynode *fv, *contributors;
	sf_diags parse_diags;
	sf__yaml_cut cut; /* never cut: the scenario just loaded whole */
	sf_load_options lo = {0};

	rc = sf_scenario_load_mem(data, len, name, &lo, &sc, diags);
	if (rc != SF_OK)
		return sf_error_set(err, rc, "'%s' is not a valid scenario: nothing upgraded",
		                    name);
	if (sc->format != 1) {
		rc = sf_error_set(err, SF_ERR_USAGE, "'%s' is already format %d", name, sc->format);
		goto out;
	}
	a = sf__arena_new();
	if (!a) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory upgrading '%s'", name);
		goto out;
	}
	sf_diags_init(&parse_diags);
	rc = sf__yaml_parse(data, len, name, a, &parse_diags, &root, &nerrors, &cut);
	sf_diags_release(&parse_diags);
	if (rc != SF_OK || !root) {
		rc = sf_error_set(err, rc == SF_ERR_NOMEM ? rc : SF_ERR_INTERNAL,
		                  "cannot parse '%s' again", name);
		goto out;
	}
	starts = line_starts(data, len, &nlines);
	contributors = map_get(root, "contributors");
	if (contributors && contributors->kind == SF__YSEQ)
		for (size_t i = 0; i < contributors->nkids; i++) {
			const sf__ynode *pl = map_get(contributors->kids[i], "pledges");
			if (pl && pl->kind == SF__YSEQ)
				cap += pl->nkids;
		}
	edits = sf__mallocarray(cap, sizeof(*edits));
	if (!starts || !edits) {
		rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory upgrading '%s'", name);
		goto out;
	}
	fv = map_get(root, "format");
	edits[nedits].at =
	        fv ? offset_of(data, len, starts, nlines, fv->line, fv->column) : (size_t)-1;
	if (!fv || edits[nedits].at == (size_t)-1) {
		rc = sf_error_set(err, SF_ERR_INTERNAL, "cannot find the format of '%s'", name);
		goto out;
	}
	edits[nedits].del = fv->len;
	edits[nedits].text = "2";
	nedits++;
	for (size_t i = 0;
	     contributors && contributors->kind == SF__YSEQ && i < contributors->nkids; i++) {
		const sf__ynode *pl = map_get(contributors->kids[i], "pledges");
		if (!pl || pl->kind != SF__YSEQ)
			continue;
		for (size_t k = 0; k < pl->nkids; k++) {
			int r = pledge_edit(a, data, len, starts, nlines, pl->kids[k],
			                    &edits[nedits]);
			if (r == -2) {
				rc = sf_error_set(err, SF_ERR_NOMEM, "out of memory upgrading '%s'",
				                  name);
				goto out;
			}
			if (r == 0)
				nedits++;
			else if (diags)
				sf_diags_add(diags, SF_DIAG_WARNING, name, pl->kids[k]->line,
				             pl->kids[k]->column, "",
				             "a pledge whose count could not be placed: add "
				             "'lead_days' to it by hand");
		}
	}
	qsort(edits, nedits, sizeof(*edits), cmp_edit);
	{
		size_t at = 0;
		sf_status wr = SF_OK;
		for (size_t i = 0; i < nedits && wr == SF_OK; i++) {
			wr = sf_buf_add(out, data + at, edits[i].at - at);
			if (wr == SF_OK)
				wr = sf_buf_adds(out, edits[i].text);
			at = edits[i].at + edits[i].del;
		}
		if (wr == SF_OK)
			wr = sf_buf_add(out, data + at, len - at);
		if (wr != SF_OK) {
			rc = sf_error_set(err, wr, "out of memory upgrading '%s'", name);
			goto out;
		}
	}
	/* Read the result back: what format 2 will make of it. */
	rc = sf_scenario_load_mem(sf_buf_str(out), out->len, name, &lo, &check, NULL);
	if (rc != SF_OK) {
		rc = sf_error_set(err, SF_ERR_INTERNAL,
		                  "the upgrade of '%s' does not read back as format 2", name);
		goto out;
	}
	if (check->a0 > 1 && diags) {
		const sf__ynode *an = map_get(root, "as_of");
		char m[16];
		sf_diags_add(diags, SF_DIAG_WARNING, name, an ? an->line : 1, an ? an->column : 1,
		             "as_of",
		             "as_of %s is in month %d (%s): in format 2 the months before it are "
		             "history, and nothing is recorded as deployed; list what is on the "
		             "ground by as_of under 'deployed:'",
		             sc->as_of, check->a0,
		             sf_scenario_month_label(check, check->a0, m, sizeof(m)));
	}
	if (check->format != 2 || check->npledges != sc->npledges) {
		rc = sf_error_set(err, SF_ERR_INTERNAL,
		                  "the upgrade of '%s' does not read back as format 2", name);
		goto out;
	}
	rc = SF_OK;
out:
	free(starts);
	free(edits);
	sf__arena_free(a);
	sf_scenario_free(sc);
	sf_scenario_free(check);
	return rc;
}
