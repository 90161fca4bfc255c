#include "base/internal.h"

/*
 * scenario_check.c - the schema walk of format 1: from the YAML node tree
 * (scenario_tree.h) to a resolved sf_scenario, with every problem reported
 * at the node that causes it.
 *
 * The walk goes by meaning, not by file order: format, mandate (which
 * fixes the months every month reference is checked against), sectors,
 * tasks, unit types (whose capabilities name tasks), contributors and
 * their pledges, stakeholders and their vetoes, then the checks across
 * objects (attributes a `per` requirement needs, pledges that can never be
 * used) and last the sector map. It never stops at the first error: a bad
 * value is reported and replaced by its default so that the rest of the
 * file is still checked, and an object whose id is known still resolves
 * references to it (no cascades of "unknown sector" after a typo in its
 * name).
 *
 * Every diagnostic carries the file, the node's line and column, the key
 * path (`contributors[3].pledges[0].unit`, 0-based indices) and says what
 * was expected; unknown keys and unknown ids get a "did you mean" from
 * sf__closest(). Ids are checked for duplicates by sorting (n log n, so a
 * hostile file with many ids stays cheap) and resolved by binary search.
 *
 * Decisions the design left open (written down in docs/scenario-format.md):
 *   - `name` and `as_of` are optional (name defaults to the file name);
 *   - `scope` defaults to sector; `weight` is required;
 *   - attribute values are finite and >= 0, threat > 0;
 *   - a hard veto may carry `penalty: 0` (ignored) but not a positive one;
 *     a soft veto without a penalty is a warning (it changes nothing);
 *   - `tasks:`/`locations:` given as a bare list mean `allow:`;
 *   - ids are letters, digits, '_', '-', '.' (or any non-ASCII UTF-8);
 *     `mission` is reserved and cannot be a sector id;
 *   - plain scalars are numbers in YAML 1.2 core syntax, with '_' allowed
 *     between digits (2_100_000); quoted scalars are never numbers.
 */

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scenario/bounds.h"
#include "scenario/geo.h"
#include "scenario/tree.h"

enum { SF_MAX_MONTHS = 1200, SF_ID_MAX = 64 };
#define SF_MAX_INT 1000000000L
/* Format 2 defaults (docs/scenario-format.md, "Format 2"), all assumptions. */
#define SF_MOVE_COST_SHARE 0.1    /* a move: a tenth of a month of the unit */
#define SF_RETASK_COST_SHARE 0.02 /* a change of task: a fiftieth */
#define SF_MIN_MOVE_COST 1.0      /* never 0, so that a tie never moves a unit */
#define SF_MAX_LEAD_DAYS 3650     /* ten years of notice at most */
/* PCRS readiness levels to days of notice: RDL is the UN's "within 60 days
 * of a request"; the other three are assumptions (docs/scenario-format.md). */
static const int readiness_default_days[SF_NREADINESS] = {0, 60, 90, 120, 180};
static const char *const readiness_names[SF_NREADINESS] = {"", "rdl", "level3", "level2", "level1"};

typedef struct idref {
	const char *id;
	size_t index;
	int line;
} idref;

/* Ids of one kind: in file order (for "did you mean") and sorted (lookup). */
typedef struct idtab {
	const char *kind; /* "sector", "unit type", ... for messages */
	const char **ids; /* [n] in file order, NULL where missing */
	size_t n;
	idref *sorted; /* the non-NULL ids, sorted by id then index */
	size_t nsorted;
	int broken; /* the list itself is missing or malformed (reported):
	             * references to it are not checked */
} idtab;

typedef struct walk {
	sf_scenario *sc;
	sf_arena *a;
	const char *file;
	const sf_load_options *opts;
	sf_diags *diags;
	int nerrors;
	int nomem;
	int months_ok; /* mandate.start and mandate.months are known */
	int as_of_bad; /* format 2: as_of is after the plan (reported) */
	int truncated; /* the node cap cut the tree: the rest of the file is unread */

	idtab sectors, tasks, units, contributors, pledges, stakeholders;
	const sf__ynode **sector_attr_nodes; /* [nsectors]: attributes or the sector */
	const sf__ynode **sector_area_nodes; /* [nsectors]: attributes.area_km2 or NULL */
	const sf__ynode **sector_id_nodes;   /* [nsectors] */
	const sf__ynode *geojson_node;
	const sf__ynode *register_node;        /* the `register:` block or NULL */
	const sf__ynode **sector_threat_nodes; /* [nsectors]: `threat: from_register` or NULL */
	const sf__ynode **task_aid_nodes;      /* [ntasks]: `from_aid` or NULL */
	const char **pledge_paths;             /* [npledges]: contributors[c].pledges[k] */
	/* Keys an unknown key was taken for ("wieght" -> "weight"): not also
	 * reported missing. */
	struct {
		const sf__ynode *map;
		const char *key;
	} hinted[32];
	size_t nhinted;
} walk;

/* ------------------------------------------------------------------ */
/* Diagnostics and paths                                                */

static void vreport(walk *w, sf_diag_level level, const char *file, int line, int column,
                    const char *path, const char *fmt, va_list ap)
        __attribute__((format(printf, 7, 0)));

static void vreport(walk *w, sf_diag_level level, const char *file, int line, int column,
                    const char *path, const char *fmt, va_list ap)
{
	char msg[SF_ERROR_MESSAGE_MAX];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (level == SF_DIAG_ERROR)
		w->nerrors++;
	if (sf_diags_add(w->diags, level, file, line, column, path, "%s", msg) == SF_ERR_NOMEM)
		w->nomem = 1;
}

static void err_at(walk *w, const sf__ynode *n, const char *path, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
static void warn_at(walk *w, const sf__ynode *n, const char *path, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
static void err_pos(walk *w, const char *file, int line, int column, const char *path,
                    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void warn_pos(walk *w, sf_srcpos pos, const char *path, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static void err_at(walk *w, const sf__ynode *n, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(w, SF_DIAG_ERROR, w->file, n ? n->line : 0, n ? n->column : 0, path, fmt, ap);
	va_end(ap);
}

static void warn_at(walk *w, const sf__ynode *n, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(w, SF_DIAG_WARNING, w->file, n ? n->line : 0, n ? n->column : 0, path, fmt, ap);
	va_end(ap);
}

static void err_pos(walk *w, const char *file, int line, int column, const char *path,
                    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(w, SF_DIAG_ERROR, file, line, column, path, fmt, ap);
	va_end(ap);
}

static void warn_pos(walk *w, sf_srcpos pos, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(w, SF_DIAG_WARNING, w->file, pos.line, pos.column, path, fmt, ap);
	va_end(ap);
}

/* "parent.key" (or "key" at the top). */
static const char *pkey(char *buf, size_t n, const char *parent, const char *key)
{
	if (parent && *parent)
		sf_snprintf(buf, n, "%s.%s", parent, key);
	else
		sf_snprintf(buf, n, "%s", key);
	return buf;
}

/* "parent[i]". */
static const char *pidx(char *buf, size_t n, const char *parent, size_t i)
{
	sf_snprintf(buf, n, "%s[%zu]", parent, i);
	return buf;
}

static int is_null(const sf__ynode *n)
{
	if (!n || n->kind != SF__YSCALAR || n->is_string)
		return 0;
	return n->len == 0 || strcmp(n->value, "~") == 0 || strcmp(n->value, "null") == 0 ||
	       strcmp(n->value, "Null") == 0 || strcmp(n->value, "NULL") == 0;
}

/* What a node is, for "expected X, found Y". */
static const char *describe(const sf__ynode *n, char *buf, size_t size)
{
	if (n->kind == SF__YMAP)
		return "a mapping";
	if (n->kind == SF__YSEQ)
		return "a list";
	if (is_null(n))
		return "nothing";
	if (n->len > 40)
		sf_snprintf(buf, size, "%s'%.37s...'", n->is_string ? "the string " : "", n->value);
	else
		sf_snprintf(buf, size, "%s'%s'", n->is_string ? "the string " : "", n->value);
	return buf;
}

/* ", did you mean 'x'?" style hint into buf ("" when none). */
static const char *hint(char *buf, size_t size, const char *word, const char *const *cands,
                        size_t n)
{
	const char *best = sf__closest(word, cands, n);

	buf[0] = '\0';
	if (best)
		sf_snprintf(buf, size, " (did you mean '%s'?)", best);
	return buf;
}

/* ------------------------------------------------------------------ */
/* Scalars                                                              */

/*
 * A plain scalar as a number: YAML 1.2 core decimal syntax with '_'
 * allowed between digits. *is_int tells whether it was an integer
 * literal. Returns 0 on success, -1 if not a number, -2 if not finite
 * (.inf, .nan).
 */
static int number_text(const char *s, size_t len, double *out, int *is_int)
{
	char buf[80];
	size_t i, k = 0;
	int digits = 0, dot = 0, exp = 0;
	char *end;

	if (len == 0 || len >= sizeof(buf) || strlen(s) != len)
		return -1;
	i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
	if (strcmp(s + i, ".inf") == 0 || strcmp(s + i, ".Inf") == 0 ||
	    strcmp(s + i, ".INF") == 0 || strcmp(s, ".nan") == 0 || strcmp(s, ".NaN") == 0 ||
	    strcmp(s, ".NAN") == 0)
		return -2;
	if (i)
		buf[k++] = s[0];
	for (; s[i]; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9') {
			digits++;
			buf[k++] = c;
		} else if (c == '_' && i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9' &&
		           s[i + 1] >= '0' && s[i + 1] <= '9' && !exp) {
			continue;
		} else if (c == '.' && !dot && !exp) {
			dot = 1;
			buf[k++] = c;
		} else if ((c == 'e' || c == 'E') && digits && !exp) {
			exp = 1;
			buf[k++] = c;
			if (s[i + 1] == '+' || s[i + 1] == '-')
				buf[k++] = s[++i];
			if (!(s[i + 1] >= '0' && s[i + 1] <= '9'))
				return -1;
		} else {
			return -1;
		}
	}
	buf[k] = '\0';
	if (!digits)
		return -1;
	errno = 0;
	*out = strtod(buf, &end);
	if (*end != '\0')
		return -1;
	if (!isfinite(*out))
		return -2;
	*is_int = !dot && !exp;
	return 0;
}

static int scalar_number(const sf__ynode *n, double *out, int *is_int)
{
	if (n->kind != SF__YSCALAR || n->is_string)
		return -1;
	return number_text(n->value, n->len, out, is_int);
}

/* A number; reports and returns -1 if n is not one. */
static int get_number(walk *w, const sf__ynode *n, const char *path, double *out)
{
	char d[64];
	int is_int, r = scalar_number(n, out, &is_int);

	if (r == -2) {
		err_at(w, n, path, "expected a finite number, found %s", describe(n, d, sizeof(d)));
		return -1;
	}
	if (r != 0) {
		if (n->kind == SF__YSCALAR && n->is_string &&
		    number_text(n->value, n->len, out, &is_int) == 0)
			err_at(w, n, path, "expected a number, found %s (remove the quotes)",
			       describe(n, d, sizeof(d)));
		else
			err_at(w, n, path, "expected a number, found %s",
			       describe(n, d, sizeof(d)));
		return -1;
	}
	return 0;
}

/* A number with a lower bound (strict or not) and an optional upper bound. */
static int get_number_range(walk *w, const sf__ynode *n, const char *path, const char *key,
                            double lo, int lo_strict, double hi, double *out)
{
	double v;

	if (get_number(w, n, path, &v) != 0)
		return -1;
	if (lo_strict ? !(v > lo) : !(v >= lo)) {
		err_at(w, n, path, "'%s' must be %s %g, found %g", key,
		       lo_strict ? "greater than" : "at least", lo, v);
		return -1;
	}
	if (v > hi) {
		err_at(w, n, path, "'%s' must be at most %g, found %g", key, hi, v);
		return -1;
	}
	*out = v;
	return 0;
}

/* An integer in lo..hi. */
static int get_int(walk *w, const sf__ynode *n, const char *path, const char *key, long lo, long hi,
                   long *out)
{
	char d[64];
	double v;
	int is_int, r = scalar_number(n, &v, &is_int);

	if (r != 0 || !is_int) {
		if (n->kind == SF__YSCALAR && n->is_string &&
		    number_text(n->value, n->len, &v, &is_int) == 0 && is_int)
			err_at(w, n, path, "expected an integer, found %s (remove the quotes)",
			       describe(n, d, sizeof(d)));
		else
			err_at(w, n, path, "expected an integer, found %s",
			       describe(n, d, sizeof(d)));
		return -1;
	}
	if (v < (double)lo || v > (double)hi) {
		if (v >= (double)lo)
			err_at(w, n, path, "'%s' must be at most %ld, found %s", key, hi, n->value);
		else if (hi >= SF_MAX_INT)
			err_at(w, n, path, "'%s' must be at least %ld, found %s", key, lo,
			       n->value);
		else
			err_at(w, n, path, "'%s' must be between %ld and %ld, found %s", key, lo,
			       hi, n->value);
		return -1;
	}
	*out = (long)v;
	return 0;
}

/* A non-empty string copied into the scenario's arena. */
static int get_string(walk *w, const sf__ynode *n, const char *path, char **out)
{
	char d[64];

	if (n->kind != SF__YSCALAR || is_null(n)) {
		err_at(w, n, path, "expected a string, found %s", describe(n, d, sizeof(d)));
		return -1;
	}
	if (strlen(n->value) != n->len) {
		err_at(w, n, path, "a string may not contain a NUL character");
		return -1;
	}
	*out = sf__arena_strndup(w->a, n->value, n->len);
	if (!*out) {
		w->nomem = 1;
		return -1;
	}
	return 0;
}

static int valid_id(const char *s)
{
	size_t i, len = strlen(s);

	if (len == 0 || len > SF_ID_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

/* An id: a string of letters, digits, '_', '-', '.'. */
static int get_id(walk *w, const sf__ynode *n, const char *path, char **out)
{
	if (get_string(w, n, path, out) != 0)
		return -1;
	if (!valid_id(*out)) {
		err_at(w, n, path,
		       "invalid id '%s': expected 1 to %d letters, digits, '_', '-' or '.'", *out,
		       SF_ID_MAX);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* "YYYY-MM" to year, month; -1 if malformed. */
static int parse_year_month(const char *s, int *year, int *month)
{
	int i;

	if (strlen(s) != 7 || s[4] != '-')
		return -1;
	for (i = 0; i < 7; i++) {
		if (i != 4 && (s[i] < '0' || s[i] > '9'))
			return -1;
	}
	*year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	*month = (s[5] - '0') * 10 + (s[6] - '0');
	if (*year < SF_MIN_YEAR || *year > SF_MAX_YEAR)
		return -1; /* 0000-01 is a typo, not a mandate */
	return *month >= 1 && *month <= 12 ? 0 : -1;
}

static int valid_date(const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;
	char ym[8];

	if (strlen(s) != 10 || s[7] != '-' || s[8] < '0' || s[8] > '9' || s[9] < '0' || s[9] > '9')
		return 0;
	memcpy(ym, s, 7);
	ym[7] = '\0';
	if (parse_year_month(ym, &y, &m) != 0)
		return 0;
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (d < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 0;
	return 1;
}

/* The plan's range, "1..24 or 2026-01..2027-12", for messages. */
static const char *month_range(walk *w, char *buf, size_t n)
{
	char a[16], b[16];

	if (!w->months_ok) {
		sf_snprintf(buf, n, "a month index or YYYY-MM");
		return buf;
	}
	sf_snprintf(buf, n, "1..%d or %s..%s", w->sc->months,
	            sf_scenario_month_label(w->sc, 1, a, sizeof(a)),
	            sf_scenario_month_label(w->sc, w->sc->months, b, sizeof(b)));
	return buf;
}

/* A month reference: an integer 1..M or "YYYY-MM" inside the plan. */
static int get_month(walk *w, const sf__ynode *n, const char *path, int *out)
{
	char d[64], r[64];
	double v;
	int is_int, y, m;

	if (n->kind == SF__YSCALAR && !n->is_string && scalar_number(n, &v, &is_int) == 0 &&
	    is_int) {
		if (!w->months_ok) {
			*out = v >= 1 && v <= SF_MAX_MONTHS ? (int)v : 1;
			return 0;
		}
		if (v >= 1 && v <= w->sc->months) {
			*out = (int)v;
			return 0;
		}
	} else if (n->kind == SF__YSCALAR && strlen(n->value) == n->len &&
	           parse_year_month(n->value, &y, &m) == 0) {
		long k;
		if (!w->months_ok) {
			*out = 1;
			return 0;
		}
		k = (long)(y - w->sc->start_year) * 12 + (m - w->sc->start_month) + 1;
		if (k >= 1 && k <= w->sc->months) {
			*out = (int)k;
			return 0;
		}
		err_at(w, n, path, "month %s is outside the plan: expected %s", n->value,
		       month_range(w, r, sizeof(r)));
		return -1;
	}
	err_at(w, n, path, "expected a month of the plan (%s), found %s",
	       month_range(w, r, sizeof(r)), describe(n, d, sizeof(d)));
	return -1;
}

/* ------------------------------------------------------------------ */
/* Mappings                                                             */

typedef struct keyref {
	const char *key;
	size_t index;
	int line;
} keyref;

static int cmp_keyref(const void *pa, const void *pb)
{
	const keyref *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);

	if (c)
		return c;
	return a->index < b->index ? -1 : a->index > b->index;
}

/*
 * Check that n is a mapping with scalar keys, each once. Reports and
 * returns -1 when n is not a mapping; other problems are reported and the
 * walk goes on.
 */
static int check_map(walk *w, const sf__ynode *n, const char *path, const char *what)
{
	char d[64], kp[SF_ERROR_PATH_MAX];
	size_t i, len;
	keyref *refs;

	if (n->kind != SF__YMAP) {
		if (is_null(n))
			err_at(w, n, path, "expected %s (a mapping), found nothing", what);
		else
			err_at(w, n, path, "expected %s (a mapping), found %s", what,
			       describe(n, d, sizeof(d)));
		return -1;
	}
	len = SF__YMAP_LEN(n);
	for (i = 0; i < len; i++) {
		const sf__ynode *k = SF__YMAP_KEY(n, i);
		if (k->kind != SF__YSCALAR || is_null(k))
			err_at(w, k, path, "expected a plain key, found %s",
			       describe(k, d, sizeof(d)));
	}
	if (len < 2)
		return 0;
	refs = sf__mallocarray(len, sizeof(*refs));
	if (!refs) {
		w->nomem = 1;
		return 0;
	}
	for (i = 0; i < len; i++) {
		const sf__ynode *k = SF__YMAP_KEY(n, i);
		refs[i].key = k->kind == SF__YSCALAR ? k->value : "";
		refs[i].index = i;
		refs[i].line = k->line;
	}
	qsort(refs, len, sizeof(*refs), cmp_keyref);
	for (i = 1; i < len; i++) {
		if (refs[i].key[0] && strcmp(refs[i].key, refs[i - 1].key) == 0) {
			const sf__ynode *k = SF__YMAP_KEY(n, refs[i].index);
			size_t j = i;
			while (j > 0 && strcmp(refs[j - 1].key, refs[i].key) == 0)
				j--;
			err_at(w, k, pkey(kp, sizeof(kp), path, k->value),
			       "duplicate key '%s' (first at line %d)", k->value, refs[j].line);
		}
	}
	free(refs);
	return 0;
}

/*
 * The fields of a fixed-shape mapping: vals[j] gets the value of keys[j]
 * (NULL when absent). Unknown keys are reported with a hint. Returns -1
 * when n is not a mapping.
 *
 * keys[nf1..nkeys) are format-2 keys: in a format-1 file each is an error
 * that says so (and is left NULL), and the hints and key lists of format 1
 * name only keys[0..nf1), as they always did.
 */
static int get_fields_f2(walk *w, const sf__ynode *n, const char *path, const char *what,
                         const char *const *keys, size_t nkeys, size_t nf1, const sf__ynode **vals)
{
	char kp[SF_ERROR_PATH_MAX], h[128];
	size_t i, j;

	for (j = 0; j < nkeys; j++)
		vals[j] = NULL;
	if (check_map(w, n, path, what) != 0)
		return -1;
	if (w->sc->format >= 2)
		nf1 = nkeys;
	for (i = 0; i < SF__YMAP_LEN(n); i++) {
		const sf__ynode *k = SF__YMAP_KEY(n, i);
		if (k->kind != SF__YSCALAR || is_null(k))
			continue;
		for (j = 0; j < nkeys; j++) {
			if (strcmp(k->value, keys[j]) == 0)
				break;
		}
		if (j < nf1) {
			if (!vals[j])
				vals[j] = SF__YMAP_VAL(n, i);
			continue;
		}
		if (j < nkeys) {
			err_at(w, k, pkey(kp, sizeof(kp), path, k->value),
			       "'%s' is a format-2 key: write 'format: 2' at the top of the file "
			       "(stabforce upgrade does it)",
			       k->value);
			continue;
		}
		/* Hints and lists: the keys of this file's format. */
		hint(h, sizeof(h), k->value, keys, nf1);
		if (h[0] && w->nhinted < SF_ARRAY_LEN(w->hinted)) {
			w->hinted[w->nhinted].map = n;
			w->hinted[w->nhinted].key = sf__closest(k->value, keys, nf1);
			w->nhinted++;
		}
		if (h[0]) {
			err_at(w, k, pkey(kp, sizeof(kp), path, k->value),
			       "unknown key '%s' in %s%s", k->value, what, h);
		} else {
			sf_buf list;
			sf_buf_init(&list, 1024);
			for (j = 0; j < nf1; j++)
				sf_buf_addf(&list, "%s%s", j ? ", " : "", keys[j]);
			err_at(w, k, pkey(kp, sizeof(kp), path, k->value),
			       "unknown key '%s' in %s (expected one of: %s)", k->value, what,
			       sf_buf_str(&list));
			sf_buf_release(&list);
		}
	}
	return 0;
}

static int get_fields(walk *w, const sf__ynode *n, const char *path, const char *what,
                      const char *const *keys, size_t nkeys, const sf__ynode **vals)
{
	return get_fields_f2(w, n, path, what, keys, nkeys, nkeys, vals);
}

static void missing(walk *w, const sf__ynode *map, const char *path, const char *key,
                    const char *expected)
{
	size_t i;

	for (i = 0; i < w->nhinted; i++) {
		if (w->hinted[i].map == map && strcmp(w->hinted[i].key, key) == 0)
			return; /* already reported as a misspelling */
	}
	err_at(w, map, path, "missing key '%s' (%s)", key, expected);
}

/* A list; reports and returns -1 otherwise. */
static int check_seq(walk *w, const sf__ynode *n, const char *path, const char *what)
{
	char d[64];

	if (n->kind != SF__YSEQ) {
		err_at(w, n, path, "expected a list of %s, found %s", what,
		       describe(n, d, sizeof(d)));
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Id tables                                                            */

static int cmp_idref(const void *pa, const void *pb)
{
	const idref *a = pa, *b = pb;
	int c = strcmp(a->id, b->id);

	if (c)
		return c;
	return a->index < b->index ? -1 : a->index > b->index;
}

static int idtab_init(walk *w, idtab *t, const char *kind, size_t n)
{
	t->kind = kind;
	t->n = n;
	t->nsorted = 0;
	t->ids = sf__arena_calloc(w->a, n ? n : 1, sizeof(*t->ids));
	t->sorted = NULL;
	t->broken = n == 0; /* until a list is read */
	if (!t->ids) {
		w->nomem = 1;
		return -1;
	}
	return 0;
}

/*
 * Sort the ids and report duplicates at the later one. nodes[i] and
 * paths are used for the position and key path of object i's id.
 */
static void idtab_finish(walk *w, idtab *t, const sf__ynode *const *nodes, const char *const *paths)
{
	size_t i, k = 0;

	t->sorted = sf__arena_calloc(w->a, t->n ? t->n : 1, sizeof(*t->sorted));
	if (!t->sorted) {
		w->nomem = 1;
		return;
	}
	for (i = 0; i < t->n; i++) {
		if (!t->ids[i])
			continue;
		t->sorted[k].id = t->ids[i];
		t->sorted[k].index = i;
		t->sorted[k].line = nodes[i] ? nodes[i]->line : 0;
		k++;
	}
	t->nsorted = k;
	qsort(t->sorted, k, sizeof(*t->sorted), cmp_idref);
	for (i = 1; i < k; i++) {
		size_t j = i;
		if (strcmp(t->sorted[i].id, t->sorted[i - 1].id) != 0)
			continue;
		while (j > 0 && strcmp(t->sorted[j - 1].id, t->sorted[i].id) == 0)
			j--;
		err_at(w, nodes[t->sorted[i].index], paths[t->sorted[i].index],
		       "duplicate %s id '%s' (first at line %d)", t->kind, t->sorted[i].id,
		       t->sorted[j].line);
	}
}

static long idtab_find(const idtab *t, const char *id)
{
	size_t lo = 0, hi = t->nsorted;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->sorted[mid].id, id);
		if (c < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	if (lo < t->nsorted && strcmp(t->sorted[lo].id, id) == 0)
		return (long)t->sorted[lo].index;
	return -1;
}

/*
 * Resolve a reference to an id of table t; with_mission also accepts
 * "mission" (returning t->n). Reports unknown ids with a hint.
 */
static long resolve(walk *w, const idtab *t, const sf__ynode *n, const char *path, int with_mission)
{
	char d[64], h[128];
	long k;

	if (n->kind != SF__YSCALAR || is_null(n)) {
		err_at(w, n, path, "expected a %s id, found %s", t->kind,
		       describe(n, d, sizeof(d)));
		return -1;
	}
	if (with_mission && strcmp(n->value, "mission") == 0)
		return (long)t->n;
	k = idtab_find(t, n->value);
	if (k >= 0)
		return k;
	if (t->broken || w->truncated)
		return -1; /* the list is wrong (reported), or its end unread: no cascade */
	hint(h, sizeof(h), n->value, t->ids, t->n);
	if (!h[0] && with_mission) {
		static const char *const m[] = {"mission"};
		hint(h, sizeof(h), n->value, m, 1);
	}
	if (!h[0] && t->nsorted > 0 && t->nsorted <= 8) {
		/* No close match: list the few there are. */
		sf_buf list;
		size_t i;
		sf_buf_init(&list, 1024);
		for (i = 0; i < t->n; i++) {
			if (t->ids[i] && idtab_find(t, t->ids[i]) == (long)i)
				sf_buf_addf(&list, "%s%s", list.len ? ", " : "", t->ids[i]);
		}
		if (with_mission)
			sf_buf_adds(&list, ", mission");
		err_at(w, n, path, "unknown %s '%s' (expected one of: %s)", t->kind, n->value,
		       sf_buf_str(&list));
		sf_buf_release(&list);
		return -1;
	}
	err_at(w, n, path, "unknown %s '%s'%s", t->kind, n->value, h);
	return -1;
}

/* ------------------------------------------------------------------ */
/* Top level, mandate                                                   */

static void walk_mandate(walk *w, const sf__ynode *n)
{
	static const char *const keys[] = {"authority", "start", "months", "troop_ceiling",
	                                   "max_share"};
	const sf__ynode *v[5];
	char p[SF_ERROR_PATH_MAX], d[64];
	sf_scenario *sc = w->sc;
	int start_ok = 0, months_ok = 0;
	long months;

	if (get_fields(w, n, "mandate", "the mandate", keys, 5, v) != 0)
		return;
	if (v[0])
		get_string(w, v[0], pkey(p, sizeof(p), "mandate", "authority"), &sc->authority);
	if (!v[1]) {
		missing(w, n, "mandate", "start", "month 1 of the plan, YYYY-MM");
	} else if (v[1]->kind != SF__YSCALAR ||
	           parse_year_month(v[1]->value, &sc->start_year, &sc->start_month) != 0) {
		err_at(w, v[1], "mandate.start",
		       "expected a month YYYY-MM (years %d..%d), found %s", SF_MIN_YEAR,
		       SF_MAX_YEAR, describe(v[1], d, sizeof(d)));
	} else {
		start_ok = 1;
	}
	if (!v[2]) {
		missing(w, n, "mandate", "months", "the length of the plan in months, >= 1");
	} else if (get_int(w, v[2], "mandate.months", "months", 1, SF_MAX_MONTHS, &months) == 0) {
		sc->months = (int)months;
		months_ok = 1;
	}
	if (!v[3])
		missing(w, n, "mandate", "troop_ceiling",
		        "the most personnel inside sectors in any month, > 0");
	else
		get_number_range(w, v[3], "mandate.troop_ceiling", "troop_ceiling", 0, 1,
		                 SF_MAX_AMOUNT, &sc->troop_ceiling);
	if (v[4] && get_number_range(w, v[4], "mandate.max_share", "max_share", 0, 1, 1,
	                             &sc->max_share) == 0)
		sc->has_max_share = 1;
	w->months_ok = start_ok && months_ok;
	if (!months_ok)
		sc->months = 1;
}

/* ------------------------------------------------------------------ */
/* The register block                                                   */

static char *resolve_relative(walk *w, const char *base, const char *rel);

/*
 * register: {db, as_of, threat: {window_days, min, max, weight, population,
 * default}}. Which sectors and tasks use it is read with them; the checks
 * across (a block nobody uses, a use without a block, the population
 * attribute) are in check_cross().
 */
static void walk_register(walk *w, const sf__ynode *n)
{
	static const char *const keys[] = {"db", "as_of", "threat"};
	static const char *const tkeys[] = {"window_days", "min",        "max",
	                                    "weight",      "population", "default"};
	const sf__ynode *v[3], *tv[6];
	sf_register_spec *r = &w->sc->reg;
	char p[SF_ERROR_PATH_MAX], *db = NULL;
	long days;
	int min_ok = 1, max_ok = 1;

	r->pos.line = n->line;
	r->pos.column = n->column;
	w->register_node = n;
	r->given = 1;
	if (get_fields(w, n, "register", "the register block", keys, 3, v) != 0)
		return;
	if (!v[0]) {
		missing(w, n, "register", "db",
		        "the register's store, relative to the scenario file");
	} else if (get_string(w, v[0], "register.db", &db) == 0) {
		/* "sqlite:PATH" and URLs are passed on as they are. */
		if (strncmp(db, "sqlite:", 7) == 0 || strstr(db, "://"))
			r->db = db;
		else
			r->db = resolve_relative(w, w->file, db);
		if (!r->db)
			w->nomem = 1;
	}
	if (v[1] && get_string(w, v[1], "register.as_of", &r->as_of) == 0 &&
	    !valid_date(r->as_of)) {
		err_at(w, v[1], "register.as_of", "expected a date YYYY-MM-DD, found '%s'",
		       r->as_of);
		r->as_of = NULL;
	}
	if (!v[2] || is_null(v[2]))
		return;
	if (get_fields(w, v[2], "register.threat", "the threat options", tkeys, 6, tv) != 0)
		return;
	if (tv[0] &&
	    get_int(w, tv[0], "register.threat.window_days", "window_days", 1, 3660, &days) == 0)
		r->threat_window_days = (int)days;
	if (tv[1])
		min_ok = get_number_range(w, tv[1], "register.threat.min", "min", 0, 1,
		                          SF_MAX_FACTOR, &r->threat_min) == 0;
	if (tv[2])
		max_ok = get_number_range(w, tv[2], "register.threat.max", "max", 0, 1,
		                          SF_MAX_FACTOR, &r->threat_max) == 0;
	if (min_ok && max_ok && r->threat_max < r->threat_min)
		err_at(w, tv[2] ? tv[2] : tv[1],
		       tv[2] ? "register.threat.max" : "register.threat.min",
		       "'max' (%g) must not be less than 'min' (%g)", r->threat_max, r->threat_min);
	if (tv[3])
		get_number_range(w, tv[3], "register.threat.weight", "weight", 0, 0, 10,
		                 &r->threat_weight);
	if (tv[4]) {
		char *attr;
		if (get_string(w, tv[4], pkey(p, sizeof(p), "register.threat", "population"),
		               &attr) == 0)
			r->population_attr = attr;
	}
	if (tv[5] && get_number_range(w, tv[5], "register.threat.default", "default", 0, 1,
	                              SF_MAX_FACTOR, &r->threat_default) == 0)
		r->threat_has_default = 1;
}

/* ------------------------------------------------------------------ */
/* Sectors                                                              */

static void walk_sector(walk *w, size_t i, const sf__ynode *n, const char *path,
                        const char **idpath)
{
	static const char *const keys[] = {"id", "name", "opens", "attributes"};
	const sf__ynode *v[4];
	char p[SF_ERROR_PATH_MAX];
	sf_sector *s = &w->sc->sectors[i];
	size_t j, k = 0;

	s->pos.line = n->line;
	s->pos.column = n->column;
	s->opens = 1;
	s->threat = 1;
	w->sector_attr_nodes[i] = n;
	if (get_fields(w, n, path, "a sector", keys, 4, v) != 0)
		return;
	if (!v[0]) {
		missing(w, n, path, "id", "the sector id, as in the GeoJSON");
	} else {
		w->sector_id_nodes[i] = v[0];
		*idpath = sf__arena_strdup(w->a, pkey(p, sizeof(p), path, "id"));
		if (get_id(w, v[0], p, &s->id) == 0 && strcmp(s->id, "mission") == 0) {
			err_at(w, v[0], p,
			       "'mission' is reserved for the mission-wide location and cannot be "
			       "a sector id");
			s->id = NULL;
		}
		w->sectors.ids[i] = s->id;
	}
	if (v[1])
		get_string(w, v[1], pkey(p, sizeof(p), path, "name"), &s->name);
	if (!s->name)
		s->name = s->id;
	if (v[2] && get_month(w, v[2], pkey(p, sizeof(p), path, "opens"), &s->opens) != 0)
		s->opens = 1;
	if (!v[3])
		return;
	w->sector_attr_nodes[i] = v[3];
	pkey(p, sizeof(p), path, "attributes");
	if (check_map(w, v[3], p, "the sector's attributes {name: number}") != 0)
		return;
	s->attrs = sf__arena_calloc(w->a, SF__YMAP_LEN(v[3]) + 1, sizeof(*s->attrs));
	if (!s->attrs) {
		w->nomem = 1;
		return;
	}
	for (j = 0; j < SF__YMAP_LEN(v[3]); j++) {
		const sf__ynode *key = SF__YMAP_KEY(v[3], j), *val = SF__YMAP_VAL(v[3], j);
		char ap[SF_ERROR_PATH_MAX];
		double x;
		int is_threat, is_int;
		if (key->kind != SF__YSCALAR || is_null(key))
			continue;
		pkey(ap, sizeof(ap), p, key->value);
		is_threat = strcmp(key->value, "threat") == 0;
		if (is_threat && val->kind == SF__YSCALAR &&
		    strcmp(val->value, "from_register") == 0) {
			/* Set by sf_scenario_apply_register(); 1 until then. */
			s->threat_from_register = 1;
			w->sector_threat_nodes[i] = val;
			continue;
		}
		if (is_threat && val->kind == SF__YSCALAR && !is_null(val) &&
		    number_text(val->value, val->len, &x, &is_int) != 0) {
			char d[64];
			err_at(w, val, ap, "expected a number > 0 or 'from_register', found %s",
			       describe(val, d, sizeof(d)));
			continue;
		}
		/* A bad value is still recorded (as 0) so that a `per` needing it
		 * does not report it missing as well. */
		if (get_number_range(w, val, ap, key->value, 0, is_threat,
		                     is_threat ? SF_MAX_FACTOR : SF_MAX_AMOUNT, &x) != 0)
			x = is_threat ? 1 : 0;
		s->attrs[k].name = sf__arena_strdup(w->a, key->value);
		if (!s->attrs[k].name) {
			w->nomem = 1;
			return;
		}
		s->attrs[k].value = x;
		k++;
		if (is_threat)
			s->threat = x;
		if (strcmp(key->value, "area_km2") == 0)
			w->sector_area_nodes[i] = val;
	}
	s->nattrs = k;
}

/*
 * sectors.location_overrides: {location name: sector id}. Names are
 * compared case-insensitively, so two spellings of one name are a
 * duplicate.
 */
static void walk_location_overrides(walk *w, const sf__ynode *n)
{
	const char *path = "sectors.location_overrides";
	sf_scenario *sc = w->sc;
	size_t j, k, len;

	if (check_map(w, n, path, "location overrides {location name: sector id}") != 0)
		return;
	len = SF__YMAP_LEN(n);
	sc->location_overrides =
	        sf__arena_calloc(w->a, len ? len : 1, sizeof(*sc->location_overrides));
	if (!sc->location_overrides) {
		w->nomem = 1;
		return;
	}
	for (j = 0; j < len; j++) {
		const sf__ynode *key = SF__YMAP_KEY(n, j), *val = SF__YMAP_VAL(n, j);
		char kp[SF_ERROR_PATH_MAX];
		char *name;
		long s;
		int dup = 0;
		if (key->kind != SF__YSCALAR || is_null(key))
			continue;
		pkey(kp, sizeof(kp), path, key->value);
		if (get_string(w, key, kp, &name) != 0)
			continue;
		for (k = 0; k < sc->nlocation_overrides && !dup; k++) {
			if (strcasecmp(sc->location_overrides[k].location, name) == 0) {
				/* check_map() already reported an exact repeat */
				if (strcmp(sc->location_overrides[k].location, name) != 0)
					err_at(w, key, kp,
					       "duplicate location '%s' (location names ignore "
					       "case: "
					       "same as '%s')",
					       name, sc->location_overrides[k].location);
				dup = 1;
			}
		}
		s = resolve(w, &w->sectors, val, kp, 0);
		if (s < 0 || dup)
			continue;
		sc->location_overrides[sc->nlocation_overrides].location = name;
		sc->location_overrides[sc->nlocation_overrides].sector = (size_t)s;
		sc->nlocation_overrides++;
	}
}

static void walk_sectors(walk *w, const sf__ynode *n)
{
	static const char *const keys[] = {"geojson", "id_property", "list", "location_overrides"};
	const sf__ynode *v[4];
	const char **idpaths = NULL;
	sf_scenario *sc = w->sc;
	size_t i, count;
	char p[SF_ERROR_PATH_MAX];

	if (idtab_init(w, &w->sectors, "sector", 0) != 0)
		return;
	if (get_fields(w, n, "sectors", "sectors", keys, 4, v) != 0)
		return;
	if (!v[0]) {
		missing(w, n, "sectors", "geojson",
		        "the GeoJSON file of sector polygons, relative to the scenario");
	} else if (get_string(w, v[0], "sectors.geojson", &sc->geojson_path) == 0) {
		w->geojson_node = v[0];
	}
	if (v[1])
		get_string(w, v[1], "sectors.id_property", &sc->id_property);
	if (!sc->id_property)
		sc->id_property = sf__arena_strdup(w->a, "id");
	if (!v[2]) {
		missing(w, n, "sectors", "list", "the list of sectors");
		return;
	}
	if (check_seq(w, v[2], "sectors.list", "sectors") != 0)
		return;
	count = v[2]->nkids;
	if (count == 0) {
		err_at(w, v[2], "sectors.list", "expected at least one sector");
		return;
	}
	sc->sectors = sf__arena_calloc(w->a, count, sizeof(*sc->sectors));
	w->sector_attr_nodes = sf__arena_calloc(w->a, count, sizeof(*w->sector_attr_nodes));
	w->sector_area_nodes = sf__arena_calloc(w->a, count, sizeof(*w->sector_area_nodes));
	w->sector_id_nodes = sf__arena_calloc(w->a, count, sizeof(*w->sector_id_nodes));
	w->sector_threat_nodes = sf__arena_calloc(w->a, count, sizeof(*w->sector_threat_nodes));
	idpaths = sf__arena_calloc(w->a, count, sizeof(*idpaths));
	if (!sc->sectors || !w->sector_attr_nodes || !w->sector_area_nodes || !w->sector_id_nodes ||
	    !w->sector_threat_nodes || !idpaths ||
	    idtab_init(w, &w->sectors, "sector", count) != 0) {
		w->nomem = 1;
		return;
	}
	sc->nsectors = count;
	for (i = 0; i < count && !w->nomem; i++)
		walk_sector(w, i, v[2]->kids[i], pidx(p, sizeof(p), "sectors.list", i),
		            &idpaths[i]);
	idtab_finish(w, &w->sectors, w->sector_id_nodes, idpaths);
	if (v[3] && !is_null(v[3]))
		walk_location_overrides(w, v[3]);
}

/* ------------------------------------------------------------------ */
/* Tasks                                                                */

/*
 * {from_aid: {trucks_per_escort, window_days, source, default}}: a value
 * requirement that sf_scenario_apply_register() fills in from the aid
 * register.
 */
static void walk_from_aid(walk *w, size_t ti, sf_task *t, const sf__ynode *n, const char *path)
{
	static const char *const keys[] = {"trucks_per_escort", "window_days", "source", "default"};
	const sf__ynode *v[4];
	char p[SF_ERROR_PATH_MAX];
	long days;

	t->req_kind = SF_REQ_VALUE;
	t->req_value = 0;
	t->req_from_aid = 1;
	t->aid_trucks_per_escort = 50;
	t->aid_window_days = 7;
	if (w->task_aid_nodes)
		w->task_aid_nodes[ti] = n;
	if (is_null(n))
		return; /* {from_aid: ~}: every default */
	if (get_fields(w, n, path, "the aid requirement", keys, 4, v) != 0)
		return;
	if (v[0])
		get_number_range(w, v[0], pkey(p, sizeof(p), path, "trucks_per_escort"),
		                 "trucks_per_escort", 0, 1, SF_MAX_AMOUNT,
		                 &t->aid_trucks_per_escort);
	if (v[1] && get_int(w, v[1], pkey(p, sizeof(p), path, "window_days"), "window_days", 1,
	                    3660, &days) == 0)
		t->aid_window_days = (int)days;
	if (v[2])
		get_string(w, v[2], pkey(p, sizeof(p), path, "source"), &t->aid_source);
	if (v[3] && get_number_range(w, v[3], pkey(p, sizeof(p), path, "default"), "default", 0, 0,
	                             SF_MAX_REQUIREMENT, &t->aid_default) == 0)
		t->aid_has_default = 1;
}

static void walk_requirement(walk *w, size_t ti, sf_task *t, const sf__ynode *n, const char *path)
{
	static const char *const keys[] = {"per", "every", "value", "by_sector", "from_aid"};
	const sf__ynode *v[5];
	char p[SF_ERROR_PATH_MAX];
	int forms;
	size_t j;

	if (get_fields(w, n, path, "a requirement", keys, 5, v) != 0)
		return;
	forms = (v[0] || v[1]) + !!v[2] + !!v[3] + !!v[4];
	if (forms == 0) {
		err_at(w, n, path,
		       "expected one of {per: attribute, every: number}, {value: number}, "
		       "{by_sector: {sector: number}} or {from_aid: {...}}");
		return;
	}
	if (forms > 1) {
		err_at(w, n, path,
		       "give only one form of requirement: {per, every}, {value}, {by_sector} or "
		       "{from_aid}");
		return;
	}
	if (v[4]) {
		walk_from_aid(w, ti, t, v[4], pkey(p, sizeof(p), path, "from_aid"));
		return;
	}
	if (t->scope == SF_SCOPE_MISSION && !v[2]) {
		err_at(w, n, path, "a mission task takes {value: number} only");
		return;
	}
	if (v[0] || v[1]) {
		t->req_kind = SF_REQ_PER;
		if (!v[0]) {
			missing(w, n, path, "per",
			        "the sector attribute the requirement is based on");
		} else if (get_string(w, v[0], pkey(p, sizeof(p), path, "per"), &t->req_per) == 0 &&
		           strcmp(t->req_per, "threat") == 0) {
			warn_at(w, v[0], p,
			        "'per: threat' counts the threat twice: every requirement is "
			        "already multiplied by it");
		}
		if (!v[1])
			missing(w, n, path, "every",
			        "how much of the attribute one capability unit covers, > 0");
		else
			get_number_range(w, v[1], pkey(p, sizeof(p), path, "every"), "every", 0, 1,
			                 SF_MAX_AMOUNT, &t->req_every);
		return;
	}
	if (v[2]) {
		t->req_kind = SF_REQ_VALUE;
		get_number_range(w, v[2], pkey(p, sizeof(p), path, "value"), "value", 0, 0,
		                 SF_MAX_REQUIREMENT, &t->req_value);
		return;
	}
	t->req_kind = SF_REQ_BY_SECTOR;
	pkey(p, sizeof(p), path, "by_sector");
	t->req_by_sector =
	        sf__arena_calloc(w->a, w->sc->nsectors ? w->sc->nsectors : 1, sizeof(double));
	if (!t->req_by_sector) {
		w->nomem = 1;
		return;
	}
	if (check_map(w, v[3], p, "a number per sector {sector: number}") != 0)
		return;
	for (j = 0; j < SF__YMAP_LEN(v[3]); j++) {
		const sf__ynode *key = SF__YMAP_KEY(v[3], j), *val = SF__YMAP_VAL(v[3], j);
		char kp[SF_ERROR_PATH_MAX];
		long s;
		double x;
		if (key->kind != SF__YSCALAR || is_null(key))
			continue;
		pkey(kp, sizeof(kp), p, key->value);
		s = resolve(w, &w->sectors, key, kp, 0);
		if (get_number_range(w, val, kp, key->value, 0, 0, SF_MAX_REQUIREMENT, &x) == 0 &&
		    s >= 0)
			t->req_by_sector[s] = x;
	}
}

static void walk_ramp(walk *w, sf_task *t, const sf__ynode *n, const char *path)
{
	static const char *const keys[] = {"from", "level"};
	char p[SF_ERROR_PATH_MAX], sp[SF_ERROR_PATH_MAX];
	size_t i;
	int prev = 0;

	if (check_seq(w, n, path, "steps {from: month, level: number}") != 0)
		return;
	if (n->nkids == 0) {
		err_at(w, n, path,
		       "expected at least one step {from: month, level: number} (leave 'ramp' out "
		       "for level 1 throughout)");
		return;
	}
	t->ramp = sf__arena_calloc(w->a, n->nkids, sizeof(*t->ramp));
	if (!t->ramp) {
		w->nomem = 1;
		return;
	}
	t->nramp = n->nkids;
	for (i = 0; i < n->nkids; i++) {
		const sf__ynode *v[2];
		sf_ramp_step *st = &t->ramp[i];
		pidx(sp, sizeof(sp), path, i);
		st->from = 1;
		st->level = 1;
		if (get_fields(w, n->kids[i], sp, "a ramp step", keys, 2, v) != 0)
			continue;
		if (!v[0])
			missing(w, n->kids[i], sp, "from", "the first month of this level");
		else if (get_month(w, v[0], pkey(p, sizeof(p), sp, "from"), &st->from) == 0) {
			if (st->from <= prev && w->months_ok)
				err_at(w, v[0], p,
				       "ramp steps must be in increasing order of 'from': month %d "
				       "does not come after month %d",
				       st->from, prev);
			prev = st->from;
		}
		if (!v[1])
			missing(w, n->kids[i], sp, "level",
			        "the multiplier from that month on, >= 0");
		else
			get_number_range(w, v[1], pkey(p, sizeof(p), sp, "level"), "level", 0, 0,
			                 SF_MAX_FACTOR, &st->level);
	}
}

static void walk_task(walk *w, size_t i, const sf__ynode *n, const char *path,
                      const sf__ynode **idnode)
{
	static const char *const keys[] = {"id", "name", "scope", "weight", "requirement", "ramp"};
	const sf__ynode *v[6];
	char p[SF_ERROR_PATH_MAX], d[64];
	sf_task *t = &w->sc->tasks[i];

	t->pos.line = n->line;
	t->pos.column = n->column;
	t->weight = 1;
	t->req_kind = SF_REQ_VALUE;
	if (get_fields(w, n, path, "a task", keys, 6, v) != 0)
		return;
	if (!v[0]) {
		missing(w, n, path, "id", "the task id");
	} else {
		*idnode = v[0];
		get_id(w, v[0], pkey(p, sizeof(p), path, "id"), &t->id);
		w->tasks.ids[i] = t->id;
	}
	if (v[1])
		get_string(w, v[1], pkey(p, sizeof(p), path, "name"), &t->name);
	if (!t->name)
		t->name = t->id;
	if (v[2]) {
		pkey(p, sizeof(p), path, "scope");
		if (v[2]->kind == SF__YSCALAR && strcmp(v[2]->value, "sector") == 0)
			t->scope = SF_SCOPE_SECTOR;
		else if (v[2]->kind == SF__YSCALAR && strcmp(v[2]->value, "mission") == 0)
			t->scope = SF_SCOPE_MISSION;
		else
			err_at(w, v[2], p, "expected 'sector' or 'mission', found %s",
			       describe(v[2], d, sizeof(d)));
	}
	if (!v[3])
		missing(w, n, path, "weight",
		        "the priority of one capability unit missing for one month, > 0");
	else
		get_number_range(w, v[3], pkey(p, sizeof(p), path, "weight"), "weight",
		                 SF_MIN_WEIGHT, 0, SF_MAX_WEIGHT, &t->weight);
	if (!v[4])
		missing(w, n, path, "requirement",
		        "{per: attribute, every: number}, {value: number} or {by_sector: {...}}");
	else
		walk_requirement(w, i, t, v[4], pkey(p, sizeof(p), path, "requirement"));
	if (v[5])
		walk_ramp(w, t, v[5], pkey(p, sizeof(p), path, "ramp"));
}

/* Make the path strings of the id of object i of a list, for duplicates. */
static const char **id_paths(walk *w, const char *list, size_t n)
{
	const char **paths = sf__arena_calloc(w->a, n ? n : 1, sizeof(*paths));
	char p[SF_ERROR_PATH_MAX];
	size_t i;

	if (!paths) {
		w->nomem = 1;
		return NULL;
	}
	for (i = 0; i < n; i++) {
		sf_snprintf(p, sizeof(p), "%s[%zu].id", list, i);
		paths[i] = sf__arena_strdup(w->a, p);
	}
	return paths;
}

static void walk_tasks(walk *w, const sf__ynode *n)
{
	sf_scenario *sc = w->sc;
	const sf__ynode **idnodes;
	const char **paths;
	char p[SF_ERROR_PATH_MAX];
	size_t i, count;

	if (idtab_init(w, &w->tasks, "task", 0) != 0)
		return;
	if (check_seq(w, n, "tasks", "tasks") != 0)
		return;
	count = n->nkids;
	if (count == 0) {
		err_at(w, n, "tasks", "expected at least one task");
		return;
	}
	sc->tasks = sf__arena_calloc(w->a, count, sizeof(*sc->tasks));
	idnodes = sf__arena_calloc(w->a, count, sizeof(*idnodes));
	paths = id_paths(w, "tasks", count);
	w->task_aid_nodes = sf__arena_calloc(w->a, count, sizeof(*w->task_aid_nodes));
	if (!sc->tasks || !idnodes || !paths || !w->task_aid_nodes ||
	    idtab_init(w, &w->tasks, "task", count) != 0) {
		w->nomem = 1;
		return;
	}
	sc->ntasks = count;
	for (i = 0; i < count && !w->nomem; i++)
		walk_task(w, i, n->kids[i], pidx(p, sizeof(p), "tasks", i), &idnodes[i]);
	idtab_finish(w, &w->tasks, idnodes, paths);
}

/* ------------------------------------------------------------------ */
/* Unit types                                                           */

/*
 * A unit type's format-2 keys, v = {min_stay_months, move_cost,
 * retask_cost, change_cost} (NULL when absent), read once monthly_cost is
 * known. Defaults (docs/scenario-format.md):
 * a move costs a tenth of a month of the unit, a change of task a fiftieth,
 * each at least 1, a retask never more than a move, and a change from a
 * baseline what a move costs.
 */
static void walk_unit_f2_costs(walk *w, sf_unit_type *u, const sf__ynode *const *v,
                               const char *path)
{
	char p[SF_ERROR_PATH_MAX];
	int move_ok = 1;
	long x;

	if (v[0] && get_int(w, v[0], pkey(p, sizeof(p), path, "min_stay_months"), "min_stay_months",
	                    1, SF_MAX_MONTHS, &x) == 0)
		u->min_stay_months = (int)x;
	u->move_cost = fmax(SF_MOVE_COST_SHARE * u->monthly_cost, SF_MIN_MOVE_COST);
	u->retask_cost = fmax(SF_RETASK_COST_SHARE * u->monthly_cost, SF_MIN_MOVE_COST);
	if (v[1] && get_number_range(w, v[1], pkey(p, sizeof(p), path, "move_cost"), "move_cost", 0,
	                             1, SF_MAX_MONEY, &u->move_cost) != 0)
		move_ok = 0;
	if (v[2]) {
		if (get_number_range(w, v[2], pkey(p, sizeof(p), path, "retask_cost"),
		                     "retask_cost", 0, 1, SF_MAX_MONEY, &u->retask_cost) == 0 &&
		    move_ok && u->retask_cost > u->move_cost)
			err_at(w, v[2], p,
			       "'retask_cost' (%g) must not exceed 'move_cost' (%g): a unit that "
			       "moves may change task on the way",
			       u->retask_cost, u->move_cost);
	} else if (u->retask_cost > u->move_cost) {
		u->retask_cost = u->move_cost;
	}
	u->change_cost = u->move_cost;
	if (v[3])
		get_number_range(w, v[3], pkey(p, sizeof(p), path, "change_cost"), "change_cost", 0,
		                 1, SF_MAX_MONEY, &u->change_cost);
}

/*
 * A figure's source: a non-empty string (an outlet, date and link, or
 * "assumption: why"); docs/scenario-format.md, "Reimbursement and parity".
 */
static void get_source(walk *w, const sf__ynode *map, const sf__ynode *n, const char *path,
                       const char *what, char **out)
{
	char p[SF_ERROR_PATH_MAX];
	if (!n) {
		missing(w, map, path, "source", what);
		return;
	}
	if (get_string(w, n, pkey(p, sizeof(p), path, "source"), out) == 0 && !**out) {
		err_at(w, n, p, "'source' is empty: give %s", what);
		*out = NULL;
	}
}

#define SOURCE_WHAT "the outlet, date and link, or 'assumption: why'"

/* `coe: {lease: wet|dry, monthly: N, source: S}`. */
static void walk_coe(walk *w, const sf__ynode *n, const char *path, sf_unit_type *u)
{
	static const char *const keys[] = {"lease", "monthly", "source"};
	const sf__ynode *v[3];
	char p[SF_ERROR_PATH_MAX];
	char *lease = NULL;
	if (get_fields(w, n, path, "the equipment rate {lease, monthly, source}", keys, 3, v) != 0)
		return;
	if (!v[0])
		missing(w, n, path, "lease", "wet (the contributor maintains it) or dry");
	else if (get_string(w, v[0], pkey(p, sizeof(p), path, "lease"), &lease) == 0) {
		if (strcmp(lease, "wet") == 0)
			u->coe_lease = SF_LEASE_WET;
		else if (strcmp(lease, "dry") == 0)
			u->coe_lease = SF_LEASE_DRY;
		else
			err_at(w, v[0], p, "'lease' must be wet or dry, found '%s'", lease);
	}
	if (!v[1])
		missing(w, n, path, "monthly", "money per unit per month, >= 0");
	else
		get_number_range(w, v[1], pkey(p, sizeof(p), path, "monthly"), "monthly", 0, 0,
		                 SF_MAX_MONEY, &u->coe_monthly);
	get_source(w, n, v[2], path, SOURCE_WHAT, &u->coe_source);
}

/* `category:` one of the parity strategy's four. */
static void walk_category(walk *w, const sf__ynode *n, const char *path, sf_category *out)
{
	char *s = NULL;
	if (get_string(w, n, path, &s) != 0)
		return;
	for (int c = 0; c < SF_NCATEGORIES; c++)
		if (strcmp(s, sf_category_str((sf_category)c)) == 0) {
			*out = (sf_category)c;
			return;
		}
	err_at(w, n, path,
	       "'category' must be military_contingent, staff_officer, formed_police or "
	       "individual_police, found '%s'",
	       s);
}

/* `women: {share: 0..1, source: S}`. */
static void walk_women(walk *w, const sf__ynode *n, const char *path, double *share, char **source)
{
	static const char *const keys[] = {"share", "source"};
	const sf__ynode *v[2];
	char p[SF_ERROR_PATH_MAX];
	double x;
	if (get_fields(w, n, path, "the share of women {share, source}", keys, 2, v) != 0)
		return;
	if (!v[0])
		missing(w, n, path, "share", "the share of women, 0 to 1");
	else if (get_number_range(w, v[0], pkey(p, sizeof(p), path, "share"), "share", 0, 0, 1,
	                          &x) == 0)
		*share = x;
	get_source(w, n, v[1], path, SOURCE_WHAT, source);
}

/* `reimbursement: {troop_rate: N, source: S}`. */
static void walk_reimbursement(walk *w, const sf__ynode *n)
{
	static const char *const keys[] = {"troop_rate", "source"};
	const sf__ynode *v[2];
	if (get_fields(w, n, "reimbursement", "the reimbursement {troop_rate, source}", keys, 2,
	               v) != 0)
		return;
	if (!v[0])
		missing(w, n, "reimbursement", "troop_rate", "money per person per month, >= 0");
	else if (get_number_range(w, v[0], "reimbursement.troop_rate", "troop_rate", 0, 0,
	                          SF_MAX_MONEY, &w->sc->troop_rate) == 0)
		w->sc->troop_rate_given = 1;
	get_source(w, n, v[1], "reimbursement", SOURCE_WHAT, &w->sc->troop_rate_source);
	if (!w->sc->troop_rate_given || !w->sc->troop_rate_source) {
		w->sc->troop_rate = SF_UN_TROOP_RATE;
		w->sc->troop_rate_source = (char *)SF_UN_TROOP_RATE_SOURCE;
		w->sc->troop_rate_given = 0;
	}
}

static void walk_unit(walk *w, size_t i, const sf__ynode *n, const char *path,
                      const sf__ynode **idnode)
{
	static const char *const keys[] = {"id",
	                                   "name",
	                                   "personnel",
	                                   "monthly_cost",
	                                   "deploy_cost",
	                                   "capabilities",
	                                   "coe",
	                                   "category",
	                                   "women", /* format 2: */
	                                   "min_stay_months",
	                                   "move_cost",
	                                   "retask_cost",
	                                   "change_cost"};
	const sf__ynode *v[13];
	char p[SF_ERROR_PATH_MAX];
	sf_unit_type *u = &w->sc->unit_types[i];
	long personnel;
	size_t j;

	u->pos.line = n->line;
	u->pos.column = n->column;
	u->personnel = 1;
	u->min_stay_months = 1;
	u->capability = sf__arena_calloc(w->a, w->sc->ntasks ? w->sc->ntasks : 1, sizeof(double));
	if (!u->capability) {
		w->nomem = 1;
		return;
	}
	u->women_share = SF_NO_SHARE;
	if (get_fields_f2(w, n, path, "a unit type", keys, 13, 9, v) != 0)
		return;
	if (!v[0]) {
		missing(w, n, path, "id", "the unit type id");
	} else {
		*idnode = v[0];
		get_id(w, v[0], pkey(p, sizeof(p), path, "id"), &u->id);
		w->units.ids[i] = u->id;
	}
	if (v[1])
		get_string(w, v[1], pkey(p, sizeof(p), path, "name"), &u->name);
	if (!u->name)
		u->name = u->id;
	if (!v[2])
		missing(w, n, path, "personnel", "persons per unit, an integer > 0");
	else if (get_int(w, v[2], pkey(p, sizeof(p), path, "personnel"), "personnel", 1,
	                 SF_MAX_UNITS, &personnel) == 0)
		u->personnel = (int)personnel;
	if (!v[3])
		missing(w, n, path, "monthly_cost", "money per unit per month, >= 0");
	else
		get_number_range(w, v[3], pkey(p, sizeof(p), path, "monthly_cost"), "monthly_cost",
		                 0, 0, SF_MAX_MONEY, &u->monthly_cost);
	u->deploy_cost = u->monthly_cost;
	if (v[4])
		get_number_range(w, v[4], pkey(p, sizeof(p), path, "deploy_cost"), "deploy_cost", 0,
		                 0, SF_MAX_MONEY, &u->deploy_cost);
	walk_unit_f2_costs(w, u, v + 9, path);
	if (v[6])
		walk_coe(w, v[6], pkey(p, sizeof(p), path, "coe"), u);
	if (v[7])
		walk_category(w, v[7], pkey(p, sizeof(p), path, "category"), &u->category);
	if (v[8])
		walk_women(w, v[8], pkey(p, sizeof(p), path, "women"), &u->women_share,
		           &u->women_source);
	if (!v[5]) {
		missing(w, n, path, "capabilities",
		        "capability units per unit for each task, {task: number}");
		return;
	}
	pkey(p, sizeof(p), path, "capabilities");
	if (check_map(w, v[5], p, "capabilities {task: number}") != 0)
		return;
	for (j = 0; j < SF__YMAP_LEN(v[5]); j++) {
		const sf__ynode *key = SF__YMAP_KEY(v[5], j), *val = SF__YMAP_VAL(v[5], j);
		char kp[SF_ERROR_PATH_MAX];
		long t;
		double x;
		if (key->kind != SF__YSCALAR || is_null(key))
			continue;
		pkey(kp, sizeof(kp), p, key->value);
		t = resolve(w, &w->tasks, key, kp, 0);
		if (get_number_range(w, val, kp, key->value, 0, 0, SF_MAX_CAPABILITY, &x) != 0)
			continue;
		if (x > 0 && x < SF_MIN_CAPABILITY) {
			err_at(w, val, kp,
			       "'%s' must be 0 or at least %g, found %g (a capability this small "
			       "is "
			       "none: write 0)",
			       key->value, SF_MIN_CAPABILITY, x);
			continue;
		}
		if (t >= 0)
			u->capability[t] = x;
	}
}

static void walk_units(walk *w, const sf__ynode *n)
{
	sf_scenario *sc = w->sc;
	const sf__ynode **idnodes;
	const char **paths;
	char p[SF_ERROR_PATH_MAX];
	size_t i, count;

	if (idtab_init(w, &w->units, "unit type", 0) != 0)
		return;
	if (check_seq(w, n, "unit_types", "unit types") != 0)
		return;
	count = n->nkids;
	if (count == 0) {
		err_at(w, n, "unit_types", "expected at least one unit type");
		return;
	}
	sc->unit_types = sf__arena_calloc(w->a, count, sizeof(*sc->unit_types));
	idnodes = sf__arena_calloc(w->a, count, sizeof(*idnodes));
	paths = id_paths(w, "unit_types", count);
	if (!sc->unit_types || !idnodes || !paths ||
	    idtab_init(w, &w->units, "unit type", count) != 0) {
		w->nomem = 1;
		return;
	}
	sc->nunit_types = count;
	for (i = 0; i < count && !w->nomem; i++)
		walk_unit(w, i, n->kids[i], pidx(p, sizeof(p), "unit_types", i), &idnodes[i]);
	idtab_finish(w, &w->units, idnodes, paths);
}

/* ------------------------------------------------------------------ */
/* Contributors and pledges                                             */

/*
 * A caveat: {allow: [ids]} or {deny: [ids]} (or a bare list, meaning
 * allow) into mask[0..t->n] (t->n is `mission` when with_mission).
 */
static void walk_caveat(walk *w, const sf__ynode *n, const char *path, const idtab *t,
                        int with_mission, unsigned char *mask, size_t nmask)
{
	static const char *const keys[] = {"allow", "deny"};
	const sf__ynode *v[2], *list;
	char lp[SF_ERROR_PATH_MAX], ip[SF_ERROR_PATH_MAX];
	const char *what = with_mission ? "{allow: [locations]} or {deny: [locations]}"
	                                : "{allow: [tasks]} or {deny: [tasks]}";
	int allow;
	size_t i;

	if (n->kind == SF__YSEQ) {
		list = n;
		allow = 1;
		sf_strlcpy(lp, path, sizeof(lp));
	} else {
		if (get_fields(w, n, path, what, keys, 2, v) != 0)
			return;
		if (v[0] && v[1]) {
			err_at(w, n, path, "give either 'allow' or 'deny', not both");
			return;
		}
		if (!v[0] && !v[1]) {
			err_at(w, n, path, "expected %s", what);
			return;
		}
		allow = v[0] != NULL;
		list = allow ? v[0] : v[1];
		pkey(lp, sizeof(lp), path, allow ? "allow" : "deny");
		if (check_seq(w, list, lp, with_mission ? "sector ids or 'mission'" : "task ids") !=
		    0)
			return;
	}
	memset(mask, allow ? 0 : 1, nmask);
	for (i = 0; i < list->nkids; i++) {
		long k = resolve(w, t, list->kids[i], pidx(ip, sizeof(ip), lp, i), with_mission);
		if (k >= 0 && (size_t)k < nmask)
			mask[k] = (unsigned char)allow;
	}
}

/*
 * A pledge's `status`: one word or a list of words (sf_pledge_status_word),
 * each what the pledge rests on per the latest report before as_of.
 */
static void walk_pledge_status(walk *w, const sf__ynode *n, const char *path, unsigned *flags)
{
	char ip[SF_ERROR_PATH_MAX], d[64];
	const sf__ynode *one[1] = {n};
	const sf__ynode *const *items = one;
	size_t count = 1;

	if (n->kind == SF__YSEQ) {
		items = (const sf__ynode *const *)n->kids;
		count = n->nkids;
	}
	for (size_t i = 0; i < count; i++) {
		const sf__ynode *it = items[i];
		const char *ipath = n->kind == SF__YSEQ ? pidx(ip, sizeof(ip), path, i) : path;
		int k = -1;
		if (it->kind == SF__YSCALAR && !is_null(it)) {
			for (int j = 0; j < SF_PLEDGE_NSTATUS; j++) {
				if (strcmp(it->value, sf_pledge_status_word(j)) == 0)
					k = j;
			}
		}
		if (k < 0) {
			err_at(w, it, ipath,
			       "expected 'assumed', 'single_source', 'contested' or 'on_hold', "
			       "found %s",
			       describe(it, d, sizeof(d)));
			continue;
		}
		*flags |= 1u << k;
	}
}

/*
 * A pledge's format-2 keys, v = {lead_days, readiness, tour_months, tours,
 * min_stay_months}. The readiness table (top level) is read before the
 * contributors, so a level resolves to its days here.
 */
static void walk_pledge_f2(walk *w, sf_pledge *pl, const sf__ynode *const *v, const char *path)
{
	char p[SF_ERROR_PATH_MAX], d[64];
	long x;
	int stay;

	if (v[0] && v[1]) {
		err_at(w, v[1], pkey(p, sizeof(p), path, "readiness"),
		       "give either 'lead_days' or 'readiness', not both");
	} else if (v[0]) {
		if (get_int(w, v[0], pkey(p, sizeof(p), path, "lead_days"), "lead_days", 0,
		            SF_MAX_LEAD_DAYS, &x) == 0)
			pl->lead_days = (int)x;
		pl->has_notice = 1;
	} else if (v[1]) {
		int r;
		pkey(p, sizeof(p), path, "readiness");
		for (r = 1; r < SF_NREADINESS; r++)
			if (v[1]->kind == SF__YSCALAR &&
			    strcmp(v[1]->value, readiness_names[r]) == 0)
				break;
		if (r == SF_NREADINESS) {
			char h[128] = "";
			if (v[1]->kind == SF__YSCALAR && !is_null(v[1]))
				hint(h, sizeof(h), v[1]->value, readiness_names + 1,
				     SF_NREADINESS - 1);
			err_at(w, v[1], p, "expected rdl, level3, level2 or level1, found %s%s",
			       describe(v[1], d, sizeof(d)), h);
		} else {
			pl->readiness = (sf_readiness)r;
			pl->lead_days = w->sc->readiness_days[r];
		}
		pl->has_notice = 1;
	}
	if (v[2] && get_int(w, v[2], pkey(p, sizeof(p), path, "tour_months"), "tour_months", 1,
	                    SF_MAX_MONTHS, &x) == 0)
		pl->tour_months = (int)x;
	if (v[3] &&
	    get_int(w, v[3], pkey(p, sizeof(p), path, "tours"), "tours", 1, SF_MAX_INT, &x) == 0)
		pl->tours = (int)x;
	if (v[4] && get_int(w, v[4], pkey(p, sizeof(p), path, "min_stay_months"), "min_stay_months",
	                    1, SF_MAX_MONTHS, &x) == 0)
		pl->min_stay_months = (int)x;
	stay = pl->min_stay_months;
	if (stay == 0 && pl->unit < w->sc->nunit_types)
		stay = w->sc->unit_types[pl->unit].min_stay_months;
	if (pl->tour_months > 0 && stay > pl->tour_months)
		err_at(w, v[2], pkey(p, sizeof(p), path, "tour_months"),
		       "a tour of %d months is shorter than the minimum stay of %d months%s",
		       pl->tour_months, stay, v[4] ? "" : " (the unit type's min_stay_months)");
}

static void walk_pledge(walk *w, size_t ci, size_t k, size_t pi, const sf__ynode *n,
                        const char *path, const sf__ynode **idnode)
{
	static const char *const keys[] = {
	        "id", "unit", "count", "from", "to", "confidence", "delay_months", "tasks",
	        "locations", "source", "status", "women",
	        /* format 2: */
	        "lead_days", "readiness", "tour_months", "tours", "min_stay_months"};
	const sf__ynode *v[17];
	char p[SF_ERROR_PATH_MAX], gen[SF_ID_MAX + 32];
	sf_scenario *sc = w->sc;
	sf_pledge *pl = &sc->pledges[pi];
	size_t nt = sc->ntasks, nl = SF_NLOC(sc);
	long x;

	pl->pos.line = n->line;
	pl->pos.column = n->column;
	pl->contributor = ci;
	pl->count = 1;
	pl->from = 1;
	pl->to = sc->months;
	pl->confidence = 1;
	pl->active = 1;
	pl->women_share = SF_NO_SHARE;
	pl->task_ok = sf__arena_alloc(w->a, nt ? nt : 1);
	pl->loc_ok = sf__arena_alloc(w->a, nl);
	if (!pl->task_ok || !pl->loc_ok) {
		w->nomem = 1;
		return;
	}
	memset(pl->task_ok, 1, nt);
	memset(pl->loc_ok, 1, nl);
	*idnode = n;
	if (get_fields_f2(w, n, path, "a pledge", keys, 17, 12, v) != 0)
		return;
	if (v[0]) {
		*idnode = v[0];
		get_id(w, v[0], pkey(p, sizeof(p), path, "id"), &pl->id);
	} else {
		const char *cid = sc->contributors[ci].id;
		sf_snprintf(gen, sizeof(gen), "%s-%zu", cid ? cid : "?", k + 1);
		pl->id = sf__arena_strdup(w->a, gen);
	}
	w->pledges.ids[pi] = pl->id;
	if (!v[1]) {
		missing(w, n, path, "unit", "the unit type pledged");
	} else {
		long u = resolve(w, &w->units, v[1], pkey(p, sizeof(p), path, "unit"), 0);
		if (u >= 0)
			pl->unit = (size_t)u;
	}
	if (!v[2])
		missing(w, n, path, "count", "the number of units, an integer >= 1");
	else if (get_int(w, v[2], pkey(p, sizeof(p), path, "count"), "count", 1, SF_MAX_UNITS,
	                 &x) == 0)
		pl->count = (int)x;
	if (v[3] && get_month(w, v[3], pkey(p, sizeof(p), path, "from"), &pl->from) != 0)
		pl->from = 1;
	if (v[4] && get_month(w, v[4], pkey(p, sizeof(p), path, "to"), &pl->to) != 0)
		pl->to = sc->months;
	if (v[4] && pl->from > pl->to && w->months_ok)
		err_at(w, v[4], pkey(p, sizeof(p), path, "to"),
		       "'to' (month %d) comes before 'from' (month %d)", pl->to, pl->from);
	if (v[5])
		get_number_range(w, v[5], pkey(p, sizeof(p), path, "confidence"), "confidence", 0,
		                 0, 1, &pl->confidence);
	if (v[6] && get_int(w, v[6], pkey(p, sizeof(p), path, "delay_months"), "delay_months", 0,
	                    SF_MAX_MONTHS, &x) == 0)
		pl->delay_months = (int)x;
	if (v[7]) {
		pl->has_task_caveat = 1;
		walk_caveat(w, v[7], pkey(p, sizeof(p), path, "tasks"), &w->tasks, 0, pl->task_ok,
		            nt);
	}
	if (v[8]) {
		pl->has_loc_caveat = 1;
		walk_caveat(w, v[8], pkey(p, sizeof(p), path, "locations"), &w->sectors, 1,
		            pl->loc_ok, nl);
	}
	if (v[9])
		get_string(w, v[9], pkey(p, sizeof(p), path, "source"), &pl->source);
	if (v[10])
		walk_pledge_status(w, v[10], pkey(p, sizeof(p), path, "status"), &pl->status);
	if (v[11])
		walk_women(w, v[11], pkey(p, sizeof(p), path, "women"), &pl->women_share,
		           &pl->women_source);
	walk_pledge_f2(w, pl, v + 12, path);
}

static void walk_contributors(walk *w, const sf__ynode *n)
{
	static const char *const keys[] = {"id", "name", "cap", "pledges"};
	sf_scenario *sc = w->sc;
	const sf__ynode **cidnodes, **pidnodes, **plists;
	const char **cpaths, **ppaths, **plpaths;
	char p[SF_ERROR_PATH_MAX], cp[SF_ERROR_PATH_MAX];
	size_t i, k, count, npledges = 0, pi = 0;

	if (idtab_init(w, &w->contributors, "contributor", 0) != 0 ||
	    idtab_init(w, &w->pledges, "pledge", 0) != 0)
		return;
	if (check_seq(w, n, "contributors", "contributors") != 0)
		return;
	count = n->nkids;
	sc->contributors = sf__arena_calloc(w->a, count ? count : 1, sizeof(*sc->contributors));
	cidnodes = sf__arena_calloc(w->a, count ? count : 1, sizeof(*cidnodes));
	plists = sf__arena_calloc(w->a, count ? count : 1, sizeof(*plists));
	cpaths = id_paths(w, "contributors", count);
	if (!sc->contributors || !cidnodes || !plists || !cpaths ||
	    idtab_init(w, &w->contributors, "contributor", count) != 0) {
		w->nomem = 1;
		return;
	}
	sc->ncontributors = count;
	w->contributors.broken = 0;
	/* First the contributors themselves, and the size of every pledge list. */
	for (i = 0; i < count; i++) {
		const sf__ynode *v[4], *cn = n->kids[i];
		sf_contributor *c = &sc->contributors[i];
		pidx(cp, sizeof(cp), "contributors", i);
		c->pos.line = cn->line;
		c->pos.column = cn->column;
		c->active = 1;
		if (get_fields(w, cn, cp, "a contributor", keys, 4, v) != 0)
			continue;
		if (!v[0]) {
			missing(w, cn, cp, "id",
			        "the contributor id, ISO 3166 alpha-3 for a state");
		} else {
			cidnodes[i] = v[0];
			get_id(w, v[0], pkey(p, sizeof(p), cp, "id"), &c->id);
			w->contributors.ids[i] = c->id;
		}
		if (v[1])
			get_string(w, v[1], pkey(p, sizeof(p), cp, "name"), &c->name);
		if (!c->name)
			c->name = c->id;
		if (v[2] && get_number_range(w, v[2], pkey(p, sizeof(p), cp, "cap"), "cap", 0, 1,
		                             SF_MAX_AMOUNT, &c->cap) == 0)
			c->has_cap = 1;
		if (v[3] && !is_null(v[3]) &&
		    check_seq(w, v[3], pkey(p, sizeof(p), cp, "pledges"), "pledges") == 0) {
			plists[i] = v[3];
			npledges += v[3]->nkids;
		}
	}
	idtab_finish(w, &w->contributors, cidnodes, cpaths);

	sc->pledges = sf__arena_calloc(w->a, npledges ? npledges : 1, sizeof(*sc->pledges));
	pidnodes = sf__arena_calloc(w->a, npledges ? npledges : 1, sizeof(*pidnodes));
	ppaths = sf__arena_calloc(w->a, npledges ? npledges : 1, sizeof(*ppaths));
	plpaths = sf__arena_calloc(w->a, npledges ? npledges : 1, sizeof(*plpaths));
	if (!sc->pledges || !pidnodes || !ppaths || !plpaths ||
	    idtab_init(w, &w->pledges, "pledge", npledges) != 0) {
		w->nomem = 1;
		return;
	}
	sc->npledges = npledges;
	for (i = 0; i < count && !w->nomem; i++) {
		if (!plists[i])
			continue;
		for (k = 0; k < plists[i]->nkids; k++, pi++) {
			sf_snprintf(p, sizeof(p), "contributors[%zu].pledges[%zu]", i, k);
			walk_pledge(w, i, k, pi, plists[i]->kids[k], p, &pidnodes[pi]);
			plpaths[pi] = sf__arena_strdup(w->a, p);
			if (pidnodes[pi] != plists[i]->kids[k])
				sf_snprintf(p, sizeof(p), "contributors[%zu].pledges[%zu].id", i,
				            k);
			ppaths[pi] = sf__arena_strdup(w->a, p);
		}
	}
	w->pledge_paths = plpaths;
	if (!w->nomem)
		idtab_finish(w, &w->pledges, pidnodes, ppaths);
}

/* ------------------------------------------------------------------ */
/* Stakeholders and vetoes                                              */

static void walk_veto(walk *w, size_t si, const sf__ynode *n, const char *path, sf_veto *vt)
{
	static const char *const keys[] = {"contributor", "kind", "penalty", "sectors", "source"};
	const sf__ynode *v[5];
	char p[SF_ERROR_PATH_MAX], ip[SF_ERROR_PATH_MAX], d[64];
	sf_scenario *sc = w->sc;
	size_t ns = sc->nsectors, i;
	int kind_ok = 0;
	long c;

	vt->pos.line = n->line;
	vt->pos.column = n->column;
	vt->stakeholder = si;
	vt->active = 1;
	vt->all_sectors = 1;
	vt->sector_mask = sf__arena_alloc(w->a, ns ? ns : 1);
	if (!vt->sector_mask) {
		w->nomem = 1;
		return;
	}
	memset(vt->sector_mask, 1, ns);
	if (get_fields(w, n, path, "a veto", keys, 5, v) != 0)
		return;
	if (!v[0]) {
		missing(w, n, path, "contributor", "the contributor refused");
	} else {
		c = resolve(w, &w->contributors, v[0], pkey(p, sizeof(p), path, "contributor"), 0);
		if (c >= 0)
			vt->contributor = (size_t)c;
	}
	if (!v[1]) {
		missing(w, n, path, "kind", "hard or soft");
	} else {
		pkey(p, sizeof(p), path, "kind");
		kind_ok = 1;
		if (v[1]->kind == SF__YSCALAR && strcmp(v[1]->value, "hard") == 0) {
			vt->kind = SF_VETO_HARD;
		} else if (v[1]->kind == SF__YSCALAR && strcmp(v[1]->value, "soft") == 0) {
			vt->kind = SF_VETO_SOFT;
		} else {
			kind_ok = 0;
			err_at(w, v[1], p, "expected 'hard' or 'soft', found %s",
			       describe(v[1], d, sizeof(d)));
		}
	}
	int penalty_ok = 1;
	if (v[2] &&
	    !(penalty_ok = get_number_range(w, v[2], pkey(p, sizeof(p), path, "penalty"), "penalty",
	                                    0, 0, SF_MAX_PENALTY, &vt->penalty) == 0))
		; /* reported: no warning about a missing penalty as well */
	else if (v[2]) {
		if (kind_ok && vt->kind == SF_VETO_HARD && vt->penalty > 0) {
			err_at(w, v[2], p,
			       "a hard veto takes no penalty (it forbids the troops outright); use "
			       "kind: soft for a cost per person-month");
		}
		if (vt->kind == SF_VETO_HARD)
			vt->penalty = 0;
	}
	if (kind_ok && penalty_ok && vt->kind == SF_VETO_SOFT && (!v[2] || vt->penalty == 0))
		warn_at(w, v[2] ? v[2] : n, v[2] ? p : path,
		        "a soft veto without a penalty changes nothing");
	if (v[3]) {
		pkey(p, sizeof(p), path, "sectors");
		if (v[3]->kind == SF__YSCALAR && strcmp(v[3]->value, "all") == 0) {
			/* the default */
		} else if (v[3]->kind != SF__YSEQ) {
			err_at(w, v[3], p, "expected 'all' or a list of sector ids, found %s",
			       describe(v[3], d, sizeof(d)));
		} else {
			vt->all_sectors = 0;
			memset(vt->sector_mask, 0, ns);
			for (i = 0; i < v[3]->nkids; i++) {
				c = resolve(w, &w->sectors, v[3]->kids[i],
				            pidx(ip, sizeof(ip), p, i), 0);
				if (c >= 0)
					vt->sector_mask[c] = 1;
			}
			if (v[3]->nkids == 0)
				warn_at(w, v[3], p, "the veto covers no sector");
		}
	}
	if (v[4])
		get_string(w, v[4], pkey(p, sizeof(p), path, "source"), &vt->source);
}

/* A condition's filter: 'all' (NULL mask) or a list of ids of one kind. */
static void walk_filter(walk *w, const sf__ynode *n, const char *path, const idtab *t, size_t count,
                        unsigned char **mask)
{
	char ip[SF_ERROR_PATH_MAX], d[64];
	long k;

	*mask = NULL;
	if (n->kind == SF__YSCALAR && strcmp(n->value, "all") == 0)
		return;
	if (n->kind != SF__YSEQ) {
		err_at(w, n, path, "expected 'all' or a list of %s ids, found %s", t->kind,
		       describe(n, d, sizeof(d)));
		return;
	}
	*mask = sf__arena_calloc(w->a, count ? count : 1, 1);
	if (!*mask) {
		w->nomem = 1;
		return;
	}
	for (size_t i = 0; i < n->nkids; i++) {
		k = resolve(w, t, n->kids[i], pidx(ip, sizeof(ip), path, i), 0);
		if (k >= 0)
			(*mask)[k] = 1;
	}
	if (n->nkids == 0)
		warn_at(w, n, path, "the condition covers no %s", t->kind);
}

/* The first plan month whose first day is on or after the date (1..M + 1). */
int sf__scenario_date_month(const sf_scenario *sc, const char *date)
{
	int y = 0, m = 0, d = 0;
	long k;

	if (sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return 1;
	k = (long)(y - sc->start_year) * 12 + (m - sc->start_month) + 1 + (d > 1);
	return k < 1 ? 1 : k > sc->months + 1 ? sc->months + 1 : (int)k;
}

static int cmp_indicator_value(const void *pa, const void *pb)
{
	const sf_indicator_value *a = pa, *b = pb;
	int r = strcmp(a->date, b->date);
	return r ? r : (a->pos.line > b->pos.line) - (a->pos.line < b->pos.line);
}

/* `after:` of a sequence condition: an indicator, a threshold, dated values. */
static void walk_indicator(walk *w, const sf__ynode *n, const char *path, sf_condition *c)
{
	static const char *const keys[] = {"indicator", "below", "above", "values", "register"};
	static const char *const vkeys[] = {"date", "value", "source"};
	static const char *const rkeys[] = {"sector", "window_days"};
	const sf__ynode *v[5], *r[2];
	char p[SF_ERROR_PATH_MAX], vp[SF_ERROR_PATH_MAX], kp[SF_ERROR_PATH_MAX];

	if (get_fields(w, n, path, "an indicator condition", keys, 5, v) != 0)
		return;
	/* after.register: incidents in a sector over a trailing window. */
	if (v[4]) {
		char rp[SF_ERROR_PATH_MAX];
		pkey(rp, sizeof(rp), path, "register");
		if (get_fields(w, v[4], rp, "a register indicator", rkeys, 2, r) == 0) {
			long k = -1, days = 28; /* as the threat's window */
			if (!r[0])
				missing(w, v[4], rp, "sector",
				        "the sector whose incidents the indicator counts");
			else
				k = resolve(w, &w->sectors, r[0],
				            pkey(kp, sizeof(kp), rp, "sector"), 0);
			if (r[1])
				(void)get_int(w, r[1], pkey(kp, sizeof(kp), rp, "window_days"),
				              "window_days", 1, 3660, &days);
			if (k >= 0) {
				c->from_register = 1;
				c->reg_sector = (size_t)k;
				c->reg_window_days = (int)days;
			}
		}
	}
	if (!v[0])
		missing(w, n, path, "indicator", "the indicator's name");
	else
		get_string(w, v[0], pkey(p, sizeof(p), path, "indicator"), &c->indicator);
	if ((v[1] != NULL) == (v[2] != NULL)) {
		err_at(w, n, path, "give exactly one of 'below' and 'above' (the threshold)");
	} else {
		c->below = v[1] != NULL;
		get_number(w, v[1] ? v[1] : v[2],
		           pkey(p, sizeof(p), path, v[1] ? "below" : "above"), &c->threshold);
	}
	if (!v[3]) {
		missing(w, n, path, "values", "the indicator's dated values (date, value, source)");
		return;
	}
	pkey(p, sizeof(p), path, "values");
	if (check_seq(w, v[3], p, "values") != 0)
		return;
	c->values = sf__arena_calloc(w->a, v[3]->nkids ? v[3]->nkids : 1, sizeof(*c->values));
	if (!c->values) {
		w->nomem = 1;
		return;
	}
	for (size_t i = 0; i < v[3]->nkids; i++) {
		const sf__ynode *f[3], *vn = v[3]->kids[i];
		sf_indicator_value *iv = &c->values[c->nvalues];
		char *date = NULL;
		pidx(vp, sizeof(vp), p, i);
		iv->pos.line = vn->line;
		iv->pos.column = vn->column;
		if (get_fields(w, vn, vp, "an indicator value", vkeys, 3, f) != 0)
			continue;
		if (!f[0] || !f[1] || !f[2]) {
			missing(w, vn, vp,
			        !f[0]   ? "date"
			        : !f[1] ? "value"
			                : "source",
			        !f[0]   ? "the date the value was reported for (YYYY-MM-DD)"
			        : !f[1] ? "the indicator's value"
			                : "who reported it (outlet, date, link)");
			continue;
		}
		if (get_string(w, f[0], pkey(kp, sizeof(kp), vp, "date"), &date) != 0)
			continue;
		if (!valid_date(date)) {
			err_at(w, f[0], kp, "expected a date YYYY-MM-DD, found '%s'", date);
			continue;
		}
		if (get_number(w, f[1], pkey(kp, sizeof(kp), vp, "value"), &iv->value) != 0 ||
		    get_string(w, f[2], pkey(kp, sizeof(kp), vp, "source"), &iv->source) != 0)
			continue;
		sf_strlcpy(iv->date, date, sizeof(iv->date));
		if (w->sc->as_of && strcmp(date, w->sc->as_of) > 0)
			warn_at(w, f[0], pkey(kp, sizeof(kp), vp, "date"),
			        "dated after as_of (%s): a projection, not a report", w->sc->as_of);
		if (w->months_ok)
			iv->month = sf__scenario_date_month(w->sc, date);
		c->nvalues++;
	}
	qsort(c->values, c->nvalues, sizeof(*c->values), cmp_indicator_value);
}

/* Condition ids are unique across stakeholders: outputs and what-if name them. */
static void walk_condition(walk *w, size_t si, const sf__ynode *n, const char *path,
                           sf_condition *c, const sf_condition *prev, size_t nprev)
{
	static const char *const keys[] = {"id",    "kind",       "contributors", "unit_types",
	                                   "tasks", "sectors",    "consent",      "from",
	                                   "to",    "not_before", "after",        "source"};
	const sf__ynode *v[12];
	char p[SF_ERROR_PATH_MAX], d[64];
	sf_scenario *sc = w->sc;
	int months = sc->months >= 1 ? sc->months : 1;

	c->pos.line = n->line;
	c->pos.column = n->column;
	c->stakeholder = si;
	c->active = 1;
	c->from = 1;
	c->to = months;
	if (get_fields(w, n, path, "a condition", keys, 12, v) != 0)
		return;
	if (!v[0])
		missing(w, n, path, "id", "a name for the condition, unique in the scenario");
	else if (get_id(w, v[0], pkey(p, sizeof(p), path, "id"), &c->id) == 0)
		for (size_t k = 0; k < nprev; k++)
			if (prev[k].id && strcmp(prev[k].id, c->id) == 0) {
				err_at(w, v[0], p, "duplicate condition id '%s' (first at line %d)",
				       c->id, prev[k].pos.line);
				break;
			}
	if (!v[1]) {
		missing(w, n, path, "kind", "consent or sequence");
		return;
	}
	pkey(p, sizeof(p), path, "kind");
	if (v[1]->kind == SF__YSCALAR && strcmp(v[1]->value, "consent") == 0) {
		c->kind = SF_CONDITION_CONSENT;
	} else if (v[1]->kind == SF__YSCALAR && strcmp(v[1]->value, "sequence") == 0) {
		c->kind = SF_CONDITION_SEQUENCE;
	} else {
		err_at(w, v[1], p, "expected 'consent' or 'sequence', found %s",
		       describe(v[1], d, sizeof(d)));
		return;
	}
	if (v[2])
		walk_filter(w, v[2], pkey(p, sizeof(p), path, "contributors"), &w->contributors,
		            sc->ncontributors, &c->contributors);
	c->ncontributors_named = sc->ncontributors;
	if (v[3])
		walk_filter(w, v[3], pkey(p, sizeof(p), path, "unit_types"), &w->units,
		            sc->nunit_types, &c->unit_types);
	c->nunit_types_named = sc->nunit_types;
	if (v[4])
		walk_filter(w, v[4], pkey(p, sizeof(p), path, "tasks"), &w->tasks, sc->ntasks,
		            &c->tasks);
	if (v[5])
		walk_filter(w, v[5], pkey(p, sizeof(p), path, "sectors"), &w->sectors, sc->nsectors,
		            &c->sectors);
	if (c->kind == SF_CONDITION_CONSENT) {
		for (int k = 9; k <= 10; k++)
			if (v[k])
				err_at(w, v[k], pkey(p, sizeof(p), path, keys[k]),
				       "'%s' belongs to a sequence condition (kind: sequence)",
				       keys[k]);
		if (!v[6]) {
			missing(w, n, path, "consent", "given, pending or withheld");
		} else {
			pkey(p, sizeof(p), path, "consent");
			if (v[6]->kind == SF__YSCALAR && strcmp(v[6]->value, "given") == 0)
				c->consent = SF_CONSENT_GIVEN;
			else if (v[6]->kind == SF__YSCALAR && strcmp(v[6]->value, "pending") == 0)
				c->consent = SF_CONSENT_PENDING;
			else if (v[6]->kind == SF__YSCALAR && strcmp(v[6]->value, "withheld") == 0)
				c->consent = SF_CONSENT_WITHHELD;
			else
				err_at(w, v[6], p,
				       "expected 'given', 'pending' or 'withheld', found %s",
				       describe(v[6], d, sizeof(d)));
		}
		if (v[7])
			get_month(w, v[7], pkey(p, sizeof(p), path, "from"), &c->from);
		if (v[8])
			get_month(w, v[8], pkey(p, sizeof(p), path, "to"), &c->to);
		if (v[7] && v[8] && c->from > c->to)
			err_at(w, v[8], pkey(p, sizeof(p), path, "to"),
			       "the consent ends (month %d) before it begins (month %d)", c->to,
			       c->from);
	} else {
		for (int k = 6; k <= 8; k++)
			if (v[k])
				err_at(w, v[k], pkey(p, sizeof(p), path, keys[k]),
				       "'%s' belongs to a consent condition (kind: consent)",
				       keys[k]);
		if ((v[9] != NULL) == (v[10] != NULL))
			err_at(w, n, path,
			       "a sequence condition takes exactly one of 'not_before' (a month) "
			       "and "
			       "'after' (an indicator below or above a threshold)");
		else if (v[9])
			get_month(w, v[9], pkey(p, sizeof(p), path, "not_before"), &c->not_before);
		else
			walk_indicator(w, v[10], pkey(p, sizeof(p), path, "after"), c);
	}
	if (!v[11])
		missing(w, n, path, "source", "who stated the condition (outlet, date, link)");
	else
		get_string(w, v[11], pkey(p, sizeof(p), path, "source"), &c->source);
}

static void walk_stakeholders(walk *w, const sf__ynode *n)
{
	static const char *const keys[] = {"id", "name", "vetoes", /* format 2: */ "conditions"};
	sf_scenario *sc = w->sc;
	const sf__ynode **idnodes, **vlists, **clists;
	size_t nconditions = 0, ci = 0;
	const char **paths;
	char p[SF_ERROR_PATH_MAX], sp[SF_ERROR_PATH_MAX];
	size_t i, k, count, nvetoes = 0, vi = 0;

	if (idtab_init(w, &w->stakeholders, "stakeholder", 0) != 0)
		return;
	if (check_seq(w, n, "stakeholders", "stakeholders") != 0)
		return;
	count = n->nkids;
	sc->stakeholders = sf__arena_calloc(w->a, count ? count : 1, sizeof(*sc->stakeholders));
	idnodes = sf__arena_calloc(w->a, count ? count : 1, sizeof(*idnodes));
	vlists = sf__arena_calloc(w->a, count ? count : 1, sizeof(*vlists));
	clists = sf__arena_calloc(w->a, count ? count : 1, sizeof(*clists));
	paths = id_paths(w, "stakeholders", count);
	if (!sc->stakeholders || !idnodes || !vlists || !clists || !paths ||
	    idtab_init(w, &w->stakeholders, "stakeholder", count) != 0) {
		w->nomem = 1;
		return;
	}
	sc->nstakeholders = count;
	for (i = 0; i < count; i++) {
		const sf__ynode *v[4], *sn = n->kids[i];
		sf_stakeholder *s = &sc->stakeholders[i];
		pidx(sp, sizeof(sp), "stakeholders", i);
		s->pos.line = sn->line;
		s->pos.column = sn->column;
		if (get_fields_f2(w, sn, sp, "a stakeholder", keys, 4, 3, v) != 0)
			continue;
		if (!v[0]) {
			missing(w, sn, sp, "id", "the stakeholder id");
		} else {
			idnodes[i] = v[0];
			get_id(w, v[0], pkey(p, sizeof(p), sp, "id"), &s->id);
			w->stakeholders.ids[i] = s->id;
		}
		if (v[1])
			get_string(w, v[1], pkey(p, sizeof(p), sp, "name"), &s->name);
		if (!s->name)
			s->name = s->id;
		if (v[2] && !is_null(v[2]) &&
		    check_seq(w, v[2], pkey(p, sizeof(p), sp, "vetoes"), "vetoes") == 0) {
			vlists[i] = v[2];
			nvetoes += v[2]->nkids;
		}
		if (v[3] && !is_null(v[3]) &&
		    check_seq(w, v[3], pkey(p, sizeof(p), sp, "conditions"), "conditions") == 0) {
			clists[i] = v[3];
			nconditions += v[3]->nkids;
		}
	}
	idtab_finish(w, &w->stakeholders, idnodes, paths);
	sc->vetoes = sf__arena_calloc(w->a, nvetoes ? nvetoes : 1, sizeof(*sc->vetoes));
	if (!sc->vetoes) {
		w->nomem = 1;
		return;
	}
	sc->nvetoes = nvetoes;
	for (i = 0; i < count && !w->nomem; i++) {
		if (!vlists[i])
			continue;
		for (k = 0; k < vlists[i]->nkids; k++, vi++) {
			sf_snprintf(p, sizeof(p), "stakeholders[%zu].vetoes[%zu]", i, k);
			walk_veto(w, i, vlists[i]->kids[k], p, &sc->vetoes[vi]);
		}
	}
	sc->conditions =
	        sf__arena_calloc(w->a, nconditions ? nconditions : 1, sizeof(*sc->conditions));
	if (!sc->conditions) {
		w->nomem = 1;
		return;
	}
	for (i = 0; i < count && !w->nomem; i++) {
		if (!clists[i])
			continue;
		for (k = 0; k < clists[i]->nkids; k++, ci++) {
			sf_snprintf(p, sizeof(p), "stakeholders[%zu].conditions[%zu]", i, k);
			walk_condition(w, i, clists[i]->kids[k], p, &sc->conditions[ci],
			               sc->conditions, ci);
		}
	}
	sc->nconditions = ci;
}

/* ------------------------------------------------------------------ */
/* Checks across objects                                                */

static void check_cross(walk *w)
{
	sf_scenario *sc = w->sc;
	char p[SF_ERROR_PATH_MAX];
	size_t i, t, l;

	/* A `per` requirement needs the attribute in every sector. */
	for (t = 0; t < sc->ntasks; t++) {
		const sf_task *tk = &sc->tasks[t];
		if (tk->scope != SF_SCOPE_SECTOR || tk->req_kind != SF_REQ_PER || !tk->req_per)
			continue;
		for (i = 0; i < sc->nsectors; i++) {
			const sf_sector *s = &sc->sectors[i];
			const sf__ynode *an = w->sector_attr_nodes[i];
			if (!s->id || sf_sector_attr(s, tk->req_per, NULL) == 0)
				continue;
			if (an && an->kind == SF__YMAP)
				sf_snprintf(p, sizeof(p), "sectors.list[%zu].attributes", i);
			else
				sf_snprintf(p, sizeof(p), "sectors.list[%zu]", i);
			err_at(w, an, p, "sector '%s' has no attribute '%s' that task '%s' needs",
			       s->id, tk->req_per, tk->id ? tk->id : "?");
		}
	}
	/* Inputs from the register: a `register:` block to say where, a
	 * population for a threat, and no block that nothing uses. */
	for (i = 0; i < sc->nsectors; i++) {
		const sf_sector *s = &sc->sectors[i];
		if (!s->threat_from_register)
			continue;
		sc->reg.used = 1;
		sf_snprintf(p, sizeof(p), "sectors.list[%zu].attributes.threat", i);
		if (!sc->reg.given)
			err_at(w, w->sector_threat_nodes[i], p,
			       "'threat: from_register' needs a top-level 'register:' block naming "
			       "the store (register: {db: stabforce.db})");
		if (s->id && sf_sector_attr(s, sc->reg.population_attr, NULL) != 0)
			err_at(w, w->sector_threat_nodes[i], p,
			       "sector '%s' takes its threat from the register but has no "
			       "attribute "
			       "'%s' (the people the incident rate is counted against)",
			       s->id, sc->reg.population_attr);
	}
	for (t = 0; t < sc->ntasks; t++) {
		if (!sc->tasks[t].req_from_aid)
			continue;
		sc->reg.used = 1;
		sf_snprintf(p, sizeof(p), "tasks[%zu].requirement.from_aid", t);
		if (!sc->reg.given)
			err_at(w, w->task_aid_nodes ? w->task_aid_nodes[t] : NULL, p,
			       "'from_aid' needs a top-level 'register:' block naming the store "
			       "(register: {db: stabforce.db})");
	}
	if (sc->reg.given && !sc->reg.used)
		warn_pos(w, sc->reg.pos, "register",
		         "no sector or task takes an input from the register: the block changes "
		         "nothing");
	/* A unit type that can do nothing (once the rest is right). */
	for (i = 0; i < sc->nunit_types && w->nerrors == 0; i++) {
		const sf_unit_type *u = &sc->unit_types[i];
		for (t = 0; t < sc->ntasks; t++) {
			if (u->capability[t] > 0)
				break;
		}
		if (t == sc->ntasks && u->id) {
			sf_snprintf(p, sizeof(p), "unit_types[%zu].capabilities", i);
			warn_pos(w, u->pos, p, "unit type '%s' has no capability for any task",
			         u->id);
		}
	}
	/* A pledge that can never be used (only once the rest is right: after
	 * an error in its caveats this would be noise). */
	for (i = 0; i < sc->npledges && w->nerrors == 0; i++) {
		const sf_pledge *pl = &sc->pledges[i];
		const sf_unit_type *u;
		int can_task = 0, can_any = 0;
		if (!pl->id || pl->unit >= sc->nunit_types)
			continue;
		u = &sc->unit_types[pl->unit];
		for (t = 0; t < sc->ntasks; t++) {
			if (!pl->task_ok[t] || !(u->capability[t] > 0))
				continue;
			can_task = 1;
			if (sc->tasks[t].scope == SF_SCOPE_MISSION) {
				if (pl->loc_ok[SF_MISSION(sc)])
					can_any = 1;
			} else {
				for (l = 0; l < sc->nsectors; l++) {
					if (pl->loc_ok[l])
						can_any = 1;
				}
			}
		}
		if (can_any)
			continue;
		sf_strlcpy(p, w->pledge_paths ? w->pledge_paths[i] : "", sizeof(p));
		if (!can_task)
			warn_pos(w, pl->pos, p,
			         "pledge '%s' can never be used: unit type '%s' has no capability "
			         "for any task it may do",
			         pl->id, u->id ? u->id : "?");
		else
			warn_pos(w, pl->pos, p,
			         "pledge '%s' can never be used: its caveats leave it no location "
			         "for the tasks it may do",
			         pl->id);
	}
}

/* ------------------------------------------------------------------ */
/* Format 2: the present, notice, reception, what is deployed           */

/*
 * a0, the first decision month: the month of as_of when it falls inside
 * the plan, 1 when before it; after the last month it is an error (there
 * is nothing left to plan). Without as_of, 1.
 */
static void set_decision_month(walk *w, const sf__ynode *as_of_node)
{
	sf_scenario *sc = w->sc;
	char last[16];
	int y, m;
	long k;

	sc->a0 = 1;
	if (!sc->as_of || !w->months_ok || sscanf(sc->as_of, "%4d-%2d", &y, &m) != 2)
		return;
	k = (long)(y - sc->start_year) * 12 + (m - sc->start_month) + 1;
	if (k > sc->months) {
		w->as_of_bad = 1;
		err_at(w, as_of_node, "as_of",
		       "as_of %s is after the last month of the plan (%s): nothing is left to "
		       "plan (format 2 plans from the month of as_of on)",
		       sc->as_of, sf_scenario_month_label(sc, sc->months, last, sizeof(last)));
		return;
	}
	sc->a0 = k < 1 ? 1 : (int)k;
}

/* readiness: {rdl: days, level3: days, level2: days, level1: days}. */
static void walk_readiness(walk *w, const sf__ynode *n)
{
	const sf__ynode *v[SF_NREADINESS - 1];
	char p[SF_ERROR_PATH_MAX];
	long x;

	if (get_fields(w, n, "readiness", "the readiness table {level: days}", readiness_names + 1,
	               SF_NREADINESS - 1, v) != 0)
		return;
	for (int r = 1; r < SF_NREADINESS; r++)
		if (v[r - 1] &&
		    get_int(w, v[r - 1], pkey(p, sizeof(p), "readiness", readiness_names[r]),
		            readiness_names[r], 0, SF_MAX_LEAD_DAYS, &x) == 0)
			w->sc->readiness_days[r] = (int)x;
}

/* reception: [{from: month, personnel: number}, ...], increasing months. */
static void walk_reception(walk *w, const sf__ynode *n)
{
	static const char *const keys[] = {"from", "personnel"};
	sf_scenario *sc = w->sc;
	char p[SF_ERROR_PATH_MAX], sp[SF_ERROR_PATH_MAX], a[16], b[16];
	int prev = 0;

	if (check_seq(w, n, "reception", "steps {from: month, personnel: number}") != 0)
		return;
	if (n->nkids == 0) {
		err_at(w, n, "reception",
		       "expected at least one step {from: month, personnel: number} (leave "
		       "'reception' out for no limit)");
		return;
	}
	sc->reception = sf__arena_calloc(w->a, n->nkids, sizeof(*sc->reception));
	if (!sc->reception) {
		w->nomem = 1;
		return;
	}
	sc->nreception = n->nkids;
	for (size_t i = 0; i < n->nkids; i++) {
		const sf__ynode *v[2];
		sf_reception_step *st = &sc->reception[i];
		pidx(sp, sizeof(sp), "reception", i);
		st->from = 1;
		st->personnel = HUGE_VAL;
		if (get_fields(w, n->kids[i], sp, "a reception step", keys, 2, v) != 0)
			continue;
		if (!v[0])
			missing(w, n->kids[i], sp, "from", "the first month of this capacity");
		else if (get_month(w, v[0], pkey(p, sizeof(p), sp, "from"), &st->from) == 0) {
			if (st->from <= prev && w->months_ok)
				err_at(w, v[0], p,
				       "reception steps must be in increasing order of 'from': "
				       "month "
				       "%d does not come after month %d",
				       st->from, prev);
			prev = st->from;
		}
		if (!v[1])
			missing(w, n->kids[i], sp, "personnel",
			        "the most personnel arriving in the sectors per month, >= 0");
		else
			get_number_range(w, v[1], pkey(p, sizeof(p), sp, "personnel"), "personnel",
			                 0, 0, SF_MAX_AMOUNT, &st->personnel);
		if (i == 0 && v[0] && w->months_ok && !w->as_of_bad && st->from > sc->a0)
			warn_at(w, v[0], pkey(p, sizeof(p), sp, "from"),
			        "no personnel may arrive in the sectors from %s (%s) until %s, "
			        "when "
			        "the first reception step starts",
			        sf_scenario_month_label(sc, sc->a0, a, sizeof(a)),
			        sc->as_of && sc->a0 > 1 ? "the month of as_of" : "the first month",
			        sf_scenario_month_label(sc, st->from, b, sizeof(b)));
	}
}

/* The checks of one resolved `deployed:` entry against its pledge. */
static void check_deployment(walk *w, const sf_deployment *dp, const sf__ynode *const *v,
                             const sf__ynode *n, const char *path)
{
	sf_scenario *sc = w->sc;
	const sf_pledge *pl = &sc->pledges[dp->pledge];
	const sf_task *tk = &sc->tasks[dp->task];
	const sf_unit_type *u = &sc->unit_types[pl->unit];
	const char *loc = sf_scenario_location_id(sc, dp->location);
	char p[SF_ERROR_PATH_MAX], a[16], b[16];
	int in_sector = dp->location < sc->nsectors;

	if (dp->since > sc->a0)
		err_at(w, v[4] ? v[4] : n, v[4] ? pkey(p, sizeof(p), path, "since") : path,
		       "'since' (%s) is after the month of as_of (%s): only what is on the ground "
		       "by as_of is recorded%s",
		       sf_scenario_month_label(sc, dp->since, a, sizeof(a)),
		       sf_scenario_month_label(sc, sc->a0, b, sizeof(b)),
		       sc->as_of ? "" : " (give the scenario an as_of)");
	else if (dp->since < pl->from)
		err_at(w, v[4] ? v[4] : n, v[4] ? pkey(p, sizeof(p), path, "since") : path,
		       "pledge '%s' is available from %s: a unit of it cannot be deployed since %s "
		       "(correct the pledge's 'from' or 'since')",
		       pl->id, sf_scenario_month_label(sc, pl->from, a, sizeof(a)),
		       sf_scenario_month_label(sc, dp->since, b, sizeof(b)));
	if (tk->scope == SF_SCOPE_SECTOR && !in_sector)
		err_at(w, v[1], pkey(p, sizeof(p), path, "location"),
		       "task '%s' is done in sectors, not at 'mission'", tk->id);
	else if (tk->scope == SF_SCOPE_MISSION && in_sector)
		err_at(w, v[1], pkey(p, sizeof(p), path, "location"),
		       "task '%s' is mission-wide: its location is 'mission', not sector '%s'",
		       tk->id, loc);
	else if (!(u->capability[dp->task] > 0))
		err_at(w, v[2], pkey(p, sizeof(p), path, "task"),
		       "unit type '%s' of pledge '%s' has no capability for task '%s'", u->id,
		       pl->id, tk->id);
	else if (!pl->task_ok[dp->task] || !pl->loc_ok[dp->location])
		warn_at(w, n, path,
		        "pledge '%s' is recorded on task '%s' at '%s', which its caveats exclude: "
		        "from as_of on the plan cannot keep it there",
		        pl->id, tk->id, loc);
	else if (in_sector && sc->sectors[dp->location].opens > sc->a0)
		warn_at(w, n, path,
		        "sector '%s' opens in %s: from as_of on the plan cannot keep pledge '%s' "
		        "there before",
		        loc,
		        sf_scenario_month_label(sc, sc->sectors[dp->location].opens, a, sizeof(a)),
		        pl->id);
}

/* deployed: [{pledge, location, task, units, since}, ...]. */
static void walk_deployed(walk *w, const sf__ynode *n)
{
	static const char *const keys[] = {"pledge", "location", "task", "units", "since"};
	sf_scenario *sc = w->sc;
	char p[SF_ERROR_PATH_MAX], sp[SF_ERROR_PATH_MAX];
	long *total = NULL;

	if (check_seq(w, n, "deployed", "deployments {pledge, location, task, units, since}") != 0)
		return;
	sc->deployed = sf__arena_calloc(w->a, n->nkids ? n->nkids : 1, sizeof(*sc->deployed));
	total = sf__arena_calloc(w->a, sc->npledges ? sc->npledges : 1, sizeof(*total));
	if (!sc->deployed || !total) {
		w->nomem = 1;
		return;
	}
	for (size_t i = 0; i < n->nkids; i++) {
		const sf__ynode *v[5], *e = n->kids[i];
		sf_deployment dp = {0, 0, 0, 1, 1, {e->line, e->column}};
		long k, pl = -1, loc = -1, t = -1;
		pidx(sp, sizeof(sp), "deployed", i);
		if (get_fields(w, e, sp, "a deployment", keys, 5, v) != 0)
			continue;
		if (!v[0])
			missing(w, e, sp, "pledge", "the pledge the units belong to");
		else
			pl = resolve(w, &w->pledges, v[0], pkey(p, sizeof(p), sp, "pledge"), 0);
		if (!v[1])
			missing(w, e, sp, "location", "a sector id or 'mission'");
		else
			loc = resolve(w, &w->sectors, v[1], pkey(p, sizeof(p), sp, "location"), 1);
		if (!v[2])
			missing(w, e, sp, "task", "the task the units are on");
		else
			t = resolve(w, &w->tasks, v[2], pkey(p, sizeof(p), sp, "task"), 0);
		if (!v[3])
			missing(w, e, sp, "units", "how many units, an integer >= 1");
		else if (get_int(w, v[3], pkey(p, sizeof(p), sp, "units"), "units", 1, SF_MAX_UNITS,
		                 &k) == 0)
			dp.units = (int)k;
		if (v[4] && get_month(w, v[4], pkey(p, sizeof(p), sp, "since"), &dp.since) != 0)
			dp.since = 1;
		if (pl < 0 || loc < 0 || t < 0 || (size_t)pl >= sc->npledges ||
		    !sc->pledges[pl].id || sc->pledges[pl].unit >= sc->nunit_types)
			continue;
		dp.pledge = (size_t)pl;
		dp.location = (size_t)loc;
		dp.task = (size_t)t;
		check_deployment(w, &dp, v, e, sp);
		total[pl] += dp.units;
		if (total[pl] > sc->pledges[pl].count)
			err_at(w, v[3], pkey(p, sizeof(p), sp, "units"),
			       "pledge '%s' has %d %s, but %ld are recorded as deployed up to here",
			       sc->pledges[pl].id, sc->pledges[pl].count,
			       sc->pledges[pl].count == 1 ? "unit" : "units", total[pl]);
		sc->deployed[sc->ndeployed++] = dp;
	}
}

/* Warnings across the format-2 keys, once everything is resolved. */
static void check_cross_f2(walk *w)
{
	sf_scenario *sc = w->sc;
	char a[16];
	size_t silent = 0, first = 0, noticed = 0;

	if (w->nerrors)
		return;
	for (size_t i = 0; i < sc->npledges; i++) {
		const sf_pledge *pl = &sc->pledges[i];
		int e = sf_pledge_earliest(sc, i), present = 0;
		if (!pl->has_notice && silent++ == 0)
			first = i;
		noticed += pl->has_notice;
		for (size_t d = 0; d < sc->ndeployed; d++)
			present |= sc->deployed[d].pledge == i;
		if (e > pl->to && !present && sc->as_of)
			warn_pos(w, pl->pos, w->pledge_paths ? w->pledge_paths[i] : "",
			         "pledge '%s' can never serve: with %d days of notice from as_of "
			         "(%s) it cannot arrive by its last month (%s)",
			         pl->id, pl->lead_days, sc->as_of,
			         sf_scenario_month_label(sc, pl->to, a, sizeof(a)));
	}
	if (sc->as_of && silent > 0)
		warn_pos(w, sc->pledges[first].pos, w->pledge_paths ? w->pledge_paths[first] : "",
		         "%zu %s no notice (lead_days or readiness), the first '%s': %s may arrive "
		         "in the month of as_of (%s)",
		         silent, silent == 1 ? "pledge gives" : "pledges give",
		         sc->pledges[first].id, silent == 1 ? "it" : "they",
		         sf_scenario_month_label(sc, sc->a0, a, sizeof(a)));
	if (!sc->as_of && noticed > 0)
		warn_pos(w, (sf_srcpos){1, 1}, "as_of",
		         "no 'as_of': notice (lead_days, readiness) counts from nothing and no "
		         "month "
		         "is history; give the date the facts are current to");
}

/* ------------------------------------------------------------------ */
/* The sector map                                                       */

static char *resolve_relative(walk *w, const char *base, const char *rel)
{
	const char *slash = strrchr(base, '/');
	size_t dirlen;
	char *out;

	if (rel[0] == '/' || !slash)
		return sf__arena_strdup(w->a, rel);
	dirlen = (size_t)(slash - base) + 1;
	out = sf__arena_alloc(w->a, dirlen + strlen(rel) + 1);
	if (!out)
		return NULL;
	memcpy(out, base, dirlen);
	memcpy(out + dirlen, rel, strlen(rel) + 1);
	return out;
}

static sf_status check_geometry(walk *w)
{
	sf_scenario *sc = w->sc;
	sf__geo *g = NULL;
	char p[SF_ERROR_PATH_MAX], *resolved, *text;
	size_t i, len;
	sf_error ferr;
	sf_status rc;

	if (!sc->geojson_path || !w->geojson_node || sc->nsectors == 0)
		return SF_OK;
	resolved = resolve_relative(w, w->file, sc->geojson_path);
	if (!resolved)
		return SF_ERR_NOMEM;
	sf_error_clear(&ferr);
	rc = sf_file_read(resolved, SF_MAX_GEOJSON_BYTES, "a sector map", &text, &len, &ferr);
	if (rc == SF_ERR_NOMEM)
		return rc;
	if (rc != SF_OK) {
		/* at the scenario's key, naming the map */
		err_at(w, w->geojson_node, "sectors.geojson", "%s", ferr.message);
		return SF_OK;
	}
	sc->geojson_path = resolved;
	rc = sf__geo_load_mem(text, len, resolved, sc->id_property, &g, w->diags);
	free(text);
	if (rc == SF_ERR_NOMEM)
		return rc;
	if (rc != SF_OK) {
		w->nerrors++;
		return SF_OK;
	}
	for (i = 0; i < sc->nsectors; i++) {
		sf_sector *s = &sc->sectors[i];
		long k;
		if (!s->id)
			continue;
		k = sf__geo_find(g, s->id);
		if (k < 0) {
			const char *cands[64];
			size_t j, nc = sf__geo_count(g) < 64 ? sf__geo_count(g) : 64;
			char h[128];
			for (j = 0; j < nc; j++)
				cands[j] = sf__geo_id(g, j);
			hint(h, sizeof(h), s->id, cands, nc);
			sf_snprintf(p, sizeof(p), "sectors.list[%zu].id", i);
			if (h[0])
				err_at(w, w->sector_id_nodes[i], p,
				       "sector '%s' has no polygon in '%s'%s", s->id, resolved, h);
			else
				err_at(w, w->sector_id_nodes[i], p,
				       "sector '%s' has no polygon in '%s' (no feature has %s "
				       "'%s')",
				       s->id, resolved, sc->id_property, s->id);
			continue;
		}
		s->area_km2_geom = sf__geo_area_km2(g, (size_t)k);
		if (w->sector_area_nodes[i]) {
			double given = 0;
			sf_sector_attr(s, "area_km2", &given);
			if (fabs(given - s->area_km2_geom) > 0.10 * s->area_km2_geom) {
				sf_snprintf(p, sizeof(p), "sectors.list[%zu].attributes.area_km2",
				            i);
				warn_at(w, w->sector_area_nodes[i], p,
				        "area_km2 %g of sector '%s' differs from its polygon's "
				        "area "
				        "(%.1f km2) by more than 10%%",
				        given, s->id, s->area_km2_geom);
			}
		}
	}
	for (i = 0; i < sf__geo_count(g); i++) {
		const char *id = sf__geo_id(g, i);
		int line, column;
		if (idtab_find(&w->sectors, id) >= 0)
			continue;
		sf__geo_pos(g, i, &line, &column);
		sf_snprintf(p, sizeof(p), "features[%zu]", i);
		err_pos(w, resolved, line, column, p,
		        "polygon '%s' has no sector in sectors.list of '%s'", id, w->file);
	}
	sf__geo_free(g);
	return SF_OK;
}

/* ------------------------------------------------------------------ */
/* Entry                                                                */

/* The checks across numbers (bounds.c), each at its object's place. */
static int report_number(void *ctx, sf_srcpos pos, const char *path, const char *msg)
{
	walk *w = ctx;

	err_pos(w, w->file, pos.line, pos.column, path, "%s", msg);
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

sf_status sf__scenario_build(sf_scenario *sc, const sf__ynode *root, const char *file,
                             const sf_load_options *opts, sf_diags *diags)
{
	static const char *const keys[] = {"format", "name", "as_of", "mandate", "sectors",
	                                   "unit_types", "tasks", "contributors", "stakeholders",
	                                   "register", "reimbursement",
	                                   /* format 2: */
	                                   "readiness", "reception", "deployed"};
	const sf__ynode *v[14];
	walk w;
	long format;
	sf_status rc;

	memset(&w, 0, sizeof(w));
	w.sc = sc;
	w.a = sc->arena;
	w.file = file;
	w.opts = opts;
	w.diags = diags;
	w.truncated = root->truncated;
	sc->format = 1;
	sc->months = 1;
	sc->start_year = 2000;
	sc->start_month = 1;
	sc->path = sf__arena_strdup(w.a, file);
	if (!sc->path)
		return SF_ERR_NOMEM;

	sc->reg.threat_window_days = 28;
	sc->reg.threat_min = 0.5;
	sc->reg.threat_max = 2.0;
	sc->reg.threat_weight = 1;
	sc->reg.population_attr = sf__arena_strdup(w.a, "population");
	if (!sc->reg.population_attr)
		return SF_ERR_NOMEM;

	memcpy(sc->readiness_days, readiness_default_days, sizeof(sc->readiness_days));
	sc->a0 = 1;
	/* The format first: it decides which keys the rest may use. */
	if (root->kind == SF__YMAP) {
		for (size_t i = 0; i < SF__YMAP_LEN(root); i++) {
			const sf__ynode *k = SF__YMAP_KEY(root, i), *fv = SF__YMAP_VAL(root, i);
			double f;
			int is_int;
			if (k->kind == SF__YSCALAR && strcmp(k->value, "format") == 0 &&
			    scalar_number(fv, &f, &is_int) == 0 && is_int && f >= 2) {
				sc->format = 2; /* format 3 and above: reported below */
				break;
			}
		}
	}
	sc->troop_rate = SF_UN_TROOP_RATE;
	sc->troop_rate_source = (char *)SF_UN_TROOP_RATE_SOURCE;
	if (get_fields_f2(&w, root, "", "the scenario", keys, 14, 11, v) != 0)
		return w.nomem ? SF_ERR_NOMEM : SF_ERR_SCENARIO;
	if (!v[0])
		missing(&w, root, "", "format", "format: 1 or format: 2");
	else if (get_int(&w, v[0], "format", "format", 1, SF_MAX_INT, &format) == 0 && format > 2)
		err_at(&w, v[0], "format",
		       "unsupported format %ld: this stabforce reads formats 1 and 2", format);
	if (v[1])
		get_string(&w, v[1], "name", &sc->name);
	if (!sc->name)
		sc->name = sf__arena_strdup(w.a, base_name(file));
	if (v[2] && get_string(&w, v[2], "as_of", &sc->as_of) == 0 && !valid_date(sc->as_of)) {
		err_at(&w, v[2], "as_of", "expected a date YYYY-MM-DD, found '%s'", sc->as_of);
		sc->as_of = NULL;
	}
	if (v[9] && !is_null(v[9]))
		walk_register(&w, v[9]);
	if (!sc->reg.as_of)
		sc->reg.as_of = sc->as_of; /* the facts' date ends the windows */
	if (!v[3])
		missing(&w, root, "", "mandate", "authority, start, months, troop_ceiling");
	else
		walk_mandate(&w, v[3]);
	if (sc->format >= 2)
		set_decision_month(&w, v[2]);
	if (v[10])
		walk_reimbursement(&w, v[10]);
	if (v[11])
		walk_readiness(&w, v[11]);
	if (v[12] && !is_null(v[12]))
		walk_reception(&w, v[12]);
	if (!v[4])
		missing(&w, root, "", "sectors", "geojson, id_property, list");
	else
		walk_sectors(&w, v[4]);
	if (w.sectors.ids == NULL && idtab_init(&w, &w.sectors, "sector", 0) != 0)
		return SF_ERR_NOMEM;
	if (!v[6])
		missing(&w, root, "", "tasks", "the list of tasks");
	else
		walk_tasks(&w, v[6]);
	if (w.tasks.ids == NULL && idtab_init(&w, &w.tasks, "task", 0) != 0)
		return SF_ERR_NOMEM;
	if (!v[5])
		missing(&w, root, "", "unit_types", "the list of unit types");
	else
		walk_units(&w, v[5]);
	if (w.units.ids == NULL && idtab_init(&w, &w.units, "unit type", 0) != 0)
		return SF_ERR_NOMEM;
	if (!v[7])
		missing(&w, root, "", "contributors", "the list of contributors and their pledges");
	else
		walk_contributors(&w, v[7]);
	if (w.contributors.ids == NULL && idtab_init(&w, &w.contributors, "contributor", 0) != 0)
		return SF_ERR_NOMEM;
	if (v[8] && !is_null(v[8])) /* `stakeholders:` with nothing: none */
		walk_stakeholders(&w, v[8]);
	if (v[13] && !is_null(v[13]))
		walk_deployed(&w, v[13]);
	if (w.nomem)
		return SF_ERR_NOMEM;
	if (w.truncated) /* checks across objects need all of them */
		return SF_ERR_SCENARIO;
	check_cross(&w);
	if (sc->format >= 2)
		check_cross_f2(&w);
	if (w.nerrors == 0) /* the products need every object resolved */
		sf__check_numbers(sc, report_number, &w);
	if (!opts->skip_geometry) {
		rc = check_geometry(&w);
		if (rc != SF_OK)
			return rc;
	}
	if (w.nomem)
		return SF_ERR_NOMEM;
	return w.nerrors ? SF_ERR_SCENARIO : SF_OK;
}
